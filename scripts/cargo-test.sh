#!/usr/bin/env bash
# Every Rust test, then the end-to-end suite again with each town hall on PostgreSQL (run under
# scripts/with-postgres.sh, see the Makefile).
#
# The second run executes the e2e binary the first one built. `cargo test -p beffroi-tests` would
# resolve features for that package alone, and `--workspace --test e2e` compiles the local crates
# again: on a new machine that rebuilt every dependency (9 minutes of a cold CI run).
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO="${CARGO:-cargo}"

"$CARGO" test --workspace

# The build is already done: this only lists its artifacts, as JSON lines.
e2e=$("$CARGO" test --workspace --no-run --quiet --message-format=json | node -e '
  let out = "";
  require("readline").createInterface({ input: process.stdin }).on("line", (line) => {
    const m = JSON.parse(line);
    if (m.reason === "compiler-artifact" && m.target.name === "e2e" && m.executable) out = m.executable;
  }).on("close", () => {
    if (out) console.log(out);
    else process.exitCode = 1; // No e2e binary listed: the shell says so below.
  });
') || { echo "error: cargo did not list the e2e test binary" >&2; exit 1; }

printf '\033[1m==> %s\033[0m\n' "the e2e suite again, each town hall on PostgreSQL: $e2e" >&2
# As cargo runs it: from its package's directory.
cd tests && BEFFROI_E2E_POSTGRES=1 "$e2e"
