#!/usr/bin/env bash
# Two registry replicas on one PostgreSQL database under the shared harness's load (../shared/bench/load: wrk and
# its Lua script), against one replica alone and against Netflix Eureka (memory store) in the same session.
# N instances are registered once (through replica A); then, for each round, in this order:
#   - one replica:  renewals (all N, 64 connections) and one-service lookups against replica A only;
#   - two replicas: the same two loads split over both replicas at once (32 connections each, same keys), summed;
#   - Eureka:       the shared harness's renew and app scenarios (fresh JVM, N instances, memory store), same load.
# Nothing is pinned (both replicas, PostgreSQL and wrk share the cores), so this is the `shared` placement.
# Usage: bench/registry-pg-replicas.sh [N=10000] [seconds=10] [rounds=3] [lease-seconds=600]
# The lease is longer than the harness's 90 s because registering N instances with the PostgreSQL store can take
# longer than that, and nothing renews during registration; Eureka gets the same lease.
# Needs root and Debian's PostgreSQL 15 binaries (bench/fault-lib.sh), wrk, and the registry's exec jar.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
N="${1:-10000}"
SECS="${2:-10}"
ROUNDS="${3:-3}"
LEASE="${4:-600}"
JAVA_OPTS="${JAVA_OPTS:--XX:+UseG1GC -Xmx1g}"

. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
# shellcheck source=fault-lib.sh
. "$ROOT/bench/fault-lib.sh"
# shellcheck source=harness-lease.sh
. "$ROOT/bench/harness-lease.sh"
forge_pick_jdk
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
JAR="$(forge_exec_jar registry)"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -q -B -DskipTests -pl forge-registry -am package)
OUT="$(mktemp -d /tmp/registry-pg-replicas.XXXXXX)"
HARNESS="$(harness_with_lease "${REGISTRY_BENCH_HARNESS:-$ROOT/../shared/bench/run-registry.sh}" "$OUT/harness" "$LEASE")"
LOAD="$(dirname "$HARNESS")/load"
export AF_KEY="af_benchadmin01_$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  forge_bench_pg_discard
}
PG_BIN="${BENCH_PG_BIN:-/usr/lib/postgresql/15/bin}"; PG_PORT="${BENCH_PG_PORT:-$(forge_bench_free_port)}"
WORK="$(mktemp -d /tmp/forge-bench-pg.XXXXXX)"
trap cleanup EXIT
forge_bench_pg_init replicas

start_replica() { # name port
  # shellcheck disable=SC2086  # JAVA_OPTS holds several options
  AGENTFORGE_ADMIN_KEY="$AF_KEY" AGENTFORGE_REGISTRY_ALLOWLOOPBACKENDPOINTS=true AGENTFORGE_REGISTRY_STORE=postgres \
    SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/replicas" SPRING_DATASOURCE_USERNAME=postgres \
    "$JAVA_HOME/bin/java" $JAVA_OPTS -jar "$JAR" --server.address=127.0.0.1 --server.port="$2" \
    --logging.level.io.agentforge=WARN > "$OUT/$1.log" 2>&1 &
  PIDS+=("$!")
}
lg() { # url pid connections loadgen-arguments…
  local url="$1" pid="$2" conns="$3"; shift 3
  "$LOAD/loadgen.sh" -u "$url" -p "$LOAD/profiles/agentforge.env" -n "$N" -c "$conns" -P "$pid" -L "$OUT" -d "$SECS" "$@"
}
field() { tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }

PA=$(forge_bench_free_port); PB=$(forge_bench_free_port)
start_replica a "$PA"; PIDA=$!
start_replica b "$PB"; PIDB=$!
A="http://127.0.0.1:$PA"; B="http://127.0.0.1:$PB"
lg "$A" "$PIDA" 64 -w 180 wait-ready >/dev/null
lg "$B" "$PIDB" 64 -w 180 wait-ready >/dev/null
echo "== two registry replicas on one PostgreSQL: N=$N, ${SECS}s per run, $ROUNDS rounds"
echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $("$PG_BIN/postgres" --version)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); JVM: $JAVA_OPTS"
r=$(lg "$A" "$PIDA" 64 -w 600 run register)
echo "registered $N through replica A at $(echo "$r" | field rps) req/s"
for s in renew app; do # warm-up of both replicas (JIT, caches)
  lg "$A" "$PIDA" 32 -d 3 run "$s" >/dev/null
  lg "$B" "$PIDB" 32 -d 3 run "$s" >/dev/null
