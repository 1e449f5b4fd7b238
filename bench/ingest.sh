#!/usr/bin/env bash
# Benchmark of the full ingest on the real data: wall time per stage, the tabular part and the
# boundary stage apart, peak heap and peak RSS; builds without the boundary cache, then re-ingests
# with it.
#
# Usage: bench/ingest.sh [RUNS] [--full]
#   RUNS    runs per series (default 5; needs target/eduatlas.jar: ./mvnw -B -q package -DskipTests)
#   --full  with the default simulated school data (the README's ingest), else --no-simulation
# Method and latest figures: docs/BENCHMARKS.md. Every run writes a fresh warehouse into one
# temporary directory (nothing served is touched), with the JVM options bin/eduatlas gives `ingest`
# (ParallelGC, C1 alone) plus a 4 GiB heap cap (a run that needed more would fail). Series "build":
# --no-boundary-cache, every stage computed; series "re-ingest": the boundary stage taken from the
# cache entry the first run of the series stored (that first run is a build, not counted). In each
# series the first run is reported apart as the cold one (page cache and JIT); the others give the
# medians.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
full=${2:-}
jar=target/eduatlas.jar
data=${EDUATLAS_DATA:-../shared/data}
jvm=(-XX:+UseParallelGC -XX:TieredStopAtLevel=1 -Xmx4g)
[ -f "$jar" ] || { echo "missing $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sim=(--no-simulation)
if [ "$full" = "--full" ]; then
  # The simulated contribution written once, outside the timed runs, as a first ingest would.
  sim=(--simulated "$work/simulated")
  java "${jvm[@]}" -jar "$jar" ingest --data "$data" --warehouse "$work/w.duckdb" "${sim[@]}" \
    --no-boundary-cache >/dev/null 2>&1
fi

series() { # NAME EXTRA-ARGS...
  local name=$1; shift
  for i in $(seq 1 "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/$name.time.$i" \
      java "${jvm[@]}" -Xlog:gc:file="$work/$name.gc.$i.log" -jar "$jar" \
      ingest --data "$data" --warehouse "$work/w.duckdb" --report "$work/$name.report.$i.json" \
      "${sim[@]}" "$@" >/dev/null 2>&1
  done
}

echo "# ingest benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1), ${jvm[*]}, ${sim[0]}"
series build --no-boundary-cache
rm -rf "$work/boundary-cache"
java "${jvm[@]}" -jar "$jar" ingest --data "$data" --warehouse "$work/w.duckdb" "${sim[@]}" >/dev/null 2>&1
series reingest

python3 - "$work" "$runs" <<'PY'
import json, re, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
for name, title in (("build", "build (no boundary cache)"), ("reingest", "re-ingest (boundary cache hit)")):
    walls, rss, heaps, stages = [], [], [], {}
    for i in range(1, runs + 1):
        w, m = open(f"{work}/{name}.time.{i}").read().split()
        walls.append(float(w)); rss.append(int(m) / 1024)
        used = [int(a) for a in re.findall(r"(\d+)M->\d+M", open(f"{work}/{name}.gc.{i}.log").read())]
        heaps.append(max(used) if used else 0)
        for s in json.load(open(f"{work}/{name}.report.{i}.json"))["stages"]:
            stages.setdefault(s["name"], [0.0] * runs)[i - 1] = s["seconds"]
    warm = slice(1, None) if runs > 1 else slice(0, None)
    med = lambda xs: statistics.median(xs[warm])
    # Sources are read side by side: each "read:<id>" stage overlaps the others, and the group's
    # wall time is its own stage ("reads", "contribution-reads"), which the sums count instead.
    summed = [n for n in stages if not n.startswith("read:")]
    boundary = [n for n in summed if n.startswith("boundaries:")]
    derived = [n for n in summed if n in ("indicators", "tiles")]
    tabular = [n for n in summed if n not in boundary and n not in derived]
    total = lambda names: [sum(stages[n][i] for n in names) for i in range(runs)]
    print(f"== {title}: {runs} runs (first one cold, medians over the others)")
    print(f"wall time: cold {walls[0]:.2f} s, median {med(walls):.2f} s, max {max(walls):.2f} s")
    print(f"tabular stages (source reads included): median {med(total(tabular)):.2f} s; boundary stage: median {med(total(boundary)):.2f} s;"
          f" indicators and tiles: median {med(total(derived)):.2f} s")
    print(f"peak heap used (GC log): median {med(heaps):.0f} MiB, max {max(heaps):.0f} MiB; peak RSS: median {med(rss):.0f} MiB")
    print("stage medians (s; the read:<id> stages overlap):")
    for n in stages:
        print(f"  {n:36s} {med(stages[n]):6.2f}")
PY
