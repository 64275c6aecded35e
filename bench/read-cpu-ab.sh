#!/usr/bin/env bash
# read-cpu-ab.sh - server CPU per request of one registry jar under the shared harness's load, split into user and
# kernel (system) time, for A/B comparisons of builds or settings back to back on a busy machine, where throughput
# and latency depend on the other tenants but CPU per request mostly does not.
#
# Usage (from the project root): bench/read-cpu-ab.sh JAR [split|shared] ["app catalog …"] [runs] [seconds] [JVM options…]
#   Starts JAR on a free 127.0.0.1 port (pinned to CPU 1 with wrk on CPU 0 in split, nothing pinned in shared),
#   registers N instances over 100 services with the harness's template, warms every scenario up for WARM seconds,
#   then runs each scenario `runs` times and prints one line per run:
#     START_TIME SCENARIO rN rps= p50= p99= srv_us= user_us= sys_us= others= steal=
#   Stops the server when done (also on Ctrl-C).
# Env: HARNESS (../shared/bench), N (10000), WARM (15), CONNS (64), JAVA_HOME (Temurin 25 when present).
# Example, a setting against the default, same jar, alternating (a JVM option here; any -D works):
#   J=forge-registry/target/forge-registry-0.1.0-SNAPSHOT-exec.jar
#   bench/read-cpu-ab.sh $J shared app 3 10 -XX:+UseParallelGC
#   bench/read-cpu-ab.sh $J shared app 3 10
set -euo pipefail
JAR="${1:?JAR}"; MODE="${2:-shared}"; SCEN="${3:-app}"; RUNS="${4:-3}"; DUR="${5:-10}"
shift $(( $# < 5 ? $# : 5 )); EXTRA=("$@")
HARNESS="${HARNESS:-../shared/bench}"
LG="$HARNESS/load/loadgen.sh"; PROFILE="$HARNESS/load/profiles/agentforge.env"
[ -x "$LG" ] || { echo "no harness at $HARNESS (set HARNESS)" >&2; exit 2; }
[ -d /usr/lib/jvm/temurin-25-jdk-amd64 ] && export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
AF_KEY="af_benchadmin01_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export AF_KEY
N="${N:-10000}"; WARM="${WARM:-15}"; CONNS="${CONNS:-64}"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
URL="http://127.0.0.1:$PORT"
case "$MODE" in
  split) PIN=(taskset -c 1); LOAD_CPUS=0;;
  shared) PIN=(); LOAD_CPUS="";;
  *) echo "mode split|shared" >&2; exit 2;;
esac
OUT="$(mktemp -d "${TMPDIR:-/tmp}/read-cpu-ab.XXXX")"
T0=$(date +%s%N)
AGENTFORGE_ADMIN_KEY="$AF_KEY" AGENTFORGE_REGISTRY_ALLOWLOOPBACKENDPOINTS=true "${PIN[@]}" "$JAVA" -XX:+UseG1GC -Xmx1g \
  "${EXTRA[@]}" -jar "$JAR" --server.port="$PORT" --server.address=127.0.0.1 --logging.level.io.agentforge=WARN \
  >"$OUT/server.log" 2>&1 &
SPID=$!
trap 'kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null' EXIT
lg() { "$LG" -u "$URL" -p "$PROFILE" -n "$N" -a 100 -c "$CONNS" -C "$LOAD_CPUS" -P "$SPID" -L "$OUT" "$@"; }
echo "server pid $SPID, ready after $(lg -T "$T0" -w 180 wait-ready) ms, logs in $OUT" >&2
lg -w 300 run register >/dev/null
lg -w 120 wait-count >/dev/null
for s in $SCEN; do lg -d "$WARM" run "$s" >/dev/null; done
ticks() { sed 's/.*) //' "/proc/$SPID/stat" | awk '{print $12, $13}'; }   # utime stime (clock ticks)
HZ=$(getconf CLK_TCK)
for r in $(seq 1 "$RUNS"); do
  for s in $SCEN; do
    read -r u0 s0 < <(ticks); start=$(date -u +%T.%N | cut -c1-12)
    res=$(lg -d "$DUR" run "$s")
    read -r u1 s1 < <(ticks)
    echo "$res" | awk -v s="$s" -v r="$r" -v t="$start" -v du=$((u1 - u0)) -v ds=$((s1 - s0)) -v hz="$HZ" '
      {for (i = 1; i <= NF; i++) {split($i, a, "="); v[a[1]] = a[2]}}
      END {n = v["requests"]; f = (n > 0 ? 1e6 / hz / n : 0)
           printf "%s %s r%d rps=%s p50=%s p99=%s srv_us=%s user_us=%.1f sys_us=%.1f others=%s steal=%s\n",
             t, s, r, v["rps"], v["p50_ms"], v["p99_ms"], v["srv_us_per_req"], du * f, ds * f, v["other_cores"], v["steal_pct"]}'
  done
done
