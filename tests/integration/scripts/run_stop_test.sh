#!/usr/bin/env bash
# run.sh starts pixsync in the background with a pid file and a log; stop.sh stops it by that
# pid and removes the file; a stale pid file is handled; run.sh twice does not start two.
set -euo pipefail
src=$1 bin=$2 plugins=$3
work=$(mktemp -d)
trap 'PIXSYNC_BIN=$bin bash "$src/stop.sh" >/dev/null 2>&1 || true; cd /; rm -rf "$work"' EXIT
cd "$work"
echo '{"id": "a"}' > listing.jsonl
cat > pixsync.json <<JSON
{"state": {"plugin": "sqlite", "options": {"path": "state.db"}},
 "plugin_dirs": ["$plugins"],
 "sources": [{"plugin": "test-listing", "options": {"listing_file": "listing.jsonl"}}],
 "sinks": [{"plugin": "test-recorder", "options": {"record_file": "record.txt"}}],
 "routes": [{"id": "john@example.com", "destinations": ["frame@mypixstar.com"]}],
 "log": {"file": "immich-pixstar.log"}}
JSON
export PIXSYNC_BIN=$bin PIXSYNC_CONFIG=$work/pixsync.json

# Whether a process still runs. A zombie has ended; `! kill -0` alone would also not stop a
# `set -e` script (bash ignores -e for a negated command), so every check below is an `if`.
running() {
  local state
  state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}
fail() { echo "run_stop_test: $*" >&2; exit 1; }

out=$(bash "$src/run.sh")
echo "$out"
test -f immich-pixstar.pid
pid=$(cat immich-pixstar.pid)
kill -0 "$pid"
for _ in $(seq 100); do [ -s record.txt ] && break; sleep 0.1; done
grep -q "john@example.com a frame@mypixstar.com" record.txt
grep -q "pixsync started" immich-pixstar.log

again=$(bash "$src/run.sh")
echo "$again" | grep -q "already running (pid $pid)"

bash "$src/stop.sh"
if running "$pid"; then fail "pixsync (pid $pid) still runs after stop.sh"; fi
test ! -f immich-pixstar.pid
grep -q "received SIGTERM, stopping" immich-pixstar.log

# A stale pid file (the process is gone) is removed, and nothing else is signalled.
echo 999999 > immich-pixstar.pid
bash "$src/stop.sh" | grep -q "stale pid file"
test ! -f immich-pixstar.pid
bash "$src/stop.sh" | grep -q "not running"
# A pixsync that ignores SIGTERM is killed once the grace period is over.
bash -c 'trap "" TERM; exec -a pixsync-ignoring-term sleep 600' &
stubborn=$!
echo "$stubborn" > immich-pixstar.pid
sleep 0.2
start=$(date +%s)
out=$(PIXSYNC_STOP_GRACE=1 bash "$src/stop.sh")
echo "$out" | grep -q "did not stop within 1s; killing it" || fail "stop.sh did not escalate: $out"
if running "$stubborn"; then
  kill -KILL "$stubborn"
  fail "stop.sh left the process that ignored SIGTERM running"
fi
wait "$stubborn" 2>/dev/null || true
[ $(( $(date +%s) - start )) -le 5 ] || fail "stop.sh took longer than its grace period allows"
test ! -f immich-pixstar.pid
echo "run.sh/stop.sh: ok"
