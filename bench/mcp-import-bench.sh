#!/usr/bin/env bash
# A function of a registered MCP server called through forge-client's FunctionInvoker (a session per call) vs the
# same answer from a forge tool (bench/McpImportBench.java), sequentially, both servers in one JVM on loopback.
# Prints p50/p90/p99 per call and calls/s of each. See docs/interop.md (registering an existing MCP server).
# Usage: bench/mcp-import-bench.sh [calls, default 2000] [warm-up calls, default 500]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
forge_pick_jdk
JAR=$(forge_exec_jar gateway)
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -q -B -DskipTests package -pl forge-gateway -am)
LIB=$(mktemp -d)
trap 'rm -rf "$LIB"' EXIT
# The gateway's libraries: forge-client, the MCP SDK at the project's version, Tomcat, Jackson.
unzip -q -j "$JAR" 'BOOT-INF/lib/*' -d "$LIB"
"$JAVA_HOME/bin/java" -cp "$LIB/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=off "$ROOT/bench/McpImportBench.java" \
  "${1:-2000}" "${2:-500}" 2>/dev/null | grep -E '^(forge|mcp)_echo'
