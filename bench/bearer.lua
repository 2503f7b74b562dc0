-- wrk script: a GET with the seeded owner's access token.
-- BENCH_TOKEN comes from bench/run.sh.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
