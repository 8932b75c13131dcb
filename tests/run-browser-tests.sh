#!/usr/bin/env bash
# Runs the wasm-bindgen browser tests (tests/browser.rs) in headless Chromium against
# a fresh local API with fault control, started on a free port and stopped after.
set -euo pipefail
server=${1:?usage: run-browser-tests.sh PATH/TO/dashboard-server}
tmp=$(mktemp -d)
"$server" api --port 0 --fresh --db "$tmp/calls.db" --calls 3000 --seed 7 \
  --rate-limit 0 --fault-control >"$tmp/out" 2>"$tmp/err" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
# Wait for the server's "listening on" line (it prints it once the port is bound).
for _ in $(seq 1 1200); do
  grep -q '^listening on ' "$tmp/out" && break
  if ! kill -0 "$pid" 2>/dev/null; then echo "the API did not start:"; cat "$tmp/err"; exit 1; fi
  sleep 0.05
done
url=$(sed -n 's/^listening on //p' "$tmp/out" | head -n 1)
[ -n "$url" ] || { echo "the API did not say where it listens"; cat "$tmp/err"; exit 1; }
echo "== browser tests against $url/v1"
DASHBOARD_TEST_API="$url/v1" CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=300 \
  cargo test --target wasm32-unknown-unknown --test browser
