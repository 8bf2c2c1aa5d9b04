# Console del comune.

console-title = Console del comune
console-language = Lingua
lang-fr = Français
lang-en = English
lang-it = Italiano
login-title = Accesso del personale
login-username = Nome utente
login-password = Password
login-submit = Accedi
login-pending = Accesso…
login-failed = Nome utente o password errati.
login-error = Accesso impossibile: { $message }
logged-in-as = Connesso: { $username } ({ $role })
logout = Esci
role-admin = amministratore
role-publisher = pubblicazione
role-editor = redazione
communes-title = Comuni del territorio
communes-count = { $count ->
    [one] { $count } comune
   *[other] { $count } comuni
}
communes-code = Codice INSEE
communes-name = Nome
communes-population = Popolazione
communes-postal = Codici postali
session-expired = La sessione è scaduta: accedi di nuovo.
server-error-unauthorized = La sessione è scaduta: accedi di nuovo.
server-error-forbidden = Il tuo ruolo non consente questa azione: chiedila a un responsabile.
server-error-not_found = Non trovato: forse è stato eliminato nel frattempo. Ricarica la pagina.
server-error-too_many_requests = Troppe richieste in poco tempo: attendi un momento e riprova.
server-error-payload_too_large = Il file o il testo inviato è troppo grande.
server-error-unsupported_media_type = Questo tipo di file non è accettato.
server-error-method_not_allowed = Questa azione non è possibile qui.
server-error-internal = Il server ha incontrato un errore (è registrato nel suo log). Riprova tra un momento.
server-error-busy = Il server è molto sollecitato: riprova tra qualche secondo.
server-error-draft_changed = Questa bozza è stata modificata dopo la tua revisione: rileggila prima di pubblicare.
server-error-network = Il server non risponde: controlla la connessione e riprova.
server-error-refused = Rifiutato dal server: { $detail }
load-error = Caricamento impossibile: { $message }
nav-label = Sezioni
places-title = Elenco di negozi e servizi
places-search = Cerca per nome
places-search-submit = Cerca
places-new = Aggiungi un luogo
places-new-title = Nuovo luogo
places-edit-title = Modifica il luogo
places-name = Nome
places-category = Categoria
places-street = Via
places-postcode = Codice postale
places-city = Città
places-lat = Latitudine
places-lon = Longitudine
places-phone = Telefono
places-hours = Orari (opening_hours)
places-hours-help = Sintassi OpenStreetMap, per esempio: Mo-Fr 08:30-12:30,14:00-19:00; Sa 09:00-12:00; PH off
places-delivery = Consegna a domicilio
places-direct-sales = Vendita diretta (produttore)
places-collection-point = Punto di ritiro
places-takeaway = Da asporto
places-save = Salva
places-cancel = Annulla
places-saved = «{ $name }» è salvato.
places-actions = Azioni
places-edit = Modifica
places-edit-label = Modifica { $name }
places-close = Chiudi
places-close-label = Chiudi { $name }
places-reopen = Riapri
places-reopen-label = Riapri { $name }
places-closed = chiuso
places-closed-done = «{ $name }» è segnato come chiuso.
places-reopened-done = «{ $name }» è riaperto.
places-delete = Elimina
places-delete-label = Elimina { $name }
places-delete-confirm = Eliminare «{ $name }» dall'elenco?
places-deleted = «{ $name }» è eliminato.
places-count = { $count ->
    [one] { $count } luogo mostrato
   *[other] { $count } luoghi mostrati
}
places-import-title = Importa un file
places-import-help = GeoJSON esportato da OpenStreetMap, o CSV con le colonne id, name, category, lat, lon (vedi docs/directory.md).
places-import-file = File
places-import-submit = Importa
places-import-failed = Importazione impossibile: { $message }
places-report-title = Rapporto di importazione
places-report-counts = { $inserted } aggiunti, { $updated } aggiornati, { $unchanged } invariati, { $kept } conservati (modificati o eliminati dal comune), { $skipped } ignorati (né negozi né servizi), { $rejected } rifiutati.
places-report-row = Riga
places-report-what = Elemento
places-report-reason = Motivo

