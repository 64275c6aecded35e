#!/usr/bin/env bash
# Registry restart with the memory store (issue #12's fault figures): N instances kept alive by forge-client's
# LeaseKeeper, the registry killed with SIGKILL and started again on the same port, every instance's re-registration
# timed from the restarted registry's first ready answer (bench/RegistryRestartBench.java). Prints the distribution
# and how many came back within one lease.
# Usage: bench/registry-restart-bench.sh [instances, default 1000] [lease seconds, default 30]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
forge_pick_jdk
# shellcheck source=fault-lib.sh
. "$ROOT/bench/fault-lib.sh"
JAR=$(forge_exec_jar registry)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
forge_bench_client_libs "$WORK/lib"
ADMIN="af_benchadmin01_$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo '<configuration><root level="OFF"/></configuration>' > "$WORK/logback.xml"
"$JAVA_HOME/bin/java" -cp "$WORK/lib/*" -Dlogback.configurationFile="$WORK/logback.xml" \
  "$ROOT/bench/RegistryRestartBench.java" "$JAR" "${1:-1000}" "${2:-30}" "${BENCH_PORT:-19481}" \
  "$JAVA_HOME/bin/java" "$ADMIN" "$WORK/registry.log"
