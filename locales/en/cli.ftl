# Messages of the `beffroi` command-line client.

cli-sync-done = Synced with { $server }: { $count ->
    [one] { $count } commune
   *[other] { $count } communes
} and { $places ->
    [one] { $places } place
   *[other] { $places } places
} cached ({ $changed } updated).
cli-offline = Offline: cannot reach { $server } ({ $reason }).
cli-serving-cache = Serving the local cache: { $count ->
    [one] { $count } commune
   *[other] { $count } communes
}, last successful sync: { $when }.
cli-cache-empty = The local cache is empty: run “beffroi --server URL sync” first.
cli-no-server = No town hall server is chosen yet: pass --server URL (or your town hall’s beffroi:// link) once.
cli-communes-count = { $count ->
    [one] { $count } commune
   *[other] { $count } communes
}
cli-directory-empty = The local directory is empty: run “beffroi --server URL sync”.
cli-results-count = { $count ->
    [0] No results
    [one] { $count } result
   *[other] { $count } results
}
cli-place-unknown = No place “{ $id }” in the local directory.
cli-place-address = Address
cli-place-hours = Hours
cli-place-note = Note
cli-place-phone = Phone
cli-place-website = Website
cli-place-checked = Checked on
cli-listen-connected = Waiting for alerts (Ctrl-C to stop)…
cli-listen-lost = Lost the connection to the server: retrying soon.
cli-no-home-commune = No home commune: give it once with --home INSEE_CODE (for example 06088 for Nice).
cli-no-home-centre = Your commune's position is unknown (no town hall in the directory, no outline), so distances from it cannot be measured. Use --near LAT,LON.
cli-keys-none = No trusted key yet: the next sync will record it (only the one given with --key, if you gave one).
cli-keys-trusted = Trusted key { $fingerprint } (id { $id })
cli-keys-reset = Keys forgotten: the next sync will trust the town hall's key again.
cli-no-data-dir = This system has no data directory: pass --data DIR.
cli-cannot-open-data = Cannot open the local data in { $dir }: { $reason }
cli-no-runtime = Cannot start the async runtime.
cli-report-not-queued = The report just filed is not in the outbox.
cli-not-a-time = "{ $value }" is not an RFC 3339 time: use e.g. 2026-11-23T10:00:00+01:00.
cli-position-format = Use LAT,LON, e.g. 43.7031,7.2661.
cli-not-a-number = "{ $value }" is not a number.
cli-position-range = Coordinates out of range: latitude -90..90, longitude -180..180.
cli-answer-format = Use ID=TEXT, e.g. danger=oui.
cli-severity-format = “{ $value }” is not a severity: minor, moderate, severe or extreme.
cli-places-none = You follow no place besides your commune. Add one: beffroi places add Work --commune 06088 (or --at LAT,LON).
cli-place-line = { $name } — { $place } — notifications: { $from }
cli-place-saved = Place “{ $name }” saved on this device.
cli-place-removed = You no longer follow “{ $name }”.
cli-place-not-followed = You follow no place named “{ $name }” (see “beffroi places”).
cli-rules-home = { $commune } (home)
cli-rules-place = { $place } — { $commune }
cli-advice-none = No advice pages yet.
cli-advice-not-found = No advice page "{ $id }" on this device (the list: beffroi advice).
