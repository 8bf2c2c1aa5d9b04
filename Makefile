# Beffroi: `make demo` runs the product, `make test` passes every test.
# Both install what is missing first (see scripts/setup.sh).

SHELL := /bin/bash
CARGO ?= cargo
XVFB := xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session --

.PHONY: demo test setup ui bins lint cargo-test hours-diff bindings-check ui-check ui-test e2e dist dist-test bench-app clean

demo: setup ui bins
	scripts/demo.sh

# The output ends with the runners' own summary lines, then the packages' install test.
test: setup ui lint cargo-test hours-diff bindings-check ui-check ui-test bins e2e dist dist-test

setup:
	scripts/setup.sh

# The UI is rebuilt only when its sources' content changed (see the script).
ui:
	scripts/ui-build.sh

bins:
	$(CARGO) build --workspace --bins

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# Every test, then the end-to-end suite again with each town hall on PostgreSQL, on a throwaway
# cluster the script starts and removes.
cargo-test:
	CARGO="$(CARGO)" scripts/with-postgres.sh scripts/cargo-test.sh

# Opening hours against opening_hours.js, the reference implementation, over the shared corpora
# (docs/directory.md, "Differences with opening_hours.js"). A few seconds.
hours-diff:
	cd tests/opening_hours && CARGO="$(CARGO)" npm test --silent

# ts-rs regenerates ui/src/bindings during `cargo test`; committed bindings must match.
bindings-check:
	@git diff --quiet -- ui/src/bindings && test -z "$$(git ls-files --others --exclude-standard ui/src/bindings)" \
	  || { git status --short ui/src/bindings; echo "ui/src/bindings is stale: commit the regenerated files"; exit 1; }

ui-check:
	cd ui && npm run --silent check

ui-test:
	cd ui && npm test

# The session's own noise (D-Bus, accessibility daemons, server logs) goes to a log file, shown
# only on failure, so the output ends with the test runner's summary.
e2e:
	cd tests/ui && mkdir -p artifacts && NO_AT_BRIDGE=1 $(XVFB) npm test 2> artifacts/e2e-stderr.log \
	  || { echo "--- end of artifacts/e2e-stderr.log:"; tail -n 60 artifacts/e2e-stderr.log; exit 1; }

# The Debian packages of the resident app and of the server, in dist/ (see docs/packaging.md).
dist: setup ui
	scripts/dist.sh

# Installs them with dpkg -i, starts the server through its unit and the app from its menu entry.
dist-test: dist
	scripts/dist-test.sh

# What a resident's device pays (docs/benchmarks.md): the web app's transfer, the desktop app's
# size, cold start and idle memory, in release. Not part of `make test`.
bench-app: setup ui bins
	$(CARGO) build --profile dist -p beffroi-app
	$(XVFB) node scripts/bench-app.mjs

clean:
	$(CARGO) clean
	rm -rf ui/dist tests/ui/artifacts
