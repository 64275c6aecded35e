# Sourced by registry-replica-kill.sh and registry-partition.sh with ROOT, PG_BIN and PG_PORT set: picks the JDK,
# makes WORK (the load's class path in WORK/lib), the keys ADMIN and KEY, and an EXIT trap that kills every process in
# PIDS, stops the cluster, runs forge_bench_cleanup_more (when the script defines it) and removes WORK. Then its
# functions start registry replicas on the private cluster and run the load.
WORK="$(mktemp -d "/tmp/forge-$(basename "$0" .sh).XXXXXX")"
PIDS=()
forge_bench_cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  forge_bench_pg "-m immediate stop" 2>/dev/null || true
  if declare -F forge_bench_cleanup_more >/dev/null; then forge_bench_cleanup_more; fi
  rm -rf "$WORK"
}
trap forge_bench_cleanup EXIT
. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
# shellcheck source=fault-lib.sh
. "$ROOT/bench/fault-lib.sh"
forge_pick_jdk
forge_bench_client_libs "$WORK/lib"
forge_bench_secret() { head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
ADMIN="af_benchadmin01_$(forge_bench_secret)"
KEY="af_faultbench01_$(forge_bench_secret)"

# Starts a postgres-store replica bound to address $1, port $2, database URL $3, log $4, in the background (its pid
# lands in PIDS and $!). FORGE_BENCH_NETNS, when set, names the network namespace it runs in.
forge_bench_replica() {
  local prefix=()
  [ -z "${FORGE_BENCH_NETNS:-}" ] || prefix=(ip netns exec "$FORGE_BENCH_NETNS")
  AGENTFORGE_ADMIN_KEY="$ADMIN" AGENTFORGE_SERVICE_KEYS="fault-bench:service:services=fault-*:$KEY" \
    "${prefix[@]}" "$JAVA_HOME/bin/java" -Xmx1g -jar "$(forge_exec_jar registry)" \
    --server.address="$1" --server.port="$2" \
    --agentforge.registry.store=postgres "--spring.datasource.url=$3" --spring.datasource.username=postgres \
    --agentforge.registry.lease.self-preservation.enabled="${BENCH_SELF_PRESERVATION:-false}" \
    --agentforge.registry.limits.instances-per-key=1000000 --agentforge.registry.limits.subscribers-per-key=1000 \
    --agentforge.registry.search.embeddings.enabled=false --agentforge.registry.health.enabled=false \
    --logging.level.io.agentforge=WARN >"$4" 2>&1 &
  PIDS+=($!)
  disown "$!" # killed on purpose: no job report
}

# Waits until every base URL given answers its readiness probe.
forge_bench_await_ready() {
  local url
  for url in "$@"; do
    for _ in $(seq 1 240); do curl -fs "$url/actuator/health/readiness" >/dev/null && break; sleep 0.5; done
    curl -fs "$url/actuator/health/readiness" >/dev/null || { echo "$url did not get ready" >&2; exit 1; }
  done
}

forge_bench_machine() {
  echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)," \
    "$("$PG_BIN/postgres" --version), load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%F %H:%M UTC')"
}

# bench/ReplicaFaultBench.java with: URLS INSTANCES LEASE SUBSCRIBERS WARMUP FAULT FAULT_SECONDS HEAL AFTER PROBE_URL
forge_bench_load() {
  echo '<configuration><root level="OFF"/></configuration>' >"$WORK/logback.xml"
  # BENCH_LOAD_JAVA_OPTS: more options for the load generator's JVM; its GC log is kept beside the replicas' logs.
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" ${BENCH_LOAD_JAVA_OPTS:-} -Xlog:gc:file="${BENCH_LOG:-/tmp/$(basename "$0" .sh)}-load-gc.log" \
    -cp "$WORK/lib/*" -Dlogback.configurationFile="$WORK/logback.xml" \
    "$ROOT/bench/ReplicaFaultBench.java" "$1" "$ADMIN" "$KEY" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" \
    "$(forge_bench_pg_dump_command faults "$WORK/stored.txt")" "$WORK/stored.txt" "${10}"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Error lines of each replica's log ($WORK/<name>.log), kept under ${BENCH_LOG:-/tmp/<script>}-<name>.log.
forge_bench_logs() {
  local name
  for name in "$@"; do
    echo "replica $name log lines at ERROR: $(grep -c ' ERROR ' "$WORK/$name.log" || true)," \
      "WARN: $(grep -c ' WARN ' "$WORK/$name.log" || true)"
    cp "$WORK/$name.log" "${BENCH_LOG:-/tmp/$(basename "$0" .sh)}-$name.log"
  done
}
