#!/usr/bin/env bash
# Stops the moto server started by .ci/s3/start.sh (only that process, by pid).
set -euo pipefail
base="${S3_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/harmony-s3}"
if [ -f "$base/moto.pid" ] && kill -0 "$(cat "$base/moto.pid")" 2>/dev/null; then
  kill "$(cat "$base/moto.pid")"
  echo "s3: stopped" >&2
fi
rm -f "$base/moto.pid"
