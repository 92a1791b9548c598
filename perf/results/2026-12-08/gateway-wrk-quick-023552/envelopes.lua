-- envelopes.lua: wrk script POSTing pitgun-envelope-v1 envelopes to /beacon, each with a fresh event_id, for
-- io.pitgun.perf.wrk.GatewayWrkMain (which passes the arguments and parses what done() prints).
--
--   wrk -t T -c C -d Ds -s envelopes.lua URL -- FRAMES RUN_ID BASE_TS_US SAMPLES_JSON
--
-- FRAMES        frames per envelope (1, 100, ...)
-- RUN_ID        up to 8 hex digits, different for every wrk invocation (the driver draws it at random): with the
--               thread's index and a per-thread counter it makes each event_id unique across threads and runs,
--               so the gateway never answers from its idempotency window (a retry costs it almost nothing).
-- BASE_TS_US    first frame timestamp, microseconds since the epoch.
-- SAMPLES_JSON  the frame's samples as JSON members ("Engine_RPM":7500,...): LoadgenPayloads makes them from
--               the dictionary, so frames are the load generator's and valid for the gateway's default dictionary.
--
-- Each thread is one session (session_id = RUN_ID, thread index) counting its envelopes from 1: envelope n carries
-- sequences n * 10^d + f (d the digits of FRAMES - 1, f = 0 .. FRAMES - 1; for 1 and 100 frames that is n * FRAMES
-- + f, the load generator's numbering) and timestamp_us = BASE + sequence * 1000 (BASE: BASE_TS_US rounded down to
-- 10^(d + 3)). The body is a table of constant pieces built once per thread; per request only the two number
-- prefixes, the event_id's counter and the envelope's ts are written (three string.format calls and an os.date,
-- whatever FRAMES is) and one table.concat joins it: formatting
-- every frame in Lua cost wrk about half a core at 100 frames, on the cores the servers need.
--
-- done() prints one line, "pitgun-wrk: key=value ...", latencies in microseconds. wrk counts a status >= 400 as
-- errors.status (the servers measured answer 2xx or 4xx/5xx only, so it is the non-2xx count); connect/read/write
-- errors and timeouts are socket-level. No response() callback: it would make wrk hand every answer to Lua and
-- lower the client's own ceiling for both servers.
-- wrk's latency is closed-loop: each connection sends its next request when the previous answer arrives, so a
-- slow answer delays the requests behind it instead of being counted against them (coordinated omission).

local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

local frames, prefix, middle, parts, ts_head_base

function init(args)
  frames = tonumber(args[1])
  local run = tonumber(args[2], 16)
  local base_ts = tonumber(args[3])
  local samples = args[4]
  if not frames or frames < 1 or not run or not base_ts or not samples then
    error("usage: wrk ... -s envelopes.lua URL -- FRAMES RUN_ID BASE_TS_US SAMPLES_JSON")
  end
  -- index is set by setup() before init() runs in the thread's own Lua state.
  local idx = index or 0
  local session = string.format("%08x-%04x-4000-8000-000000000000", run, idx)
  prefix = string.format('{"schema_version":"pitgun-envelope-v1","event_id":"%08x-%04x-4000-8000-', run, idx)
  middle = '","player_id":"00000000-0000-4000-8000-00000000a0ad","session_id":"' .. session ..
    '","source_id":1,"event_type":"telemetry.sample_batch","payload":{"frames":['
  local digits = frames == 1 and 0 or #string.format("%d", frames - 1)
  ts_head_base = math.floor(base_ts / 10 ^ (digits + 3))
  -- Per frame five pieces: '{"sequence":', sequence head, frame digits + ',"timestamp_us":', timestamp head,
  -- frame digits + '000,"samples":{...}}'. The heads (slots 2 and 4) are the only ones request() writes.
  parts = {}
  for f = 0, frames - 1 do
    local tail = digits == 0 and "" or string.format("%0" .. digits .. "d", f)
    parts[5 * f + 1] = (f == 0 and "" or ",") .. '{"sequence":'
    parts[5 * f + 2] = ""
    parts[5 * f + 3] = tail .. ',"timestamp_us":'
    parts[5 * f + 4] = ""
    parts[5 * f + 5] = tail .. '000,"samples":{' .. samples .. '}}'
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local sequence_head = string.format("%d", counter)
  local timestamp_head = string.format("%d", ts_head_base + counter)
  for f = 0, frames - 1 do
    parts[5 * f + 2] = sequence_head
    parts[5 * f + 4] = timestamp_head
  end
  local body = prefix .. string.format("%012x", counter) .. '","ts":"' .. os.date("!%Y-%m-%dT%H:%M:%SZ") .. middle ..
    table.concat(parts) .. "]}}"
  return wrk.format(nil, "/beacon", nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("pitgun-wrk: requests=%d duration_us=%d bytes=%d non2xx=%d connect_errors=%d " ..
    "read_errors=%d write_errors=%d timeouts=%d p50_us=%d p90_us=%d p99_us=%d p99.9_us=%d max_us=%d mean_us=%.1f\n",
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
