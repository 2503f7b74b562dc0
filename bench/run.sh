#!/usr/bin/env bash
# Load benchmark of a release build of harmony-api (issue 4; docs/performance.md).
#
# For each backend (SQLite file, fresh PostgreSQL database) it starts the
# server on a fresh data set (one tenant, BENCH_USERS users, BENCH_BRANCHES
# branches), measures each endpoint with wrk (maximum rate, p50/p99) and hey
# (p99 at half that rate), compares with pgbench and the raw argon2 rate, and
# writes bench/results.md. Everything it starts or creates is removed on exit.
#
# Knobs (environment): BENCH_BACKENDS ("sqlite postgres"), BENCH_DURATION (10 s
# per endpoint), BENCH_WARMUP (2 s), BENCH_CONNECTIONS (2), BENCH_THREADS (2),
# BENCH_USERS (200), BENCH_BRANCHES (20), BENCH_PORT (18431),
# BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres: where the bench
# database is created), BENCH_OUT (bench/results.md), BENCH_SKIP_BUILD (0).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
BIN="$ROOT/target/release/harmony-api"
RATE_BIN="$ROOT/target/release/examples/argon2_rate"
OUT="${BENCH_OUT:-$BENCH/results.md}"
BACKENDS="${BENCH_BACKENDS:-sqlite postgres}"
DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-2}"
THREADS="${BENCH_THREADS:-2}"
USERS="${BENCH_USERS:-200}"
BRANCHES="${BENCH_BRANCHES:-20}"
PORT="${BENCH_PORT:-18431}"
PG_ADMIN_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
SKIP_BUILD="${BENCH_SKIP_BUILD:-0}"

BASE="http://127.0.0.1:$PORT"
WORK="$(mktemp -d -t harmony-bench.XXXXXX)"
SERVER_PID=""
PG_DB=""
PG_URL=""
DB_FILE=""
BACKEND=""

export BENCH_EMAIL="owner@bench-harmony.org"
export BENCH_PASSWORD="Bench-Owner-2024"
export BENCH_TOKEN=""
export BENCH_USER_PASSWORD="Bench-User-2024"
export BENCH_USERS="$USERS" BENCH_THREADS="$THREADS"

log() { printf '[bench] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

stop_server() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}

drop_pg_db() {
  if [[ -n $PG_DB ]]; then
    psql "$PG_ADMIN_URL" -qAt -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 ||
      log "could not drop database $PG_DB"
    PG_DB=""
  fi
}

