#!/usr/bin/env bash
# Fault benchmark: PostgreSQL stops for a while and comes back under load, with one postgres-store registry.
# INSTANCES instances renew a LEASE-second lease every LEASE/3 s, a reader asks for services, a writer registers every
# 250 ms; PostgreSQL is stopped (pg_ctl stop -m fast) for OUTAGE seconds, longer than a lease, then started again.
# Reports renewals/reads/writes per phase, expired instances, acknowledged renewals not stored, and the time from
# PostgreSQL being up again to the first accepted write. Self-preservation is off, so it can't hide an expiry.
# Usage: bench/registry-pg-restart.sh [instances] [lease-seconds] [outage-seconds]
# Needs Debian's PostgreSQL 15 binaries (/usr/lib/postgresql/15/bin) and root (the cluster runs as user postgres);
# the cluster is a private, throw-away one on port $BENCH_PG_PORT (55432), never the system's.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
INSTANCES="${1:-2000}"
LEASE="${2:-15}"
OUTAGE="${3:-20}"
PORT="${BENCH_PORT:-19281}"
PG_PORT="${BENCH_PG_PORT:-55432}"
PG_BIN="${BENCH_PG_BIN:-/usr/lib/postgresql/15/bin}"
BASE="http://127.0.0.1:$PORT"
KEY="af_benchadmin01_$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
WORK="$(mktemp -d /tmp/forge-pg-restart.XXXXXX)"

. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
# shellcheck source=fault-lib.sh
. "$ROOT/bench/fault-lib.sh"
forge_pick_jdk
JAR="$(forge_exec_jar registry)"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -q -B -DskipTests -pl forge-registry -am package)

trap 'forge_bench_pg "-m immediate stop" 2>/dev/null || true; rm -rf "$WORK"' EXIT
forge_bench_pg_init outage

AGENTFORGE_ADMIN_KEY="$KEY" "$JAVA_HOME/bin/java" -jar "$JAR" --server.address=127.0.0.1 --server.port="$PORT" \
  --agentforge.registry.store=postgres "--spring.datasource.url=jdbc:postgresql://127.0.0.1:$PG_PORT/outage" \
  --spring.datasource.username=postgres --agentforge.registry.lease.self-preservation.enabled=false \
  --agentforge.registry.search.embeddings.enabled=false --agentforge.registry.health.enabled=false \
  --logging.level.io.agentforge=WARN >"$WORK/registry.log" 2>&1 &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  forge_bench_pg "-m immediate stop" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 1 120); do curl -fs "$BASE/actuator/health/readiness" >/dev/null && break; sleep 0.5; done

echo "== PostgreSQL restart under load: instances=$INSTANCES lease=${LEASE}s outage=${OUTAGE}s"
echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $("$PG_BIN/postgres" --version)"
"$JAVA_HOME/bin/java" "$ROOT/bench/DatabaseOutageLoad.java" "$BASE" "$KEY" "$INSTANCES" "$LEASE" 20 "$OUTAGE" 30 \
  "$(forge_bench_pg_command "-m fast stop")" "$(forge_bench_pg_command start)" \
  "$(forge_bench_pg_dump_command outage "$WORK/stored.txt")" "$WORK/stored.txt"
echo "registry log lines at ERROR: $(grep -c ' ERROR ' "$WORK/registry.log" || true)"
cp "$WORK/registry.log" "${BENCH_LOG:-/tmp/registry-pg-restart.log}"
