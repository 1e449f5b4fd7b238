#!/usr/bin/env bash
# Benchmark of the local data hubs on the real warehouse: validating and storing a connectivity
# upload of one row per school of France (about 40,600 rows, from the hub's own prefilled
# template), five times; then publish -> served (the full rebuild) with its stage timings, which
# say what a rebuild of only the contributions, indicators and tiles would take.
#
# Usage: bench/hubs.sh [WAREHOUSE]   (default: a fresh ingest of ../shared/data in a temp dir)
#        EDUATLAS_HUB_STORE=jdbc:postgresql://… bench/hubs.sh   (the PostgreSQL store)
# Method and latest figures: docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
jar=target/eduatlas.jar
[ -f "$jar" ] || { echo "missing $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }
work=$(mktemp -d)
wh=$(warehouse_or_ingest "${1:-}" "$work")
mkdir -p "$work/var"
cp "$wh" "$work/var/eduatlas.duckdb"
w="$work/var/eduatlas.duckdb"
hub() { java -jar "$jar" hub "$@" --warehouse "$w"; }
hub create bench --nom "Banc d'essai" --type academie --territoire 20 >/dev/null
hub scope bench --territoire france:FR >/dev/null
hub grant bench bench@eduatlas.fr --role contributeur --role valideur >/dev/null
token=$(hub token create bench@eduatlas.fr --nom bench --hub bench 2>/dev/null)

port=$(free_port)
java -XX:+UseParallelGC -jar "$jar" serve --warehouse "$w" --port "$port" \
  --data "${EDUATLAS_DATA:-../shared/data}" --simulated "$work/sim" >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 120); do curl -fs "$base/api/health" >/dev/null && break; sleep 0.5; done
auth="Authorization: Bearer $token"

# The template: uai;nom_etablissement;commune;annee_scolaire;date_observation;technologie;...
curl -fs -H "$auth" "$base/api/v1/hubs/bench/templates/connectivite" -o "$work/template.csv"
awk -F';' 'NR == 1 { print "uai;annee_scolaire;date_observation;technologie;debit_descendant_souscrit;debit_descendant_mesure"; next }
  { printf "%s;2024-2025;2024-10-01;fibre;1000;%d\n", $1, 100 + NR % 900 }' \
  "$work/template.csv" >"$work/upload.csv"
rows=$(($(wc -l <"$work/upload.csv") - 1))
echo "== upload of $rows connectivity rows (validation through the ingest's reader, scope, store)"
for k in 1 2 3 4 5; do
  curl -s -o "$work/up.json" -w "run $k: %{http_code} %{time_total} s\n" -H "$auth" \
    -H 'Content-Type: text/csv' --data-binary @"$work/upload.csv" \
    "$base/api/v1/hubs/bench/uploads?jeu=connectivite"
done
python3 -c "import json,sys; r=json.load(open('$work/up.json'))['report']; print('accepted', r['accepted'], 'rejected', r['rejected'])"

echo "== publish -> served (full rebuild)"
start=$(date +%s.%N)
href=$(curl -fs -X POST -H "$auth" "$base/api/v1/hubs/bench/versions/connectivite/5/publication" |
  python3 -c "import json,sys; print(json.load(sys.stdin)['rebuild']['href'])")
while :; do
  curl -fs -H "$auth" "$base$href" -o "$work/rebuild.json"
  status=$(python3 -c "import json; print(json.load(open('$work/rebuild.json'))['status'])")
  [ "$status" = served ] || [ "$status" = failed ] && break
  sleep 0.5
done
end=$(date +%s.%N)
echo "status $status in $(python3 -c "print(round($end - $start, 1))") s"
python3 - "$work/rebuild.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
stages = r.get("report", {}).get("stages", [])
total = sum(s["seconds"] for s in stages)
late = [s for s in stages if s["name"].startswith("read:contrib-") or s["name"] in
        ("contributions", "indicators", "tiles", "checks", "report", "install")]
print("stages total %.1f s; contributions+indicators+tiles and after: %.1f s" %
      (total, sum(s["seconds"] for s in late)))
for s in late:
    print("  %-40s %6.2f s" % (s["name"], s["seconds"]))
PY
