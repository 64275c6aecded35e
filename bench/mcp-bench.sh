#!/usr/bin/env bash
# MCP gateway overhead: the same calculator call, N times one after another on one keep-alive connection,
#   direct:  POST calculator/forge/functions/calculator_add with a token for the calculator (what an agent sends)
#   MCP:     POST gateway/mcp tools/call calculator_add with the client key (the gateway introspects the key,
#            exchanges it for a calculator token on the caller's behalf, cached, and calls the calculator)
# Reports p50/p90 per call and sequential calls/s of each. Needs the stack of `./forge up` running on 127.0.0.1.
# Usage: bench/mcp-bench.sh [calls, default 2000] [warm-up calls, default 500]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
N="${1:-2000}"
WARM="${2:-500}"
KEY=$(cat "$ROOT/.forge/keys/mcp-client")
CALC=http://127.0.0.1:8083
GATEWAY=http://127.0.0.1:8084
TOKEN=$(curl -fs http://127.0.0.1:8081/oauth2/token -H "Authorization: Bearer $KEY" \
  -d grant_type=urn:ietf:params:oauth:grant-type:token-exchange -d audience=calculator \
  -d subject_token="$KEY" -d subject_token_type=urn:ietf:params:oauth:token-type:access_token \
  | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# One curl process, n transfers on one connection: per-transfer times without process start-up in them.
config() {
  local n=$1 url=$2 auth=$3 body=$4 i
  for ((i = 0; i < n; i++)); do
    [ "$i" -gt 0 ] && echo "next"
    printf 'url = "%s"\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\n' "$url" "$auth"
    printf 'data = "%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code} %%{time_total}\\n"\nsilent\n' "$body"
  done
}
run() {
  local name=$1 url=$2 auth=$3 body=$4
  config "$WARM" "$url" "$auth" "$body" >"$WORK/$name-warm.cfg"
  config "$N" "$url" "$auth" "$body" >"$WORK/$name.cfg"
  curl -K "$WORK/$name-warm.cfg" >/dev/null
  local start end
  start=$(date +%s%N)
  curl -K "$WORK/$name.cfg" >"$WORK/$name.out"
  end=$(date +%s%N)
  if grep -qv '^200 ' "$WORK/$name.out"; then
    echo "$name: not every call answered 200" >&2; sort "$WORK/$name.out" | cut -d' ' -f1 | uniq -c >&2; exit 1
  fi
  cut -d' ' -f2 "$WORK/$name.out" | sort -n >"$WORK/$name.sorted"
  local p50 p90
  p50=$(sed -n "$((N / 2))p" "$WORK/$name.sorted")
  p90=$(sed -n "$((N * 9 / 10))p" "$WORK/$name.sorted")
  printf '%-8s p50 %6.2f ms  p90 %6.2f ms  %7.0f calls/s\n' "$name" "$(echo "$p50 * 1000" | bc -l)" \
    "$(echo "$p90 * 1000" | bc -l)" "$(echo "$N * 1000000000 / ($end - $start)" | bc -l)"
}

run direct "$CALC/forge/functions/calculator_add" "$TOKEN" '{\"a\":\"0.1\",\"b\":\"0.2\"}'
run mcp "$GATEWAY/mcp" "$KEY" \
  '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"calculator_add\",\"arguments\":{\"a\":\"0.1\",\"b\":\"0.2\"}}}'
