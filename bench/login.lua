-- wrk script: POST /api/v1/auth/login, rotating over the seeded users
-- user2..userN@bench-harmony.org (N = BENCH_USERS) so that parallel logins
-- do not contend for one user row. Set by bench/run.sh: BENCH_USERS,
-- BENCH_USER_PASSWORD, BENCH_THREADS.

local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local users = tonumber(os.getenv("BENCH_USERS") or "200") - 1
local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
local password = os.getenv("BENCH_USER_PASSWORD")
local headers = { ["Content-Type"] = "application/json" }
local i = 0

function request()
  local k = 2 + ((i * threads + (id or 0)) % users)
  i = i + 1
  local body = string.format('{"email":"user%d@bench-harmony.org","password":"%s"}', k, password)
  return wrk.format("POST", nil, headers, body)
end
