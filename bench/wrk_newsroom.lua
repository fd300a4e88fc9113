-- wrk script for the simulated newsroom (bench/newsroom.py): rotate through a list of paths (a Zipf-distributed
-- sample, made by the bench) and count the X-Page-Cache header of every response, per second of wall clock.
-- Run with one thread (-t1): the counters live in that thread's Lua state and done() reads them from there.
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

paths = {}
counter = 0
-- counts["hit"], counts["miss"], counts["stale"], counts["none"] (no header), counts["bad"] (status >= 400)
counts = {hit = 0, miss = 0, stale = 0, none = 0, bad = 0}
-- Per second of wall clock, three flat tables keyed by the epoch second as a string: thread:get() copies flat
-- tables but crashes wrk 4.1 on nested ones.
per_second_hit, per_second_miss, per_second_other = {}, {}, {}

function init(args)
  local n = 0
  for line in io.lines(args[1]) do
    n = n + 1
    if line ~= "" then paths[#paths + 1] = line end
  end
end

function request()
  counter = counter + 1
  return wrk.format(nil, paths[((counter - 1) % #paths) + 1])
end

function response(status, headers, body)
  local value = headers["X-Page-Cache"] or headers["x-page-cache"]
  local kind
  if status >= 400 then
    kind = "bad"
  elseif value == "hit" or value == "miss" or value == "stale" then
    kind = value
  else
    kind = "none"
  end
  counts[kind] = counts[kind] + 1
  local second = tostring(os.time())
  local t
  if kind == "hit" or kind == "stale" then
    t = per_second_hit
  elseif kind == "miss" then
    t = per_second_miss
  else
    t = per_second_other
  end
  t[second] = (t[second] or 0) + 1
end

local function encode_seconds(t)
  local parts = {}
  for second, row in pairs(t) do
    parts[#parts + 1] = string.format('"%s":[%d,%d,%d]', second, row[1], row[2], row[3])
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local c = {hit = 0, miss = 0, stale = 0, none = 0, bad = 0}
  local seconds = {}
  for _, thread in ipairs(threads) do
    local tc = thread:get("counts")
    for k, v in pairs(tc) do c[k] = c[k] + v end
    for column, name in ipairs({"per_second_hit", "per_second_miss", "per_second_other"}) do
      for second, n in pairs(thread:get(name)) do
        local acc = seconds[second] or {0, 0, 0}
        acc[column] = acc[column] + n
        seconds[second] = acc
      end
    end
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"status_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f,"cache":{"hit":%d,"miss":%d,"stale":%d,"none":%d,"bad":%d},"per_second":%s}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean, c.hit, c.miss, c.stale, c.none, c.bad, encode_seconds(seconds)))
end
