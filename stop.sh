#!/usr/bin/env bash
# Stops the pixsync started by ./run.sh: SIGTERM to the pid in immich-pixstar.pid, SIGKILL if it
# is still running after a grace period, then removes the pid file. It never kills by name.
set -euo pipefail

pid_file=${PIXSYNC_PID_FILE:-$PWD/immich-pixstar.pid}
grace=${PIXSYNC_STOP_GRACE:-10}

if [ ! -f "$pid_file" ]; then
  echo "stop.sh: no $pid_file; pixsync is not running from here"
  exit 0
fi
pid=$(cat "$pid_file")
case "$pid" in
  ''|*[!0-9]*) echo "stop.sh: $pid_file does not hold a pid; removing it" >&2; rm -f "$pid_file"; exit 1 ;;
esac
# A stale pid may belong to another program by now: only signal a pixsync.
if ! kill -0 "$pid" 2>/dev/null || ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q pixsync; then
  echo "stop.sh: pixsync (pid $pid) is not running; removing the stale pid file"
  rm -f "$pid_file"
  exit 0
fi

kill -TERM "$pid"
for _ in $(seq $((grace * 10))); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
  echo "stop.sh: pixsync (pid $pid) did not stop within ${grace}s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$pid_file"
echo "pixsync stopped"
