#!/usr/bin/env bash
# Benchmark of the OGC API Features collections (/ogc), one request at a time on loopback.
#
# Usage: bench/ogc.sh [WAREHOUSE] [JAR]   (default: a fresh ingest of ../shared/data; target/eduatlas.jar)
# Method and latest figures: docs/BENCHMARKS.md. Each case asks for 20 different pages (offset
# 0, 10, …) so that the server's response cache answers none of them, and reports the median and
# the slowest of the 20 first responses; the count (numberMatched) is computed at every page, so
# each page does the case's whole selection:
#  - communes in a box over the Aisne (bbox parameter);
#  - communes with the value of an indicator (indicator=couverture-fibre), no filter;
#  - communes whose fibre coverage is under 20 % (CQL2 on the indicator's value);
#  - communes meeting a triangle over metropolitan France (CQL2 S_INTERSECTS, outlines tested);
#  - schools: collèges in a box over Paris (CQL2, comparison and S_INTERSECTS).
# A JAR without CQL2 support (before Part 3) answers 400 to the filter cases: they are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
jar=${2:-target/eduatlas.jar}
[ -f "$jar" ] || { echo "missing $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }
work=$(mktemp -d)
wh=$(warehouse_or_ingest "${1:-}" "$work")
port=$(free_port)
java -XX:+UseParallelGC -jar "$jar" serve --warehouse "$wh" --port "$port" >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 60); do curl -fs "$base/api/health" >/dev/null && break; sleep 0.5; done
# Warm the JIT and the connection pool on other requests than the measured ones.
for _ in $(seq 20); do curl -s -o /dev/null "$base/ogc/collections/departements/items?limit=5"; done

echo "# OGC benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(basename "$jar")"
python3 - "$base" <<'PY'
import statistics, sys, time, urllib.error, urllib.parse, urllib.request
base = sys.argv[1]
triangle = "S_INTERSECTS(geometry, POLYGON((-5 42, 9 42, 2 52, -5 42)))"
cases = [
    ("communes, bbox over the Aisne", "communes", "bbox=3,49,4.3,50.1"),
    ("communes with an indicator", "communes", "indicator=couverture-fibre&year=2024"),
    ("communes, CQL2 valeur < 20", "communes",
     "indicator=couverture-fibre&year=2024&filter=" + urllib.parse.quote("valeur < 20")),
    ("communes, CQL2 triangle over France", "communes", "filter=" + urllib.parse.quote(triangle)),
    ("schools, CQL2 collèges in a box over Paris", "etablissements",
     "filter=" + urllib.parse.quote("type = 'college' AND S_INTERSECTS(geometry, BBOX(2.2,48.8,2.5,48.95))")),
]
for label, col, query in cases:
    times, matched = [], None
    try:
        for k in range(20):
            url = f"{base}/ogc/collections/{col}/items?limit=10&offset={10 * k}&{query}"
            t0 = time.perf_counter()
            body = urllib.request.urlopen(url).read()
            times.append((time.perf_counter() - t0) * 1000)
            if matched is None:
                import json
                matched = json.loads(body)["numberMatched"]
    except urllib.error.HTTPError as e:
        print(f"## {label}: HTTP {e.code}, skipped")
        continue
    print(f"## {label}: {matched} matched; first responses median {statistics.median(times):.0f} ms, max {max(times):.0f} ms")
PY
