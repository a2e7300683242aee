#!/usr/bin/env bash
# The test command: installs dependencies, then builds and runs the whole suite twice —
# a normal build with warnings as errors, and an AddressSanitizer + UndefinedBehaviorSanitizer
# build. Usage: scripts/test.sh [--quick]   (--quick: normal build only)
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
[ "${1:-}" = "--quick" ] && quick=1
jobs=$(nproc 2>/dev/null || echo 2)

scripts/install-deps.sh

build_and_test() {
  local dir=$1; shift
  echo "== $dir: configure"
  cmake -S . -B "$dir" -G Ninja -DPIXSYNC_WERROR=ON "$@" >/dev/null
  echo "== $dir: build"
  cmake --build "$dir" -j "$jobs"
  echo "== $dir: test"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 600
}

build_and_test build -DCMAKE_BUILD_TYPE=RelWithDebInfo
if [ $quick -eq 0 ]; then
  # ASAN_OPTIONS is left to each program's defaults (leak checking on, except in the pixsync
  # binary: see apps/pixsync/main.cpp); any UBSan finding stops the test.
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  build_and_test build-sanitize -DCMAKE_BUILD_TYPE=Debug -DPIXSYNC_SANITIZE=ON -DPIXSYNC_BUILD_BENCH=OFF
fi
if [ $quick -eq 0 ]; then
  # The Immich response parser under libFuzzer (clang), for a bounded time.
  echo "== fuzz: immich response parser, 30 s"
  cmake -S tests/fuzz -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null
  cmake --build build-fuzz
  mkdir -p build-fuzz/corpus
  build-fuzz/pixsync-fuzz-immich-json -max_total_time=30 -rss_limit_mb=2048 \
    build-fuzz/corpus tests/fuzz/corpus/immich_json 2>&1 | tail -n 3
fi
echo "== all tests passed"
