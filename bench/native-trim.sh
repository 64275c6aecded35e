#!/usr/bin/env bash
# native-trim.sh - what the registry's RSS holds once the catalog search's embedding model is loaded, and how much of
# it glibc's malloc_trim hands back: starts the extracted exec jar (memory store, -XX:TieredStopAtLevel=1 as
# ./forge up, Native Memory Tracking on), registers one instance with one function (which loads the model), then
# prints the RSS ready, 5 s after the model loaded, after `jcmd System.trim_native_heap`, after a full GC and a second
# trim, and NMT's summary of what the JVM itself committed.
#
# Usage (from the project root): bench/native-trim.sh [exec jar, default this build's] [more JVM options …]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../scripts/pick-jdk.sh
. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
forge_pick_jdk
JAR="${1:-$(forge_exec_jar registry)}"; shift || true
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q -pl forge-registry -am package -DskipTests)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
KEY=af_trimbench_0123456789abcdef0123456789; BASE=http://127.0.0.1:$PORT
WORK="$(mktemp -d)"; PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
"$JAVA_HOME/bin/java" -Djarmode=tools -jar "$JAR" extract --destination "$WORK/app" >/dev/null
export AGENTFORGE_REGISTRY_ALLOWLOOPBACKENDPOINTS=true
TOOL='{"instanceId":"trim-tool-1","name":"trim-tool","kind":"TOOL","version":"1.0.0","endpoint":"http://127.0.0.1:9","description":"Converts between units","functions":[{"name":"trim_tool_convert","description":"Converts a quantity from one unit to another","inputSchema":{"type":"object","properties":{"value":{"type":"number"},"from":{"type":"string"},"to":{"type":"string"}},"required":["value","from","to"]}}],"leaseDuration":"3600s"}'
# shellcheck disable=SC2068  # the extra JVM options are several words
AGENTFORGE_ADMIN_KEY=$KEY "$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -XX:NativeMemoryTracking=summary $@ \
  -jar "$(ls "$WORK"/app/*.jar)" --server.address=127.0.0.1 --server.port="$PORT" \
  --logging.level.io.agentforge.registry.search=INFO >"$WORK/run.log" 2>&1 &
PID=$!
for _ in $(seq 1 1500); do curl -fs -o /dev/null "$BASE/actuator/health/readiness" && break; sleep 0.02; done
rss() { awk '/VmRSS|RssAnon|RssFile/ {printf "%s %d MiB  ", $1, $2 / 1024}' "/proc/$PID/status"; echo; }
echo "ready:                 $(rss)"
curl -fsS -o /dev/null -X POST "$BASE/api/v1/instances" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/json' -d "$TOOL"
for _ in $(seq 1 600); do grep -q "Embedding model .* loaded" "$WORK/run.log" && break; sleep 0.1; done
sleep 5
echo "model loaded (+5 s):   $(rss)"
"$JAVA_HOME/bin/jcmd" "$PID" System.trim_native_heap | tail -1
sleep 2; echo "after the trim:        $(rss)"
"$JAVA_HOME/bin/jcmd" "$PID" GC.run >/dev/null
"$JAVA_HOME/bin/jcmd" "$PID" System.trim_native_heap | tail -1
sleep 2; echo "full GC, second trim:  $(rss)"
"$JAVA_HOME/bin/jcmd" "$PID" VM.native_memory summary | grep -E '^Total|^- +(Java Heap|Class|Code|GC|Symbol|Metaspace|Shared class space) '
