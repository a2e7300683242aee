#!/usr/bin/env bash
# deb_test.sh DEB WORK_DIR — installs the Debian package with apt-get as a user would, checks
# what it put where, runs the installed pixsync once against the fake Immich and the SMTP test
# server (demo/demo.py, which verifies every frame's mail), then removes the package again.
# Needs root (or sudo): it changes the machine's installed packages.
set -euo pipefail
deb=$(realpath "$1") work=$2
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if dpkg-query -W -f='${Status}' pixsync 2>/dev/null | grep -q "install ok installed"; then
  echo "deb_test: a pixsync package is already installed here; remove it first" >&2
  exit 1
fi
remove() { DEBIAN_FRONTEND=noninteractive $sudo apt-get purge -y -qq pixsync >/dev/null || true; }
trap remove EXIT
rm -rf "$work" && mkdir -p "$work"

DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
version=$(dpkg-query -W -f='${Version}' pixsync)
echo "installed pixsync $version from $(basename "$deb")"

# The command is on PATH and tells its version; it finds the installed plugins by itself.
command -v pixsync | grep -qx /usr/bin/pixsync
pixsync --version | tee "$work/version.out"
grep -q "^pixsync $version" "$work/version.out"
env -u PIXSYNC_PLUGIN_PATH pixsync plugins | tee "$work/plugins.out"
for p in "immich source" "pixstar sink" "folder sink" "json state" "sqlite state"; do
  grep -Eq "^$p .* /usr/lib/([^/]+/)?pixsync/plugins/pixsync-${p%% *}\.so$" "$work/plugins.out" ||
    { echo "deb_test: plugin '$p' not listed from /usr/lib" >&2; exit 1; }
done

# The systemd unit starts the installed binary; the examples and headers are there.
unit=/usr/lib/systemd/system/pixsync.service
grep -qx "ExecStart=/usr/bin/pixsync run" "$unit"
grep -qx "Type=notify" "$unit"
if command -v systemd-analyze >/dev/null; then
  # systemd's own reading of the unit: any unknown key or bad value is printed (and fails here).
  verify=$(systemd-analyze verify "$unit" 2>&1) || true
  [ -z "$verify" ] || { echo "$verify" >&2; exit 1; }
fi
# The container image installs this same package (examples/docker/Dockerfile).
grep -q "scripts/package.sh" "$root/examples/docker/Dockerfile"
test -f /usr/share/doc/pixsync/examples/original/pixstar_mapping.json
test -f /usr/include/pixsync/sink.hpp

# pkg-config finds it with no path set, and a program builds and runs against it.
pkg-config --modversion pixsync | grep -qx "$version"
cat > "$work/pc.cpp" <<'CPP'
#include <pixsync/version.hpp>
#include <cstdio>
int main() { std::printf("pixsync %s\n", pixsync::kVersion); }
CPP
# shellcheck disable=SC2046 # pkg-config prints a list of flags
c++ "$work/pc.cpp" -o "$work/pc" $(pkg-config --cflags --libs pixsync)
"$work/pc" | grep -qx "pixsync $version"

# One pass against the fake servers from the installed files only.
/usr/bin/python3 "$root/demo/demo.py" --pixsync /usr/bin/pixsync --source-dir "$root" --out "$work/demo" \
  >"$work/demo.out" 2>&1 || { cat "$work/demo.out"; exit 1; }
grep -E "^Received [0-9]+ messages" "$work/demo.out"
echo "deb package: ok"