cleanup() {
  local rc=$?
  stop_server
  drop_pg_db
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- tools -----------------------------------------------------------------

ensure_tools() {
  local missing=() pair
  for pair in wrk:wrk hey:hey curl:curl jq:jq sqlite3:sqlite3 psql:postgresql-client \
    pgbench:postgresql-client; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing ${missing[*]}"
  apt-get install -y "${missing[@]}" >/dev/null ||
    { apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null; }
  # Older PostgreSQL packagings ship pgbench in -contrib.
  command -v pgbench >/dev/null 2>&1 || apt-get install -y postgresql-contrib >/dev/null || true
}

build() {
  if [[ $SKIP_BUILD == 1 ]]; then
    [[ -x $BIN && -x $RATE_BIN ]] || die "BENCH_SKIP_BUILD=1 but $BIN or $RATE_BIN is missing"
    return
  fi
  log "building release binaries (incremental after the first time)"
  (cd "$ROOT" && cargo build --release -p harmony-api &&
    cargo build --release -p harmony-adapters-crypto --example argon2_rate)
}

# --- server ----------------------------------------------------------------

# The server's settings: everything but the database URL.
server_env() {
  mkdir -p "$WORK/config"
  export HARMONY_ENV=development
  export HARMONY_CONFIG_DIR="$WORK/config" # empty: only the embedded defaults
  export HARMONY__RATE_LIMIT__ENABLED=false
  export HARMONY__WORKER__EMBEDDED=false
  export HARMONY__MAIL__TRANSPORT=disabled
  export HARMONY__MAIL__FILE_DIR="$WORK/mail"
  export HARMONY__AUDIT__ARCHIVE_DIR="$WORK/archives"
  export HARMONY__LOG__LEVEL=warn
  export HARMONY__BOOTSTRAP__CREATE_ADMIN_ON_FIRST_START=false
  export HARMONY__REDIS__URL=""
  HARMONY__AUTH__JWT_SECRET="bench-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export HARMONY__AUTH__JWT_SECRET
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

start_server() {
  local url=$1 logfile="$WORK/server-$BACKEND.log" i
  port_in_use && die "port $PORT is in use (set BENCH_PORT)"
  HARMONY__DATABASE__URL="$url" "$BIN" migrate >>"$logfile" 2>&1 ||
    die "migrate failed: $(tail -n 5 "$logfile")"
  HARMONY__DATABASE__URL="$url" "$BIN" serve --host 127.0.0.1 --port "$PORT" >>"$logfile" 2>&1 &
  SERVER_PID=$!
  for ((i = 0; i < 300; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || die "server exited: $(tail -n 5 "$logfile")"
    curl -sf -o /dev/null "$BASE/health" && return 0
    sleep 0.1
  done
  die "server did not answer /health within 30 s"
}

rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

# --- data set --------------------------------------------------------------

# api METHOD PATH [BODY]: the response body; fails on a non-2xx status.
api() {
  local args=(-sS --fail-with-body -X "$1" "$BASE$2" -H 'content-type: application/json')
  [[ -n $BENCH_TOKEN ]] && args+=(-H "authorization: Bearer $BENCH_TOKEN")
  [[ $# -ge 3 ]] && args+=(-d "$3")
  curl "${args[@]}"
}

db_sql() {
  case $BACKEND in
  sqlite) sqlite3 "$DB_FILE" "$1" ;;
  postgres) psql "$PG_URL" -qAt -v ON_ERROR_STOP=1 -c "$1" ;;
  esac
}

seed() {
  local reg i n
  BENCH_TOKEN=""
  reg=$(api POST /api/v1/auth/register "{\"admin_email\":\"$BENCH_EMAIL\",\"admin_password\":\"$BENCH_PASSWORD\",\"admin_name\":\"Bench Owner\",\"company_name\":\"Bench Company\",\"subdomain\":\"bench\"}")
  BENCH_TOKEN=$(jq -er .tokens.access_token <<<"$reg")
  # The free plan caps users and branches; lift the caps of the one tenant.
  db_sql "UPDATE tenants SET max_users = -1, max_branches = -1" >/dev/null
  # Registration made the owner and the head office: USERS-1 and BRANCHES-1 more.
  for ((i = 2; i <= USERS; i++)); do
    api POST /api/v1/users "{\"email\":\"user$i@bench-harmony.org\",\"password\":\"$BENCH_USER_PASSWORD\",\"first_name\":\"User\",\"last_name\":\"Number $i\"}" >/dev/null
  done
  for ((i = 2; i <= BRANCHES; i++)); do
    api POST /api/v1/branches "{\"name\":\"Branch $i\",\"code\":\"BR$i\"}" >/dev/null
  done
  n=$(api GET '/api/v1/users?limit=1' | jq -r .total)
  [[ $n == "$USERS" ]] || die "expected $USERS users, the API lists $n"
  n=$(api GET '/api/v1/branches?limit=1' | jq -r .total)
  [[ $n == "$BRANCHES" ]] || die "expected $BRANCHES branches, the API lists $n"
}

# --- measurement -----------------------------------------------------------

# wrk's latency ("812.00us", "1.20ms", "1.01s") in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
    printf "%.2f", n }'
}

# measure NAME PATH: one table row (appended to $WORK/rows-$BACKEND), raw
# outputs kept in $WORK for the appendix.
measure() {
  local name=$1 path=$2 script=() hey_args=() raw rps p50 p99 errs rate q hraw hp99 hrps hbad
  case $name in
  login)
    script=(-s "$BENCH/login.lua")
    # hey sends one body: a seeded user that wrk's rotation also uses.
    hey_args=(-m POST -T application/json -d "{\"email\":\"user2@bench-harmony.org\",\"password\":\"$BENCH_USER_PASSWORD\"}")
    ;;
  health) ;;
  *)
    script=(-s "$BENCH/bearer.lua")
    hey_args=(-H "Authorization: Bearer $BENCH_TOKEN")
    ;;
  esac
  log "$BACKEND $name: wrk ${WARMUP}s warm-up + ${DURATION}s"
  wrk -t "$THREADS" -c "$CONNECTIONS" -d "${WARMUP}s" "${script[@]}" "$BASE$path" >/dev/null
  raw="$WORK/wrk-$BACKEND-$name.txt"
  wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --latency "${script[@]}" "$BASE$path" >"$raw"
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$raw")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$raw")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$raw")")
  errs=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { for (i = 4; i <= NF; i += 2) n += $i } END { print n + 0 }' "$raw")

  # Half the measured maximum, spread over the same number of connections.
  rate=$(awk -v r="$rps" 'BEGIN { printf "%.0f", r / 2 }')
  q=$(awk -v r="$rps" -v c="$CONNECTIONS" 'BEGIN { q = r / 2 / c; if (q < 1) q = 1; printf "%.2f", q }')
  log "$BACKEND $name: hey ${DURATION}s at $rate req/s"
  hraw="$WORK/hey-$BACKEND-$name.txt"
  hey -z "${DURATION}s" -c "$CONNECTIONS" -q "$q" "${hey_args[@]}" "$BASE$path" >"$hraw"
  # hey prints "0% in 0.0000 secs" for p99 when it has too few samples: then
  # the slowest request stands in (marked "≤").
  hp99=$(awk '$1 == "99%" && $2 == "in" && $3 > 0 { printf "%.2f", $3 * 1000 }' "$hraw")
  [[ -n $hp99 ]] || hp99="≤ $(awk '/Slowest:/ { printf "%.2f", $2 * 1000 }' "$hraw")"
  hrps=$(awk '/Requests\/sec:/ { printf "%.0f", $2 }' "$hraw")
  # Non-2xx statuses plus transport errors ("[count] message").
  hbad=$(awk '/^Status code distribution:/ { s = 1; next }
    /^Error distribution:/ { s = 0; e = 1; next }
    (s || e) && $1 ~ /^\[[0-9]+\]$/ { c = $1; gsub(/[][]/, "", c); if (e) n += c; else if (c !~ /^2/) n += $2 }
    END { print n + 0 }' "$hraw")

  # Tab-separated; no field may be empty (read would shift the columns).
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$path" "${rps:-n/a}" "${p50:-n/a}" \
    "${p99:-n/a}" "${hp99:-n/a}" "${hrps:-n/a}" "${errs:-n/a}" "${hbad:-n/a}" "$(rss_mb)" >>"$WORK/rows-$BACKEND"
}

