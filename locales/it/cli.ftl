# Messaggi del client a riga di comando `beffroi`.

cli-sync-done = Sincronizzato con { $server }: { $count ->
    [one] { $count } comune
   *[other] { $count } comuni
} in cache ({ $changed } aggiornati).
cli-offline = Offline: impossibile raggiungere { $server } ({ $reason }).
cli-serving-cache = Dati dalla cache locale: { $count ->
    [one] { $count } comune
   *[other] { $count } comuni
}, ultima sincronizzazione riuscita: { $when }.
cli-cache-empty = La cache locale è vuota: eseguire prima «beffroi --server URL sync».
cli-communes-count = { $count ->
    [one] { $count } comune
   *[other] { $count } comuni
}
