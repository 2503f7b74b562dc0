-- wrk script: POST /api/v1/auth/login with the seeded owner's credentials.
-- BENCH_EMAIL and BENCH_PASSWORD come from bench/run.sh.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"email":"%s","password":"%s"}',
  os.getenv("BENCH_EMAIL"), os.getenv("BENCH_PASSWORD"))
