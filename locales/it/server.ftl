# Messages of `beffroi-server`'s command line, for the town hall's operator, in the language of
# their `LC_ALL`, `LC_MESSAGES` or `LANG` (French by default). The lines scripts read stay fixed and are not here.

server-error = errore: { $what }
server-cause = { $error }: { $cause }
server-cannot-start = impossibile avviare il motore asincrono
server-cannot-open-database = impossibile aprire il database { $database }
server-cannot-open-data = impossibile aprire la cartella dei dati { $dir }
server-cannot-listen = impossibile ascoltare su { $address }: un altro server lo sta usando?
server-cannot-listen-metrics = impossibile ascoltare su { $address } per /metrics
server-cannot-read-file = impossibile leggere { $file }
server-cannot-back-up = impossibile salvare { $source } in { $dir }
server-cannot-copy = impossibile copiare { $from } in { $to }
server-bad-clock = { $reason }: usare il formato RFC 3339, ad esempio 2026-11-23T10:00:00+01:00
server-bad-public-url = usare http://host o https://host
server-low-open-files = attenzione: questo processo può aprire { $count } file: meno di { $count } dispositivi possono seguire gli avvisi in diretta contemporaneamente (alzare il limite: ulimit -Hn, o LimitNOFILE= per systemd)
server-open-files-unknown = attenzione: impossibile leggere o alzare il limite dei file aperti: { $reason }
server-data-dir = cartella dei dati: { $dir }
server-database = database: { $database }
server-demo-loaded = territorio dimostrativo caricato; account del personale: { $account }
server-shutting-down = arresto in corso…
server-stopped = arrestato
server-password-prompt = password di { $username }:{" "}
server-cannot-read-password = impossibile leggere la password dallo standard input
server-no-password = nessuna password: scriverla sullo standard input
server-staff-added = membro del personale { $username } aggiunto con il ruolo { $role }
server-key = { $key }  { $public }  creata il { $created }
server-key-endorsed = { $key }  { $public }  creata il { $created }  avallata da { $by }
server-table = tabella
server-rows = righe
server-source = origine
server-copied = copiate
server-last-cursor = ultimo cursore: { $cursor }
server-backup-keys = chiavi e segreti: { $count }
server-backup-photos = foto: { $count }
server-backed-up = salvato in { $dir } (contiene le chiavi di firma: tenerlo segreto)
server-migrate-keys = chiavi e segreti copiati: { $count }
server-migrate-photos = foto copiate: { $count }
server-migrate-photos-skipped = foto non copiate, di segnalazioni di cui l'origine non ha la riga: { $ids }
server-migrated = copiato e verificato: { $from } -> { $to }
server-import-rejected = riga { $row } rifiutata: { $reason }
server-import-rejected-what = riga { $row } rifiutata ({ $what }): { $reason }
server-import-done = { $file }: nuovi { $inserted }, aggiornati { $updated }, invariati { $unchanged }, mantenuti (modificati o eliminati dal personale) { $kept }, ignorati (né negozi né servizi) { $skipped }, rifiutati { $rejected }
