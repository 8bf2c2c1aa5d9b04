#!/usr/bin/env bash
# Installs what Beffroi needs to build, run and test on Debian/Ubuntu, and says
# clearly what it cannot install itself. Safe to run again: it only installs
# what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

APT_PACKAGES=(
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev
  libsoup-3.0-dev pkg-config build-essential xvfb xauth dbus dbus-x11 dunst
  webkit2gtk-driver libxdo-dev file curl chromium libxml2-utils iproute2
  postgresql nginx libnginx-mod-nchan openssl
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing system packages: ${missing[*]}"
    # Their services (a PostgreSQL cluster, nginx on port 80) are not started:
    # the tests start their own and stop them.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
      chmod +x /usr/sbin/policy-rc.d
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    die "missing system packages: ${missing[*]}
  install them with: sudo apt-get install ${missing[*]}"
  fi
fi

command -v cargo >/dev/null || die "Rust is not installed: install it from https://rustup.rs (stable toolchain), then run this again"
command -v node >/dev/null && command -v npm >/dev/null \
  || die "Node.js 20+ and npm are needed to build the UI: sudo apt-get install nodejs npm"

for dir in ui tests/ui tests/opening_hours; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing npm packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  say "installing tauri-driver (WebDriver for the app's end-to-end tests)"
  cargo install tauri-driver --version '^2' --locked --quiet
fi
