#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster, e.g.
#   scripts/with-postgres.sh cargo test --workspace
# The cluster lives in a temporary directory on a free 127.0.0.1 port, trust auth, superuser
# `beffroi`; it is stopped and removed whatever happens, and the script exits with the command's
# status. Exported for the command:
#   BEFFROI_TEST_DATABASE_URL  postgres://beffroi@127.0.0.1:PORT/postgres
#   BEFFROI_TEST_PG_BIN        PostgreSQL's bin directory
#   BEFFROI_TEST_PG_DATA       the cluster's directory
#   BEFFROI_TEST_PG_USER       the user the cluster runs as (empty: the current user), so a test
#                              can run `runuser -u $USER -- $BIN/pg_ctl -D $DATA ...`
set -euo pipefail

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

(($#)) || die "usage: $0 COMMAND [ARG...]"

# The newest PostgreSQL installed from Debian's packages.
BIN=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
BIN=${BIN%/initdb}
[ -n "$BIN" ] && [ -x "$BIN/pg_ctl" ] && [ -x "$BIN/postgres" ] \
  || die "PostgreSQL is needed for the tests: run scripts/setup.sh as root, or sudo apt-get install postgresql"

# PostgreSQL refuses to run as root: then it runs as an unprivileged system user.
PGUSER_RUN=""
if [ "$(id -u)" = 0 ]; then
  PGUSER_RUN=beffroi-pgtest
  getent passwd "$PGUSER_RUN" >/dev/null \
    || useradd -r -M -s /usr/sbin/nologin "$PGUSER_RUN" 2>/dev/null \
    || getent passwd "$PGUSER_RUN" >/dev/null \
    || die "could not create the system user $PGUSER_RUN"
fi
# Runs a PostgreSQL program as that user, from a directory it can read.
as_pg() {
  if [ -n "$PGUSER_RUN" ]; then
    (cd "$TMP" && runuser -u "$PGUSER_RUN" -- "$@")
  else
    (cd "$TMP" && "$@")
  fi
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/beffroi-pg.XXXXXX")
DATA=$TMP/data
LOG=$DATA/postgres.log
child=""

# Stops the command (if it still runs) and the cluster, then removes the directory.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  set +e
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  if [ -f "$DATA/postmaster.pid" ]; then
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -t 20 -w stop >/dev/null 2>&1
    local pid
    pid=$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null)
    # Still there: kill that postmaster (only if it is ours: its command line names our directory).
    if [ -n "$pid" ] && ps -o args= -p "$pid" 2>/dev/null | grep -F -- "$DATA" >/dev/null; then
      local kids
      kids=$(pgrep -P "$pid")
      kill -KILL "$pid" $kids 2>/dev/null
    fi
  fi
  rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Every parent of the cluster's directory must be traversable by its user.
chmod 755 "$TMP"
mkdir -m 700 "$DATA"
[ -z "$PGUSER_RUN" ] || chown "$PGUSER_RUN" "$DATA"
as_pg test -w "$DATA" \
  || die "$PGUSER_RUN cannot reach $DATA: set TMPDIR to a directory every user can traverse (e.g. /tmp)"

# C.UTF-8 where it exists, so upper()/lower() know accented letters; else C.
LOCALE=C
locale -a 2>/dev/null | grep -iE '^c\.utf-?8$' >/dev/null && LOCALE=C.UTF-8
as_pg "$BIN/initdb" -D "$DATA" -A trust -U beffroi -E UTF8 --locale="$LOCALE" --no-sync >"$TMP/initdb.log" 2>&1 \
  || { cat "$TMP/initdb.log" >&2; die "initdb failed"; }

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' && return
  fi
  # No python3: a random port nothing answers on.
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

# Another process may take the port between its choice and the bind: then try another.
started=""
for _ in 1 2 3; do
  PORT=$(free_port)
  OPTS="-p $PORT -k '$DATA' -c listen_addresses=127.0.0.1 -c max_connections=300"
  OPTS+=" -c shared_buffers=128MB -c fsync=on -c synchronous_commit=on"
  if as_pg "$BIN/pg_ctl" -D "$DATA" -o "$OPTS" -l "$LOG" -w -t 60 start >/dev/null 2>&1; then
    started=1
    break
  fi
  grep -q 'could not bind' "$LOG" 2>/dev/null || break
done
if [ -z "$started" ]; then
  tail -n 30 "$LOG" >&2 2>/dev/null || true
  die "PostgreSQL failed to start (log above)"
fi

export BEFFROI_TEST_DATABASE_URL="postgres://beffroi@127.0.0.1:$PORT/postgres"
export BEFFROI_TEST_PG_BIN=$BIN BEFFROI_TEST_PG_DATA=$DATA BEFFROI_TEST_PG_USER=$PGUSER_RUN
say "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT ($DATA)"

# In the background so that TERM reaches the trap at once (a foreground command would delay it);
# with its stdin, and Ctrl-C not ignored (as background commands of a script otherwise are).
( trap - INT QUIT; exec "$@" ) <&0 &
child=$!
status=0
wait "$child" || status=$?
child=""
exit "$status"
