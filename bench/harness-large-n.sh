# shellcheck shell=bash disable=SC2016  # the sed texts are shell code for the harness, literal on purpose
# Sourced by bench scripts: harness_large_n DIR patches a copy of the shared registry harness in DIR (made by
# harness_copy in harness-lease.sh; the shared folder itself is never edited) so that it runs at N = 100,000:
#  1. loadgen.sh's curl registration fills the templates with index/substr instead of gsub: mawk 1.3.4's gsub gets
#     slower with every distinct replacement string it has seen, so writing the curl config took ~10 min per
#     registry at N = 100,000 (quadratic in N); now ~6 s. Same requests, same status checks and retries.
#  0. The server's port is a free one in 61000-65535 instead of any ephemeral one: the instances' made-up endpoints
#     use ports 20000-59999 on 127.x.y.z, and Agent Forge refuses (422) an endpoint on its own port on any loopback
#     address as "this registry itself", so at N > ~13,000 one to three instances per run were never registered.
#  2. wait-count accepts, besides exactly N, a count >= 99.9 % of N that has not changed for STABLE_S (65) s — longer
#     than two refreshes of Eureka's 30 s full-fetch cache — or that stands at the -w bound; it prints the seconds
#     until the count last changed AND the count, which run-registry.sh records as count_seen (in its summary).
#  3. run-registry.sh bounds registration (per curl pass) and that wait by N (300 s / 120 s up to N = 30,000,
#     N/100 s and 120 + N/1000 s above), and reads the live heap (jcmd GC.run, then GC.heap_info) also while idle,
#     before registering (after the idle RSS reading); after each of the two full GCs it records the used heap and
#     the RSS in KiB (heap_idle_kb, rss_idle_gc_kb, heap_reg_kb, rss_reg_gc_kb): the wrapper's memory per instance.
#     The idle full GC lets G1 return unused heap, so "RSS after registering" is lower than an unpatched run's.
#  4. Above N = 30,000 the plain full fetch (66–92 MiB at N = 100,000, and Eureka's delta, which then still holds the
#     registrations) runs for LARGE_BODY_S (60) s instead of -D: with 64 connections one round of answers takes
#     longer than -D's few seconds, and wrk counts only answers complete within its run. Neither is warmed up, and
#     the plain full fetch runs last: at N = 100,000 64 of them at once exhaust Eureka's 1 GiB heap, and before
#     this change its measured renewals right after the warm-up were 0/s. wrk's per-request timeout is
#     WRK_TIMEOUT (default 30s as before, 120s above N = 30,000). The lines naming OutOfMemoryError in the server's
#     log are counted (oom_lines): at N = 40,000 Eureka's 1 GiB heap ran out under 64 plain full fetches at once.
# Every edit is checked: if the harness text changed so that one does not apply, this fails loudly.
harness_edit() { # FILE MUST_CONTAIN SED_ARGS...: apply sed, then require the text MUST_CONTAIN in FILE
  local f="$1" want="$2"
  shift 2
  sed -i "$@" "$f"
  grep -qF -- "$want" "$f" || { echo "harness_large_n: an edit did not apply to $f ($want)" >&2; return 1; }
}
harness_replace() { # FILE FROM_REGEX TO_REGEX: the first run of lines FROM..TO becomes stdin
  local text
  text="$(cat)"
  REPL="$text" awk -v from="$2" -v to="$3" '
    !done && !skip && $0 ~ from { print ENVIRON["REPL"]; skip = 1 }
    skip { if ($0 ~ to) { skip = 0; done = 1 }; next }
    { print }' "$1" > "$1.new"
  cat "$1.new" > "$1" && rm -f "$1.new"
}

harness_large_n() {
  local lg="$1/load/loadgen.sh" rr="$1/run-registry.sh"
  chmod u+w "$lg" "$rr"
  # 1. linear template filling (the values contain no placeholder, so the order of the replacements does not matter)
  harness_edit "$lg" 'function rep(s, from, to' \
    -e 's|^\( *\)function fill(s, k,   app, id, ip) {|\1function rep(s, from, to,   i, r) {  # literal replace-all, linear\n\1  r = ""; while ((i = index(s, from)) > 0) { r = r substr(s, 1, i - 1) to; s = substr(s, i + length(from)) }; return r s\n\1}\n&|' \
    -e 's|gsub(/\\{\([a-z_]*\)\\}/, \([^,]*\), s)|s = rep(s, "{\1}", \2)|g'
  ! grep -q 'gsub(/\\{' "$lg" || { echo "harness_large_n: gsub left in $lg" >&2; return 1; }
  # 2. a tolerant wait-count that says what it saw
  harness_replace "$lg" '^wait-count[)]$' '^  echo "loadgen: count is' <<'WAIT'
wait-count)  # patched: prints "SECONDS COUNT", see bench/harness-large-n.sh in the project
  start=$(now_ns); deadline=$(( start + MAXWAIT * 1000000000 )); c=-1; seen=$start
  min=$(( N - N / 1000 )); stable=$(( ${STABLE_S:-65} * 1000000000 ))
  while [ "$(now_ns)" -lt "$deadline" ]; do
    p=$c; c=$("$0" -u "$URL" -p "$PROFILE" -C "$CPUS" count); t=$(now_ns)
    [ "$c" = "$p" ] || seen=$t
    if [ "$c" -eq "$N" ] || { [ "$c" -ge "$min" ] && [ $(( t - seen )) -ge "$stable" ]; }; then break; fi
    sleep 1
  done
  [ "$c" -ge "$min" ] || { echo "loadgen: count is $c, expected $N after ${MAXWAIT}s" >&2; exit 1; }
  awk -v d=$(( seen - start )) -v c="$c" 'BEGIN{printf "%.1f %d\n", d/1e9, c}';;