# pgbench with the SELECTs of GET /api/v1/users (bench/users.sql) on the bench
# database, the same client count; prints transactions per second.
pgbench_users() {
  local tenant user session branch
  tenant=$(db_sql "SELECT tenant_id FROM users WHERE email = '$BENCH_EMAIL'")
  user=$(db_sql "SELECT id FROM users WHERE email = '$BENCH_EMAIL'")
  branch=$(db_sql "SELECT default_branch_id FROM users WHERE email = '$BENCH_EMAIL'")
  session=$(db_sql "SELECT id FROM sessions WHERE user_id = '$user' ORDER BY created_at LIMIT 1")
  log "postgres: pgbench ${DURATION}s, $CONNECTIONS clients"
  pgbench -n -M prepared -c "$CONNECTIONS" -j "$THREADS" -T "$DURATION" \
    -D "tenant_id=$tenant" -D "user_id=$user" -D "session_id=$session" -D "branch_id=$branch" \
    -f "$BENCH/users.sql" "$PG_URL" >"$WORK/pgbench.txt" 2>&1 ||
    die "pgbench failed: $(tail -n 5 "$WORK/pgbench.txt")"
  awk '/^tps = / { printf "%.0f", $3 }' "$WORK/pgbench.txt"
}

run_backend() {
  local url
  BACKEND=$1
  case $BACKEND in
  sqlite)
    DB_FILE="$WORK/harmony.db"
    url="sqlite://$DB_FILE?mode=rwc"
    ;;
  postgres)
    if ! psql "$PG_ADMIN_URL" -qAt -c 'SELECT 1' >/dev/null 2>&1; then
      log "PostgreSQL is not reachable at $PG_ADMIN_URL: skipped"
      echo "skipped: PostgreSQL not reachable" >"$WORK/skip-postgres"
      return 0
    fi
    PG_DB="harmony_bench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
    psql "$PG_ADMIN_URL" -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE $PG_DB" >/dev/null
    PG_URL="${PG_ADMIN_URL%/*}/$PG_DB"
    url="$PG_URL"
    ;;
  *) die "unknown backend $BACKEND" ;;
  esac
  log "$BACKEND: starting the server"
  start_server "$url"
  sleep 1
  rss_mb >"$WORK/rss-start-$BACKEND"
  log "$BACKEND: seeding $USERS users and $BRANCHES branches"
  seed
  rss_mb >"$WORK/rss-seeded-$BACKEND"
  : >"$WORK/rows-$BACKEND"
  measure health /health
  # The raw argon2 rate right before login, so both see the same machine load.
  log "$BACKEND: argon2_rate ${DURATION}s on 2 threads (server idle)"
  "$RATE_BIN" "$DURATION" 2 >"$WORK/argon2-$BACKEND.txt"
  awk -F= '/^verifications_per_second=/ { printf "%.1f", $2 }' "$WORK/argon2-$BACKEND.txt" >"$WORK/argon2-rate-$BACKEND"
  measure login /api/v1/auth/login
  measure me /api/v1/auth/me
  measure users /api/v1/users
  measure branches /api/v1/branches
  sleep 2
  rss_mb >"$WORK/rss-end-$BACKEND"
  if [[ $BACKEND == postgres ]]; then
    pgbench_users >"$WORK/pgbench-tps"
  fi
  stop_server
  drop_pg_db
}

