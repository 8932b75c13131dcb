#!/usr/bin/env bash
# Runs the vendor's Python examples (vendor_examples.py) against a fresh local `api`.
# Usage (from the workspace root): server/examples/run_vendor_examples.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! python3 -c 'import requests' 2>/dev/null; then
  echo "installing requests for $(command -v python3)" >&2
  python3 -m pip install --quiet requests || {
    echo "error: pip could not install requests; on Debian's own Python use: apt-get install -y python3-requests" >&2
    exit 1
  }
fi

cargo build --quiet -p dashboard-server
work=$(mktemp -d)
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
. server/scripts/start_server.sh
start_server "$work" ./target/debug/dashboard-server api --db "$work/calls.db" --fresh
url=$SERVER_URL

TELEPATH_BASE_URL="$url/v1" TELEPATH_API_KEY=sk_test_demo_telepath_dashboard \
  python3 server/examples/vendor_examples.py
