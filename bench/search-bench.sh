#!/usr/bin/env bash
# Catalog-search benchmark: quality (recall@1, recall@5, MRR of lexical, semantic and hybrid ranking on the labelled set
# in bench/search), and at 10,000 functions: search latency with the registry pinned to one core, time to embed a
# function, and the memory the vectors take. The client runs on another core. Usage:
#   bench/search-bench.sh [quality|scale|all] [latency-rounds]
# BENCH_REGISTRY_ARGS adds registry options, e.g. "--agentforge.registry.search.fusion.semantic-weight=0.5" to compare
# fusions; BENCH_JVM_ARGS adds JVM options, e.g. "-XX:StartFlightRecording=filename=/tmp/search.jfr,settings=profile"
# to profile the registry; BENCH_JAR runs another registry exec jar (e.g. one built before a change, for an A/B on
# the same machine state); BENCH_WARMUP the untimed rounds of new texts before the timed runs (default 2, 0 = none).
# Each timed run prints the registry's CPU per search and how much of it the JIT compilers and the GC took. Prints a
# report; numbers go to docs/benchmarks.md by hand.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WHAT="${1:-all}"
ROUNDS="${2:-5}"
COPIES=29   # 350 functions x 29 = 10,150
PORT="${BENCH_PORT:-19182}"
BASE="http://127.0.0.1:$PORT"
KEY="af_benchadmin01_$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
LOGDIR="$(mktemp -d)"

. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
forge_pick_jdk
command -v taskset >/dev/null || { echo "taskset is needed (util-linux)" >&2; exit 1; }
JAR="${BENCH_JAR:-$(forge_exec_jar registry)}"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -q -B -DskipTests -pl forge-registry -am package)

PID=""
start_registry() {  # extra registry arguments
  # shellcheck disable=SC2086
  AGENTFORGE_ADMIN_KEY="$KEY" taskset -c 0 "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${BENCH_JVM_ARGS:-} -jar "$JAR" \
    --server.address=127.0.0.1 --server.port="$PORT" --logging.level.io.agentforge=WARN \
    --logging.level.io.agentforge.registry.search=INFO ${BENCH_REGISTRY_ARGS:-} "$@" >"$LOGDIR/registry.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 240); do curl -fs "$BASE/actuator/health/readiness" >/dev/null && return 0; sleep 0.5; done
  echo "registry did not start; log: $LOGDIR/registry.log" >&2; exit 1
}
stop_registry() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; fi; PID=""; }
trap stop_registry EXIT
client() { taskset -c 1 "$JAVA_HOME/bin/java" -Dbench.data="$ROOT/bench/search" "$ROOT/bench/SearchBench.java" "$1" "$BASE" "$KEY" "${@:2}"; }
# CPU time the registry has used, in ms (user + system, all its threads), from /proc: contention-free cost.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14 + $15) * 1000 / hz}' "/proc/$PID/stat"; }
# CPU time (ms) of the registry's threads whose name matches a pattern (JIT compilers: "^C[12] Compiler"; garbage
# collection and safepoints: "^(VM Thread|GC |G1 )"), from /proc/<pid>/task/*/stat.
threads_cpu_ms() {
  local total=0 task ticks
  for task in /proc/"$PID"/task/*; do
    grep -qE "$1" "$task/comm" 2>/dev/null || continue
    ticks=$(sed 's/.*) //' "$task/stat" 2>/dev/null | awk '{print $12 + $13}') || continue
    total=$((total + ${ticks:-0}))
  done
  awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", t * 1000 / hz}'
}
JIT_THREADS='^C[12] Compiler'
GC_THREADS='^(VM Thread|GC |G1 )'
# A latency run with the registry's CPU per search beside it (rounds + the warm-up round, 273 questions each), and
# how much of it the JIT compilers and the garbage collector took.
latency() {  # mode [fresh]
  local before after jit0 jit1 gc0 gc1 searches
  before=$(cpu_ms); jit0=$(threads_cpu_ms "$JIT_THREADS"); gc0=$(threads_cpu_ms "$GC_THREADS")
  client latency "$1" "$ROUNDS" ${2:-}
  after=$(cpu_ms); jit1=$(threads_cpu_ms "$JIT_THREADS"); gc1=$(threads_cpu_ms "$GC_THREADS")
  searches=$(( (ROUNDS + 1) * $(grep -c '"question"' "$ROOT/bench/search/questions.json") ))
  echo "   registry CPU per search ($1${2:+, $2}): $(awk -v d=$((after - before)) -v n="$searches" 'BEGIN {printf "%.2f", d / n}') ms" \
    "($((after - before)) ms for $searches searches, HTTP and JSON included; of it JIT compilers" \
    "$((jit1 - jit0)) ms, GC and safepoints $((gc1 - gc0)) ms)"
}
# The first searches after start-up run while the JIT compiles the request path (Tomcat, security, JSON, the search)
# on the same pinned core: a quarter of the core for tens of seconds. Untimed rounds first, so every timed run
# measures the warmed-up registry, whatever its order (BENCH_WARMUP=0 skips them; texts differ from the timed ones).
warm_up() {
  local before jit0
  [ "${BENCH_WARMUP:-2}" -gt 0 ] || return 0
  before=$(cpu_ms); jit0=$(threads_cpu_ms "$JIT_THREADS")
  client latency hybrid "${BENCH_WARMUP:-2}" warm-up >/dev/null
  client latency lexical 1 >/dev/null
  echo "warm-up (untimed): $(( $(cpu_ms) - before )) ms of registry CPU, of it JIT compilers" \
    "$(( $(threads_cpu_ms "$JIT_THREADS") - jit0 )) ms"
}
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$PID/status"; }
heap_mib() {
  "$JAVA_HOME/bin/jcmd" "$PID" GC.run >/dev/null
  curl -fs -H "Authorization: Bearer $KEY" "$BASE/actuator/metrics/jvm.memory.used?tag=area:heap" \
    | sed -E 's/.*"value":([0-9.E+]+).*/\1/' | awk '{printf "%.0f", $1 / 1048576}'
}

