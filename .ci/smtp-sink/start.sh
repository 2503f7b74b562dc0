#!/usr/bin/env bash
# Starts the CI SMTP sink (aiosmtpd) in the background, once, and prints the
# variables the SMTP test suites read, ready for `eval`:
#
#   eval "$(bash .ci/smtp-sink/start.sh)"
#   # -> HARMONY_TEST_SMTP_URL=smtp://127.0.0.1:2525
#   #    HARMONY_TEST_SMTP_MAILDIR=<dir with one .eml per received message>
#
# Environment (optional): SMTP_SINK_PORT (2525), SMTP_SINK_DIR
# (${TMPDIR:-/tmp}/harmony-smtp-sink). Stop it with `bash .ci/smtp-sink/stop.sh`.
# Only the two export lines go to stdout; everything else goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
port="${SMTP_SINK_PORT:-2525}"
base="${SMTP_SINK_DIR:-${TMPDIR:-/tmp}/harmony-smtp-sink}"
maildir="$base/maildir"
python="${PYTHON:-python3}"

port_open() {
  "$python" - "$port" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket()
s.settimeout(0.5)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
PY
}

mkdir -p "$maildir"

if ! "$python" -c "import aiosmtpd" 2>/dev/null; then
  echo "smtp-sink: installing aiosmtpd" >&2
  "$python" -m pip install --quiet --disable-pip-version-check aiosmtpd >&2
fi

if [ -f "$base/sink.pid" ] && kill -0 "$(cat "$base/sink.pid")" 2>/dev/null && port_open; then
  echo "smtp-sink: already running (pid $(cat "$base/sink.pid"))" >&2
elif port_open; then
  echo "smtp-sink: port $port is taken by another process" >&2
  exit 1
else
  rm -f "$maildir"/*.eml   # a fresh sink starts with an empty maildir
  nohup "$python" "$here/sink.py" --host 127.0.0.1 --port "$port" --maildir "$maildir" \
    >"$base/sink.log" 2>&1 </dev/null &
  echo $! >"$base/sink.pid"
  for _ in $(seq 1 50); do
    port_open && break
    if ! kill -0 "$(cat "$base/sink.pid")" 2>/dev/null; then
      echo "smtp-sink: failed to start:" >&2
      cat "$base/sink.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  if ! port_open; then
    echo "smtp-sink: port $port did not open in 10 s" >&2
    cat "$base/sink.log" >&2
    exit 1
  fi
  echo "smtp-sink: started (pid $(cat "$base/sink.pid")), log $base/sink.log" >&2
fi

echo "export HARMONY_TEST_SMTP_URL=smtp://127.0.0.1:$port"
echo "export HARMONY_TEST_SMTP_MAILDIR=$maildir"
