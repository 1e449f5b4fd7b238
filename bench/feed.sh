#!/usr/bin/env bash
# Benchmark of the live speed-test feed: sustained ingestion over HTTP (NDJSON batches posted by
# concurrent agents with a feed token), on the embedded store and, when PostgreSQL's binaries are
# installed, on PostgreSQL. Every batch must be stored whole (checked by the driver).
#
# Usage: bench/feed.sh [WAREHOUSE] [BATCHES] [SIZE] [CLIENTS]
#   (defaults: a fresh ingest of ../shared/data, 40 batches of 25,000 tests, 2 clients)
# Method and latest figures: docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
require_build
work=$(mktemp -d)
wh=$(warehouse_or_ingest "${1:-}" "$work")
batches=${2:-40}
size=${3:-25000}
clients=${4:-2}
# A copy, so that the hub store beside it is the benchmark's own.
cp "$wh" "$work/served.duckdb"
store="jdbc:sqlite:$work/hubs.sqlite"
hub() { java -jar "$jar" hub "$@" --warehouse "$work/served.duckdb" --store "$store"; }
hub create aisne --nom "Conseil départemental de l'Aisne" --type departement --territoire 02 >/dev/null
hub scope aisne --types ecole,college,lycee >/dev/null
hub grant aisne sonde@aisne.fr --role contributeur >/dev/null
token=$(hub token create sonde@aisne.fr --nom sonde --hub aisne --flux-tests 2>/dev/null)
port=$(free_port)
java -jar "$jar" serve --warehouse "$work/served.duckdb" --hub-store "$store" --port "$port" \
  >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 120); do curl -fs "$base/api/health" >/dev/null && break; sleep 0.5; done
echo "== embedded store (SQLite), $(nproc) cores"
java -cp "$jar:target/test-classes" fr.eduatlas.bench.FeedBench "$base" aisne "$token" \
  departement=02 "$batches" "$size" "$clients"
ls -l "$work/hubs.sqlite" | awk '{printf "store file: %.0f MB\n", $5 / 1e6}'
