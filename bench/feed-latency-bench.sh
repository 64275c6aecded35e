#!/usr/bin/env bash
# Registration → visible to subscribed forge-client caches while renewals run (#12: p99 < 100 ms at N = 10,000).
# Starts the registry (memory store, -Xmx1g), registers INSTANCES instances over 200 services (bench/RegistryLoad.java,
# two functions per service), keeps wrk renewing their leases at about RENEW_RATE a second (8 connections, each pausing
# 8000 / RENEW_RATE ms before a request; 0: as fast as they can) for the whole measurement,
# and runs bench/FeedLatencyBench.java: SUBSCRIBERS DiscoveryCaches follow the change feed while PROBES new tool
# instances are registered, one every INTERVAL_MS; it prints how long each took, from sending the registration, to
# be in each subscriber's cache.
#
#   bench/feed-latency-bench.sh [instances 10000] [subscribers 4] [probes 200] [interval ms 100] [renewals/s 1000]
#
# 1,000 renewals/s is what 10,000 instances send renewing every 10 s (a 30 s lease); the rate is an upper bound (a
# connection pauses, then waits for its answer).
#
# Nothing is pinned: registry, wrk and the subscribers share the machine's cores, as in a small deployment.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
INSTANCES="${1:-10000}"
SUBSCRIBERS="${2:-4}"
PROBES="${3:-200}"
INTERVAL_MS="${4:-100}"
RENEW_RATE="${5:-1000}"
RENEW_CONNS=8
SERVICES=200
PORT="${BENCH_PORT:-19191}"
BASE="http://127.0.0.1:$PORT"
KEY="af_benchadmin01_$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
WORK="$(mktemp -d /tmp/forge-feed-latency.XXXXXX)"
PID=""
WRK=""
cleanup() {
  [ -z "$WRK" ] || kill "$WRK" 2>/dev/null || true
  [ -z "$PID" ] || kill "$PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
# shellcheck source=fault-lib.sh
. "$ROOT/bench/fault-lib.sh"
forge_pick_jdk
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
forge_bench_client_libs "$WORK/lib"

AGENTFORGE_ADMIN_KEY="$KEY" "$JAVA_HOME/bin/java" -Xmx1g -jar "$(forge_exec_jar registry)" \
  --server.address=127.0.0.1 --server.port="$PORT" --logging.level.io.agentforge=WARN \
  --agentforge.registry.limits.subscribers-per-key=1000 >"$WORK/registry.log" 2>&1 &
PID=$!
for _ in $(seq 1 240); do curl -fs "$BASE/actuator/health/readiness" >/dev/null && break; sleep 0.5; done
curl -fs "$BASE/actuator/health/readiness" >/dev/null || { echo "registry did not get ready" >&2; tail -20 "$WORK/registry.log" >&2; exit 1; }

echo "== registration -> visible to subscribed caches: $INSTANCES instances, $SUBSCRIBERS subscribers, $PROBES probes" \
  "every $INTERVAL_MS ms, renewals from wrk at up to ${RENEW_RATE}/s"
echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%F %H:%M UTC')"
"$JAVA_HOME/bin/java" "$ROOT/bench/RegistryLoad.java" "$BASE" "$KEY" "$INSTANCES" "$SERVICES"

export FORGE_KEY="$KEY" FORGE_SERVICES="$SERVICES" FORGE_PER_SERVICE="$((INSTANCES / SERVICES))"
[ "$RENEW_RATE" = 0 ] || export FORGE_DELAY_MS="$(( RENEW_CONNS * 1000 / RENEW_RATE ))"
RENEW_SECONDS=$(( PROBES * (INTERVAL_MS + 50) / 1000 + 120 ))
wrk -t2 -c"$RENEW_CONNS" -d"${RENEW_SECONDS}s" -s "$ROOT/bench/renew.lua" "$BASE" >"$WORK/wrk.txt" 2>&1 &
WRK=$!
sleep 3
echo '<configuration><root level="WARN"/></configuration>' >"$WORK/logback.xml"
"$JAVA_HOME/bin/java" -cp "$WORK/lib/*" -Dlogback.configurationFile="$WORK/logback.xml" \
  "$ROOT/bench/FeedLatencyBench.java" "$BASE" "$KEY" "$SUBSCRIBERS" "$PROBES" "$INTERVAL_MS"
kill -INT "$WRK" 2>/dev/null || true
wait "$WRK" 2>/dev/null || true
WRK=""
echo "renewals during the run: $(grep -E 'Requests/sec' "$WORK/wrk.txt" | tr -s ' ') ($(grep -E 'non-200' "$WORK/wrk.txt"))"
echo "registry log lines at ERROR: $(grep -c ' ERROR ' "$WORK/registry.log" || true); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
