# Alerts: notifications, the inbox and the alert page (app, CLI and console).
alert-update-prefix = Aggiornamento:
alert-at-places = [{ $places }] { $headline }
alerts-title = Allerte
alerts-none = Nessuna allerta.
alerts-active = In corso
alerts-history = Cronologia
alert-state-active = In corso
alert-state-expired = Scaduta
alert-state-cancelled = Annullata
alert-state-draft = Bozza
alert-unread = Non letta
alert-instruction = Cosa fare
# With its punctuation, before a value (the French typography puts a space before the colon).
alert-audience-label = Per:
alert-instruction-label = Cosa fare:
alert-places-label = I vostri luoghi:
places-min-all = tutte le allerte
alert-contact-label = Contatto:
alert-area-territory = Tutto il territorio
alert-area-shapes = una zona sulla mappa
alert-status-actual = Reale
alert-status-exercise = Esercitazione
alert-status-test = Test tecnico
alert-expires = Fino al { $date }
alert-sent = Inviata il { $date }
alert-more = Per saperne di più
alert-back = Torna alle allerte
alert-banner-open = Vedi l'allerta
alert-banner-more = (+{ $count } { $count ->
    [one] altra
   *[other] altre
})
alert-banner-all = Vedi le allerte
alert-banner-dismiss = Nascondi la barra
alert-msg-alert = Allerta
alert-msg-update = Aggiornamento
alert-msg-cancel = Annullamento
severity-extreme = Estrema
severity-severe = Grave
severity-moderate = Moderata
severity-minor = Minore
severity-unknown = Sconosciuta
level-information = Informazione
level-watch_and_act = Attenzione: preparatevi
level-emergency = Emergenza: agite
cta-information = Restate informati: seguite l'evoluzione e le indicazioni del vostro municipio.
cta-watch_and_act = Preparatevi ad agire: la situazione evolve, seguite le indicazioni.
cta-emergency = Agite subito per mettervi al sicuro.
alert-standard-cta-label = Indicazione generale:
alert-all-clear = Cessato allarme
alert-all-clear-cta = Il pericolo è passato. Restate prudenti.
alert-issuer = Emesso da { $name }
alert-share = Condividi
alert-share-link = Link pubblico dell'allerta
alert-share-copied = Link copiato: incollalo in un messaggio per condividere l'allerta.
alert-share-not-copied = Copia questo link per condividere l'allerta.
alert-link-label = Link:
alerts-unread-count = { $count ->
    [one] { $count } non letta
   *[other] { $count } non lette
}

# Reports
report-status-changed = La tua segnalazione: { $status }
report-followed-status-changed = Segnalazione seguita: { $status }
report-status-received = ricevuta
report-status-in_progress = in lavorazione
report-status-planned = intervento previsto
report-status-fixed = risolta
report-status-not_fixed = chiusa senza intervento
report-status-duplicate = già segnalata
report-state-queued = in attesa di invio
report-state-sending = invio in corso
report-state-sent = inviata
report-state-failed = rifiutata
# The system tray (the app keeps receiving alerts while its window is closed).
tray-open = Apri Beffroi
tray-quit = Esci da Beffroi
