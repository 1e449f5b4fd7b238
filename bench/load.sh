#!/usr/bin/env bash
# Mixed-load benchmark: cheap reads (territory profiles, catalog, tiles: a path cycle so the
# response cache does not answer everything) with wrk, while heavy requests run beside them
# (new selections with 10,000 sensitivity runs, each a new seed; the GeoJSON of every commune of
# an indicator, first uncached then from the cache). Reports the cheap reads' latency percentiles
# and throughput, what the heavy requests got (201/200, 503 busy, 429 paced), and the server's
# RSS sampled every 5 s. Bounded: 60 s of load, then it stops.
#
# Usage: bench/load.sh [WAREHOUSE]   (default: a fresh ingest of ../shared/data in a temp dir)
# Method and latest figures: docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
jar=target/eduatlas.jar
[ -f "$jar" ] || { echo "missing $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
wh=$(warehouse_or_ingest "${1:-}" "$work")
mkdir -p "$work/var"
cp "$wh" "$work/var/eduatlas.duckdb"
port=$(free_port)
java -XX:+UseParallelGC -jar "$jar" serve --warehouse "$work/var/eduatlas.duckdb" --port "$port" \
  >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 120); do curl -fs "$base/api/health" >/dev/null && break; sleep 0.5; done

python3 - "$base" "$work/paths.txt" <<'PY'
import json, random, sys, urllib.request
base, out = sys.argv[1], sys.argv[2]
get = lambda p: json.load(urllib.request.urlopen(base + p))
paths = ["/api/v1/indicators", "/api/v1/levels", "/api/v1/indicators/population"]
for level in ("departement", "region"):
    paths += [f"/api/v1/territories/{level}/{x['code']}"
              for x in get(f"/api/v1/indicators/population/values?level={level}")["values"]]
communes = get("/api/v1/indicators/population/values?level=commune")["values"]
random.seed(2)
paths += [f"/api/v1/territories/commune/{x['code']}" for x in random.sample(communes, 300)]
paths += [f"/tiles/departements/6/{x}/{y}.mvt" for x in range(30, 35) for y in range(20, 25)]
open(out, "w").write("\n".join(paths) + "\n")
PY
wrk_cycle "$work/paths.txt" "$work/cycle.lua"
# Warm the JIT and the cache on the cheap paths first (the figures are for a warm server).
wrk -t2 -c32 -d30s -s "$work/cycle.lua" "$base" >/dev/null

echo "== cheap reads alone (32 connections, 20 s)"
wrk -t2 -c32 -d20s --latency -s "$work/cycle.lua" "$base" | grep -E "Latency|50%|90%|99%|Requests/sec|Non-2xx|timeout"

: >"$work/heavy.txt"
heavy() {
  local n=0
  while [ -f "$work/running" ]; do
    n=$((n + 1))
    curl -s -o /dev/null -w "selection %{http_code} %{time_total}\n" -X POST \
      -H 'Content-Type: application/json' \
      -d "{\"sensitivity\": {\"runs\": 10000, \"seed\": $RANDOM$n}}" \
      "$base/api/v1/selections" >>"$work/heavy.txt" || true
    curl -s -o /dev/null -w "geojson %{http_code} %{time_total}\n" \
      "$base/api/v1/indicators/population/values?level=commune&format=geojson" \
      >>"$work/heavy.txt" || true
  done
}
touch "$work/running"
for _ in 1 2 3 4; do heavy & done
( while [ -f "$work/running" ]; do
    ps -o rss= -p "$pid" | awk '{printf "%.0f MB\n", $1/1024}' >>"$work/rss.txt"; sleep 5
  done ) &
echo "== cheap reads while 4 clients send heavy requests (32 connections, 60 s)"
wrk -t2 -c32 -d60s --timeout 10s --latency -s "$work/cycle.lua" "$base" |
  grep -E "Latency|50%|90%|99%|Requests/sec|Non-2xx|timeout"
rm -f "$work/running"
sleep 2
echo "== heavy requests: count by kind and status, median time (s)"
sort "$work/heavy.txt" | awk '{k=$1" "$2; n[k]++; t[k]=t[k]" "$3} END {for (k in n) print k, n[k]}'
for kind in selection geojson; do
  { grep "^$kind 20" "$work/heavy.txt" || true; } | awk '{print $3}' | sort -n |
    awk -v k="$kind" '{a[NR]=$1} END {if (NR) printf "%s served: median %.2f s, max %.2f s\n", k, a[int((NR+1)/2)], a[NR]}'
done
echo "== RSS (MB) sampled every 5 s: $(tr '\n' ' ' <"$work/rss.txt")"
