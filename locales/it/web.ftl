# The resident web app (served by the town hall's server at /).
web-setup-title = I vostri comuni
web-setup-intro = Scegliete uno o più comuni: la pagina mostra le loro allerte. Questa scelta resta in questo browser; al municipio viene inviato solo l'elenco dei comuni per chiederne le allerte.
web-communes-filter = Cerca un comune
web-communes-legend = Comuni seguiti
web-communes-chosen = { $count ->
    [0] Nessun comune scelto
    [one] 1 comune scelto
   *[other] { $count } comuni scelti
}
web-save = Continua
web-communes-none = Scegliete almeno un comune.
web-live = Online: le allerte arrivano in diretta.
web-offline = Offline: ecco le ultime allerte ricevute ({ $when }).
web-offline-never = Offline: nessuna allerta ancora ricevuta in questo browser.
web-rejected = { $count ->
    [one] Un'allerta non ha potuto essere verificata con la chiave del vostro municipio: non è mostrata.
   *[other] { $count } allerte non hanno potuto essere verificate con la chiave del vostro municipio: non sono mostrate.
}
web-verified = Ogni allerta mostrata è verificata con la chiave del vostro municipio.
web-push-title = Allerte a pagina chiusa
web-push-enable = Ricevere le allerte anche a pagina chiusa
web-push-disable = Non riceverle più a pagina chiusa
web-push-on = Le allerte dei vostri comuni arrivano su questo dispositivo, anche a pagina chiusa.
web-push-off = A pagina chiusa, non ricevete le allerte.
web-push-unsupported = Questo browser non può ricevere allerte a pagina chiusa: tenete la pagina aperta, o installate l'app.
web-push-denied = Le notifiche sono bloccate per questo sito: autorizzatele nelle impostazioni del browser.
web-push-failed = Le allerte a pagina chiusa non funzionano: { $detail }
web-notify-unverified = Nuova allerta dal vostro municipio: aprite Beffroi per leggerla.
web-notify-measures = Le regole in vigore sono cambiate: aprite Beffroi per leggerle.
web-rules-line = { $commune }: { $rules }
web-error-status = Il server del municipio ha risposto con un errore ({ $status }): riprovate più tardi.
web-follow-no-commune = Questo luogo non appartiene a nessun comune del territorio: non può essere seguito qui.
web-directory-size = Elenco del municipio: { $count ->
    [one] { $count } luogo
   *[other] { $count } luoghi
}, aggiornato.
web-photo-unreadable = Questa foto non può essere letta: scegliete un'immagine JPEG, PNG o WebP.
web-photo-gone = Una foto di questa segnalazione non è più su questo dispositivo: aggiungetela di nuovo.
