#!/usr/bin/env bash
# Benchmark of the vector tiles: cold generation per tile against PostGIS ST_AsMVT over the same
# communes, and warm HTTP throughput against nginx serving the same tiles as static files.
#
# Usage: bench/tiles.sh [WAREHOUSE]   (default: a fresh ingest of ../shared/data into a temp dir)
# Needs Debian's postgresql, postgis, nginx and wrk (apt-get install postgresql-15-postgis-3 nginx
# wrk). Method and latest figures: docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
require_build
for c in wrk nginx; do command -v $c >/dev/null || { echo "$c missing (apt-get install $c)" >&2; exit 1; }; done
pgbin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
[ -x "$pgbin/initdb" ] && ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 ||
  { echo "postgresql/postgis missing (apt-get install postgresql-15-postgis-3)" >&2; exit 1; }
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/pg/postmaster.pid" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
wh=$(warehouse_or_ingest "${1:-}" "$work")
echo "# Tile benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1)"

java -XX:+UseParallelGC -cp "$jar:target/test-classes" fr.eduatlas.bench.TileBench "$wh" "$work/out"

mkdir "$work/pg" && chown postgres "$work/pg" "$work/out" && chmod 755 "$work/out"
chmod 644 "$work/out"/*
pgport=$(free_port)
runuser -u postgres -- "$pgbin/initdb" -D "$work/pg" -A trust >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -o "-p $pgport -k $work/pg -c shared_buffers=1GB -c jit=off" -l "$work/pg/log" -w start >/dev/null
psql() { command psql -X -q -v ON_ERROR_STOP=1 -h "$work/pg" -p "$pgport" -U postgres "$@"; }
psql -c "CREATE EXTENSION postgis" >/dev/null
psql <<SQL
CREATE TABLE commune_band (min_zoom int, code text, name text, geom geometry);
COPY commune_band FROM '$work/out/communes.tsv' (FORMAT csv, DELIMITER E'\t');
UPDATE commune_band SET geom = ST_SetSRID(geom, 3857);
CREATE INDEX ON commune_band USING gist (geom);
CLUSTER commune_band USING commune_band_geom_idx;
ANALYZE commune_band;
CREATE TABLE bench_tile (grp text, z int, x int, y int);
COPY bench_tile FROM '$work/out/tiles.txt' (FORMAT text, DELIMITER ' ');
CREATE FUNCTION bench() RETURNS TABLE (grp text, z int, x int, y int, ms float8, bytes int) AS \$\$
DECLARE t record; s timestamptz; b bytea; band int;
BEGIN
  FOR t IN SELECT * FROM bench_tile LOOP
    band := CASE WHEN t.z < 10 THEN 8 WHEN t.z < 12 THEN 10 ELSE 12 END;
    s := clock_timestamp();
    SELECT ST_AsMVT(q, 'communes', 4096, 'geom') INTO b FROM (
      SELECT c.code, c.name, ST_AsMVTGeom(c.geom, ST_TileEnvelope(t.z, t.x, t.y), 4096, 64, true) AS geom
      FROM commune_band c
      WHERE c.min_zoom = band AND c.geom && ST_TileEnvelope(t.z, t.x, t.y, margin => 64.0 / 4096)) q;
    grp := t.grp; z := t.z; x := t.x; y := t.y;
    ms := extract(epoch FROM clock_timestamp() - s) * 1000;
    bytes := coalesce(length(b), 0);
    RETURN NEXT;
  END LOOP;
END \$\$ LANGUAGE plpgsql;
-- As for EduAtlas: pass 1 warms up, each tile's median over passes 2 to 4 is kept.
CREATE TABLE pass AS SELECT 1 AS pass, * FROM bench();
INSERT INTO pass SELECT 2, * FROM bench();
INSERT INTO pass SELECT 3, * FROM bench();
INSERT INTO pass SELECT 4, * FROM bench();
COPY (SELECT grp, z, x, y, 'communes' AS layer, percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS ms,
  max(bytes) AS bytes FROM pass WHERE pass > 1 GROUP BY grp, z, x, y) TO '$work/out/postgis.csv' (FORMAT csv, HEADER);
SQL
echo "$(psql -t -c "SELECT 'PostGIS ' || postgis_lib_version() || ', GEOS ' || postgis_geos_version() || ', ' || version()" | cut -c1-90)"
echo "## Cold generation per tile, ms (median of passes 2-4 per tile; then median / p95 over the tiles)"
python3 - "$work/out" <<'PY'
import csv, statistics, sys
d = sys.argv[1]
def load(f):
    return list(csv.DictReader(open(f"{d}/{f}")))
def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(p * len(xs) + 0.5)) - 1))] if xs else float("nan")
ours, pg = load("eduatlas.csv"), load("postgis.csv")
print(f"{'tiles':<16}{'n':>6}{'EduAtlas med':>14}{'p95':>8}{'PostGIS med':>13}{'p95':>8}"
      f"{'non-empty n':>13}{'EduAtlas med':>14}{'PostGIS med':>13}{'B/tile':>9}{'PostGIS B':>11}")
for grp in dict.fromkeys(r["group"] for r in ours):
    for layer in ("communes", "schools"):
        a = [r for r in ours if r["group"] == grp and r["layer"] == layer]
        if not a:
            continue
        b = [r for r in pg if r["grp"] == grp] if layer == "communes" else []
        ms = lambda rs: [float(r["ms"]) for r in rs]
        full_a = [r for r in a if int(r["bytes"]) > 0]
        full_b = [r for r in b if int(r["bytes"]) > 0]
        fmt = lambda v: f"{v:.2f}" if v == v else "-"
        print(f"{grp + ' ' + layer:<16}{len(a):>6}{fmt(statistics.median(ms(a))):>14}{fmt(q(ms(a), .95)):>8}"
              f"{fmt(statistics.median(ms(b))) if b else '-':>13}{fmt(q(ms(b), .95)) if b else '-':>8}"
              f"{len(full_a):>13}{fmt(statistics.median(ms(full_a))) if full_a else '-':>14}"
              f"{fmt(statistics.median(ms(full_b))) if full_b else '-':>13}"
              f"{sum(int(r['bytes']) for r in a) / len(a):>9.0f}"
              f"{(sum(int(r['bytes']) for r in b) / len(b)) if b else float('nan'):>11.0f}")
PY

echo "## Warm HTTP throughput (wrk, 2 threads, 16 connections, 20 s): EduAtlas vs nginx"
port=$(free_port)
java -XX:+UseParallelGC -jar "$jar" serve --warehouse "$wh" --port "$port" >"$work/serve.log" 2>&1 &
pids+=($!)
base="http://127.0.0.1:$port"
for _ in $(seq 120); do curl -fs "$base/api/health" >/dev/null && break; sleep 0.5; done
# The communes tiles of the list from zoom 8 (the layer's first zoom), each fetched once: this
# fills the server's cache and writes the static copy nginx serves.
awk '$2 >= 8 {print "/tiles/communes/" $2 "/" $3 "/" $4 ".mvt"}' "$work/out/tiles.txt" >"$work/all.txt"
mkdir -p "$work/static"
: >"$work/paths.txt"
while read -r p; do
  code=$(curl -s -o "$work/static/t.mvt" -w '%{http_code}' "$base$p")
  if [ "$code" = 200 ]; then
    mkdir -p "$work/static$(dirname "$p")" && mv "$work/static/t.mvt" "$work/static$p"
    echo "$p" >>"$work/paths.txt"
  fi
done <"$work/all.txt"
echo "$(wc -l <"$work/paths.txt") non-empty tiles, $(du -sh "$work/static" | cut -f1) on disk"
ngport=$(free_port)
cat >"$work/nginx.conf" <<NGINX
user root;
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  types { application/vnd.mapbox-vector-tile mvt; }
  server { listen 127.0.0.1:$ngport; root $work/static; etag on; }
}
NGINX
nginx -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 1
wrk_cycle "$work/paths.txt" "$work/tiles.lua"
# The server's background warm-up of the tile index must be over: otherwise it takes a core from
# the server and from nginx alike while they are measured.
wait_idle "${pids[0]}"
# Three rounds, alternating, each target warmed 5 s before its 20 s: the ratio of each round.
for round in 1 2 3; do
  for target in "eduatlas $base" "nginx http://127.0.0.1:$ngport"; do
    set -- $target
    wrk -t2 -c16 -d5s -s "$work/tiles.lua" "$2" >/dev/null
    printf 'round %s %-8s ' "$round" "$1"
    wrk -t2 -c16 -d20s --latency -s "$work/tiles.lua" "$2" |
      awk '/Requests\/sec/ {r=$2} /Transfer\/sec/ {t=$2} / 99%/ {p=$2} END {print r " req/s, p99 " p ", " t "/s"}'
  done
done | tee "$work/wrk.txt"
awk '/eduatlas/ {e=$4} /nginx/ {printf "round %s: %.2f x nginx\n", $2, e / $4}' "$work/wrk.txt"
