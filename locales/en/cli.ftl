# Messages of the `beffroi` command-line client.

cli-sync-done = Synced with { $server }: { $count ->
    [one] { $count } commune
   *[other] { $count } communes
} cached ({ $changed } updated).
cli-offline = Offline: cannot reach { $server } ({ $reason }).
cli-serving-cache = Serving the local cache: { $count ->
    [one] { $count } commune
   *[other] { $count } communes
}, last successful sync: { $when }.
cli-cache-empty = The local cache is empty: run “beffroi --server URL sync” first.
cli-communes-count = { $count ->
    [one] { $count } commune
   *[other] { $count } communes
}
