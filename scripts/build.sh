#!/usr/bin/env bash
# Installs the dependencies and builds pixsync into build/ (bin/pixsync and its plugins).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIXSYNC_BUILD_TESTS=OFF -DPIXSYNC_BUILD_BENCH=OFF >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"
echo "built: build/bin/pixsync"
