# Messages of the `beffroi` command-line client. French is the source language.

cli-sync-done = Synchronisé avec { $server } : { $count ->
    [one] { $count } commune
   *[other] { $count } communes
} en cache ({ $changed } mises à jour).
cli-offline = Hors ligne : impossible de joindre { $server } ({ $reason }).
cli-serving-cache = Données du cache local : { $count ->
    [one] { $count } commune
   *[other] { $count } communes
}, dernière synchronisation réussie : { $when }.
cli-cache-empty = Le cache local est vide : lancez d'abord « beffroi --server URL sync ».
cli-communes-count = { $count ->
    [one] { $count } commune
   *[other] { $count } communes
}
