-- wrk script for make bench: stops each thread after BENCH_MAX_REQUESTS_PER_THREAD responses
-- (bounded request counts), counts answers other than BENCH_EXPECTED_STATUS, and prints one
-- JSON line with the percentiles wrk does not print by itself (p95).
local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS_PER_THREAD") or "0")
local expected = tonumber(os.getenv("BENCH_EXPECTED_STATUS") or "200")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  responses = 0
  unexpected = 0
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= expected then
    unexpected = unexpected + 1
  end
  if max_requests > 0 and responses >= max_requests then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do
    wrong = wrong + (thread:get("unexpected") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "errors": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    wrong + e.connect + e.read + e.write + e.timeout))
end
