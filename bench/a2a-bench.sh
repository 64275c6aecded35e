#!/usr/bin/env bash
# A2A benchmark: the same question (a calculator call, then the answer, from an instant stub model: WireMock in the
# OpenAI wire format) through the chat API and through A2A SendMessage, one at a time: the A2A front door's overhead.
# Usage: bench/a2a-bench.sh [rounds] [warm-up rounds]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS="${1:-500}"
WARMUP="${2:-500}"
STACK_PORT=19180 STACK_KEY_TAG=03
# shellcheck source=stub-stack.sh
. "$ROOT/bench/stub-stack.sh"

echo "== Agent Forge A2A benchmark"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $("$JAVA" -version 2>&1 | head -1)"
"$JAVA" "$ROOT/bench/A2aBench.java" "$AGENT_URL" "$CLIENT_KEY" "$ROUNDS" "$WARMUP"
