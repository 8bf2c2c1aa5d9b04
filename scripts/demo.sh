#!/usr/bin/env bash
# Runs the product on its embedded default: the town hall server on SQLite with
# the demo territory, the console, and the resident desktop app pointed at it.
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=${CARGO_TARGET_DIR:-target}
DATA=${BEFFROI_DEMO_DATA:-$(mktemp -d "${TMPDIR:-/tmp}/beffroi-demo.XXXXXX")}
LISTEN=${BEFFROI_DEMO_LISTEN:-127.0.0.1:0}
mkdir -p "$DATA"
LOG="$DATA/server.out"

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "stopped; demo data kept in $DATA"
}
# Ctrl-C is how the demo ends: a clean exit, not an error.
trap 'stop; exit 0' INT TERM
trap stop EXIT

"$TARGET/debug/beffroi-server" serve --demo --listen "$LISTEN" --data "$DATA/server" >"$LOG" &
pids+=($!)
for _ in $(seq 1 100); do
  grep -q '^listening on ' "$LOG" 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$LOG"; echo "the server failed to start" >&2; exit 1; }
  sleep 0.1
done
URL=$(sed -n 's/^listening on //p' "$LOG")
# The demo directory is real OpenStreetMap data (Monaco borders the Métropole; ODbL).
"$TARGET/debug/beffroi-server" import places data/osm-monaco-pois.geojson --data "$DATA/server" 2>/dev/null
# Mutual-aid initiatives in the Métropole (examples written for the demo).
"$TARGET/debug/beffroi-server" import places data/demo-initiatives.geojson --data "$DATA/server" 2>/dev/null
# (The sentence around the account is in the operator's language; its words are fixed.)
CREDS=$(sed -n 's/.*\(username=.*\)/\1/p' "$LOG")
OPEN311=$(sed -n 's/^demo Open311 api_key=//p' "$LOG")

cat <<TXT

  Beffroi demo — Métropole Nice Côte d'Azur (51 communes)
  server      $URL   (API: $URL/api/v1, OpenAPI: $URL/api/v1/openapi.json)
  console     $URL/console/
  web app     $URL/   (residents on a phone's browser)
  staff       $CREDS
  Open311     $URL/open311/v2/discovery.json   (api_key=$OPEN311)
  CAP feed    $URL/cap/alerts.atom
  data        $DATA

TXT

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "  starting the resident app… (Ctrl-C stops everything)"
  "$TARGET/debug/beffroi-app" --server "$URL" --data "$DATA/resident" &
  pids+=($!)
else
  cat <<TXT
  No display here, so the resident app is not started; the server and the
  console run. To see the app, run 'make demo' from a desktop session, or:
    $TARGET/debug/beffroi-app --server $URL --data $DATA/resident
  The CLI works anywhere:
    $TARGET/debug/beffroi --server $URL --data $DATA/cli sync
    $TARGET/debug/beffroi --server $URL --data $DATA/cli listen    # alerts published in the console, as they arrive
  (Ctrl-C stops the server.)
TXT
fi
wait -n "${pids[@]}"
