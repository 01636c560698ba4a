-- wrk script of scripts/bench.py: every request carries its own pre-signed m7-* headers.
--
--   wrk -t2 -c20 -d5s -s signed_requests.lua URL -- POOL_PREFIX PATH BODY APP_KEY
--
-- POOL_PREFIX.<n> (n = 0 .. threads-1) is written by bench.py: one "timestamp nonce sign"
-- line per request, each (timestamp, nonce) pair used once in the whole run, so a server
-- with a replay cache never sees a pair twice. Thread n sends its own file's requests in
-- order; the requests are built in init(), before wrk starts its clock. When a thread runs
-- out it starts over and counts the wrap ("wrapped" in the result): the pool was too small
-- and a replay-checking server will refuse the repeats.
--
-- done() prints one line "WRK_RESULT {json}" with the totals, latency percentiles (µs) and
-- the count of every HTTP status seen, which bench.py parses.

local threads = {}
local thread_count = 0

function setup(thread)
   thread:set("thread_index", thread_count)
   thread_count = thread_count + 1
   table.insert(threads, thread)
end

local pool = {}
local pool_size = 0
local position = 0
wrapped = 0
statuses = {}

function init(args)
   local prefix, path, body, app_key = args[1], args[2], args[3], args[4]
   local file = assert(io.open(prefix .. "." .. thread_index, "r"))
   for line in file:lines() do
      local timestamp, nonce, sign = line:match("^(%d+) (%d+) (%S+)$")
      if timestamp then
         pool_size = pool_size + 1
         pool[pool_size] = wrk.format("POST", path, {
            ["Content-Type"] = "application/json",
            ["m7-appkey"] = app_key,
            ["m7-nonce"] = nonce,
            ["m7-timestamp"] = timestamp,
            ["m7-sign"] = sign,
         }, body)
      end
   end
   file:close()
   assert(pool_size > 0, "empty request pool " .. prefix .. "." .. thread_index)
end

function request()
   position = position + 1
   if position > pool_size then
      position = 1
      wrapped = wrapped + 1
   end
   return pool[position]
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local wraps = 0
   local merged = {}
   for _, thread in ipairs(threads) do
      wraps = wraps + (thread:get("wrapped") or 0)
      local seen = thread:get("statuses") or {}
      for status, count in pairs(seen) do
         merged[status] = (merged[status] or 0) + count
      end
   end
   local parts = {}
   for status, count in pairs(merged) do
      parts[#parts + 1] = string.format('"%d": %d', status, count)
   end
   local errors = summary.errors
   io.write(string.format(
      'WRK_RESULT {"duration_us": %d, "requests": %d, "bytes": %d, '
         .. '"connect_errors": %d, "read_errors": %d, "write_errors": %d, '
         .. '"status_errors": %d, "timeouts": %d, "wrapped": %d, '
         .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "statuses": {%s}}\n',
      summary.duration, summary.requests, summary.bytes,
      errors.connect, errors.read, errors.write, errors.status, errors.timeout, wraps,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      table.concat(parts, ", ")))
end
