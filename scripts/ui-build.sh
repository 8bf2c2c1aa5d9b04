#!/usr/bin/env bash
# Builds the UI (ui/dist) only when its sources changed, judged by their content: a rebuild
# rewrites ui/dist, which the server and the app embed, so building every time made cargo
# relink both on every `make demo` (and `cargo test` rewrites ui/src/bindings with the same
# content, so modification times say nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
hash=$(find ui/src ui/app ui/console ui/web locales -type f -print0 \
  | sort -z | xargs -0 sha256sum \
  | cat - <(sha256sum ui/package.json ui/package-lock.json ui/vite.config.ts ui/svelte.config.js ui/tsconfig.json) \
  | sha256sum | cut -d' ' -f1)
stamp=ui/dist/.sources
if [ -f ui/dist/app/index.html ] && [ -f ui/dist/console/index.html ] && [ -f ui/dist/web/index.html ] \
  && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  echo "ui/dist is up to date with the UI sources"
  exit 0
fi
(cd ui && npm run --silent build)
echo "$hash" > "$stamp"
