-- wrk script for bench/load/paced_latency.sh: every connection waits a random think time
-- (exponential, mean DELAY_MS) between the end of one response and its next request, so 64
-- connections offer about 64000 / DELAY_MS requests per second as a Poisson-like stream: a
-- load below saturation, where latency is the proxy's own work and not the queue that a closed
-- loop at full speed builds (at saturation p50 ~ connections / rate). A fixed delay would keep
-- all 64 connections in phase, so they would arrive as bursts of 64 and the percentiles would
-- measure the burst's queue instead.
-- HIST_FILE=path: done() also writes the whole latency histogram there, one "microseconds count"
-- line per distinct value, so rounds can be pooled exactly (bench/load/paced_stats.py).
local delay_ms = tonumber(os.getenv("DELAY_MS") or "10")
local token = os.getenv("JWT_TOKEN")
local hist_file = os.getenv("HIST_FILE")
if token ~= nil and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

math.randomseed(os.time())

function delay()
  return -math.log(1 - math.random()) * delay_ms
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "PACED_RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d " ..
    "max_us=%d errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max,
    e.connect + e.read + e.write + e.timeout + e.status))
  if hist_file ~= nil and hist_file ~= "" then
    local f = assert(io.open(hist_file, "w"))
    for i = 1, #latency do  -- latency(i): the i-th distinct value and its count
      local v, c = latency(i)
      f:write(string.format("%d %d\n", v, c))
    end
    f:close()
  end
end
