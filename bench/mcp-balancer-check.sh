#!/usr/bin/env bash
# Why the MCP gateway has no sessions: the MCP Java SDK's sessionful Streamable HTTP transport, two replicas behind a
# round-robin proxy without session affinity, called by the SDK's client (bench/McpBalancerCheck.java). Prints how
# many tools/call succeed through one replica and over two. Not a speed benchmark; see docs/interop.md.
# Usage: bench/mcp-balancer-check.sh [calls]
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
# The gateway's own libraries: the SDK at the version the project uses, Tomcat, Jackson.
unzip -q -j "$JAR" 'BOOT-INF/lib/*' -d "$LIB"
"$JAVA_HOME/bin/java" -cp "$LIB/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=off "$ROOT/bench/McpBalancerCheck.java" \
  "${1:-20}" 2>/dev/null | grep '^sessionful'
