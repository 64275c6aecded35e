#!/usr/bin/env bash
# Registry vs Netflix Eureka on the shared load harness (../shared/bench/run-registry.sh), alternating the two in one
# session so machine noise hits both alike. Each repetition runs, for each placement, both targets (the order flips
# every repetition), each as one run-registry.sh call with a fresh JVM per N. Then it writes side-by-side tables of
# the medians (with min–max) over the repetitions, Eureka beside Agent Forge, and the ratio.
#
# Usage: bench/registry-vs-eureka.sh [-n "1000 10000"] [-r 3] [-m "split shared"] [-o OUTDIR] [-H HARNESS]
#                                    [-j REGISTRY_EXEC_JAR] [-x "extra run-registry.sh options, e.g. -d 20 -D 10 or -s 'renew app' -W 90"]
#                                    [-s memory|postgres] [-l LEASE_SECONDS] [-p PACE_MS]
# -s postgres: Agent Forge runs its PostgreSQL store on a private throw-away cluster (bench/fault-lib.sh), with a
#    fresh database per N (one harness call per N); Eureka keeps its memory store, as the issue's goal compares.
# -l: lease of every registered instance, for both registries (default the harness's 90 s), for N so large that
#    registering all of them takes longer than 90 s; the copy's templates are rewritten.
# -p: every timed wrk connection pauses PACE_MS before each request (bench/harness-pace.sh), e.g. -p 4 with
#    -x "-c 4 -s app": a fixed load below saturation, for latency percentiles that are not a queue.
# The harness runs from a copy in OUTDIR/harness, patched for N = 100,000 (bench/harness-large-n.sh: linear curl
#    config, a wait for the full fetch that tolerates a lagging cache and records the count it saw, longer bounds,
#    live heap idle); comparison.md adds that count and memory per instance (heap and RSS, after registering − idle).
# Env: SUMMARY_ONLY=1 (with -o) only rewrites the tables of an earlier OUTDIR; the rest is passed through to the harness (QUIET_MAX_CORES, QUIET_TIMEOUT_S, EUREKA_JAVA_OPTS, LIVE_HEAP, …).
# Needs the registry's exec jar (built here when missing: ./mvnw -B -q -pl forge-registry -am package -DskipTests).
# Output: OUTDIR/<placement>/<target>/rep<k>/{summary.md,raw.tsv,…} and OUTDIR/comparison.md.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
NS="1000 10000"; REPS=3; MODES="split shared"; OUT=""; EXTRA=""; JAR=""; STORE=memory; LEASE=""; PACE=""
HARNESS="${REGISTRY_BENCH_HARNESS:-$ROOT/../shared/bench/run-registry.sh}"
while getopts "n:r:m:o:H:j:x:s:l:p:h" o; do
  case "$o" in
    n) NS="$OPTARG";; r) REPS="$OPTARG";; m) MODES="$OPTARG";; o) OUT="$OPTARG";; H) HARNESS="$OPTARG";;
    j) JAR="$OPTARG";; x) EXTRA="$OPTARG";; s) STORE="$OPTARG";; l) LEASE="$OPTARG";; p) PACE="$OPTARG";; *) sed -n '2,21p' "$0"; exit 2;;
  esac
done
[ -x "$HARNESS" ] || { echo "harness not found: $HARNESS (set -H or REGISTRY_BENCH_HARNESS)" >&2; exit 2; }
# The harness options, split as the shell would, so a scenario list keeps its quotes: -x "-s 'renew app' -W 90".
eval "EXTRA_ARGS=($EXTRA)"
# Nothing renews while the read scenarios warm up and run: when they take longer than the lease, both registries
# evict instances mid-run and the answers shrink (bytes_per_resp in the runs' results.log). The harness's defaults.
warm=3; reads=10; scenarios="renew full full_gzip app delta"
set -- "${EXTRA_ARGS[@]}"
while [ $# -gt 1 ]; do
  case "$1" in -W) warm="$2"; shift;; -D) reads="$2"; shift;; -s) scenarios="$2"; shift;; esac
  shift
