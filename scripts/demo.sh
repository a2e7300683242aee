#!/usr/bin/env bash
# See pixsync work, on one machine, with nothing real at stake: installs the dependencies,
# builds pixsync if needed, and runs it against a fake Immich holding a small generated
# photo library and a local SMTP server that catches the mail. Writes everything to
# demo-out/ (wiped at the start of each run) and prints what each frame received plus one
# contact sheet per frame.
#
#   scripts/demo.sh            # PIXSYNC_BUILD_DIR picks the build folder (default: build)
#   scripts/demo.sh --serve    # then runs the daemon and serves its status page until Ctrl-C
#                              # (--listen HOST:PORT picks the address; loopback by default)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PIXSYNC_BUILD_DIR:-$root/build}"
out="$root/demo-out"
python="${PIXSYNC_TEST_PYTHON:-/usr/bin/python3}"

"$root/scripts/install-deps.sh"

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DPIXSYNC_BUILD_TESTS=OFF -DPIXSYNC_BUILD_BENCH=OFF
fi
# Up to date: ninja returns at once.
cmake --build "$build" --target pixsync-cli pixsync-plugin-immich pixsync-plugin-pixstar \
  pixsync-plugin-sqlite pixsync-plugin-json

demo_pid=""
stop() {
  if [ -n "$demo_pid" ] && kill -0 "$demo_pid" 2>/dev/null; then
    kill -TERM "$demo_pid" 2>/dev/null || true
    wait "$demo_pid" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM

# The demo's Python stops the servers it started on every way out; the trap covers this
# script being interrupted or killed.
"$python" "$root/demo/demo.py" --pixsync "$build/bin/pixsync" --source-dir "$root" --out "$out" "$@" &
demo_pid=$!
wait "$demo_pid"