# Alerts page
alerts-new = Nuova allerta
alerts-form-draft = Redigi un'allerta
alerts-form-update = Aggiorna l'allerta inviata
alerts-event = Evento (poche parole)
alerts-event-code = Codice evento (facoltativo, es. confinement)
alerts-category = Categoria
alerts-severity = Gravità
alerts-urgency = Urgenza
alerts-certainty = Certezza
alerts-status = Natura
alerts-expires = Scadenza
alerts-fr-first = obbligatorio
alerts-headline = Titolo (al massimo 160 caratteri)
alerts-description = Descrizione
alerts-instruction = Istruzioni
alerts-web-help = Il link può essere una pagina di consigli del municipio (proposta mentre scrivi): l'app la apre allora dalla sua copia, anche offline.
alerts-web = Link (facoltativo)
alerts-area = Comuni interessati
alerts-save-draft = Salva la bozza e visualizza l'anteprima
alerts-send-update = Invia l'aggiornamento
alerts-draft-saved = Bozza salvata. Controlla l'anteprima prima di pubblicare.
alerts-update-sent = Aggiornamento inviato ai residenti.
alerts-published = Allerta pubblicata: sta arrivando ai residenti interessati.
alerts-cancelled = Allerta annullata.
alerts-cancel-confirm = Annullare questa allerta per tutti i residenti?
alerts-preview = Anteprima della notifica
alerts-urgent = urgente
alerts-normal = normale
alerts-publish = Pubblica
alerts-choose = Scegliere…
alerts-area-communes = Alcuni comuni
alerts-area-shapes = Una zona disegnata (poligono o cerchio)
alerts-polygons = Poligoni, uno per riga
alerts-polygons-help = Nel formato CAP: coppie «latitudine,longitudine» separate da spazi, il primo punto ripetuto alla fine. Per esempio 43.692,7.264 43.702,7.264 43.702,7.277 43.692,7.264
alerts-circles = Cerchi, uno per riga
alerts-circles-help = Nel formato CAP: «latitudine,longitudine raggio», il raggio in chilometri. Per esempio 43.7281,7.3617 1.5
alerts-area-check = Verifica la zona
alerts-area-map-label = Mappa per disegnare la zona; il campo «Poligoni» riceve ciò che è disegnato.
alerts-area-map-help = Cliccate sulla mappa per posare gli angoli di un poligono, poi «Chiudi il poligono»: si aggiunge al campo qui sopra, che potete anche compilare con la tastiera.
alerts-area-corners = { $count ->
    [0] Nessun angolo posato
    [one] 1 angolo posato
   *[other] { $count } angoli posati
}
alerts-area-close = Chiudi il poligono
alerts-area-clear = Cancella il disegno
alerts-area-reaches = Questa zona tocca { $count ->
    [one] il comune
   *[other] { $count } comuni:
} { $names }.
alerts-area-places = Luoghi dell'annuario nella zona: { $list }.
alerts-area-places-none = Nessun luogo dell'annuario nella zona.
alerts-area-place-count = { $kind } ({ $count })
alerts-confirm-shapes = { $count ->
    [one] una zona sulla mappa
   *[other] { $count } zone sulla mappa
}
alerts-confirm-title = Pubblicare questa allerta?
alerts-confirm-to = Destinatari
alerts-confirm-langs = Lingue
alerts-confirm-communes = { $count ->
    [one] Il comune di { $names }
   *[other] { $count } comuni: { $names }
}
alerts-confirm-publish = Pubblica ora
alerts-confirm-back = Tornare senza pubblicare
alerts-missing-langs = Nessun testo in: { $langs }. Questi residenti riceveranno il testo francese.
alerts-other-texts = Testi mantenuti così come sono (questa pagina non li modifica): { $langs }.
alerts-duplicate = Un'allerta attiva dice già la stessa cosa: «{ $headline }». Pubblicarla di nuovo?
alerts-needs-publisher = La pubblicazione richiede il ruolo di pubblicazione.
alerts-state = Stato
alerts-updated = Modificata il
alerts-actions = Azioni
alerts-update = Aggiorna
alerts-cancel = Annulla l'allerta
alerts-public-page = Pagina pubblica
alerts-public-page-of = Pagina pubblica di « { $headline } » (nuova scheda)
edit = Modifica
cancel = Abbandona
alert-category-health = Salute
alert-category-safety = Protezione civile
alert-category-security = Sicurezza
alert-category-rescue = Soccorso
alert-category-fire = Incendio
alert-category-met = Meteo
alert-category-geo = Geologico
alert-category-env = Ambiente
alert-category-transport = Trasporti
alert-category-infra = Reti e infrastrutture
alert-category-cbrne = NBCR
alert-category-other = Altro
urgency-immediate = Immediata
urgency-expected = Prevista
urgency-future = Futura
urgency-past = Passata
urgency-unknown = Sconosciuta
certainty-observed = Osservata
certainty-likely = Probabile
certainty-possible = Possibile
certainty-unlikely = Improbabile
certainty-unknown = Sconosciuta
alerts-col-headline = Titolo

