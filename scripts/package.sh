#!/usr/bin/env bash
# Builds the Debian package: an optimised build (-O2, as Debian builds its own packages; CPack
# strips the debug information) for /usr in BUILD_DIR (default build-package), packed by CPack
# into BUILD_DIR/pixsync_<version>_<arch>.deb. Install it with
#   sudo apt-get install ./build-package/pixsync_*.deb
# Usage: scripts/package.sh [BUILD_DIR [CMAKE_ARGS...]]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-package}
[ $# -gt 0 ] && shift
rm -f "$dir"/pixsync_*.deb
scripts/build.sh "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
  -DPIXSYNC_TEST_HOOKS=OFF "$@"
(cd "$dir" && cpack -G DEB >/dev/null)
ls "$dir"/pixsync_*.deb
