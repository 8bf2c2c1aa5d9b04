# Messages of `beffroi-server`'s command line, for the town hall's operator, in the language of
# their `LC_ALL`, `LC_MESSAGES` or `LANG` (French by default). French is the source language. The lines scripts read stay
# fixed and are not here: `listening on http://…`, `metrics on http://…`,
# `demo Open311 api_key=…`, and the `username=… password=… role=…` of the demo account.

server-error = erreur : { $what }
server-cause = { $error } : { $cause }
server-cannot-start = impossible de démarrer le moteur asynchrone
server-cannot-open-database = impossible d'ouvrir la base de données { $database }
server-cannot-open-data = impossible d'ouvrir le dossier de données { $dir }
server-cannot-listen = impossible d'écouter sur { $address } : un autre serveur l'utilise-t-il ?
server-cannot-listen-metrics = impossible d'écouter sur { $address } pour /metrics
server-cannot-read-file = impossible de lire { $file }
server-cannot-back-up = impossible de sauvegarder { $source } dans { $dir }
server-cannot-copy = impossible de copier { $from } dans { $to }
server-bad-clock = { $reason } : utilisez le format RFC 3339, par exemple 2026-11-23T10:00:00+01:00
server-bad-public-url = utilisez http://hôte ou https://hôte
server-low-open-files = attention : ce processus peut ouvrir { $count } fichiers : moins de { $count } appareils peuvent suivre les alertes en direct en même temps (relevez la limite : ulimit -Hn, ou LimitNOFILE= pour systemd)
server-open-files-unknown = attention : impossible de lire ou de relever la limite de fichiers ouverts : { $reason }
server-data-dir = dossier de données : { $dir }
server-database = base de données : { $database }
server-demo-loaded = territoire de démonstration chargé ; compte du personnel : { $account }
server-shutting-down = arrêt en cours…
server-stopped = arrêté
server-password-prompt = mot de passe de { $username } :{" "}
server-cannot-read-password = impossible de lire le mot de passe sur l'entrée standard
server-no-password = aucun mot de passe : écrivez-le sur l'entrée standard
server-staff-added = membre du personnel { $username } ajouté, rôle { $role }
server-key = { $key }  { $public }  créée le { $created }
server-key-endorsed = { $key }  { $public }  créée le { $created }  endossée par { $by }
server-table = table
server-rows = lignes
server-source = source
server-copied = copiées
server-last-cursor = dernier curseur : { $cursor }
server-backup-keys = clés et secrets : { $count }
server-backup-photos = photos : { $count }
server-backed-up = sauvegardé dans { $dir } (la sauvegarde contient les clés de signature : gardez-la secrète)
server-migrate-keys = clés et secrets copiés : { $count }
server-migrate-photos = photos copiées : { $count }
server-migrate-photos-skipped = photos non copiées, de signalements dont la source n'a pas la ligne : { $ids }
server-migrated = copié et vérifié : { $from } -> { $to }
server-import-rejected = ligne { $row } refusée : { $reason }
server-import-rejected-what = ligne { $row } refusée ({ $what }) : { $reason }
server-import-done = { $file } : nouveaux { $inserted }, mis à jour { $updated }, inchangés { $unchanged }, conservés (modifiés ou supprimés par le personnel) { $kept }, ignorés (ni commerces ni services) { $skipped }, refusés { $rejected }
