#!/usr/bin/env bash
# Benchmark of the call-for-interest selection: all rural communes with a primary school, one
# optimisation under a quota per département and its 1,000-run sensitivity, then the default
# criteria; cold (first in the JVM) and warm (median of 10), split into reading the facts from the
# warehouse and computing. Also times POST /api/v1/selections end to end on a running server.
#
# Usage: bench/selection.sh [WAREHOUSE]   (default: a fresh ingest of ../shared/data in a temp dir)
# Method and latest figures: docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
require_build
work=$(mktemp -d)
wh=$(warehouse_or_ingest "${1:-}" "$work")
echo "== in process (ms)"
java -cp "$jar:target/test-classes" fr.eduatlas.bench.SelectionBench "$wh" 10

# Over HTTP: a copy of the warehouse so that the stored selections go to the temp dir.
cp "$wh" "$work/served.duckdb"
port=$(free_port)
java -jar "$jar" serve --warehouse "$work/served.duckdb" --port "$port" >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 60); do curl -fs "$base/api/health" >/dev/null && break; sleep 0.5; done
echo "== POST /api/v1/selections (s): first request, then 5 new criteria (seeds 2-6), then a repeat"
body='{"eligibility": {"maxPopulation": null}, "quotas": [{"level": "departement", "code": "*", "max": 2}], "sensitivity": {"runs": 1000, "seed": SEED}}'
for seed in 1 2 3 4 5 6 1; do
  curl -s -o /dev/null -w "seed $seed: %{http_code} %{time_total}\n" -X POST \
    -H 'Content-Type: application/json' -d "${body/SEED/$seed}" "$base/api/v1/selections"
done
