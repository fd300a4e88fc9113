-- wrk script for the newsroom bench: optional list of paths to rotate through (the cold-cache run),
-- and a machine-readable summary with the percentiles wrk's --latency table leaves out (p95).
local paths = {}
local counter = 0

function init(args)
  local file = args[1]
  local first = tonumber(args[2] or "1")
  if file then
    local n = 0
    for line in io.lines(file) do
      n = n + 1
      if n >= first and line ~= "" then paths[#paths + 1] = line end
    end
  end
end

function request()
  if #paths > 0 then
    counter = counter + 1
    return wrk.format(nil, paths[((counter - 1) % #paths) + 1])
  end
  return wrk.request()
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"status_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
