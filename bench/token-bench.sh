#!/usr/bin/env bash
# Token benchmark: a tool call with a registry JWT (verified locally) vs an af_ key (introspection, cached and
# uncached), latency and CPU per call of the calculator and the registry; then token issuance per second with the
# registry pinned to one core (taskset) and the load generator on another. Starts a registry (memory store) and the
# real calculator on loopback; runs bench/TokenBench.java in a separate JVM. Prints a report; numbers go to
# docs/benchmarks.md by hand.
# Usage: bench/token-bench.sh [rounds] [calls per round and path] [warm-up calls] [issuance seconds per round]
#                             [issuance concurrency]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS="${1:-5}"
CALLS="${2:-1000}"
WARMUP="${3:-10000}"
ISSUE_SECONDS="${4:-10}"
ISSUE_CONCURRENCY="${5:-4}"
. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
forge_pick_jdk
JAVA="$JAVA_HOME/bin/java"
command -v taskset >/dev/null || { echo "taskset is needed (util-linux)" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || { echo "needs at least 2 cores: the registry on one, the load generator on another" >&2; exit 1; }
for m in registry calculator; do
  [ -f "$(forge_exec_jar "$m")" ] \
    || (cd "$ROOT" && ./mvnw -q -B -DskipTests package -pl forge-registry,forge-calculator -am)
done
ADMIN="af_benchadmin03_$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
REG_PORT="${BENCH_PORT:-19281}"
CALC_PORT=$((REG_PORT + 2))
R="http://127.0.0.1:$REG_PORT"
LOGS=$(mktemp -d)
PIDS=()
stop() { local rc=$?; kill "${PIDS[@]}" 2>/dev/null; wait "${PIDS[@]}" 2>/dev/null || true; exit "$rc"; }
trap stop EXIT

ready() { for _ in $(seq 1 240); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.25; done; return 1; }
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

AGENTFORGE_ADMIN_KEY="$ADMIN" AGENTFORGE_OUTBOUND_ALLOW_LOOPBACK=true AGENTFORGE_REGISTRY_ALLOW_LOOPBACK_ENDPOINTS=true "$JAVA" -jar \
  "$(forge_exec_jar registry)" --server.address=127.0.0.1 \
  --server.port="$REG_PORT" --logging.level.io.agentforge=WARN >"$LOGS/registry.log" 2>&1 & PIDS+=($!); REG_PID=$!
ready "$R/actuator/health/readiness" || { echo "registry did not start: $LOGS/registry.log" >&2; exit 1; }
CALC_KEY=$(curl -fs -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d '{"name":"calculator","roles":["service"],"services":["calculator"]}' "$R/api/v1/keys" \
  | sed -E 's/.*"key":"([^"]+)".*/\1/')

# accept-api-keys: path B (today's introspection path) next to path A (JWTs) in the same process.
AGENTFORGE_REGISTRY_URL="$R" AGENTFORGE_API_KEY="$CALC_KEY" AGENTFORGE_SECURITY_ACCEPT_API_KEYS=true \
  AGENTFORGE_OUTBOUND_ALLOW_LOOPBACK=true "$JAVA" -jar \
  "$(forge_exec_jar calculator)" --server.address=127.0.0.1 \
  --server.port="$CALC_PORT" --logging.level.io.agentforge=WARN >"$LOGS/calculator.log" 2>&1 & PIDS+=($!)
CALC_PID=$!
for _ in $(seq 1 400); do
  curl -fs -H "Authorization: Bearer $ADMIN" "$R/api/v1/services?name=calculator&status=UP" | grep -q instanceId \
    && break
  sleep 0.1
done

echo "== Agent Forge token benchmark"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)," \
  "$("$JAVA" -version 2>&1 | head -1); load average before: $LOAD_BEFORE"
echo "-- tool calls: registry pid $REG_PID and calculator pid $CALC_PID unpinned (both cores), client in its own JVM"
"$JAVA" "$ROOT/bench/TokenBench.java" calls "$R" "http://127.0.0.1:$CALC_PORT" "$ADMIN" "$CALC_PID" "$REG_PID" \
  "$ROUNDS" "$CALLS" "$WARMUP" "$(getconf CLK_TCK)"

echo
echo "-- token issuance: registry (all threads) pinned to core 0, load generator to core 1"
taskset -a -p -c 0 "$REG_PID" >/dev/null
echo "registry threads allowed on: $(awk '/Cpus_allowed_list/ {print $2}' /proc/"$REG_PID"/task/*/status | sort -u \
  | tr '\n' ' ')"
taskset -c 1 "$JAVA" "$ROOT/bench/TokenBench.java" issue "$R" "$ADMIN" "$REG_PID" "$ROUNDS" "$ISSUE_SECONDS" \
  "$ISSUE_CONCURRENCY" "$(getconf CLK_TCK)"
echo "registry threads allowed on after the run: $(awk '/Cpus_allowed_list/ {print $2}' \
  /proc/"$REG_PID"/task/*/status | sort -u | tr '\n' ' ')"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
