#!/usr/bin/env bash
# Benchmark of the HTTP API with wrk (Debian's package) on loopback.
#
# Usage: bench/api.sh [WAREHOUSE]   (default: a fresh ingest of ../shared/data into a temp dir)
# Method and latest figures: docs/BENCHMARKS.md. Measures, against a running `serve`:
#  - territory profiles, over 600 different territories (every département, académie, région and
#    500 communes) so that the server's response cache does not answer everything: req/s, p99;
#  - one indicator for all communes, JSON and CSV: first (uncached) response time, then warm;
#  - a school search.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
jar=target/eduatlas.jar
[ -f "$jar" ] || { echo "missing $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
wh=$(warehouse_or_ingest "${1:-}" "$work")
port=$(free_port)
java -XX:+UseParallelGC -jar "$jar" serve --warehouse "$wh" --port "$port" >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 60); do curl -fs "$base/api/health" >/dev/null && break; sleep 0.5; done

# The territories to ask for, from the API itself.
python3 - "$base" "$work/paths.txt" <<'PY'
import json, random, sys, urllib.request
base, out = sys.argv[1], sys.argv[2]
def get(p):
    return json.load(urllib.request.urlopen(base + p))
paths = []
for level in ("departement", "academie", "region"):
    v = get(f"/api/v1/indicators/population/values?level={level}")
    paths += [f"/api/v1/territories/{level}/{x['code']}" for x in v["values"]]
communes = get("/api/v1/indicators/population/values?level=commune")["values"]
random.seed(1)
paths += [f"/api/v1/territories/commune/{x['code']}" for x in random.sample(communes, 500)]
open(out, "w").write("\n".join(paths) + "\n")
print(f"{len(paths)} profile paths")
PY
wrk_cycle "$work/paths.txt" "$work/profiles.lua"

echo "# API benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2)"
python3 - "$base" "$work/paths.txt" <<'PY'
import statistics, sys, time, urllib.request
base, paths = sys.argv[1], open(sys.argv[2]).read().split()
times = []
for p in paths:
    t0 = time.perf_counter()
    urllib.request.urlopen(base + p).read()
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(f"## profiles, first request of each (uncached), one at a time: median {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95)]:.1f} ms, max {times[-1]:.1f} ms")
PY
echo "## profiles, 32 connections, 20 s (after the cold pass)"
wrk -t2 -c32 -d20s --latency -s "$work/profiles.lua" "$base" | grep -E "Requests/sec|Latency|  50%|  99%"
for fmt in json csv; do
  url="$base/api/v1/indicators/couverture-fibre/values?level=commune&year=2024&format=$fmt"
  curl -s -o /dev/null -w "## all communes, $fmt: first response %{time_total} s, %{size_download} bytes\n" "$url"
  wrk -t2 -c4 -d10s --latency "$url" | grep -E "Requests/sec|  50%|  99%"
done
url="$base/api/v1/indicators/couverture-fibre/values?level=commune&year=2024"
curl -s -o /dev/null -H "Accept-Encoding: gzip" -w "## all communes, json, gzip: %{time_total} s, %{size_download} bytes\n" "$url"
url="$base/api/v1/schools?departement=02&type=ecole&limit=100"
curl -s -o /dev/null -w "## school search: first response %{time_total} s\n" "$url"
wrk -t2 -c32 -d10s --latency "$url" | grep -E "Requests/sec|  50%|  99%"
