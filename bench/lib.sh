# Helpers shared by the benchmark scripts (sourced, not run).

# A free TCP port on loopback.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wrk_cycle PATHS_FILE LUA_FILE: writes a wrk script that requests the paths of PATHS_FILE (one per
# line) in turn, so that a server's response cache does not answer one URL over and over.
wrk_cycle() {
  cat >"$2" <<LUA
local paths = {}
for line in io.lines("$1") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA
}

# warehouse_or_ingest GIVEN WORKDIR: prints GIVEN if set, else ingests ../shared/data (or
# $EDUATLAS_DATA) with the default simulation into WORKDIR and prints the new warehouse's path.
warehouse_or_ingest() {
  if [ -n "$1" ]; then
    echo "$1"
    return
  fi
  java -XX:+UseParallelGC -jar target/eduatlas.jar ingest --data "${EDUATLAS_DATA:-../shared/data}" \
    --warehouse "$2/w.duckdb" --simulated "$2/sim" >/dev/null 2>&1
  echo "$2/w.duckdb"
}

# require_build: the product jar and the benchmark drivers (test code, out of the product jar:
# package -DskipTests compiles them) must be built; sets $jar.
require_build() {
  jar=target/eduatlas.jar
  [ -f "$jar" ] || { echo "missing $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }
  [ -d target/test-classes/fr/eduatlas/bench ] ||
    { echo "missing the benchmark drivers: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }
}

# wait_idle PID: waits (at most two minutes) until the process uses under 5 % of a core over a
# second: the server's background tile warm-up done, so a warm benchmark does not share the
# cores with it.
wait_idle() {
  local a b
  for _ in $(seq 120); do
    a=$(awk '{print $14+$15}' "/proc/$1/stat")
    sleep 1
    b=$(awk '{print $14+$15}' "/proc/$1/stat")
    [ $((b - a)) -lt 5 ] && return 0
  done
  echo "warning: process $1 still busy after two minutes" >&2
}
