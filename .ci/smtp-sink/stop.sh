#!/usr/bin/env bash
# Stops the SMTP sink started by start.sh (same SMTP_SINK_DIR), if running.
set -euo pipefail
base="${SMTP_SINK_DIR:-${TMPDIR:-/tmp}/harmony-smtp-sink}"
if [ -f "$base/sink.pid" ]; then
  pid="$(cat "$base/sink.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    echo "smtp-sink: stopped pid $pid" >&2
  fi
  rm -f "$base/sink.pid"
fi
