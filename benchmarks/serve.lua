-- wrk script of benchmarks/serve.py: one kind of request per run, described by environment
-- variables, and one JSON line of figures at the end.
--
--   BENCH_METHOD         GET (default), POST or PUT
--   BENCH_AUTHORIZATION  an Authorization header ("Bearer go_...")
--   BENCH_COOKIE         a Cookie header (a signed-in session)
--   BENCH_BODY           a JSON body
--   BENCH_TOGGLE         comma-separated readiness paths: each PUT sets, then withdraws, the
--                        party's readiness on the next one; wrk thread t of BENCH_THREADS takes
--                        every BENCH_THREADS-th path, so no two requests in flight toggle one
--   BENCH_THREADS        the number of wrk threads (-t)

local counter = 0

function setup(thread)
  thread:set("thread_id", counter)
  counter = counter + 1
end

local function headers()
  local h = {}
  local auth = os.getenv("BENCH_AUTHORIZATION")
  if auth and auth ~= "" then h["Authorization"] = auth end
  local cookie = os.getenv("BENCH_COOKIE")
  if cookie and cookie ~= "" then h["Cookie"] = cookie end
  local body = os.getenv("BENCH_BODY")
  if (body and body ~= "") or os.getenv("BENCH_TOGGLE") then h["Content-Type"] = "application/json" end
  return h
end

local fixed = nil
local mine = {}
local sent = 0
local toggle_headers = nil

function init(args)
  local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local i = 0
  for path in string.gmatch(os.getenv("BENCH_TOGGLE") or "", "[^,]+") do
    if i % threads == thread_id then table.insert(mine, path) end
    i = i + 1
  end
  toggle_headers = headers()
  if #mine == 0 then
    local body = os.getenv("BENCH_BODY")
    if body == "" then body = nil end
    fixed = wrk.format(os.getenv("BENCH_METHOD") or "GET", nil, headers(), body)
  end
end

function request()
  if fixed then return fixed end
  local index = sent % #mine
  local ready = math.floor(sent / #mine) % 2 == 0
  sent = sent + 1
  local body = ready and '{"ready": true, "slot": 0}' or '{"ready": false}'
  return wrk.format("PUT", mine[index + 1], toggle_headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "mean_us": %.0f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
