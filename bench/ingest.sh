#!/usr/bin/env bash
# Benchmark of the full tabular ingest on the real data: wall time per stage and peak RSS.
#
# Usage: bench/ingest.sh [RUNS]   (default 5; needs target/eduatlas.jar: ./mvnw -B -q package -DskipTests)
# Method and latest figures: docs/BENCHMARKS.md. Every run builds a fresh warehouse in a temporary
# directory (nothing served is touched); the first run is reported apart as the cold one (page
# cache and JIT), the others give the median.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
jar=target/eduatlas.jar
data=${EDUATLAS_DATA:-../shared/data}
[ -f "$jar" ] || { echo "missing $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "# ingest benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1)"
for i in $(seq 1 "$runs"); do
  /usr/bin/time -f "%e %M" -o "$work/time.$i" \
    java -jar "$jar" ingest --data "$data" --warehouse "$work/w.duckdb" --report "$work/report.$i.json" \
    >/dev/null 2>&1
done

python3 - "$work" "$runs" <<'PY'
import json, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
walls, rss, stages = [], [], {}
for i in range(1, runs + 1):
    w, m = open(f"{work}/time.{i}").read().split()
    walls.append(float(w)); rss.append(int(m) / 1024)
    for s in json.load(open(f"{work}/report.{i}.json"))["stages"]:
        stages.setdefault(s["name"], []).append(s["seconds"])
warm = slice(1, None) if runs > 1 else slice(0, None)
print(f"runs: {runs} (first one cold, medians over the others)")
print(f"wall time: cold {walls[0]:.2f} s, median {statistics.median(walls[warm]):.2f} s, max {max(walls):.2f} s")
print(f"peak RSS: median {statistics.median(rss[warm]):.0f} MiB, max {max(rss):.0f} MiB")
print("stage medians (s):")
for name, xs in stages.items():
    print(f"  {name:32s} {statistics.median(xs[warm]):6.2f}")
PY
