#!/usr/bin/env bash
# Agent benchmark: overhead per question with an instant stub model (WireMock, OpenAI wire format) and a local
# calculator, throughput of concurrent conversations, startup to "registered" and RSS of agent and calculator.
# Usage: bench/agent-bench.sh [seconds] [concurrency] [warm-up seconds] [steady rounds]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SECONDS_RUN="${1:-15}"
CONCURRENCY="${2:-16}"
WARMUP="${3:-30}"
ROUNDS="${4:-5}"
STACK_PORT=19080 STACK_KEY_TAG=02
# shellcheck source=stub-stack.sh
. "$ROOT/bench/stub-stack.sh"

echo "== Agent Forge agent benchmark"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $("$JAVA" -version 2>&1 | head -1)"
echo "startup to registered: calculator ${CALC_MS} ms, agent ${AGENT_MS} ms"
"$JAVA" "$ROOT/bench/AgentBench.java" "$AGENT_URL" "$CLIENT_KEY" "$STUB_URL" "$CALC_URL" "$CLIENT_KEY" "$SECONDS_RUN" "$CONCURRENCY" "$WARMUP" "$ROUNDS"
echo "RSS after the run: agent $(( $(awk '/VmRSS/ {print $2}' /proc/$AGENT_PID/status) / 1024 )) MiB," \
  "calculator $(( $(awk '/VmRSS/ {print $2}' /proc/$CALC_PID/status) / 1024 )) MiB"
