# Two commands do everything on a fresh machine (see README.md):
#   make demo   install what is missing, build, serve the dashboard on the local API
#   make test   install what is missing, run every test
# Tools are installed only through crates.io, npm and apt, and only when missing.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_BIN      := $(HOME)/.cargo/bin
export PATH    := $(CARGO_BIN):$(PATH)
TRUNK_VERSION  := 0.21.14
WASM_BINDGEN_VERSION := 0.2.130
BINARYEN_VERSION := 132
GECKODRIVER_VERSION := 0.37.1
WASM_SPLIT_VERSION := 0.2.4
SERVER         := target/server/dashboard-server
PORT           ?= 8080

.PHONY: help tools demo build build-site build-site-calls build-server api test test-native \
        test-browser test-e2e lint bench bench-floor bench-calibration bench-server lighthouse soak clean

help:
	@echo "make demo          build and serve the dashboard on the local API at http://127.0.0.1:$(PORT)"
	@echo "make test          every test: lint, native, browser (headless Chromium and Firefox), end-to-end"
	@echo "make api           the local API on :8081, key added server-side (for trunk serve)"
	@echo "make bench         browser benchmark against a plain-JS + uPlot baseline"
	@echo "make bench-calibration  sampled estimates' 95 % intervals against a known population"
	@echo "make bench-server  load benchmark of the local API on 1,000,000 calls"
	@echo "make lighthouse    Lighthouse scores, LCP, TBT and transfer per route, beside the floor app"
	@echo "make soak          the race test with 2,000 random sequences"

# ---- tools -------------------------------------------------------------------
tools:
	@if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then \
	  echo "== installing the wasm32 target"; rustup target add wasm32-unknown-unknown; fi
	@if [ "$$(wasm-bindgen --version 2>/dev/null | awk '{print $$2}')" != "$(WASM_BINDGEN_VERSION)" ]; then \
	  echo "== installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (~4 min)"; \
	  cargo install --force wasm-bindgen-cli@$(WASM_BINDGEN_VERSION); fi
	@if [ "$$(trunk --version 2>/dev/null | awk '{print $$2}')" != "$(TRUNK_VERSION)" ]; then \
	  echo "== installing trunk $(TRUNK_VERSION) (~8 min)"; \
	  cargo install --locked --force trunk@$(TRUNK_VERSION) || cargo install --force trunk@$(TRUNK_VERSION); fi
	@# wasm-split-cli cuts the release wasm into the chunks of src/parts.rs (tools/build_wasm.py).
	@if ! cargo install --list | grep -qx "wasm_split_cli_support v$(WASM_SPLIT_VERSION):"; then \
	  echo "== installing wasm-split-cli (wasm_split_cli_support $(WASM_SPLIT_VERSION), ~2 min)"; \
	  cargo install --locked --force wasm_split_cli_support@$(WASM_SPLIT_VERSION) --features build-binary; fi
	@if ! wasm-opt --version 2>/dev/null | grep -q "version $(BINARYEN_VERSION)"; then \
	  echo "== installing wasm-opt (binaryen $(BINARYEN_VERSION) from npm)"; \
	  npm install --global --no-audit --no-fund binaryen@$(BINARYEN_VERSION); fi
	@# The vendor's Python examples (server/tests/vendor_examples.rs, which fails without
	@# them) need `requests` for the python3 on PATH. On this project's machines that is a
	@# pyenv Python 3.11, where `python3 -m pip install` works. Debian's own
	@# /usr/bin/python3 refuses pip ("externally-managed-environment"); there use apt's
	@# python3-requests instead, as the message below says.
	@if ! python3 -c 'import requests' 2>/dev/null; then \
	  echo "== installing requests for $$(command -v python3) ($$(python3 --version 2>&1))"; \
	  python3 -m pip install --quiet requests || { \
	    echo "error: could not install requests for $$(command -v python3) with pip." >&2; \
	    echo "  Debian's own Python: apt-get install -y python3-requests" >&2; \
	    echo "  or put a Python where pip works (e.g. pyenv) first on PATH, then make tools again." >&2; \
	    exit 1; }; fi
	@# The export e2e tests read the files back with pandas, as a spreadsheet user's
	@# scripts would (same Python, same rule as above).
	@if ! python3 -c 'import pandas' 2>/dev/null; then \
	  echo "== installing pandas for $$(command -v python3) (the export tests read CSV with it)"; \
	  python3 -m pip install --quiet pandas || { \
	    echo "error: could not install pandas for $$(command -v python3) with pip." >&2; \
	    echo "  Debian's own Python: apt-get install -y python3-pandas" >&2; \
	    exit 1; }; fi
	@if ! command -v pdftoppm >/dev/null; then \
	  echo "== installing poppler-utils from apt (pdftoppm: the printed report, as PNG)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; fi
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  echo "== installing chromium and chromedriver from apt"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; fi
	@if [ ! -x /usr/sbin/nginx ] || [ ! -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ]; then \
	  echo "== installing nginx and its brotli_static module from apt (the static-hosting e2e tests)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-http-brotli-static; fi
	@if [ ! -x /usr/bin/firefox-esr ]; then \
	  echo "== installing firefox-esr from apt (the browser tests' second engine)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr; fi
	@if [ "$$(geckodriver --version 2>/dev/null | awk 'NR==1{print $$2}')" != "$(GECKODRIVER_VERSION)" ]; then \
	  echo "== installing geckodriver $(GECKODRIVER_VERSION) (~4 min)"; \
	  cargo install --force geckodriver@$(GECKODRIVER_VERSION); fi

