#!/usr/bin/env bash
# Agent tokens per question with a large catalog, with and without progressive tool exposure: the registry's exec jar
# (with its embedding model) holds the catalog-search benchmark's functions plus copies up to FUNCTIONS; the agent
# runs twice in one JVM (forge-agent's ToolTokensBenchmark, test sources) against WireMock speaking the OpenAI format,
# once offering every function and once progressively, for each labelled question of bench/search. Usage:
#   bench/agent-tokens-bench.sh [FUNCTIONS=400] [QUESTIONS=all]
# Prints a Markdown table; numbers go to docs/benchmarks.md by hand.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FUNCTIONS="${1:-400}"
QUESTIONS="${2:-100000}"
PORT="${BENCH_PORT:-19183}"
BASE="http://127.0.0.1:$PORT"
KEY="af_benchadmin02_$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
LOG="$(mktemp)"

. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
forge_pick_jdk
JAR="$(forge_exec_jar registry)"
cd "$ROOT"
[ -f "$JAR" ] || ./mvnw -q -B -DskipTests -pl forge-registry -am package
./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl forge-agent -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test

AGENTFORGE_ADMIN_KEY="$KEY" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$JAR" \
  --server.address=127.0.0.1 --server.port="$PORT" --logging.level.io.agentforge=WARN >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do curl -fs "$BASE/actuator/health/readiness" >/dev/null && break; sleep 0.5; done
curl -fs "$BASE/actuator/health/readiness" >/dev/null || { echo "registry did not start; log: $LOG" >&2; exit 1; }

echo "== Agent Forge agent tokens benchmark: $FUNCTIONS functions"
echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
cd forge-agent
"$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.agentforge.agent.bench.ToolTokensBenchmark "$FUNCTIONS" "$QUESTIONS" "$BASE" "$KEY" 2>&1 \
  | grep -v -E '^[0-9T:.-]+Z +(WARN|INFO)'
