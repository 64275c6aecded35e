#!/usr/bin/env bash
# Fault benchmark: a network partition between one of two postgres-store registry replicas and the database, under
# load (issue #12's fault figures). Replica P runs in a network namespace of its own with two veth links: one the
# clients use (10.231.1.0/30), one to PostgreSQL (10.231.2.0/30); replica A and PostgreSQL run on this host. The load
# is bench/ReplicaFaultBench.java as in registry-replica-kill.sh, every client listing P first, then A. After 20 s the
# database link is cut (`ip link set <db-side veth> down`; P keeps a permanent neighbour entry for the database, so
# its packets vanish instead of failing: connections hang as in a real partition) for PARTITION seconds, longer than
# a lease, then healed. A prober asks P directly every second what it answers meanwhile.
# Usage: bench/registry-partition.sh [instances, default 10000] [lease s, default 15] [partition s, default 30]
#        [subscribers, default 20] [seconds after healing, default 45]
# Needs root (ip netns, and the cluster runs as user postgres) and Debian's PostgreSQL 15 binaries.
# BENCH_SELF_PRESERVATION=true runs the replicas with self-preservation on (the default in deployments); off here, so
# it cannot hide an expiry.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
INSTANCES="${1:-10000}"
LEASE="${2:-15}"
PARTITION="${3:-30}"
SUBSCRIBERS="${4:-20}"
AFTER="${5:-45}"
PORT_P="${BENCH_PORT:-19295}"
PORT_A="$((PORT_P + 1))"
PG_PORT="${BENCH_PG_PORT:-55434}"
PG_BIN="${BENCH_PG_BIN:-/usr/lib/postgresql/15/bin}"
NS="forge-fault-$$"
CLIENT_LINK="afc$$"
DB_LINK="afd$$"
forge_bench_cleanup_more() {
  ip link del "$CLIENT_LINK" 2>/dev/null || true
  ip link del "$DB_LINK" 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
}
# shellcheck source=fault-replicas.sh
. "$ROOT/bench/fault-replicas.sh"

# The namespace: veth <link> on this host, its peer <link>n in the namespace.
ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
link() { # name, this host's address, the namespace's address
  ip link add "$1" type veth peer name "$1n"
  ip link set "$1n" netns "$NS"
  ip addr add "$2/30" dev "$1"
  ip link set "$1" up
  ip netns exec "$NS" ip addr add "$3/30" dev "$1n"
  ip netns exec "$NS" ip link set "$1n" up
}
link "$CLIENT_LINK" 10.231.1.1 10.231.1.2
link "$DB_LINK" 10.231.2.1 10.231.2.2
ip netns exec "$NS" ip neigh replace 10.231.2.1 lladdr "$(cat "/sys/class/net/$DB_LINK/address")" dev "${DB_LINK}n" \
  nud permanent

forge_bench_pg_init faults 127.0.0.1,10.231.2.1 10.231.2.0/30
FORGE_BENCH_NETNS="$NS" forge_bench_replica 10.231.1.2 "$PORT_P" "jdbc:postgresql://10.231.2.1:$PG_PORT/faults" \
  "$WORK/p.log"
forge_bench_replica 127.0.0.1 "$PORT_A" "jdbc:postgresql://127.0.0.1:$PG_PORT/faults" "$WORK/a.log"
forge_bench_await_ready "http://10.231.1.2:$PORT_P" "http://127.0.0.1:$PORT_A"

echo "== partition between one of two registry replicas and PostgreSQL under load: instances=$INSTANCES" \
  "lease=${LEASE}s partition=${PARTITION}s subscribers=$SUBSCRIBERS"
forge_bench_machine
forge_bench_load "http://10.231.1.2:$PORT_P,http://127.0.0.1:$PORT_A" "$INSTANCES" "$LEASE" "$SUBSCRIBERS" 20 \
  "ip link set $DB_LINK down" "$PARTITION" "ip link set $DB_LINK up" "$AFTER" "http://10.231.1.2:$PORT_P"
forge_bench_logs p a
