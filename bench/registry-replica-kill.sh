#!/usr/bin/env bash
# Fault benchmark: kill -9 one of two postgres-store registry replicas under load (issue #12's fault figures).
# Replicas A and B run on one private PostgreSQL 15 cluster; bench/ReplicaFaultBench.java keeps INSTANCES instances
# alive with forge-client's LeaseKeeper, each client listing both replica URLs (A first), runs lookups, one writer and
# SUBSCRIBERS change-feed subscribers (DiscoveryCache), then kills A with SIGKILL and goes on for AFTER seconds.
# Reports how soon every client renewed on B, expired instances, acknowledged renewals not stored, feed reconnection
# and every error the clients saw. Self-preservation is off, so it can't hide an expiry.
# Usage: bench/registry-replica-kill.sh [instances, default 10000] [lease s, default 15] [subscribers, default 20]
#        [seconds after the kill, default 45]
# Needs Debian's PostgreSQL 15 binaries (/usr/lib/postgresql/15/bin) and root (the cluster runs as user postgres).
# BENCH_SELF_PRESERVATION=true runs the replicas with self-preservation on (the default in deployments).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
INSTANCES="${1:-10000}"
LEASE="${2:-15}"
SUBSCRIBERS="${3:-20}"
AFTER="${4:-45}"
PORT_A="${BENCH_PORT:-19291}"
PORT_B="$((PORT_A + 1))"
PG_PORT="${BENCH_PG_PORT:-55433}"
PG_BIN="${BENCH_PG_BIN:-/usr/lib/postgresql/15/bin}"
# shellcheck source=fault-replicas.sh
. "$ROOT/bench/fault-replicas.sh"
forge_bench_pg_init faults

forge_bench_replica 127.0.0.1 "$PORT_A" "jdbc:postgresql://127.0.0.1:$PG_PORT/faults" "$WORK/a.log"
PID_A=$!
forge_bench_replica 127.0.0.1 "$PORT_B" "jdbc:postgresql://127.0.0.1:$PG_PORT/faults" "$WORK/b.log"
forge_bench_await_ready "http://127.0.0.1:$PORT_A" "http://127.0.0.1:$PORT_B"

echo "== kill -9 one of two registry replicas under load: instances=$INSTANCES lease=${LEASE}s subscribers=$SUBSCRIBERS"
forge_bench_machine
forge_bench_load "http://127.0.0.1:$PORT_A,http://127.0.0.1:$PORT_B" "$INSTANCES" "$LEASE" "$SUBSCRIBERS" 20 \
  "kill -9 $PID_A" 0 true "$AFTER" "http://127.0.0.1:$PORT_A"
forge_bench_logs a b
