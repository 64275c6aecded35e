# shellcheck shell=bash
# Sourced by bench scripts: harness_pace DIR MS makes every timed wrk connection of the harness copy in DIR (see
# harness_copy in harness-lease.sh; the shared folder is never edited) wait MS milliseconds before each request (wrk's
# delay() hook). With few connections this holds the load below saturation: a connection sends at most
# 1000 / (MS + latency) requests a second, so the latency percentiles are the server's answer time, not the queue wrk
# builds when it sends the next request the moment an answer arrives. Registration (once-mode) is left as it is.
harness_pace() {
  local lua="$1/load/registry.lua" ms="$2"
  grep -q "^function delay" "$lua" && { echo "$lua already defines delay() at top level" >&2; return 1; }
  cat >> "$lua" <<LUA

-- Agent Forge bench patch (bench/harness-pace.sh): a fixed pause before every request of a timed run.
if not ONCE then
  function delay() return $ms end
end
LUA
}
