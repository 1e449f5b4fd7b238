#!/usr/bin/env bash
# Memory against throughput: the server under -Xmx1g, 2g and 6g after "a morning of use".
#
# Usage: bench/memory.sh [WAREHOUSE]   (default: a fresh ingest of ../shared/data into a temp dir)
# Needs wrk (apt-get install wrk). For each heap cap, starts `serve` (ParallelGC; GC=... and
# HEAPS="1g" override), then plays a mixed use: every département, académie and région profile
# and 500 communes' (each once, then wrk 20 s), the
# all-communes GeoJSON of every ratio indicator of the catalog (gzip), the communes layer's tiles
# over France at zooms 8 to 12 (wrk, 20 s), school searches; then measures, on the warm server,
# profiles and tiles throughput (wrk, 20 s each), the process's resident memory and the heap in
# use after a full collection. Any non-2xx answer or a server that died fails the run. Method and
# latest figures: docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
jar=target/eduatlas.jar
[ -f "$jar" ] || { echo "missing $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
wh=$(warehouse_or_ingest "${1:-}" "$work")
echo "# memory benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
echo "heap cap | profiles req/s (p99) | tiles req/s (p99) | RSS MiB | heap used after full GC MiB | non-2xx"
for heap in ${HEAPS:-1g 2g 6g}; do
  port=$(free_port)
  java ${GC:--XX:+UseParallelGC} "-Xmx$heap" -jar "$jar" serve --warehouse "$wh" --port "$port" >"$work/serve-$heap.log" 2>&1 &
  pid=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq 120); do curl -fs "$base/api/health" >/dev/null && break; sleep 0.5; done
  python3 - "$base" "$work" <<'PY'
import json, math, random, sys, urllib.request
base, work = sys.argv[1], sys.argv[2]
def get(p):
    return json.load(urllib.request.urlopen(base + p))
paths = []
for level in ("departement", "academie", "region"):
    paths += [f"/api/v1/territories/{level}/{x['code']}" for x in get(f"/api/v1/indicators/population/values?level={level}")["values"]]
communes = get("/api/v1/indicators/population/values?level=commune")["values"]
random.seed(1)
paths += [f"/api/v1/territories/commune/{x['code']}" for x in random.sample(communes, 500)]
open(f"{work}/profiles.txt", "w").write("\n".join(paths) + "\n")
tiles = []
for z in range(8, 13):
    n = 2 ** z
    tx = lambda lon: int((lon + 180) / 360 * n)
    ty = lambda lat: int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n)
    cells = [(x, y) for x in range(tx(-4.8), tx(8.2) + 1) for y in range(ty(51.1), ty(42.3) + 1)]
    random.shuffle(cells)
    tiles += [f"/tiles/communes/{z}/{x}/{y}.mvt" for x, y in cells[:300]]
open(f"{work}/tiles.txt", "w").write("\n".join(tiles) + "\n")
ratios = [i["id"] for i in get("/api/v1/indicators") if i.get("unit") == "%"]
open(f"{work}/ratios.txt", "w").write("\n".join(ratios) + "\n")
PY
  wrk_cycle "$work/profiles.txt" "$work/profiles.lua"
  wrk_cycle "$work/tiles.txt" "$work/tiles.lua"
  bad=0
  # The morning: every profile (each asked once, then 20 s of them), every ratio indicator's
  # all-communes GeoJSON, the tiles, searches.
  xargs -P 4 -I{} curl -s -o /dev/null "$base{}" <"$work/profiles.txt"
  wrk -t2 -c16 -d20s -s "$work/profiles.lua" "$base" >/dev/null
  while read -r id; do
    code=$(curl -s -o /dev/null -H "Accept-Encoding: gzip" -w '%{http_code}' "$base/api/v1/indicators/$id/values?level=commune&format=geojson")
    [ "$code" = 200 ] || bad=$((bad + 1))
  done <"$work/ratios.txt"
  wrk -t2 -c16 -d20s -s "$work/tiles.lua" "$base" >/dev/null
  for d in 02 13 59 69 75 971 974 2A; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/schools?departement=$d&limit=1000&format=geojson")
    [ "$code" = 200 ] || bad=$((bad + 1))
  done
  kill -0 $pid || { echo "server died under -Xmx$heap"; tail "$work/serve-$heap.log"; exit 1; }
  prof=$(wrk -t2 -c32 -d20s --latency -s "$work/profiles.lua" "$base" | awk '/Requests\/sec/ {r=$2} / 99%/ {p=$2} /Non-2xx/ {n=$4} END {print r " (" p ")" (n ? " non-2xx " n : "")}')
  til=$(wrk -t2 -c16 -d20s --latency -s "$work/tiles.lua" "$base" | awk '/Requests\/sec/ {r=$2} / 99%/ {p=$2} /Non-2xx/ {n=$4} END {print r " (" p ")" (n ? " non-2xx " n : "")}')
  rss=$(($(ps -o rss= -p $pid) / 1024))
  used=$(jcmd $pid GC.run >/dev/null 2>&1; jcmd $pid GC.heap_info 2>/dev/null | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {v=$(i+1); sub("K,?","",v); s+=v}} END {printf "%.0f", s/1024}')
  echo "$heap | $prof | $til | $rss | $used | $bad"
  kill $pid; wait $pid 2>/dev/null || true; pid=
done
