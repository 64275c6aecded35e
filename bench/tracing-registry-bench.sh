#!/usr/bin/env bash
# Registry renewals/s with tracing off, on at 100 % and at 10 % sampling, side by side in one session: runs
# bench/registry-bench.sh (memory store) once per setting and repetition, alternating the settings, with
# AGENTFORGE_OTLP_ENDPOINT pointed at a local OTLP/HTTP sink (bench/otlp-sink.py) that accepts and drops the spans.
# Usage: bench/tracing-registry-bench.sh [instances] [seconds] [repetitions]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
INSTANCES="${1:-1000}"
SECONDS_PER_RUN="${2:-15}"
REPS="${3:-2}"
SINK_PORT=19319
run() {
  local label=$1
  shift
  echo "######## $label (repetition $rep)"
  python3 "$ROOT/bench/otlp-sink.py" "$SINK_PORT" & local sink=$!
  sleep 0.5
  env BENCH_RENEWALS_ONLY=1 "$@" "$ROOT/bench/registry-bench.sh" memory "$INSTANCES" "$SECONDS_PER_RUN" \
    | grep -E "^==|^-- renewals|Requests/sec|Latency|50%|99%|non-2xx|Socket|heap after" || true
  kill "$sink" 2>/dev/null || true
  wait "$sink" 2>/dev/null || true
}
for rep in $(seq 1 "$REPS"); do
  [ -n "${SKIP_OFF:-}" ] || run "tracing off" AGENTFORGE_OTLP_ENDPOINT=
  run "tracing on, sampling 1.0" AGENTFORGE_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" AGENTFORGE_TRACING_SAMPLING=1.0
  run "tracing on, sampling 0.1" AGENTFORGE_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" AGENTFORGE_TRACING_SAMPLING=0.1
done