# ---- build -------------------------------------------------------------------
build: build-site build-server

# Release builds also write 404.html and the .br/.gz siblings (tools/post_build.sh).
build-site: tools
	trunk build --release

# The same site for a sub-path, as the static-hosting e2e tests serve it under /calls/.
build-site-calls: tools
	trunk build --release --public-url /calls/ --dist dist-calls

build-server:
	cargo build --profile server -p dashboard-server

demo: build
	$(SERVER) demo --port $(PORT) --dist dist

# The local API for `trunk serve` (Trunk.toml proxies /v1 to :8081): demo mode, so the
# key is added server-side as the site's config.json (key_mode: server) expects.
api: build-server
	$(SERVER) demo --port 8081 --dist dist

# ---- tests -------------------------------------------------------------------
test: tools lint test-native test-browser test-e2e
	@echo "== all tests passed"

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --tests -- -D warnings

test-native:
	cargo test --workspace

test-browser: tools
	cargo build -p dashboard-server
	tests/run-browser-tests.sh target/debug/dashboard-server

# Playwright drives the release build in Debian's Chromium; it never downloads a browser.
E2E_NPM = if [ ! -d end2end/node_modules ]; then (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund); fi

test-e2e: build-site build-site-calls
	cargo build -p dashboard-server
	@$(E2E_NPM)
	cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 DASHBOARD_SERVER=target/debug/dashboard-server DIST=dist DIST_CALLS=dist-calls npx playwright test

soak: tools
	cargo build -p dashboard-server
	@$(E2E_NPM)
	cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 scripts/soak.sh

# ---- benchmarks (not tests) --------------------------------------------------
bench: build-site build-server bench-floor bench-calibration
	@$(E2E_NPM)
	cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 DASHBOARD_SERVER=$(SERVER) DIST=dist node bench/bench.mjs

# The smallest app on the dashboard's stack, built the same way, so the benchmark can
# print how much of the transfer budget the framework alone takes (end2end/bench/floor).
bench-floor: tools
	cd end2end/bench/floor && CARGO_TARGET_DIR=$(CURDIR)/target trunk build --release

# Sampled estimates (stats::sample) against a population of 1,000,000 calls whose exact
# figures are known: interval coverage and error over 500 seeded draws. A report: a
# figure outside its band prints MISS.
bench-calibration:
	cargo run --release --example calibration

# Lighthouse 12.2.3 (pinned in tools/lighthouse/package-lock.json, installed there, not
# globally) on the dashboard and the floor app, mobile and desktop, median of 3 runs.
# A report, not a test: a missed budget prints MISS; only a Lighthouse that cannot run fails.
lighthouse: build-site build-server bench-floor
	@if [ ! -d tools/lighthouse/node_modules ]; then (cd tools/lighthouse && npm ci --no-audit --no-fund); fi
	node tools/lighthouse/run.mjs

bench-server:
	server/bench/bench.sh

clean:
	cargo clean
	rm -rf dist dist-calls
