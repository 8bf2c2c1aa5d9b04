#!/usr/bin/env bash
# `make dist`: the Debian packages, in dist/:
# - the resident app (the Tauri bundler through npm @tauri-apps/cli: the binary built with the
#   `dist` profile, its menu entry and icons, its dependencies on WebKitGTK and the tray library);
# - the town hall's server (dpkg-deb: the binary, a systemd unit run as the `beffroi` system user
#   with its data under /var/lib/beffroi, its settings in /etc/default/beffroi-server).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
ARCH=$(dpkg --print-architecture)
mkdir -p dist

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

say "the resident app's package (Tauri bundler, dist profile)"
ui/node_modules/.bin/tauri build --ci --bundles deb -- --profile dist
cp "$TARGET"/dist/bundle/deb/*.deb dist/

say "the server's package"
cargo build --release -p beffroi-server
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
install -D -m 0755 "$TARGET/release/beffroi-server" "$stage/usr/bin/beffroi-server"
strip "$stage/usr/bin/beffroi-server"
install -D -m 0644 packaging/server/beffroi-server.service "$stage/lib/systemd/system/beffroi-server.service"
install -D -m 0644 packaging/server/default "$stage/etc/default/beffroi-server"
install -D -m 0644 LICENSE "$stage/usr/share/doc/beffroi-server/copyright" 2>/dev/null \
  || install -D -m 0644 README.md "$stage/usr/share/doc/beffroi-server/README.md"
install -d "$stage/DEBIAN"
install -m 0755 packaging/server/postinst packaging/server/prerm "$stage/DEBIAN/"
echo /etc/default/beffroi-server > "$stage/DEBIAN/conffiles"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: beffroi-server
Version: $VERSION
Architecture: $ARCH
Maintainer: Beffroi contributors <beffroi@localhost>
Depends: libc6 (>= 2.34), libgcc-s1, libssl3, adduser
Section: net
Priority: optional
Installed-Size: $(du -sk "$stage/usr" | cut -f1)
Description: Beffroi town hall server: signed alerts, directory, residents' reports
 One binary with an embedded SQLite store, the staff console and the
 residents' web app; CAP 1.2, Open311 GeoReport v2 and Web Push.
CONTROL
dpkg-deb --root-owner-group --build "$stage" "dist/beffroi-server_${VERSION}_${ARCH}.deb" >/dev/null
ls -l dist/*.deb
