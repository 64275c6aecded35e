#!/usr/bin/env bash
# Registry start-up and idle memory, side by side: the executable jar as `java -jar` runs it, the same jar extracted
# (Spring Boot's `extract`), extracted with a class-data-sharing archive (AppCDS, any JDK ≥ 21), and extracted with a
# JDK 25 AOT cache (JEP 483/514: classes loaded and linked ahead, method profiles). The archive and the cache are made
# by one training run each that stops after the context refreshed (`-Dspring.context.exit=onRefresh`).
#
#   bench/startup-bench.sh [runs] [embeddings on|off|tool]     e.g. bench/startup-bench.sh 5 off
#
# Variants run round-robin (every variant once, then again), a fresh JVM each time, memory store. "ready" is the time
# from launching the JVM to the first 200 of /actuator/health/readiness (polled every 20 ms); "RSS idle" is the
# process's resident memory 5 s after that. With "tool" (embeddings on) one instance with one function is registered
# once the registry is ready, which loads the catalog search's embedding model (it loads with the first function),
# and "RSS idle" is read 5 s after the model's "loaded" log line: what a registry holding tools keeps.
# JVM options: $BENCH_JAVA_OPTS (default "-XX:TieredStopAtLevel=1", what
# ./forge up uses) before the variant's own. BENCH_JAR runs another registry exec jar (e.g. a copy built before a
# change, for an A/B in one session). Prints every run and the medians.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${1:-5}"
EMBEDDINGS="${2:-off}"
PORT="${BENCH_PORT:-19281}"
BASE="http://127.0.0.1:$PORT"
OPTS="${BENCH_JAVA_OPTS:--XX:TieredStopAtLevel=1}"
KEY="af_benchadmin01_$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"

. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
forge_pick_jdk
JAVA="$JAVA_HOME/bin/java"
JAR="${BENCH_JAR:-$(forge_exec_jar registry)}"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -q -B -DskipTests -pl forge-registry -am package)

WORK="$(mktemp -d)"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

"$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$WORK/app" >/dev/null
APP="$(ls "$WORK"/app/*.jar)"
ARGS=(--server.address=127.0.0.1 --server.port="$PORT" --logging.level.io.agentforge=WARN
      --logging.level.io.agentforge.registry.search=INFO
      "--agentforge.registry.search.embeddings.enabled=$([ "$EMBEDDINGS" = off ] && echo false || echo true)")
# The tool's endpoint is data only (nothing probes it: no health check), on loopback like the registry.
export AGENTFORGE_REGISTRY_ALLOWLOOPBACKENDPOINTS=true
TOOL='{"instanceId":"startup-tool-1","name":"startup-tool","kind":"TOOL","version":"1.0.0","endpoint":"http://127.0.0.1:9","description":"Converts between units","functions":[{"name":"startup_tool_convert","description":"Converts a quantity from one unit to another","inputSchema":{"type":"object","properties":{"value":{"type":"number"},"from":{"type":"string"},"to":{"type":"string"}},"required":["value","from","to"]}}],"leaseDuration":"3600s"}'

# Training: start, refresh the context, exit. The archive/cache records the classes that start-up loaded.
# shellcheck disable=SC2086  # OPTS holds several options
AGENTFORGE_ADMIN_KEY="$KEY" "$JAVA" $OPTS -XX:ArchiveClassesAtExit="$WORK/app.jsa" -Dspring.context.exit=onRefresh \
  -jar "$APP" "${ARGS[@]}" >"$WORK/train-cds.log" 2>&1
# shellcheck disable=SC2086
AGENTFORGE_ADMIN_KEY="$KEY" "$JAVA" $OPTS -XX:AOTCacheOutput="$WORK/app.aot" -Dspring.context.exit=onRefresh \
  -jar "$APP" "${ARGS[@]}" >"$WORK/train-aot.log" 2>&1
echo "archives: CDS $(( $(stat -c %s "$WORK/app.jsa") / 1048576 )) MiB, AOT cache $(( $(stat -c %s "$WORK/app.aot") / 1048576 )) MiB"

now_ms() { date +%s%3N; }

# One start: prints "<ready ms> <RSS idle MiB>".
start_once() {
  local begin ready
  begin=$(now_ms)
  # shellcheck disable=SC2086
  AGENTFORGE_ADMIN_KEY="$KEY" "$JAVA" $OPTS "$@" "${ARGS[@]}" >"$WORK/run.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 3000); do
    if curl -fs -o /dev/null "$BASE/actuator/health/readiness"; then break; fi
    kill -0 "$PID" 2>/dev/null || { echo "the registry exited; log:" >&2; tail -20 "$WORK/run.log" >&2; exit 1; }
    sleep 0.02
  done
  ready=$(( $(now_ms) - begin ))
  if [ "$EMBEDDINGS" = tool ]; then
    curl -fsS -o /dev/null -X POST "$BASE/api/v1/instances" -H "Authorization: Bearer $KEY" \
      -H 'Content-Type: application/json' -d "$TOOL"
    for _ in $(seq 1 600); do grep -q "Embedding model .* loaded" "$WORK/run.log" && break; sleep 0.1; done
    grep -q "Embedding model .* loaded" "$WORK/run.log" || { echo "the model did not load; log:" >&2; tail -20 "$WORK/run.log" >&2; exit 1; }
  fi
  sleep 5
  echo "$ready $(( $(awk '/VmRSS/ {print $2}' "/proc/$PID/status") / 1024 ))"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
}

declare -A CMD=(
  [jar]="-jar $JAR"
  [extracted]="-jar $APP"
  [cds]="-XX:SharedArchiveFile=$WORK/app.jsa -Xshare:auto -jar $APP"
  [aot]="-XX:AOTCache=$WORK/app.aot -jar $APP"
)
# BENCH_VARIANTS="cds aot" runs only those.
read -r -a VARIANTS <<< "${BENCH_VARIANTS:-jar extracted cds aot}"
declare -A READY RSS
echo "== registry start-up: $RUNS runs per variant, embeddings $EMBEDDINGS, JVM options: $OPTS"
echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA" -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$RUNS"); do
  for v in "${VARIANTS[@]}"; do
    # shellcheck disable=SC2086  # the variant's options are several words
    read -r r m < <(start_once ${CMD[$v]})
    READY[$v]="${READY[$v]:-} $r"; RSS[$v]="${RSS[$v]:-} $m"
    printf 'run %d %-9s ready %6d ms  RSS idle %4d MiB\n' "$run" "$v" "$r" "$m"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "-- medians (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
base=$(echo "${READY[${VARIANTS[0]}]}" | median)
for v in "${VARIANTS[@]}"; do
  r=$(echo "${READY[$v]}" | median); m=$(echo "${RSS[$v]}" | median)
  printf '%-9s ready %6s ms (%s× %s)  RSS idle %4s MiB\n' "$v" "$r" "$(awk -v a="$r" -v b="$base" 'BEGIN {printf "%.2f", a / b}')" "${VARIANTS[0]}" "$m"
done