echo "== Agent Forge catalog-search benchmark ($WHAT)"
echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB," \
  "$(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "registry: taskset -c 0 (one core), memory store ${BENCH_REGISTRY_ARGS:-}; client: taskset -c 1"

if [ "$WHAT" = quality ] || [ "$WHAT" = all ]; then
  echo "-- quality: labelled questions on bench/search/functions.json"
  start_registry
  client load 1
  client wait
  client quality
  stop_registry
fi

if [ "$WHAT" = scale ] || [ "$WHAT" = all ]; then
  echo "-- scale: embeddings on"
  start_registry
  # An empty catalog: the model loads with the first function, so there is nothing to wait for yet.
  client wait lexical
  RSS0=$(rss_mib); HEAP0=$(heap_mib)
  client load "$COPIES"
  CPU0=$(cpu_ms)
  client wait | tee "$LOGDIR/wait.txt"
  CPU1=$(cpu_ms)
  PENDING=$(sed -nE 's/.*\(([0-9]+) were pending.*/\1/p' "$LOGDIR/wait.txt")
  [ "${PENDING:-0}" -gt 0 ] && echo "registry CPU per embedded function: $(awk -v d=$((CPU1 - CPU0)) -v n="$PENDING" \
    'BEGIN {printf "%.1f", d / n}') ms ($((CPU1 - CPU0)) ms for the $PENDING functions pending after registration)"
  RSS1=$(rss_mib); HEAP1=$(heap_mib)
  echo "RSS ${RSS0} -> ${RSS1} MiB (+$((RSS1 - RSS0))), heap after GC ${HEAP0} -> ${HEAP1} MiB (+$((HEAP1 - HEAP0)))" \
    "for the functions with their vectors and the model (it loads with the catalog's first function)"
  warm_up
  latency hybrid fresh
  latency hybrid
  latency lexical
  for _ in 1 2 3; do client embed-one; done
  stop_registry

  echo "-- scale: embeddings off (agentforge.registry.search.embeddings.enabled=false), for comparison"
  start_registry --agentforge.registry.search.embeddings.enabled=false
  RSS2=$(rss_mib); HEAP2=$(heap_mib)
  client load "$COPIES"
  client wait lexical
  RSS3=$(rss_mib); HEAP3=$(heap_mib)
  echo "RSS ${RSS2} -> ${RSS3} MiB (+$((RSS3 - RSS2))), heap after GC ${HEAP2} -> ${HEAP3} MiB (+$((HEAP3 - HEAP2)))"
  echo "=> the vectors of $COPIES x 350 functions: heap +$(( (HEAP1 - HEAP0) - (HEAP3 - HEAP2) )) MiB;" \
    "the model and the vectors: RSS +$(( (RSS1 - RSS0) - (RSS3 - RSS2) )) MiB"
  warm_up
  latency lexical
  stop_registry
fi