done

: > "$OUT/rows.tsv"   # round, setup, scenario, rps, p99_ms, us_per_req (server CPU of all replicas per request)
for round in $(seq 1 "$ROUNDS"); do
  for s in renew app; do
    r=$(lg "$A" "$PIDA" 64 run "$s")
    printf '%s\tone replica\t%s\t%s\t%s\t%s\n' "$round" "$s" "$(echo "$r" | field rps)" "$(echo "$r" | field p99_ms)" \
      "$(echo "$r" | field srv_us_per_req)" >> "$OUT/rows.tsv"
    lg "$A" "$PIDA" 32 run "$s" > "$OUT/a.result" &
    wa=$!
    lg "$B" "$PIDB" 32 run "$s" > "$OUT/b.result"
    wait "$wa"
    # Sum of both rates; the worse p99; CPU of both replicas over both request counts.
    awk -v round="$round" -v s="$s" '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[FILENAME, kv[1]] = kv[2] } }
      END { a = ARGV[1]; b = ARGV[2]; rps = v[a, "rps"] + v[b, "rps"]; req = v[a, "requests"] + v[b, "requests"]
            p99 = v[a, "p99_ms"] > v[b, "p99_ms"] ? v[a, "p99_ms"] : v[b, "p99_ms"]
            cpu = v[a, "srv_cpu_s"] + v[b, "srv_cpu_s"]
            us = req > 0 ? cpu * 1e6 / req : 0
            printf "%s\ttwo replicas\t%s\t%.1f\t%s\t%.1f\n", round, s, rps, p99, us }' \
      "$OUT/a.result" "$OUT/b.result" >> "$OUT/rows.tsv"
  done
  # Eureka, the same load on its memory store (the shared harness, fresh JVM, shared placement).
  (cd "$ROOT" && QUIET_TIMEOUT_S="${QUIET_TIMEOUT_S:-5}" "$HARNESS" -t eureka -n "$N" -r 1 -m shared -s "renew app" \
    -d "$SECS" -D "$SECS" -W 3 -o "$OUT/eureka-$round") > "$OUT/eureka-$round.log" 2>&1 || echo "eureka round $round failed: $OUT/eureka-$round.log"
  for s in renew app; do
    awk -F'\t' -v round="$round" -v s="$s" '$3 == s ".rps" {r = $4} $3 == s ".p99_ms" {p = $4} $3 == s ".srv_us_per_req" {u = $4}
      END { if (r != "") printf "%s\tEureka (memory)\t%s\t%s\t%s\t%s\n", round, s, r, p, u }' "$OUT/eureka-$round/raw.tsv" >> "$OUT/rows.tsv"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "instances still registered at the end: $(lg "$A" "$PIDA" 64 count)"
echo
echo "| setup | scenario | req/s (median, min–max of $ROUNDS) | p99 ms (median) | server CPU µs/req (median) |"
echo "|---|---|---:|---:|---:|"
sort -t$'\t' -k2,2 -k3,3 "$OUT/rows.tsv" | awk -F'\t' '
  function med(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
                                  return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2 }
  function flush() { if (k == "") return; split(k, kk, SUBSEP)
    m = med(R, n)  # sorts R: R[1] and R[n] are then the extremes
    printf "| %s | %s | %.0f (%.0f–%.0f) | %.1f | %.1f |\n", kk[1], kk[2] == "renew" ? "renewals" : "one service", m, R[1], R[n], med(P, n), med(U, n) }
  { key = $2 SUBSEP $3; if (key != k) { flush(); k = key; n = 0; delete R; delete P; delete U } n++; R[n] = $4; P[n] = $5; U[n] = $6 }
  END { flush() }'
echo
echo "raw rows and logs: $OUT"
