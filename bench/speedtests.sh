#!/usr/bin/env bash
# Benchmark of simulate + ingest of speed tests: rows written and read per second, peak heap.
#
# Usage: bench/speedtests.sh [TESTS_PER_DAY]   (default 4: the product volume, about 30 M rows)
# Needs target/eduatlas.jar and about 5 GB of free disk. Method and latest figures:
# docs/BENCHMARKS.md. Builds a warehouse without simulation first (its schools condition the
# simulation), then simulates into a temporary folder and ingests it with a 2 GiB heap cap: a run
# that needed more heap would fail.
set -euo pipefail
cd "$(dirname "$0")/.."
per_day=${1:-4}
jar=target/eduatlas.jar
data=${EDUATLAS_DATA:-../shared/data}
[ -f "$jar" ] || { echo "missing $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jvm=(-XX:+UseParallelGC)

echo "# speed-test benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $per_day tests per school day"
java "${jvm[@]}" -jar "$jar" ingest --data "$data" --warehouse "$work/base.duckdb" --no-simulation >/dev/null 2>&1
/usr/bin/time -f "%e %M" -o "$work/sim.time" java "${jvm[@]}" -jar "$jar" simulate \
  --warehouse "$work/base.duckdb" --out "$work/sim" --tests-per-day "$per_day" >/dev/null 2>&1
/usr/bin/time -f "%e %M" -o "$work/ingest.time" java "${jvm[@]}" -Xmx2g -Xlog:gc:file="$work/gc.log" \
  -Deduatlas.sql.trace=true -jar "$jar" ingest --data "$data" --warehouse "$work/w.duckdb" --simulated "$work/sim" \
  --report "$work/report.json" >/dev/null 2>"$work/trace.txt"

python3 - "$work" <<'PY'
import json, re, sys
work = sys.argv[1]
rows = sum(1 for _ in open(f"{work}/sim/tests_debit.csv")) - 1
sim_s, sim_kb = open(f"{work}/sim.time").read().split()
ing_s, ing_kb = open(f"{work}/ingest.time").read().split()
report = json.load(open(f"{work}/report.json"))
stages = {s["name"]: s["seconds"] for s in report["stages"]}
read = stages["read:contrib-simulation-tests-debit"]
model = stages["contributions"]
heap = max(int(a) for a in re.findall(r"(\d+)M->\d+M", open(f"{work}/gc.log").read()))
print(f"speed-test rows: {rows:,}")
print(f"simulate (all files): {float(sim_s):.1f} s, {rows / float(sim_s):,.0f} test rows/s written")
print(f"load (read stage: DuckDB CSV reader, checks, rechecks, quarantine): {read:.1f} s, {rows / read:,.0f} rows/s")
print(f"contributions stage (duplicates, outliers, daily and yearly statistics, Parquet): {model:.1f} s")
print(f"speed tests end to end (read + model): {rows / (read + model):,.0f} rows/s")
print("statements of 0.5 s or more (-Deduatlas.sql.trace):")
for line in open(f"{work}/trace.txt"):
    if line.startswith("sql"):
        print("  " + line.rstrip()[:130])
print(f"whole ingest: {float(ing_s):.1f} s; peak heap used {heap} MiB (cap 2 GiB); peak RSS {int(ing_kb) / 1024:.0f} MiB")
PY
