#!/usr/bin/env bash
# The long race run: many more random sequences than `make test`, with a fresh seed
# each time (printed, so a failure can be replayed with RACE_SEED=...).
set -euo pipefail
cd "$(dirname "$0")/.."
export RACE_SEQUENCES="${RACE_SEQUENCES:-2000}"
export RACE_SHARDS="${RACE_SHARDS:-8}"
export RACE_SEED="${RACE_SEED:-$(( (RANDOM << 15) | RANDOM ))}"
echo "== soak: $RACE_SEQUENCES sequences in $RACE_SHARDS shards, RACE_SEED=$RACE_SEED"
exec npx playwright test tests/races.spec.ts "$@"
