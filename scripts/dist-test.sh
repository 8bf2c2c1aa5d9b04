#!/usr/bin/env bash
# `make dist-test`: installs the packages of `make dist` on this machine with dpkg -i (as root),
# starts the server through its systemd unit (or, where systemd is not running, the unit's own
# command line as its user), checks /healthz and its data directory, then starts the resident
# app from its menu entry's command line and checks it asks for the town hall. Both packages are
# purged at the end (the `beffroi` user and /var/lib/beffroi stay, as a package's data does).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  # Installing packages needs root: through sudo when it asks no password, else say so and fail.
  sudo -n true 2>/dev/null && exec sudo -n -E "$0" "$@"
  echo "make dist-test installs the packages with dpkg -i: run it as root (or with password-less sudo)" >&2
  exit 1
fi
shopt -s nullglob
debs=(dist/*.deb)
((${#debs[@]} == 2)) || { echo "expected the two packages of 'make dist' in dist/, found: ${debs[*]:-none}" >&2; exit 1; }

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
# Never on a machine that runs Beffroi for real: the test purges the packages at the end.
for p in beffroi beffroi-server; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    echo "$p is installed on this machine: make dist-test installs and purges it, so it does not run here" >&2
    exit 1
  fi
done
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  [ -d /run/systemd/system ] && systemctl stop beffroi-server.service 2>/dev/null || true
  dpkg --purge beffroi beffroi-server >/dev/null 2>&1 || true
}
trap cleanup EXIT

say "dpkg -i ${debs[*]}"
dpkg -i "${debs[@]}" >/dev/null

unit=/lib/systemd/system/beffroi-server.service
grep -q '^LimitNOFILE=65536$' "$unit"
getent passwd beffroi >/dev/null || { echo "no beffroi system user" >&2; exit 1; }
[ "$(stat -c %U /var/lib/beffroi)" = beffroi ] || { echo "/var/lib/beffroi is not the beffroi user's" >&2; exit 1; }

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
if [ -d /run/systemd/system ]; then
  say "starting the server through its unit"
  mkdir -p /etc/systemd/system/beffroi-server.service.d
  printf '[Service]\nEnvironment=BEFFROI_LISTEN=127.0.0.1:%s\n' "$port" > /etc/systemd/system/beffroi-server.service.d/test.conf
  systemctl daemon-reload
  systemctl restart beffroi-server.service
else
  say "systemd is not running here: starting the unit's command line as its user"
  exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
  user=$(sed -n 's/^User=//p' "$unit")
  BEFFROI_LISTEN=127.0.0.1:$port setpriv --reuid="$user" --regid="$user" --init-groups --inh-caps=-all \
    $exec_start > /tmp/beffroi-server-dist-test.log 2>&1 &
  server=$!
fi
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz"
echo
# It runs as the unit's user, and keeps its keys in its data directory as that user.
pid=${server:-$(systemctl show -p MainPID --value beffroi-server.service 2>/dev/null || true)}
[ "$(stat -c %U "/proc/$pid")" = beffroi ] || { echo "the server does not run as the beffroi user" >&2; exit 1; }
[ "$(stat -c %U /var/lib/beffroi/keys/vapid.secret)" = beffroi ] \
  || { echo "the server's keys under /var/lib/beffroi are not the beffroi user's" >&2; exit 1; }
[ -d /run/systemd/system ] && rm -rf /etc/systemd/system/beffroi-server.service.d

say "the resident app from its menu entry"
(cd tests/ui && xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- node dist-app.mjs 2>/dev/null)
say "both packages installed and working"
