#!/usr/bin/env bash
# Installs what building needs and builds pixsync (bin/pixsync, its libraries and plugins).
# Usage: scripts/build.sh [BUILD_DIR [CMAKE_ARGS...]]
#   BUILD_DIR defaults to build; CMAKE_ARGS override the defaults (RelWithDebInfo, no tests,
#   no benchmarks), e.g. -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr.
# scripts/package.sh and examples/docker/Dockerfile build through this script.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
[ $# -gt 0 ] && shift
scripts/install-deps.sh --build
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIXSYNC_BUILD_TESTS=OFF \
  -DPIXSYNC_BUILD_BENCH=OFF "$@" >/dev/null
cmake --build "$dir" -j "$(nproc 2>/dev/null || echo 2)"
echo "built: $dir/bin/pixsync"
