#!/usr/bin/env bash
# Start-up of `serve` on an existing warehouse: from process start to the first tile answered
# (a commune tile of the Aisne at zoom 8, which loads the communes' zoom band), best and median
# of 5 starts. Also the jar's size.
#
# Usage: bench/startup.sh [WAREHOUSE] [JAR]   (default: a fresh ingest; target/eduatlas.jar)
# Method and latest figures: docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
jar=${2:-target/eduatlas.jar}
[ -f "$jar" ] || { echo "missing $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wh=$(warehouse_or_ingest "${1:-}" "$work")
mkdir -p "$work/var"
cp "$wh" "$work/var/eduatlas.duckdb"
echo "jar: $(du -m "$jar" | cut -f1) MB"
# One start: from launching the JVM to the tile's answer, in ms.
start_once() {
  local port start end pid
  port=$(free_port)
  start=$(date +%s%N)
  "$@" serve --warehouse "$work/var/eduatlas.duckdb" --port "$port" >"$work/serve.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/tiles/communes/8/131/86.mvt"; do
    sleep 0.02
  done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (end - start) / 1000000 ))
}
report() {
  sort -n | awk -v what="$1" '{a[NR]=$1} END {printf "%s: first tile after start: best %d ms, median %d ms (of %d)\n", what, a[1], a[int((NR+1)/2)], NR}'
}
# The plain jar with the measured collector, then the launcher (class data sharing: one run
# records the archive, the five measured runs map it).
for k in 1 2 3 4 5; do start_once java -XX:+UseParallelGC -jar "$jar"; done | report "java -jar"
if [ "$jar" = target/eduatlas.jar ]; then
  rm -rf var/cds
  start_once bin/eduatlas >/dev/null
  for k in 1 2 3 4 5; do start_once bin/eduatlas; done | report "bin/eduatlas"
fi
