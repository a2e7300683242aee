#!/usr/bin/env bash
# Line and branch coverage of the test suite, per component (libpixsync, each plugin, the CLI, the original's front door).
#   scripts/coverage.sh                  configure build-coverage with gcov instrumentation,
#                                        build it, run the whole suite, then report
#   scripts/coverage.sh --report DIR     only report, from a build made with
#                                        -DPIXSYNC_COVERAGE=ON whose tests have run (CI does
#                                        this with its sanitizer build)
# Unreachable and exception-only branches are not counted (gcovr's
# --exclude-unreachable-branches --exclude-throw-branches). Fails when a component falls
# below its figure in tests/coverage-minimums.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

if [ "${1:-}" = "--report" ]; then
  build=${2:?usage: scripts/coverage.sh --report BUILD_DIR}
else
  build=build-coverage
  command -v gcovr >/dev/null || scripts/install-deps.sh
  cmake -S . -B "$build" -G Ninja -DPIXSYNC_WERROR=ON -DCMAKE_BUILD_TYPE=Debug \
    -DPIXSYNC_COVERAGE=ON -DPIXSYNC_BUILD_BENCH=OFF >/dev/null
  cmake --build "$build" -j "$jobs"
  find "$build" -name '*.gcda' -delete
  ctest --test-dir "$build" -j "$jobs" --timeout 900 --output-on-failure
fi

summary="$build/coverage-summary.json"
gcovr --root . --object-directory "$build" -j "$jobs" \
  --filter 'libpixsync/' --filter 'plugins/' --filter 'apps/' --filter 'compat/' \
  --exclude-unreachable-branches --exclude-throw-branches \
  --gcov-ignore-parse-errors --json-summary "$summary" >/dev/null
exec python3 scripts/coverage_report.py "$summary" tests/coverage-minimums.txt
