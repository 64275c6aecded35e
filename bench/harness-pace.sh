# shellcheck shell=bash
# Sourced by bench scripts: harness_with_pace HARNESS DIR MS copies the shared registry harness (the folder of
# HARNESS, timestamps kept so its Eureka build stays cached) into DIR with every timed wrk connection waiting MS
# milliseconds before each request (wrk's delay() hook), and prints the copy's run-registry.sh. With few
# connections this holds the load below saturation: a connection sends at most 1000 / (MS + latency) requests a
# second, so the latency percentiles are the server's answer time, not the queue wrk builds when it sends the next
# request the moment an answer arrives. Registration (once-mode) is left as it is.
harness_with_pace() {
  local src dir="$2" ms="$3" lua
  src="$(dirname "$1")"
  mkdir -p "$dir" && cp -a "$src"/. "$dir"/
  lua="$dir/load/registry.lua"
  grep -q "^function delay" "$lua" && { echo "$lua already defines delay() at top level" >&2; return 1; }
  cat >> "$lua" <<LUA

-- Agent Forge bench patch (bench/harness-pace.sh): a fixed pause before every request of a timed run.
if not ONCE then
  function delay() return $ms end
end
LUA
  echo "$dir/$(basename "$1")"
}