WAIT
  grep -q '^wait-count)  # patched' "$lg" || { echo "harness_large_n: wait-count not replaced in $lg" >&2; return 1; }
  # 4. wrk timeout
  harness_edit "$lg" 'WRK_TIMEOUT' -e 's|--timeout 30s \\$|--timeout "${WRK_TIMEOUT:-$(( N > 30000 ? 120 : 30 ))s}" \\|'
  # 3. bounds by N, the count seen, idle live heap, KiB readings
  harness_edit "$rr" 'N / 100 : 300' \
    -e 's|lg -w 300 run register)$|lg -w "$(( N > 30000 ? N / 100 : 300 ))" run register)|'
  harness_edit "$rr" 'count_seen "$seen"' \
    -e 's|^\( *\)local lag; lag=$(lg -w 120 wait-count) \(.*\)$|\1local lag seen; lag=$(lg -w "$(( N > 30000 ? 120 + N / 1000 : 120 ))" wait-count) \2\n\1seen=${lag#* }; lag=${lag%% *}; rec "$N" "$REP" count_seen "$seen"|' \
    -e 's|full fetch showed all after ${lag}s|full fetch showed $seen after ${lag}s|'
  harness_edit "$rr" 'live_heap_kb heap_idle_kb' \
    -e 's|^\( *\)rec "$N" "$REP" rss_idle_mb "$(kb2mb "$(status_kb "$SPID" VmRSS)")"$|&\n\1live_heap_kb heap_idle_kb rss_idle_gc_kb|'
  harness_edit "$rr" 'live_heap_kb heap_reg_kb' \
    -e 's|^\( *\)rec "$N" "$REP" heap_live_mb \(.*\)$|&\n\1live_heap_kb heap_reg_kb rss_reg_gc_kb|'
  harness_replace "$rr" '^run_one[(][)] [{] # N REP$' '^run_one' <<'HEAP'
live_heap_kb() { # HEAP_KEY RSS_KEY: full GC, then records the used heap and the RSS in KiB (patched in, see
                 # bench/harness-large-n.sh; both RSS readings after a full GC, which lets G1 give back unused heap)
  [ "$LIVE_HEAP" = 1 ] && [ -x "$JAVA_HOME/bin/jcmd" ] || return 0
  "${JCMD_PIN[@]}" "$JAVA_HOME/bin/jcmd" "$SPID" GC.run >/dev/null 2>&1 || true
  rec "$N" "$REP" "$1" "$("${JCMD_PIN[@]}" "$JAVA_HOME/bin/jcmd" "$SPID" GC.heap_info 2>/dev/null | grep -o 'used [0-9]*K' | head -1 | tr -dc 0-9)"
  rec "$N" "$REP" "$2" "$(status_kb "$SPID" VmRSS)"
}
run_one() { # N REP
HEAP
  grep -q '^live_heap_kb() {' "$rr" || { echo "harness_large_n: live_heap_kb not added to $rr" >&2; return 1; }
  harness_edit "$rr" 'LARGE_BODY_S' \
    -e 's|^\( *\)d="$READ_S"; \[ "$s" = renew \] && d="$RENEW_S"$|&\n\1if [ "$N" -gt 30000 ] \&\& [ "$d" -lt "${LARGE_BODY_S:-60}" ] \&\& { [ "$s" = full ] \|\| [ "$s" = delta ]; }; then d="${LARGE_BODY_S:-60}"; fi|'
  harness_replace "$rr" '^    python3 -c .import socket; s=socket.socket[(][)]; s.bind' '^    python3 -c' <<'PORT'
    python3 -c 'import random, socket  # patched: a free port above every instance port (20000-59999)
for _ in range(500):
    p = random.randint(61000, 65535); s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        s.close()'
PORT
  grep -q 'a free port above every instance port' "$rr" || { echo "harness_large_n: free_port not replaced in $rr" >&2; return 1; }
  harness_edit "$rr" 'for s in $order; do   # warm-up' \
    -e 's|^  for s in $SCENARIOS; do   # warm-up\(.*\)$|  local order="$SCENARIOS"\n  if [ "$N" -gt 30000 ] \&\& [[ " $SCENARIOS " == *" full "* ]]; then order="$(echo " $SCENARIOS " \| sed "s/ full / /") full"; fi\n  for s in $order; do   # warm-up\1\n    if [ "$N" -gt 30000 ] \&\& { [ "$s" = full ] \|\| [ "$s" = delta ]; }; then continue; fi|' \
    -e 's|^  for s in $SCENARIOS; do$|  for s in $order; do|'
  ! grep -q 'for s in $SCENARIOS; do' "$rr" || { echo "harness_large_n: scenario order not patched in $rr" >&2; return 1; }
  harness_edit "$rr" 'oom_lines' \
    -e 's|^\( *\)rec "$N" "$REP" hwm_mb \(.*\)$|&\n\1rec "$N" "$REP" oom_lines "$(grep -c OutOfMemoryError "$slog" \|\| true)"|'
  harness_edit "$rr" 'showed before the scenarios' \
    -e 's|ce = ce " N=" n ":" stat(n, "count_end", "med")|&; cs = cs " N=" n ":" stat(n, "count_seen", "med")|' \
    -e 's|instances still registered at the end (median):%s\\n", steal, ce|instances the full fetch showed before the scenarios (median):%s; still registered at the end (median):%s\\n", steal, cs, ce|'
}