# Reports page
reports-title = Segnalazioni
reports-back = ← Tutte le segnalazioni
reports-filters = Filtra le segnalazioni
reports-commune = Comune
reports-category = Categoria
reports-status = Stato
reports-all = Tutte
reports-kind-open = Aperte
reports-kind-fixed = Risolte
reports-kind-closed = Chiuse
reports-from = Ricevute dal
reports-to = Ricevute prima del
reports-sort = Ordine
reports-newest = Più recenti prima
reports-oldest = Più vecchie prima
reports-apply = Filtra
reports-export-csv = Esporta in CSV
reports-export-geojson = Esporta in GeoJSON
reports-count = { $count ->
    [one] { $count } segnalazione
   *[other] { $count } segnalazioni
}
reports-more = Mostra le segnalazioni successive
reports-received = Ricevuta il
reports-description = Descrizione
reports-commune-only = il punto esatto è nella descrizione
reports-address = Indirizzo
reports-position = Coordinate
reports-open-map = vedi su OpenStreetMap
reports-photos = Foto
reports-photo-alt = Foto { $n } della segnalazione
reports-contact = Contatto (privato)
reports-history = Cronologia
reports-new-status = Nuovo stato
reports-reason = Motivo
reports-duplicate-of = Duplicato della segnalazione (identificativo)
reports-public-message = Messaggio pubblico al residente
reports-save-status = Salva lo stato
reports-status-saved = Stato salvato: il residente lo vedrà.
link-title = Collegamento per gli abitanti
link-explain = Stampa questo collegamento o questo codice QR sui manifesti e sul sito: indica l'indirizzo del tuo server e l'impronta della sua chiave, che gli abitanti confrontano con quella mostrata dalla loro app (Impostazioni) o passano al comando beffroi, così che nessun altro server possa spacciarsi per il tuo comune.
link-qr-alt = Codice QR del collegamento del comune
link-server = Indirizzo del server
link-fingerprint = Impronta della chiave del comune
link-link = Collegamento
link-print = Stampa il manifesto
reports-map-show = Mostra la mappa
reports-map-hide = Nascondi la mappa
reports-map-label = Mappa delle segnalazioni che corrispondono ai filtri; la tabella qui sotto dà le stesse informazioni.
reports-map-cluster = { $count } segnalazioni qui: cliccate per ingrandire
reports-map-unlocated = { $count ->
    [one] 1 segnalazione senza posizione non è sulla mappa
   *[other] { $count } segnalazioni senza posizione non sono sulla mappa
}

# Rules in force (measures) page; the shared sentences are in measures.ftl
measures-new = Aggiungi una regola
measures-new-title = Nuova regola
measures-edit-title = Modifica la regola (versione { $version })
measures-kind = Tipo di regola
measures-choose = Scegliere…
measures-level = Livello
measures-curfew-from = Inizio del coprifuoco
measures-curfew-until = Fine del coprifuoco
measures-curfew-help = Una fine precedente all'inizio passa la mezzanotte: dalle 21:00 alle 06:00, per esempio.
measures-masks = Mascherina
measures-gatherings = Numero massimo di persone (da 1 a { $max })
measures-schools = Scuole
measures-preview = Gli abitanti leggeranno: «{ $summary }»
measures-area = Comuni interessati
measures-area-communes = Alcuni comuni
measures-pick-commune = Spuntate almeno un comune, o scegliete tutto il territorio.
measures-form-since = In vigore dal
measures-form-until = Fino al (facoltativo)
measures-form-until-help = Lasciate vuoto se la fine non è ancora nota.
measures-texts = Precisazioni, al massimo 500 caratteri per lingua (facoltative)
measures-texts-other = Precisazioni, al massimo 500 caratteri per lingua (obbligatorie per una regola «Altro»: almeno una lingua)
measures-text-in = In { $lang }:
measures-save = Salva la regola
measures-saved = Regola salvata: «{ $summary }» (versione { $version }).
measures-reload = Ricarica l'ultima versione (quanto scritto andrà perso)
measures-gone = Questa regola è stata ritirata nel frattempo.
measures-list-title = Regole pubblicate
measures-count = { $count ->
    [0] Nessuna regola pubblicata.
    [one] 1 regola pubblicata (le regole ritirate non sono più elencate).
   *[other] { $count } regole pubblicate (le regole ritirate non sono più elencate).
}
measures-other-title = { $rule }: { $text }
measures-status-in-force = In vigore
measures-status-upcoming = In arrivo
measures-status-ended = Terminata
measures-communes = Comuni
measures-validity = Validità
measures-version-label = Ultima modifica
measures-version-changed = Versione { $version } del { $date }
measures-version-withdrawn = ritirata
measures-edit-label = Modifica: { $summary }
measures-withdraw = Ritira
measures-withdraw-label = Ritira: { $summary }
measures-withdraw-confirm = Ritirare la regola «{ $summary }»? Gli abitanti non la vedranno più; la sua cronologia resta consultabile.
measures-withdrawn-done = Regola ritirata: «{ $summary }».
measures-history = Cronologia
measures-history-label = Cronologia: { $summary }
measures-history-title = Cronologia di «{ $summary }»
measures-needs-publisher = Aggiungere, modificare o ritirare una regola richiede il ruolo di pubblicazione.