done
read_only=$(echo "$scenarios" | tr ' ' '\n' | grep -cv -e '^renew$' -e '^$' || true)
if [ $((read_only * (warm + reads))) -ge "${LEASE:-90}" ]; then
  echo "warning: $read_only read scenario(s) of ${warm}+${reads} s without renewals reach the ${LEASE:-90} s lease;" \
    "instances will expire mid-run: give a longer one with -l" >&2
fi
[ -n "$JAR" ] || JAR="$(forge_exec_jar registry)"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q -pl forge-registry -am package -DskipTests)
OUT="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/registry-vs-eureka-$(date -u +%Y%m%dT%H%M%SZ).XXXX")}"
mkdir -p "$OUT"
if [ "${SUMMARY_ONLY:-0}" != 1 ]; then
  # A copy of the harness, changed so that it runs at N = 100,000 (bench/harness-large-n.sh says how), with -l the
  # lease set too; the shared folder is never edited.
  # shellcheck source=harness-lease.sh
  . "$ROOT/bench/harness-lease.sh"
  # shellcheck source=harness-large-n.sh
  . "$ROOT/bench/harness-large-n.sh"
  if [ -n "$LEASE" ]; then HARNESS="$(harness_with_lease "$HARNESS" "$OUT/harness" "$LEASE")"
  else HARNESS="$(harness_copy "$HARNESS" "$OUT/harness")"; fi
  harness_large_n "$OUT/harness"
  if [ -n "$PACE" ]; then
    # shellcheck source=harness-pace.sh
    . "$ROOT/bench/harness-pace.sh"
    harness_pace "$OUT/harness" "$PACE"
  fi
fi
if [ "$STORE" = postgres ] && [ "${SUMMARY_ONLY:-0}" != 1 ]; then
  # shellcheck source=fault-lib.sh
  . "$ROOT/bench/fault-lib.sh"
  # shellcheck disable=SC2034  # PG_BIN and WORK are read by fault-lib.sh's functions
  PG_BIN="${BENCH_PG_BIN:-/usr/lib/postgresql/15/bin}"; PG_PORT="${BENCH_PG_PORT:-$(forge_bench_free_port)}"
  WORK="$(mktemp -d /tmp/forge-bench-pg.XXXXXX)"
  trap forge_bench_pg_discard EXIT
  forge_bench_pg_init bench_registry
fi
# The harness registers instances at 127.x.y.z addresses (data only, never contacted); the registry refuses
# loopback endpoints unless told otherwise.
export AGENTFORGE_REGISTRY_ALLOWLOOPBACKENDPOINTS=true
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/run.log" >&2; }

