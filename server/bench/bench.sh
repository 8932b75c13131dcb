#!/usr/bin/env bash
# Load benchmark of the local API on 1,000,000 generated calls (not a test).
#
# Builds with --profile server, generates the database, starts `api --rate-limit 0` on a
# free port, and runs wrk against first pages under each filter and against deep
# offsets. Prints a table against the budgets and writes bench-results/server.json.
#
# Usage (from anywhere): server/bench/bench.sh
# Knobs (environment): CALLS (1000000), DURATION seconds per case (10),
# CONNECTIONS (16), THREADS (1, wrk threads), KEEP_DB=1 to reuse an existing database,
# ONLY=REGEX to run only the cases whose name matches.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

calls=${CALLS:-1000000}
duration=${DURATION:-10}
connections=${CONNECTIONS:-16}
threads=${THREADS:-1}
key=sk_test_demo_telepath_dashboard
budget_rps=3000
budget_first_p99=20
budget_deep_p99=100

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else sudo apt-get install -y wrk >/dev/null; fi
fi

cargo build --profile server -p dashboard-server
bin="$root/target/server/dashboard-server"
mkdir -p "$root/target/bench" "$root/bench-results"
db="$root/target/bench/calls-$calls.db"
if [ "${KEEP_DB:-0}" != 1 ] || [ ! -f "$db" ]; then
  "$bin" generate --db "$db" --calls "$calls" --seed 42
fi

work=$(mktemp -d)
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
. server/scripts/start_server.sh
start_server "$work" "$bin" api --db "$db" --rate-limit 0
base=$SERVER_URL

trunk=$(curl -sf -H "Authorization: Bearer $key" "$base/v1/trunks" | grep -o 'conn_[0-9a-z]*' | head -1)
day() { date -u -d "@$(( $(date -u +%s) - $1 * 86400 ))" +%Y-%m-%dT%H:%M:%SZ; }
from7=$(day 7); to6=$(day 6); from2=$(day 2)

# name | kind (first/deep) | path
cases=(
  "none|first|/v1/calls"
  "none limit=100|first|/v1/calls?limit=100"
  "status=failed|first|/v1/calls?status=failed"
  "status=connected|first|/v1/calls?status=connected"
  "trunk|first|/v1/calls?trunk_id=$trunk"
  "trunk+status=failed|first|/v1/calls?trunk_id=$trunk&status=failed"
  "date range (1 day)|first|/v1/calls?start_date=$from7&end_date=$to6"
  "date+status+trunk|first|/v1/calls?start_date=$from2&status=connected&trunk_id=$trunk"
  "detail|first|/v1/calls/CALL_ID"
  "offset=900000|deep|/v1/calls?offset=900000"
  "offset=999900 limit=100|deep|/v1/calls?offset=999900&limit=100"
  "status=connected offset=800000|deep|/v1/calls?status=connected&offset=800000"
  "trunk offset=150000|deep|/v1/calls?trunk_id=$trunk&offset=150000"
)
call_id=$(curl -sf -H "Authorization: Bearer $key" "$base/v1/calls?limit=1&offset=12345" | grep -o 'call_[0-9a-z]*' | head -1)

# wrk latency values come as 850.00us, 1.23ms or 1.05s: convert to ms.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

printf '\n%-34s %10s %9s %9s %9s  %s\n' "case" "req/s" "p50 ms" "p99 ms" "budget" "verdict"
json_rows=()
misses=0
for c in "${cases[@]}"; do
  IFS='|' read -r name kind path <<<"$c"
  [[ -z "${ONLY:-}" || "$name" =~ $ONLY ]] || continue
  path=${path//CALL_ID/$call_id}
  url="$base$path"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$url")
  [ "$code" = 200 ] || { echo "$name: HTTP $code for $url" >&2; exit 1; }
  out=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -H "Authorization: Bearer $key" "$url")
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  errors=$(awk '/Non-2xx or 3xx responses:/ { print $NF } /Socket errors:/ { print "socket" }' <<<"$out" | head -1)
  if [ "$kind" = first ]; then
    budget="${budget_rps}/s ${budget_first_p99}ms"
    ok=$(awk -v r="$rps" -v p="$p99" -v br="$budget_rps" -v bp="$budget_first_p99" 'BEGIN { print (r >= br && p <= bp) ? "ok" : "MISS" }')
  else
    budget="p99 ${budget_deep_p99}ms"
    ok=$(awk -v p="$p99" -v bp="$budget_deep_p99" 'BEGIN { print (p <= bp) ? "ok" : "MISS" }')
  fi
  [ -z "$errors" ] || ok="MISS (errors: $errors)"
  [ "$ok" = ok ] || misses=$((misses + 1))
  printf '%-34s %10s %9s %9s %9s  %s\n' "$name" "$rps" "$p50" "$p99" "$budget" "$ok"
  json_rows+=("{\"case\":\"$name\",\"kind\":\"$kind\",\"path\":\"${path//\"/}\",\"requests_per_sec\":$rps,\"p50_ms\":$p50,\"p99_ms\":$p99,\"verdict\":\"$ok\"}")
done

{
  printf '{"calls":%s,"duration_s":%s,"connections":%s,"wrk_threads":%s,"cores":%s,' \
    "$calls" "$duration" "$connections" "$threads" "$(nproc)"
  printf '"budgets":{"first_page_rps":%s,"first_page_p99_ms":%s,"deep_offset_p99_ms":%s},' \
    "$budget_rps" "$budget_first_p99" "$budget_deep_p99"
  printf '"date":"%s","results":[' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  (IFS=,; printf '%s' "${json_rows[*]}")
  printf ']}\n'
} >"$root/bench-results/server.json"
echo
echo "wrote bench-results/server.json ($misses case(s) missed a budget)"
