#!/usr/bin/env bash
# Virtual-thread carriers under steady load: the registry on the shared harness (../shared/bench/run-registry.sh,
# -t agentforge) with -Djdk.virtualThreadScheduler.parallelism set to each count in turn, round-robin (every count
# once, then again), a fresh JVM per run, so machine noise hits every count alike. Prints, per scenario, N and count,
# the medians over the runs of req/s, p99 and the server's CPU per request (the harness reads it from /proc).
#
#   bench/carrier-ab.sh [-r 3] [-n "1000 10000"] [-m split|shared] [-c "1 8"] [-s "renew app"] [-x "harness options"]
#                       [-o OUTDIR]
#   e.g. bench/carrier-ab.sh -r 3 -n 10000 -m split -c "1 8" -s "renew app" -x "-d 10 -D 5 -W 2"
#
# The registry's main() only fills the property in when it is unset, so every count here is what the JVM runs with.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
REPS=3; NS="10000"; MODE="split"; COUNTS="1 8"; SCENARIOS="renew app"; EXTRA="-d 10 -D 5 -W 2"; OUT=""
HARNESS="${REGISTRY_BENCH_HARNESS:-$ROOT/../shared/bench/run-registry.sh}"
while getopts "r:n:m:c:s:x:o:h" o; do
  case "$o" in
    r) REPS="$OPTARG";; n) NS="$OPTARG";; m) MODE="$OPTARG";; c) COUNTS="$OPTARG";; s) SCENARIOS="$OPTARG";; x) EXTRA="$OPTARG";;
    o) OUT="$OPTARG";; *) sed -n '2,11p' "$0"; exit 2;;
  esac
done
JAR="$(forge_exec_jar registry)"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q -pl forge-registry -am package -DskipTests)
OUT="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/carrier-ab-$(date -u +%Y%m%dT%H%M%SZ).XXXX")}"
mkdir -p "$OUT"
# The harness registers instances at 127.x.y.z addresses (data only, never contacted).
export AGENTFORGE_REGISTRY_ALLOWLOOPBACKENDPOINTS=true
{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "command: $0 -r $REPS -n \"$NS\" -m $MODE -c \"$COUNTS\" -s \"$SCENARIOS\" -x \"$EXTRA\"; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/session.txt"
for rep in $(seq 1 "$REPS"); do
  for count in $COUNTS; do
    dir="$OUT/p$count/rep$rep"
    mkdir -p "$dir"
    printf '[%s] rep %s, parallelism %s -> %s\n' "$(date -u +%H:%M:%S)" "$rep" "$count" "$dir" >&2
    # shellcheck disable=SC2086  # EXTRA holds several options
    EUREKA_JAVA_OPTS="-XX:+UseG1GC -Xmx1g -Djdk.virtualThreadScheduler.parallelism=$count" \
      "$HARNESS" -t agentforge -j "$JAR" -n "$NS" -r 1 -m "$MODE" -s "$SCENARIOS" -o "$dir" $EXTRA > "$dir.log" 2>&1 \
      || echo "  run failed, see $dir.log" >&2
  done
done
# raw.tsv rows: N, repetition, key (scenario.metric), value.
echo "| scenario | N | carriers | req/s | p99 ms | server CPU µs/req | others cores | runs |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for count in $COUNTS; do
  cat "$OUT/p$count"/rep*/raw.tsv 2>/dev/null | awk -F'\t' -v c="$count" '
    $3 ~ /\.(rps|p99_ms|srv_us_per_req|other_cores)$/ && $4 != "" {
      split($3, k, "."); key = k[1] SUBSEP $1; seen[key] = 1; v[key, k[2], ++n[key, k[2]]] = $4 }
    function median(key, m,   i, j, t, a, cnt) {
      cnt = n[key, m]; for (i = 1; i <= cnt; i++) a[i] = v[key, m, i] + 0
      for (i = 2; i <= cnt; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      if (cnt == 0) return "-"
      return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2 }
    END { for (key in seen) { split(key, s, SUBSEP)
      printf "| %s | %s | %s | %s | %s | %s | %s | %d |\n", s[1], s[2], c, median(key, "rps"), median(key, "p99_ms"),
        median(key, "srv_us_per_req"), median(key, "other_cores"), n[key, "rps"] } }'
done | sort -t'|' -k2,2 -k3,3n -k4,4n | tee "$OUT/summary.md"
