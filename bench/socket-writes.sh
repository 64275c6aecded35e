#!/usr/bin/env bash
# socket-writes.sh - how many write system calls the registry makes per one-service answer (100 instances of the
# shared harness's template, ~67 KiB), counted with strace: a container that copies answers through a small
# per-connection buffer makes one write per buffer-full, one that hands the whole answer to the kernel makes as many
# as the socket's send buffer needs.
#
# Usage (from the project root): bench/socket-writes.sh [exec jar …, default this build's]
#   For each jar: starts it on a free 127.0.0.1 port (memory store, embeddings off), registers 100 instances of one
#   service with the harness's loadgen, warms up for 3 s with one wrk connection, then attaches `strace -c -f` (write,
#   writev, sendto, sendmsg) for a 5 s wrk run over one keep-alive connection and prints wrk's request count beside
#   strace's counts; divide the calls by the requests. strace slows the server, so the request rate means nothing.
# Env: HARNESS (../shared/bench). Needs strace, wrk, python3.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../scripts/pick-jdk.sh
. "$ROOT/scripts/pick-jdk.sh"
# shellcheck source=../scripts/build-info.sh
. "$ROOT/scripts/build-info.sh"
forge_pick_jdk
HARNESS="${HARNESS:-$ROOT/../shared/bench}"
L="$HARNESS/load"
JARS=("$@")
if [ ${#JARS[@]} -eq 0 ]; then
  JARS=("$(forge_exec_jar registry)")
  [ -f "${JARS[0]}" ] || (cd "$ROOT" && ./mvnw -B -q -pl forge-registry -am package -DskipTests)
fi
AF_KEY="af_benchadmin01_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export AF_KEY
WORK="$(mktemp -d "${TMPDIR:-/tmp}/socket-writes.XXXX")"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; }
trap cleanup EXIT
cat > "$WORK/get.lua" <<'LUA'
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("AF_KEY")
LUA
for JAR in "${JARS[@]}"; do
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  AGENTFORGE_ADMIN_KEY="$AF_KEY" AGENTFORGE_REGISTRY_ALLOWLOOPBACKENDPOINTS=true "$JAVA_HOME/bin/java" -Xmx1g -jar "$JAR" \
    --server.port="$PORT" --server.address=127.0.0.1 --agentforge.registry.search.embeddings.enabled=false \
    >"$WORK/server-$PORT.log" 2>&1 &
  PID=$!
  G=("$L/loadgen.sh" -u "http://127.0.0.1:$PORT" -p "$L/profiles/agentforge.env" -n 100 -a 1 -c 1)
  "${G[@]}" -w 120 wait-ready >/dev/null
  "${G[@]}" run register >/dev/null
  URL="http://127.0.0.1:$PORT/api/v1/services?name=app000"
  wrk -t1 -c1 -d3 -s "$WORK/get.lua" "$URL" >/dev/null
  strace -f -qq -c -e trace=write,writev,sendto,sendmsg -p "$PID" -o "$WORK/strace-$PORT.txt" &
  SP=$!; sleep 2
  requests=$(wrk -t1 -c1 -d5 -s "$WORK/get.lua" "$URL" | grep -o '^ *[0-9]* requests' | tr -dc '0-9')
  sleep 1; kill -INT "$SP"; wait "$SP" 2>/dev/null || true
  echo "$JAR: answer $("${G[@]}" size app) bytes, $requests requests"
  # strace -c columns: % time, seconds, usecs/call, calls, [errors], syscall
  grep -E ' (write|writev|sendto|sendmsg)$' "$WORK/strace-$PORT.txt" |
    awk -v r="$requests" '{printf "  %-8s %7d calls  %.2f per request\n", $NF, $4, $4 / r}'
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
done
