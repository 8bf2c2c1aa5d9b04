# App dei residenti: inviare una segnalazione e seguirla.

nav-reports = Segnalazioni
reports-title = Le mie segnalazioni
reports-new = Nuova segnalazione
reports-none = Non hai ancora segnalato nulla. Una buca, una discarica abusiva, una persona che ha bisogno di aiuto? Dillo al tuo comune, anche offline.
reports-filed-on = Segnalata il { $date }
reports-photos = { $count ->
    [one] { $count } foto
   *[other] { $count } foto
}
reports-photo-alt = Foto { $n } della tua segnalazione
reports-next-attempt = Nuovo tentativo il { $date }
reports-timeline = Andamento
reports-sent-note = Il comune ha ricevuto questa segnalazione.
reports-queued-note = Salvata su questo dispositivo: partirà appena il server del comune sarà raggiungibile.

report-step = Passo { $step } di 3
report-cancel = Annulla
report-back = Indietro
report-next = Avanti
report-send = Invia la segnalazione
report-sending = Invio…
report-step1-title = Qual è il problema?
report-step2-title = Descrivilo
report-description = Descrizione
report-description-hint = Cosa hai visto, da quando, se è pericoloso.
report-description-count = { $count } / { $max } caratteri
report-required = obbligatorio
report-photos = Foto (facoltative, al massimo { $max })
report-photos-add = Aggiungi foto
report-photos-hint = Le foto vengono ridotte e i loro metadati (compresa la posizione GPS) rimossi su questo dispositivo, prima di ogni invio.
report-photo-not-image = «{ $name }» non è una foto che si può inviare: scegli un'immagine JPEG, PNG o WebP.
report-photo-preparing = Preparazione della foto…
report-photo-remove = Rimuovi { $name }
report-contact = I tuoi recapiti (facoltativi, mai pubblicati)
report-contact-name = Nome
report-contact-email = E-mail
report-contact-phone = Telefono
report-step3-title = Dove?
report-where = Indica il luogo
report-where-place = Un luogo dell'elenco
report-where-address = Un indirizzo
report-where-position = La mia posizione attuale
report-place-search = Cerca un luogo
report-place-chosen = Luogo scelto: { $name }
report-place-none = Nessun luogo corrisponde.
report-address = Indirizzo
report-address-hint = Numero e via, o un punto di riferimento ("davanti alla scuola Jean Macé").
report-commune = Comune
report-position-use = Usa la mia posizione
report-position-got = Posizione: { $lat }, { $lon }
report-position-unavailable = La posizione non è disponibile su questo dispositivo: scegli un luogo o scrivi un indirizzo.
report-error-category = Scegli il tipo di problema.
report-error-description = Descrivi il problema.
report-error-too-long = La descrizione supera { $max } caratteri.
report-error-answer = Rispondi alla domanda: { $question }
report-error-location = Indica dove si trova il problema.
report-error-photos = Non più di { $max } foto.
report-filed = Segnalazione salvata. Parte appena il comune è raggiungibile; seguila qui.
