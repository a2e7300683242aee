#!/usr/bin/env bash
# Starts pixsync in the background, as the original service's run.sh did: run it in the folder
# holding .env and pixstar_mapping.json (or set PIXSYNC_CONFIG to a native config). The log
# goes to immich-pixstar.log (LOG_FILE), the pid to immich-pixstar.pid; pixsync keeps running
# after you log out. Stop it with ./stop.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
pid_file=${PIXSYNC_PID_FILE:-$PWD/immich-pixstar.pid}

# The pixsync binary: $PIXSYNC_BIN, the one on PATH, or this checkout's build.
bin=${PIXSYNC_BIN:-}
if [ -z "$bin" ]; then
  if command -v pixsync >/dev/null 2>&1; then
    bin=$(command -v pixsync)
  elif [ -x "$here/build/bin/pixsync" ]; then
    bin="$here/build/bin/pixsync"
  else
    echo "run.sh: pixsync is not built yet; run scripts/build.sh (or install it) first" >&2
    exit 1
  fi
fi

if [ -f "$pid_file" ]; then
  pid=$(cat "$pid_file" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    echo "run.sh: pixsync is already running (pid $pid); ./stop.sh stops it"
    exit 0
  fi
  rm -f "$pid_file"  # left over from a crash or a reboot
fi

# --daemon returns once pixsync has started (or says why it could not).
"$bin" run --daemon --pid-file "$pid_file" "$@"
echo "pixsync started (pid $(cat "$pid_file")); log: tail -f immich-pixstar.log"
