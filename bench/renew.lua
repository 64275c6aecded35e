-- wrk script: renews the leases of the benchmark's instances round-robin (ids b-<service>-<n>).
-- Env: FORGE_KEY, FORGE_SERVICES, FORGE_PER_SERVICE; FORGE_DELAY_MS (optional): a pause before every request, so
-- each connection renews at most 1000 / FORGE_DELAY_MS times a second.
local key = os.getenv("FORGE_KEY")
local services = tonumber(os.getenv("FORGE_SERVICES"))
local per = tonumber(os.getenv("FORGE_PER_SERVICE"))
local counter = 0
local pause = tonumber(os.getenv("FORGE_DELAY_MS") or "")

if pause then
  function delay() return pause end
end

function setup(thread)
  thread:set("offset", math.random(0, services * per - 1))
end

function request()
  counter = counter + 1
  local i = (counter + offset) % (services * per)
  local path = string.format("/api/v1/instances/b-%d-%d/lease", i % services, math.floor(i / services) % per)
  return wrk.format("PUT", path, {["Authorization"] = "Bearer " .. key, ["Content-Length"] = "0"}, "")
end

function done(summary, latency, requests)
  local errors = summary.errors.status
  io.write(string.format("non-200 responses: %d\n", errors))
end
