#!/usr/bin/env bash
# Registry benchmark: renewals/s and catalog/discovery latency with N registered instances, load from wrk
# (a second process) over loopback. Usage:
#   bench/registry-bench.sh [memory|postgres] [instances] [seconds]
# postgres needs a local server: it uses $BENCH_DATABASE_URL, or starts Debian's PostgreSQL cluster 15/main.
# Needs wrk (apt-get install wrk). Prints a report; numbers go to docs/benchmarks.md by hand.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STORE="${1:-memory}"
INSTANCES="${2:-10000}"
SECONDS_PER_RUN="${3:-20}"
SERVICES=200
PER_SERVICE=$((INSTANCES / SERVICES))
PORT="${BENCH_PORT:-19181}"
BASE="http://127.0.0.1:$PORT"
KEY="af_benchadmin01_$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
LOG="$(mktemp -d)/registry.log"

. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
forge_pick_jdk
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
JAR="$(forge_exec_jar registry)"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -q -B -DskipTests -pl forge-registry -am package)

EXTRA=()
if [ "$STORE" = postgres ]; then
  if [ -z "${BENCH_DATABASE_URL:-}" ]; then
    pg_ctlcluster 15 main start 2>/dev/null || true
    su postgres -c "psql -q -c \"drop database if exists agentforge_bench\"" >/dev/null
    su postgres -c "psql -q -c \"create database agentforge_bench\"" >/dev/null
    su postgres -c "psql -q -c \"alter user postgres password 'bench'\"" >/dev/null
    BENCH_DATABASE_URL="jdbc:postgresql://127.0.0.1:5432/agentforge_bench"
  fi
  EXTRA=(--agentforge.registry.store=postgres "--spring.datasource.url=$BENCH_DATABASE_URL"
         --spring.datasource.username=postgres --spring.datasource.password=bench)
fi

# shellcheck disable=SC2086  # BENCH_JAVA_OPTS holds several options, e.g. "-XX:+UseZGC"
AGENTFORGE_ADMIN_KEY="$KEY" "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -jar "$JAR" --server.address=127.0.0.1 --server.port="$PORT" \
  --logging.level.io.agentforge=WARN "${EXTRA[@]}" >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 1 120); do curl -fs "$BASE/actuator/health/readiness" >/dev/null && break; sleep 0.5; done

heap() {
  "$JAVA_HOME/bin/jcmd" "$PID" GC.run >/dev/null
  curl -fs -H "Authorization: Bearer $KEY" "$BASE/actuator/metrics/jvm.memory.used?tag=area:heap" \
    | sed -E 's/.*"value":([0-9.E+]+).*/\1/' | awk '{printf "%.0f", $1}'
}

echo "== Agent Forge registry benchmark: store=$STORE instances=$INSTANCES run=${SECONDS_PER_RUN}s"
echo "JVM options: ${BENCH_JAVA_OPTS:-(defaults)}"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
HEAP_BEFORE=$(heap)
"$JAVA_HOME/bin/java" "$ROOT/bench/RegistryLoad.java" "$BASE" "$KEY" "$INSTANCES" "$SERVICES"
HEAP_AFTER=$(heap)
RSS=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
echo "heap after GC: before $((HEAP_BEFORE / 1048576)) MiB, after $((HEAP_AFTER / 1048576)) MiB," \
  "=> $(( (HEAP_AFTER - HEAP_BEFORE) / 1048576 )) MiB per $INSTANCES instances; process RSS $((RSS / 1024)) MiB"

export FORGE_KEY="$KEY" FORGE_SERVICES="$SERVICES" FORGE_PER_SERVICE="$PER_SERVICE"
echo "-- warm-up"
wrk -t2 -c32 -d5s -s "$ROOT/bench/renew.lua" "$BASE" >/dev/null
echo "-- renewals (PUT /api/v1/instances/{id}/lease, 2 threads, 64 connections)"
wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency -s "$ROOT/bench/renew.lua" "$BASE" | grep -E "Requests/sec|Latency|50%|99%|non-2xx|non-200|Socket"
# BENCH_RENEWALS_ONLY=1 stops here (bench/tracing-registry-bench.sh compares renewals only).
[ -z "${BENCH_RENEWALS_ONLY:-}" ] || exit 0

ETAG=$(curl -fsI -H "Authorization: Bearer $KEY" "$BASE/api/v1/catalog" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')
CATALOG_BYTES=$(curl -fs -H "Authorization: Bearer $KEY" "$BASE/api/v1/catalog" | wc -c)
GZIP_BYTES=$(curl -fs -H "Accept-Encoding: gzip" -H "Authorization: Bearer $KEY" "$BASE/api/v1/catalog" | wc -c)
for spec in "catalog (full, $((CATALOG_BYTES / 1024)) KiB)|/api/v1/catalog||" \
            "catalog (full, gzip, $((GZIP_BYTES / 1024)) KiB)|/api/v1/catalog||gzip" \
            "catalog (If-None-Match -> 304)|/api/v1/catalog|$ETAG|" \
            "discovery of one service (50 instances)|/api/v1/services?name=bench-42&status=UP||" \
            "discovery by capability (20 services, 1000 instances)|/api/v1/services?capability=group-3&kind=TOOL||"; do
  IFS='|' read -r label path etag encoding <<<"$spec"
  # Latency is measured below saturation (4 connections); wrk and the registry share the machine's cores.
  echo "-- $label: GET $path, 1 thread, 4 connections"
  FORGE_PATH="$path" FORGE_ETAG="$etag" FORGE_ENCODING="${encoding:-}" wrk -t1 -c4 -d3s -s "$ROOT/bench/get.lua" "$BASE" >/dev/null
  FORGE_PATH="$path" FORGE_ETAG="$etag" FORGE_ENCODING="${encoding:-}" wrk -t1 -c4 -d"${SECONDS_PER_RUN}s" \
    -s "$ROOT/bench/get.lua" "$BASE" | grep -E "Requests/sec|status errors"
done
echo "status: $(curl -fs -H "Authorization: Bearer $KEY" "$BASE/api/v1/status")" | cut -c1-300