# --- report ----------------------------------------------------------------

# The checked-out commit, read from .git without running git.
head_commit() {
  local git="$ROOT/.git" head ref
  [[ -f $git/HEAD ]] || { echo unknown; return; }
  head=$(<"$git/HEAD")
  if [[ $head == ref:* ]]; then
    ref=${head#ref: }
    if [[ -f $git/$ref ]]; then
      head=$(<"$git/$ref")
    else
      head=$(awk -v r="$ref" '$2 == r { print $1 }' "$git/packed-refs" 2>/dev/null)
    fi
    echo "${head:0:12} ($ref)"
  else
    echo "${head:0:12}"
  fi
}

row_field() { awk -F'\t' -v n="$2" -v f="$3" '$1 == n { print $f }' "$WORK/rows-$1"; }

verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == "ge") ? (v >= t) : (v <= t); print ok ? "met" : "**not met**" }'; }

report() {
  local argon2_rate commit cpu ram kernel b name path rps p50 p99 hp99 hrps errs hbad
  local pg_tps login users pct worst rs re
  commit=$(head_commit)
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  ram=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  kernel=$(uname -sr)
  {
    echo "# Load benchmark results"
    echo
    echo "Generated by \`bench/run.sh\` (\`just bench\`); how to read it: [docs/performance.md](../docs/performance.md)."
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
    echo "| machine | $(nproc) CPUs, $cpu, $ram RAM, $kernel |"
    echo "| git commit | $commit |"
    echo "| build | \`cargo build --release -p harmony-api\` (profile release), $(rustc --version); binary built $(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC') from the work tree, which may hold changes beyond the commit |"
    echo "| tools | $(wrk --version 2>&1 | head -n 1 | awk '{ print $1, $2 }'), hey (Debian $(dpkg-query -W -f='${Version}' hey 2>/dev/null || echo '?')), $(pgbench --version), $(sqlite3 --version | awk '{ print "sqlite3 " $1 }'), PostgreSQL server $(psql "$PG_ADMIN_URL" -qAt -c 'SHOW server_version' 2>/dev/null || echo '?') |"
    echo "| load | wrk -t $THREADS -c $CONNECTIONS, ${WARMUP} s warm-up then ${DURATION} s per endpoint; hey -c $CONNECTIONS -z ${DURATION}s at half the wrk rate; load generator and server on the same $(nproc) CPUs, loopback |"
    echo "| load average (1/5/15 min) | $(cat "$WORK/load-start") before, $(cat "$WORK/load-end") after (other work on the machine skews results) |"
    echo "| data | one tenant, $USERS users, $BRANCHES branches; lists use the default page (20) |"
    echo "| server | rate limiting off, embedded worker off, mail disabled, log level warn, Redis not configured |"
    echo
    for b in $BACKENDS; do
      echo "## $b"
      echo
      if [[ -f $WORK/skip-$b ]]; then
        cat "$WORK/skip-$b"
        echo
        continue
      fi
      [[ -f $WORK/rows-$b ]] || continue
      echo "| endpoint | req/s | p50 | p99 | p99 at half rate (achieved req/s) | errors (wrk / hey) | RSS after |"
      echo "|---|---:|---:|---:|---:|---:|---:|"
      while IFS=$'\t' read -r name path rps p50 p99 hp99 hrps errs hbad rss; do
        local method=GET
        [[ $name == login ]] && method=POST
        echo "| \`$method $path\` | $rps | $p50 ms | $p99 ms | $hp99 ms ($hrps) | $errs / $hbad | $rss MB |"
      done <"$WORK/rows-$b"
      echo
      echo "RSS (VmRSS): $(cat "$WORK/rss-start-$b") MB after start-up, $(cat "$WORK/rss-seeded-$b") MB after seeding ($USERS password hashes), $(cat "$WORK/rss-end-$b") MB after the runs (idle)."
      echo
    done

    echo "## Goals"
    echo
    echo "Reported, not asserted. The raw argon2 rate is the \`argon2_rate\` example (production parameters, 2 threads), run right before each backend's login measurement."
    echo
    echo "| goal | backend | measured | target | result |"
    echo "|---|---|---:|---:|---|"
    if [[ -f $WORK/rows-postgres && -f $WORK/pgbench-tps ]]; then
      pg_tps=$(cat "$WORK/pgbench-tps")
      users=$(row_field postgres users 3)
      pct=$(awk -v a="$users" -v b="$pg_tps" 'BEGIN { printf "%.0f", 100 * a / b }')
      echo "| \`GET /users\` vs pgbench with the same SQL ($users vs $pg_tps/s) | postgres | $pct % | ≥ 70 % | $(verdict "$pct" 70 ge) |"
    else
      echo "| \`GET /users\` vs pgbench with the same SQL | postgres | not run | ≥ 70 % | n/a |"
    fi
    for b in $BACKENDS; do
      [[ -f $WORK/rows-$b ]] || continue
      login=$(row_field "$b" login 3)
      argon2_rate=$(cat "$WORK/argon2-rate-$b")
      pct=$(awk -v a="$login" -v b="$argon2_rate" 'BEGIN { printf "%.0f", 100 * a / b }')
      echo "| login vs raw argon2 verify ($login vs $argon2_rate/s) | $b | $pct % | ≥ 90 % | $(verdict "$pct" 90 ge) |"
    done
    for b in $BACKENDS; do
      [[ -f $WORK/rows-$b ]] || continue
      worst=$(awk -F'\t' '{ v = $6; sub(/^≤ /, "", v) } $1 != "login" && v + 0 > m { m = v + 0; n = $1 } END { printf "%.2f\t%s", m, n }' "$WORK/rows-$b")
      echo "| worst read p99 at half rate (\`${worst#*$'\t'}\`) | $b | ${worst%$'\t'*} ms | ≤ 5 ms | $(verdict "${worst%$'\t'*}" 5 le) |"
    done
    for b in $BACKENDS; do
      [[ -f $WORK/rss-start-$b ]] || continue
      rs=$(cat "$WORK/rss-start-$b")
      re=$(cat "$WORK/rss-end-$b")
      worst=$(awk -v a="$rs" -v b="$re" 'BEGIN { print (a > b) ? a : b }')
      echo "| idle RSS (start-up / after runs) | $b | $rs / $re MB | ≤ 30 MB | $(verdict "$worst" 30 le) |"
    done
    echo
    echo "## Raw output"
    echo
    echo "<details><summary>argon2_rate, pgbench, wrk and hey output</summary>"
    echo
    echo '```'
    for f in "$WORK"/argon2-*.txt; do
      [[ -f $f ]] || continue
      echo "--- $(basename "$f" .txt)"
      cat "$f"
    done
    [[ -f $WORK/pgbench.txt ]] && { echo; echo "--- pgbench (bench/users.sql)"; cat "$WORK/pgbench.txt"; }
    for f in "$WORK"/wrk-*.txt "$WORK"/hey-*.txt; do
      [[ -f $f ]] || continue
      echo
      echo "--- $(basename "$f" .txt)"
      # Without blank lines and hey's histogram bars.
      grep -v -e '^\s*$' -e '^\s*[0-9.]* \[[0-9]*\]\s*|' "$f"
    done
    echo '```'
    echo
    echo "</details>"
  } >"$OUT"
}

main() {
  local b
  ensure_tools
  build
  server_env
  cut -d' ' -f1-3 /proc/loadavg >"$WORK/load-start"
  for b in $BACKENDS; do
    run_backend "$b"
  done
  cut -d' ' -f1-3 /proc/loadavg >"$WORK/load-end"
  report
  log "wrote $OUT"
}

main "$@"
