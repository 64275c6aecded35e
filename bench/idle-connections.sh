#!/usr/bin/env bash
# idle-connections.sh - heap and RSS a registry holds for idle keep-alive connections.
# Services renew over their own keep-alive connections, so a registry serving thousands of them directly (no pooling
# proxy in front) holds one connection each; what the servlet container keeps per open connection is paid that often.
#
# Usage (from the project root): bench/idle-connections.sh [connections, default 3000] [exec jar …, default this build's]
#   For each jar: starts it (memory store, embeddings off, -Xmx1g) on a free 127.0.0.1 port, reads the used heap after
#   a full GC and the RSS, opens the connections (each sends one GET /actuator/health/liveness and keeps the
#   connection open), waits, reads the used heap after a full GC and the RSS again, and prints one line per jar (RSS
#   too, because a container may keep its buffers off the heap). Needs python3 and `ulimit -n` above the connection
#   count. To compare builds, pass the exec jar of each (e.g. one built from an earlier commit).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CONNS="${1:-3000}"; shift $(( $# > 0 ? 1 : 0 ))
# shellcheck source=../scripts/pick-jdk.sh
. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
forge_pick_jdk
JARS=("$@")
if [ ${#JARS[@]} -eq 0 ]; then
  JARS=("$(forge_exec_jar registry)")
  [ -f "${JARS[0]}" ] || (cd "$ROOT" && ./mvnw -B -q -pl forge-registry -am package -DskipTests)
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
PID=""; HOLDER=""
cleanup() { for p in $HOLDER $PID; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
used_kb() { "$JAVA_HOME/bin/jcmd" "$1" GC.run >/dev/null; sleep 1
  "$JAVA_HOME/bin/jcmd" "$1" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc '0-9'; }
echo "connections=$CONNS machine: $(nproc) cores, $(date -u '+%F %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for JAR in "${JARS[@]}"; do
  log="/tmp/idle-connections-$(basename "$JAR" .jar).log"
  AGENTFORGE_ADMIN_KEY="af_idleconns_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    "$JAVA_HOME/bin/java" -Xmx1g -jar "$JAR" --server.address=127.0.0.1 --server.port="$PORT" \
    --agentforge.registry.search.embeddings.enabled=false >"$log" 2>&1 &
  PID=$!
  for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break; sleep 0.5; done
  before=$(used_kb "$PID")
  rss_before=$(ps -o rss= -p "$PID" | tr -d ' ')
  python3 - "$CONNS" "$PORT" <<'PY' &
import socket, sys, time
n, port = int(sys.argv[1]), int(sys.argv[2])
held = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /actuator/health/liveness HTTP/1.1\r\nHost: registry\r\n\r\n")
    s.recv(65536)
    held.append(s)
print("open", len(held), flush=True)
time.sleep(600)
PY
  HOLDER=$!
  for _ in $(seq 1 120); do
    [ "$(ss -Htn state established "( sport = :$PORT )" | wc -l)" -ge "$CONNS" ] && break; sleep 0.5
  done
  sleep 3
  after=$(used_kb "$PID")
  rss=$(ps -o rss= -p "$PID" | tr -d ' ')
  echo "$JAR: heap used after a full GC ${before} KB idle, ${after} KB with $CONNS connections" \
    "($(( (after - before) / CONNS )) KB per connection); RSS $((rss_before / 1024)) MB idle, $((rss / 1024)) MB with" \
    "them ($(( (rss - rss_before) / CONNS )) KB per connection)"
  kill "$HOLDER"; wait "$HOLDER" 2>/dev/null || true; HOLDER=""
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
done
