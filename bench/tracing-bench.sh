#!/usr/bin/env bash
# Tracing overhead: bench/agent-bench.sh three times, side by side — tracing off, on at 100 % and at 10 % sampling —
# exporting to a local OTLP/HTTP sink (bench/otlp-sink.py) that accepts and drops the spans.
# Usage: bench/tracing-bench.sh [seconds] [concurrency] [warm-up seconds] [steady rounds]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SINK_PORT=19318
python3 "$ROOT/bench/otlp-sink.py" "$SINK_PORT" & SINK=$!
trap 'kill "$SINK" 2>/dev/null; wait 2>/dev/null' EXIT
run() {
  echo "######## $1"
  shift
  env "$@" "$ROOT/bench/agent-bench.sh" "${ARGS[@]}"
}
ARGS=("$@")
run "tracing off" AGENTFORGE_OTLP_ENDPOINT=
run "tracing on, sampling 1.0" AGENTFORGE_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" AGENTFORGE_TRACING_SAMPLING=1.0
run "tracing on, sampling 0.1" AGENTFORGE_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" AGENTFORGE_TRACING_SAMPLING=0.1
