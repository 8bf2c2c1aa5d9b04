# Messages of `beffroi-server`'s command line, for the town hall's operator, in the language of
# their `LC_ALL`, `LC_MESSAGES` or `LANG` (French by default). The lines scripts read stay fixed and are not here.

server-error = error: { $what }
server-cause = { $error }: { $cause }
server-cannot-start = cannot start the async runtime
server-cannot-open-database = cannot open the database { $database }
server-cannot-open-data = cannot open the data directory { $dir }
server-cannot-listen = cannot listen on { $address }: is another server using it?
server-cannot-listen-metrics = cannot listen on { $address } for /metrics
server-cannot-read-file = cannot read { $file }
server-cannot-back-up = cannot back up { $source } into { $dir }
server-cannot-copy = cannot copy { $from } into { $to }
server-bad-clock = { $reason }: use RFC 3339, e.g. 2026-11-23T10:00:00+01:00
server-bad-public-url = use http://host or https://host
server-low-open-files = warning: this process may open { $count } files: fewer than { $count } devices can follow alerts live at once (raise the hard limit: ulimit -Hn, or LimitNOFILE= for systemd)
server-open-files-unknown = warning: cannot read or raise the open-file limit: { $reason }
server-data-dir = data directory: { $dir }
server-database = database: { $database }
server-demo-loaded = demo territory loaded; staff account: { $account }
server-shutting-down = shutting down…
server-stopped = stopped
server-password-prompt = password for { $username }:{" "}
server-cannot-read-password = cannot read the password from standard input
server-no-password = no password given: write it on standard input
server-staff-added = added staff member { $username } with role { $role }
server-key = { $key }  { $public }  created { $created }
server-key-endorsed = { $key }  { $public }  created { $created }  endorsed by { $by }
server-table = table
server-rows = rows
server-source = source
server-copied = copied
server-last-cursor = last cursor: { $cursor }
server-backup-keys = keys and secrets: { $count }
server-backup-photos = photos: { $count }
server-backed-up = backed up into { $dir } (it holds the signing keys: keep it secret)
server-migrate-keys = keys and secrets copied: { $count }
server-migrate-photos = photos copied: { $count }
server-migrate-photos-skipped = photos not copied, of reports the source has no row of: { $ids }
server-migrated = copied and checked: { $from } -> { $to }
server-import-rejected = rejected row { $row }: { $reason }
server-import-rejected-what = rejected row { $row } ({ $what }): { $reason }
server-import-done = { $file }: imported { $inserted }, updated { $updated }, unchanged { $unchanged }, kept (edited or deleted by staff) { $kept }, skipped (not shops or services) { $skipped }, rejected { $rejected }
