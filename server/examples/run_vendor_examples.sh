#!/usr/bin/env bash
# Runs the vendor's Python examples (vendor_examples.py) against a fresh local `api`.
# Usage (from the workspace root): server/examples/run_vendor_examples.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! python3 -c 'import requests' 2>/dev/null; then
  echo "installing the requests package for python3" >&2
  python3 -m pip install --quiet requests
fi

cargo build --quiet -p dashboard-server
work=$(mktemp -d)
out="$work/stdout"
./target/debug/dashboard-server api --port 0 --db "$work/calls.db" --fresh >"$out" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# Wait for the one "listening on" line, not for a fixed time.
for _ in $(seq 1 600); do
  grep -q '^listening on ' "$out" && break
  kill -0 "$pid" 2>/dev/null || { echo "the server exited" >&2; exit 1; }
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$out")

TELEPATH_BASE_URL="$url/v1" TELEPATH_API_KEY=sk_test_demo_telepath_dashboard \
  python3 server/examples/vendor_examples.py
