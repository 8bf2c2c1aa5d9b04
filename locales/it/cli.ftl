# Messaggi del client a riga di comando `beffroi`.

cli-sync-done = Sincronizzato con { $server }: { $count ->
    [one] { $count } comune
   *[other] { $count } comuni
} e { $places ->
    [one] { $places } luogo
   *[other] { $places } luoghi
} in cache ({ $changed ->
    [one] { $changed } aggiornato
   *[other] { $changed } aggiornati
}).
cli-offline = Offline: impossibile raggiungere { $server } ({ $reason }).
cli-serving-cache = Dati dalla cache locale: { $count ->
    [one] { $count } comune
   *[other] { $count } comuni
}, ultima sincronizzazione riuscita: { $when }.
cli-cache-empty = La cache locale è vuota: eseguire prima «beffroi --server URL sync».
cli-no-server = Nessun server del comune è ancora scelto: passare una volta --server URL (o il link beffroi:// del proprio comune).
cli-communes-count = { $count ->
    [one] { $count } comune
   *[other] { $count } comuni
}
cli-directory-empty = L'elenco locale è vuoto: eseguire «beffroi --server URL sync».
cli-results-count = { $count ->
    [0] Nessun risultato
    [one] { $count } risultato
   *[other] { $count } risultati
}
cli-place-unknown = Nessun luogo «{ $id }» nell'elenco locale.
cli-place-address = Indirizzo
cli-place-hours = Orari
cli-place-note = Nota
cli-place-phone = Telefono
cli-place-website = Sito web
cli-place-checked = Verificato il
cli-listen-connected = In attesa di allerte (Ctrl-C per fermare)…
cli-listen-lost = Connessione al server persa: nuovo tentativo a breve.
cli-no-home-commune = Nessun comune di residenza: indicalo una volta con --home CODICE_INSEE (per esempio 06088 per Nizza).
cli-no-home-centre = La posizione del tuo comune è sconosciuta (nessun municipio nell'elenco, nessun contorno): impossibile misurare le distanze da esso. Usa --near LAT,LON.
cli-keys-none = Nessuna chiave di fiducia per ora: la prossima sincronizzazione la registrerà (solo quella indicata con --key, se l'hai indicata).
cli-keys-trusted = Chiave di fiducia { $fingerprint } (identificativo { $id })
cli-keys-reset = Chiavi dimenticate: la prossima sincronizzazione si fiderà di nuovo della chiave del comune.
cli-no-data-dir = Questo sistema non ha una cartella di dati: passate --data CARTELLA.
cli-cannot-open-data = Impossibile aprire i dati locali in { $dir }: { $reason }
cli-no-runtime = Impossibile avviare il motore asincrono.
cli-report-not-queued = La segnalazione appena registrata non è nella coda di invio.
cli-not-a-time = « { $value } » non è una data RFC 3339: per esempio 2026-11-23T10:00:00+01:00.
cli-position-format = Scrivete LAT,LON, per esempio 43.7031,7.2661.
cli-not-a-number = « { $value } » non è un numero.
cli-position-range = Coordinate fuori dai limiti: latitudine da -90 a 90, longitudine da -180 a 180.
cli-answer-format = Scrivete ID=TESTO, per esempio danger=oui.
cli-severity-format = «{ $value }» non è una gravità: minor, moderate, severe o extreme.
cli-places-none = Non seguite alcun luogo oltre al vostro comune. Aggiungetene uno: beffroi places add Lavoro --commune 06088 (o --at LAT,LON).
cli-place-line = { $name } — { $place } — notifiche: { $from }
cli-place-saved = Luogo «{ $name }» salvato su questo dispositivo.
cli-place-removed = Non seguite più «{ $name }».
cli-place-not-followed = Non seguite alcun luogo chiamato «{ $name }» (vedere «beffroi places»).
cli-rules-home = { $commune } (casa)
cli-rules-place = { $place } — { $commune }
cli-advice-none = Nessuna pagina di consigli per ora.
cli-advice-not-found = Nessuna pagina di consigli «{ $id }» su questo dispositivo (l'elenco: beffroi advice).
