#!/usr/bin/env bash
# Starts the CI S3-compatible server (moto) in the background, once, and
# prints the variable the S3 test suites read, ready for `eval`:
#
#   eval "$(bash .ci/s3/start.sh)"
#   # -> HARMONY_TEST_S3_URL=http://127.0.0.1:9000
#
# moto accepts any access key/secret and region; the suites create a fresh
# bucket per run. Environment (optional): S3_SERVER_PORT (9000),
# S3_SERVER_DIR (${XDG_CACHE_HOME:-$HOME/.cache}/harmony-s3; holds the venv,
# the pid file and the log). Stop it with `bash .ci/s3/stop.sh`.
# Only the export line goes to stdout; everything else goes to stderr.
set -euo pipefail

port="${S3_SERVER_PORT:-9000}"
base="${S3_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/harmony-s3}"
venv="$base/venv"
python="${PYTHON:-python3}"

port_open() {
  "$python" - "$port" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket()
s.settimeout(0.5)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
PY
}

answers() {
  "$python" - "$port" <<'PY' 2>/dev/null
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=2)
except urllib.error.HTTPError:
    pass  # any HTTP answer means the server is up
except Exception:
    sys.exit(1)
PY
}

mkdir -p "$base"

if [ ! -x "$venv/bin/moto_server" ]; then
  echo "s3: installing moto[server] into $venv" >&2
  "$python" -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]' >&2
fi

if port_open; then
  if [ -f "$base/moto.pid" ] && kill -0 "$(cat "$base/moto.pid")" 2>/dev/null; then
    echo "s3: already running (pid $(cat "$base/moto.pid"))" >&2
  else
    echo "s3: something already listens on $port; using it" >&2
  fi
else
  nohup "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$base/moto.log" 2>&1 </dev/null &
  echo $! >"$base/moto.pid"
  for _ in $(seq 1 100); do
    answers && break
    if ! kill -0 "$(cat "$base/moto.pid")" 2>/dev/null; then
      echo "s3: moto failed to start:" >&2
      cat "$base/moto.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  if ! answers; then
    echo "s3: moto did not answer on $port in 20 s" >&2
    cat "$base/moto.log" >&2
    exit 1
  fi
  echo "s3: started moto (pid $(cat "$base/moto.pid")), log $base/moto.log" >&2
fi

echo "export HARMONY_TEST_S3_URL=http://127.0.0.1:$port"
