-- wrk script: authenticated GET of FORGE_PATH, optionally conditional (FORGE_ETAG sent as If-None-Match)
-- and compressed (FORGE_ENCODING sent as Accept-Encoding).
local key = os.getenv("FORGE_KEY")
local etag = os.getenv("FORGE_ETAG")
wrk.method = "GET"
wrk.path = os.getenv("FORGE_PATH")
wrk.headers["Authorization"] = "Bearer " .. key
if etag and etag ~= "" then wrk.headers["If-None-Match"] = etag end
local encoding = os.getenv("FORGE_ENCODING")
if encoding and encoding ~= "" then wrk.headers["Accept-Encoding"] = encoding end

function done(summary, latency, requests)
  io.write(string.format("status errors: %d, p50 %.2f ms, p99 %.2f ms\n", summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
