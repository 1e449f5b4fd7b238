#!/usr/bin/env bash
# Cost growth: whole-ingest time, warehouse size and peak memory against the speed-test volume.
#
# Usage: bench/growth.sh [ROWS...]   (default: 1000000 10000000 30000000)
# Needs target/eduatlas.jar and free disk of about 70 bytes per row (CSV, then warehouse and
# Parquet). For each volume: simulate the school-level data with the tests per school day that
# give about that many rows (7.5 M school-days a year), ingest it with -Xmx2g under GNU time,
# and append "rows,seconds,warehouse_bytes,parquet_bytes,peak_rss_kib" to
# docs/figures/growth.csv; then draws docs/figures/growth.svg (log-log). Method and latest
# figures: docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/eduatlas.jar
data=${EDUATLAS_DATA:-../shared/data}
[ -f "$jar" ] || { echo "missing $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }
volumes=("$@")
[ ${#volumes[@]} -gt 0 ] || volumes=(1000000 10000000 30000000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jvm=(-XX:+UseParallelGC)
mkdir -p docs/figures
out=docs/figures/growth.csv
[ -f "$out" ] || echo "rows,seconds,warehouse_bytes,parquet_bytes,peak_rss_kib,measured_at" >"$out"
java "${jvm[@]}" -jar "$jar" ingest --data "$data" --warehouse "$work/base.duckdb" --no-simulation >/dev/null 2>&1
for rows in "${volumes[@]}"; do
  per_day=$(python3 -c "print(round($rows / 7512110, 4))")
  rm -rf "$work/sim" "$work/w.duckdb" "$work/w.duckdb.speedtests"
  java "${jvm[@]}" -jar "$jar" simulate --warehouse "$work/base.duckdb" --out "$work/sim" \
    --tests-per-day "$per_day" >/dev/null 2>&1
  actual=$(($(wc -l <"$work/sim/tests_debit.csv") - 1))
  /usr/bin/time -f "%e %M" -o "$work/ingest.time" java "${jvm[@]}" -Xmx2g -jar "$jar" ingest \
    --data "$data" --warehouse "$work/w.duckdb" --simulated "$work/sim" >/dev/null 2>&1
  read -r secs rss <"$work/ingest.time"
  wbytes=$(stat -c %s "$work/w.duckdb")
  pbytes=$(du -sb "$work/w.duckdb.speedtests" | cut -f1)
  echo "$actual,$secs,$wbytes,$pbytes,$rss,$(date -u +%Y-%m-%dT%H:%MZ)" | tee -a "$out"
done
python3 bench/growth_chart.py "$out" docs/figures/growth.svg
