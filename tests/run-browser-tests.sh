#!/usr/bin/env bash
# Runs the wasm-bindgen browser tests (tests/browser.rs) in headless Chromium and then in
# headless Firefox, each against a fresh local API with fault control, started on a free
# port and stopped after. Prints the counts per engine; fails if either engine fails or
# its WebDriver is missing (`make tools` installs chromium-driver and geckodriver).
set -euo pipefail
server=${1:?usage: run-browser-tests.sh PATH/TO/dashboard-server}
CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
GECKODRIVER=${GECKODRIVER:-$(command -v geckodriver || echo "$HOME/.cargo/bin/geckodriver")}
for driver in "$CHROMEDRIVER" "$GECKODRIVER"; do
  [ -x "$driver" ] || { echo "missing WebDriver $driver: run make tools"; exit 1; }
done
tmp=$(mktemp -d)
pid=
stop_api() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  pid=
}
trap 'stop_api; rm -rf "$tmp"' EXIT

# Starts a fresh API and sets $url.
start_api() {
  rm -f "$tmp"/calls.db* "$tmp/out" "$tmp/err"
  "$server" api --port 0 --fresh --db "$tmp/calls.db" --calls 3000 --seed 7 \
    --rate-limit 0 --fault-control >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  # Wait for the server's "listening on" line (it prints it once the port is bound).
  for _ in $(seq 1 1200); do
    grep -q '^listening on ' "$tmp/out" && break
    if ! kill -0 "$pid" 2>/dev/null; then echo "the API did not start:"; cat "$tmp/err"; exit 1; fi
    sleep 0.05
  done
  url=$(sed -n 's/^listening on //p' "$tmp/out" | head -n 1)
  [ -n "$url" ] || { echo "the API did not say where it listens"; cat "$tmp/err"; exit 1; }
}

# run ENGINE VAR=DRIVER: the suite in one engine; its cargo output goes to $tmp/ENGINE.log.
declare -A summary
failed=0
run() {
  local engine=$1 driver_env=$2
  start_api
  echo "== browser tests in headless $engine against $url/v1"
  local started=$SECONDS status=0
  # The runner takes the first driver variable it finds (GECKODRIVER before CHROMEDRIVER),
  # so each run sees only its own.
  env -u GECKODRIVER -u CHROMEDRIVER -u SAFARIDRIVER -u MSEDGEDRIVER -u GECKODRIVER_REMOTE -u CHROMEDRIVER_REMOTE \
    "$driver_env" DASHBOARD_TEST_API="$url/v1" WASM_BINDGEN_TEST_TIMEOUT=300 \
    cargo test --target wasm32-unknown-unknown --test browser 2>&1 | tee "$tmp/$engine.log" || status=$?
  stop_api
  local result
  result=$(grep -E '^test result: ' "$tmp/$engine.log" | tail -n 1 || true)
  [ -n "$result" ] || result="no test result (exit $status)"
  summary[$engine]="$result ($((SECONDS - started)) s)"
  if [ "$status" -ne 0 ]; then failed=1; fi
}

run chromium "CHROMEDRIVER=$CHROMEDRIVER"
run firefox "GECKODRIVER=$GECKODRIVER"
echo "== browser tests per engine"
for engine in chromium firefox; do echo "   $engine: ${summary[$engine]}"; done
exit "$failed"