# The field agent's tab: one-tap reports
field-title = Sul campo
field-intro = Pulsanti pronti per segnalare con un tocco dove ti trovi: ogni pulsante invia una segnalazione alla posizione di questo dispositivo, indicata come inviata da te. Senza rete resta qui e parte appena torna la connessione.
field-position = Posizione nota con una precisione di { $accuracy } m.
field-position-waiting = Ricerca della posizione…
field-position-denied = La posizione è negata a questa pagina: autorizzala nel browser per segnalare con un tocco.
field-position-unavailable = Posizione non disponibile per ora: riprova all'aperto o tra un momento.
field-position-vague = Posizione troppo vaga (con una precisione di { $accuracy } m) per dire dov'è la segnalazione: attendi un momento o spostati all'aperto.
field-waiting = { $count ->
    [one] Una segnalazione attende la rete.
   *[other] { $count } segnalazioni attendono la rete.
}
field-queued = Segnalazione «{ $category }» salvata sul dispositivo.
field-sent = Segnalazione «{ $category }» inviata al municipio.
field-refused = Segnalazione «{ $category }» rifiutata: { $detail }
field-setup = Preparare i pulsanti
field-category = Categoria
field-choose = Scegliere…
field-text = Testo della segnalazione
field-add = Aggiungere il pulsante
field-preset-added = Pulsante aggiunto.
field-remove = Eliminare
field-remove-label = Eliminare il pulsante «{ $text }»
reports-filed-by = Inviata da
reports-filed-by-staff = { $name } (personale del municipio)
reports-staff-badge = Personale

# Mutual aid moderation.
aid-console-intro = Gli annunci di aiuto reciproco dei residenti attendono la tua approvazione prima di essere pubblicati, salvo nei comuni a pubblicazione diretta. È noto solo un luogo approssimativo; il dispositivo è indicato solo da un'impronta.
aid-filter = Mostra
aid-filter-all = Tutti gli annunci
aid-queue-none = Nessun annuncio in questo elenco.
aid-received = Ricevuto il { $date }
aid-device = Dispositivo { $device }
aid-blocked-badge = Dispositivo bloccato
aid-abuse = { $count ->
    [one] 1 segnalazione di abuso
   *[other] { $count } segnalazioni di abuso
}
aid-approve = Pubblica
aid-hide = Nascondi
aid-block = Blocca il dispositivo
aid-unblock = Sblocca il dispositivo
aid-block-confirm = Bloccare questo dispositivo? Non potrà più pubblicare, scrivere né segnalare, e i suoi annunci saranno nascosti.
aid-approved = Annuncio pubblicato.
aid-hidden = Annuncio nascosto.
aid-blocked = { $count ->
    [one] Dispositivo bloccato; 1 annuncio nascosto.
   *[other] Dispositivo bloccato; { $count } annunci nascosti.
}
aid-unblocked = Dispositivo sbloccato.
aid-publish-first-title = Pubblicazione diretta
aid-publish-first-help = Nei comuni spuntati, gli annunci sono pubblicati appena inviati e moderati dopo. Riservato al ruolo pubblicazione.
aid-publish-first-saved = { $commune }: { $on ->
    [yes] pubblicazione diretta.
   *[no] moderazione prima della pubblicazione.
}
