#!/usr/bin/env bash
# Refreshes the status page's screenshots in docs/ from the demo's data: runs the demo with
# --serve, photographs the page with headless Chromium at a desktop and a phone width, and
# stops the demo.
#
#   scripts/screenshot.sh      # writes docs/status-page-desktop.png and docs/status-page-phone.png
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
log="$(mktemp)"
"$root/scripts/demo.sh" --serve >"$log" 2>&1 &
demo=$!
trap 'kill -TERM $demo 2>/dev/null || true; wait $demo 2>/dev/null || true; rm -f "$log"' EXIT

url=""
for _ in $(seq 1 300); do
  url=$(sed -n 's/^Status page: \(http[^ ]*\).*/\1/p' "$log")
  [ -n "$url" ] && break
  kill -0 $demo 2>/dev/null || { cat "$log" >&2; echo "the demo stopped" >&2; exit 1; }
  sleep 1
done
[ -n "$url" ] || { cat "$log" >&2; echo "the demo served no page within 5 minutes" >&2; exit 1; }

shoot() {  # width height file
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=5000 \
    --window-size="$1,$2" --screenshot="$3" "$url" >/dev/null 2>&1
  echo "wrote $3 (${1}x$2)"
}
shoot 1280 1400 "$root/docs/status-page-desktop.png"
shoot 390 1500 "$root/docs/status-page-phone.png"