[ "${SUMMARY_ONLY:-0}" = 1 ] || {
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "command: $0 -n \"$NS\" -r $REPS -m \"$MODES\" -x \"$EXTRA\" -s $STORE${LEASE:+ -l $LEASE}${PACE:+ -p $PACE}; registry jar: $JAR"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); nproc: $(nproc)"
} > "$OUT/session.txt"
# SUMMARY_ONLY=1 with -o an earlier OUTDIR: only (re)write the tables from the runs it holds.
[ "${SUMMARY_ONLY:-0}" = 1 ] && REPS_RUN=0 || REPS_RUN="$REPS"
for rep in $(seq 1 "$REPS_RUN"); do
  for mode in $MODES; do
    if [ $((rep % 2)) = 1 ]; then order="eureka agentforge"; else order="agentforge eureka"; fi
    for target in $order; do
      dir="$OUT/$mode/$target/rep$rep"
      log "rep $rep/$REPS, $mode, $target -> $dir"
      mkdir -p "$(dirname "$dir")"
      if [ "$target" = agentforge ] && [ "$STORE" = postgres ]; then
        # One call per N, each on an empty database: the instances of one N must not meet the next N's.
        for n in $NS; do
          forge_bench_pg_fresh_db bench_registry
          (cd "$ROOT" && AGENTFORGE_REGISTRY_STORE=postgres SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/bench_registry" \
            SPRING_DATASOURCE_USERNAME=postgres "$HARNESS" -t "$target" -j "$JAR" -n "$n" -r 1 -m "$mode" -o "$dir/n$n" "${EXTRA_ARGS[@]}") \
            >> "$dir.log" 2>&1 || log "  $target (N=$n) failed, see $dir.log"
        done
      else
        (cd "$ROOT" && "$HARNESS" -t "$target" -j "$JAR" -n "$NS" -r 1 -m "$mode" -o "$dir" "${EXTRA_ARGS[@]}") \
          > "$dir.log" 2>&1 || log "  $target failed, see $dir.log"
      fi
    done
  done
done
[ "${SUMMARY_ONLY:-0}" = 1 ] || echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/session.txt"

# ---- side-by-side medians ---------------------------------------------------------------------------------------
for mode in $MODES; do
  for target in eureka agentforge; do
    for f in "$OUT/$mode/$target"/rep*/raw.tsv "$OUT/$mode/$target"/rep*/n*/raw.tsv; do
      # raw.tsv: N rep key value; per run also memory per instance in bytes: (after registering - idle) / N, for the
      # live heap after a full GC and for RSS (keys the patched harness records in KiB)
      [ -f "$f" ] && awk -v t="$target" -v m="$mode" -F'\t' '{print m "\t" t "\t" $1 "\t" $3 "\t" $4; v[$1 SUBSEP $2 SUBSEP $3] = $4; r[$1 SUBSEP $2] = 1}
        END { for (k in r) { split(k, a, SUBSEP)
          if (v[k, "heap_reg_kb"] != "" && v[k, "heap_idle_kb"] != "") print m "\t" t "\t" a[1] "\theap_b_per_inst\t" (v[k, "heap_reg_kb"] - v[k, "heap_idle_kb"]) * 1024 / a[1]
          if (v[k, "rss_reg_gc_kb"] != "" && v[k, "rss_idle_gc_kb"] != "") print m "\t" t "\t" a[1] "\trss_b_per_inst\t" (v[k, "rss_reg_gc_kb"] - v[k, "rss_idle_gc_kb"]) * 1024 / a[1] } }' "$f"
    done
  done
done > "$OUT/all.tsv"
awk -F'\t' -v modes="$MODES" -v ns="$NS" '
  function med(k,   n, i, j, t, a) {
    n = cnt[k]; if (!n) return ""
    for (i = 1; i <= n; i++) a[i] = v[k, i]
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
    lo[k] = a[1]; hi[k] = a[n]
    return (n % 2) ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
  }
  function f(x) { return x == "" ? "-" : (x >= 100 || x == int(x)) ? sprintf("%.0f", x) : (x >= 10 ? sprintf("%.1f", x) : sprintf("%.2f", x)) }
  function mb(kb) { return kb == "" ? "-" : sprintf("%.1f", kb / 1024) }
  function cell(k,   m) { m = med(k); return m == "" ? "-" : f(m) " (" f(lo[k]) "–" f(hi[k]) ")" }
  function ratio(a, b, invert) { if (a == "" || b == "" || a + 0 == 0 || b + 0 == 0) return "-"; return sprintf("%.2f×", invert ? a / b : b / a) }
  { k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4; cnt[k]++; v[k, cnt[k]] = $5 + 0 }
  END {
    split(modes, ML, " "); split(ns, NL, " ")
    nm["renew"] = "renewals"; nm["full"] = "full fetch, JSON"; nm["full_gzip"] = "full fetch, gzip"; nm["app"] = "one service"
    split("renew full full_gzip app", SL, " ")
    for (mi = 1; mi in ML; mi++) { m = ML[mi]
      printf "\n### Placement: %s\n\n", m
      print "| scenario | N | Eureka req/s | Agent Forge req/s | ratio | Eureka p99 ms | Agent Forge p99 ms | Eureka CPU µs/req | Agent Forge CPU µs/req | others cores (E / AF) |"
      print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      for (si = 1; si in SL; si++) for (ni = 1; ni in NL; ni++) { s = SL[si]; n = NL[ni]
        e = m SUBSEP "eureka" SUBSEP n SUBSEP s; a = m SUBSEP "agentforge" SUBSEP n SUBSEP s
        printf "| %s | %s | %s | %s | **%s** | %s | %s | %s | %s | %s / %s |\n", nm[s], n, cell(e ".rps"), cell(a ".rps"),
          ratio(med(e ".rps"), med(a ".rps"), 0), f(med(e ".p99_ms")), f(med(a ".p99_ms")), f(med(e ".srv_us_per_req")),
          f(med(a ".srv_us_per_req")), f(med(e ".other_cores")), f(med(a ".other_cores"))
      }
      for (ni = 1; ni in NL; ni++) { n = NL[ni]; a = m SUBSEP "agentforge" SUBSEP n SUBSEP "catalog"
        if (cnt[a ".rps"]) printf "| function catalog, gzip (Agent Forge only) | %s | - | %s | - | - | %s | - | %s | - |\n", n, cell(a ".rps"), f(med(a ".p99_ms")), f(med(a ".srv_us_per_req")) }
      print ""
      print "| N | startup to first 200 ms (E / AF) | RSS idle MB (E / AF) | RSS after registering MB (E / AF) | live heap MB (E / AF) | registration req/s (E / AF) | visible in full fetch after s (E / AF) | instances the full fetch showed (E / AF) |"
      print "|---:|---:|---:|---:|---:|---:|---:|---:|"
      for (ni = 1; ni in NL; ni++) { n = NL[ni]; e = m SUBSEP "eureka" SUBSEP n SUBSEP; a = m SUBSEP "agentforge" SUBSEP n SUBSEP
        printf "| %s | %s / %s | %s / %s | %s / %s | %s / %s | %s / %s | %s / %s | %s / %s |\n", n, f(med(e "startup_ms")), f(med(a "startup_ms")),
          f(med(e "rss_idle_mb")), f(med(a "rss_idle_mb")), f(med(e "rss_reg_mb")), f(med(a "rss_reg_mb")), f(med(e "heap_live_mb")), f(med(a "heap_live_mb")),
          f(med(e "reg_rps")), f(med(a "reg_rps")), f(med(e "count_lag_s")), f(med(a "count_lag_s")), f(med(e "count_seen")), f(med(a "count_seen")) }
      print ""
      print "Memory per instance, bytes: (reading after registering N − reading idle, before registering) / N, each reading taken right after a full GC (`jcmd GC.run`): the used heap, and the RSS then. Both include what the count polls of the full fetch left cached."
      print ""
      print "| N | live heap idle → after registering MB (E) | (AF) | live heap per instance B (E / AF) | RSS after full GC, idle → after registering MB (E) | (AF) | RSS per instance B (E / AF) | registration non-2xx, all passes (E / AF) | OutOfMemoryError log lines (E / AF) |"
      print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      for (ni = 1; ni in NL; ni++) { n = NL[ni]; e = m SUBSEP "eureka" SUBSEP n SUBSEP; a = m SUBSEP "agentforge" SUBSEP n SUBSEP
        printf "| %s | %s → %s | %s → %s | %s / %s | %s → %s | %s → %s | %s / %s | %s / %s | %s / %s |\n", n,
          mb(med(e "heap_idle_kb")), mb(med(e "heap_reg_kb")), mb(med(a "heap_idle_kb")), mb(med(a "heap_reg_kb")), f(med(e "heap_b_per_inst")), f(med(a "heap_b_per_inst")),
          mb(med(e "rss_idle_gc_kb")), mb(med(e "rss_reg_gc_kb")), mb(med(a "rss_idle_gc_kb")), mb(med(a "rss_reg_gc_kb")), f(med(e "rss_b_per_inst")), f(med(a "rss_b_per_inst")),
          f(med(e "reg_errors")), f(med(a "reg_errors")), f(med(e "oom_lines")), f(med(a "oom_lines")) }
    }
  }' "$OUT/all.tsv" > "$OUT/tables.md"
{
  echo "# Agent Forge registry vs Eureka: medians (min–max) over the alternating repetitions"
  echo; sed 's/^/    /' "$OUT/session.txt"
  cat "$OUT/tables.md"
  echo; echo "Per-run summaries (the harness's own tables, machine and JVM):"
  for s in "$OUT"/*/*/rep*/summary.md "$OUT"/*/*/rep*/n*/summary.md; do [ -f "$s" ] && echo "- ${s#"$OUT"/}"; done
} > "$OUT/comparison.md"
cat "$OUT/comparison.md"
log "done: $OUT/comparison.md"
