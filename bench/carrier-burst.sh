#!/usr/bin/env bash
# The virtual-thread carrier question: does the registry need more carriers than cores? Starts the registry pinned to
# one core (taskset -c "$BENCH_CPU", default 1) once per carrier count, registers N instances, then — the JIT still
# cold — fires 64 connections at the function catalog and at the full instance list for D seconds each (wrk on the
# other core). Carrier counts run round-robin (every count once, then again), a fresh JVM each time.
#
#   bench/carrier-burst.sh [runs] [instances] [seconds] [carrier counts]   e.g. bench/carrier-burst.sh 3 1000 10 "1 2 8"
#
# jdk.virtualThreadScheduler.parallelism is set explicitly for each run (the registry's main() only fills it in when
# it is unset). Prints every run and, per count, the medians of req/s, p50 and p99 and of the requests that failed or
# timed out.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${1:-3}"
INSTANCES="${2:-1000}"
SECONDS_PER_BURST="${3:-10}"
COUNTS="${4:-1 2 8}"
CPU="${BENCH_CPU:-1}"
PORT="${BENCH_PORT:-19381}"
BASE="http://127.0.0.1:$PORT"
KEY="af_benchadmin01_$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"

. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
forge_pick_jdk
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
JAR="$(forge_exec_jar registry)"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -q -B -DskipTests -pl forge-registry -am package)
LOAD_CPU=$(( CPU == 0 ? 1 : 0 ))

WORK="$(mktemp -d)"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

# One burst: "<req/s> <p50 ms> <p99 ms> <failed>", failed = socket errors + timeouts + non-2xx.
burst() {
  local out
  out=$(FORGE_KEY="$KEY" FORGE_PATH="$1" FORGE_ENCODING=gzip taskset -c "$LOAD_CPU" \
    wrk -t1 -c64 -d"${SECONDS_PER_BURST}s" --timeout 10s -s "$ROOT/bench/get.lua" "$BASE")
  awk '/Requests\/sec/ {rps=$2}
       /status errors/ {gsub(",", ""); status=$3; p50=$5; p99=$8}
       /Socket errors/ {gsub(",", ""); sock=$4 + $6 + $8 + $10}
       END {printf "%s %s %s %d\n", rps, p50, p99, status + sock}' <<<"$out"
}

declare -A RESULTS
echo "== carrier burst: registry on CPU $CPU, $INSTANCES instances, ${SECONDS_PER_BURST}s per burst, carriers: $COUNTS"
echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$RUNS"); do
  for carriers in $COUNTS; do
    AGENTFORGE_ADMIN_KEY="$KEY" taskset -c "$CPU" "$JAVA_HOME/bin/java" -XX:+UseG1GC -Xmx1g \
      -Djdk.virtualThreadScheduler.parallelism="$carriers" -jar "$JAR" \
      --server.address=127.0.0.1 --server.port="$PORT" --logging.level.io.agentforge=WARN \
      --agentforge.registry.search.embeddings.enabled=false >"$WORK/registry.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 600); do curl -fs -o /dev/null "$BASE/actuator/health/readiness" && break; sleep 0.2; done
    "$JAVA_HOME/bin/java" "$ROOT/bench/RegistryLoad.java" "$BASE" "$KEY" "$INSTANCES" 100 >/dev/null
    read -r c_rps c_p50 c_p99 c_fail < <(burst /api/v1/catalog)
    read -r f_rps f_p50 f_p99 f_fail < <(burst /api/v1/services)
    printf 'run %d carriers %-2s catalog %8s req/s p50 %8s p99 %8s failed %4s | full fetch %8s req/s p50 %8s p99 %8s failed %4s\n' \
      "$run" "$carriers" "$c_rps" "$c_p50" "$c_p99" "$c_fail" "$f_rps" "$f_p50" "$f_p99" "$f_fail"
    RESULTS[$carriers]="${RESULTS[$carriers]:-}$c_rps $c_p50 $c_p99 $c_fail $f_rps $f_p50 $f_p99 $f_fail"$'\n'
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  done
done
echo "-- medians (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
for carriers in $COUNTS; do
  printf 'carriers %-2s' "$carriers"
  for col in 1 2 3 4 5 6 7 8; do
    printf ' %s' "$(printf '%s' "${RESULTS[$carriers]}" | awk -v c="$col" 'NF {print $c}' | sort -n \
      | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')"
  done
  echo
done | awk 'BEGIN {print "(columns: catalog req/s, p50 ms, p99 ms, failed; full fetch req/s, p50 ms, p99 ms, failed)"} {print}'
