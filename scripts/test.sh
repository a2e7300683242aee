#!/usr/bin/env bash
# The test command: installs dependencies, then builds and runs the whole suite twice —
# a normal build with warnings as errors, and an AddressSanitizer + UndefinedBehaviorSanitizer
# build that also measures coverage — then the fuzzers, then the Debian package, installed
# with apt-get and run (tests/package/deb_test.sh; it needs root or sudo).
# Usage: scripts/test.sh [--quick]   (--quick: normal build only)
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
[ "${1:-}" = "--quick" ] && quick=1
jobs=$(nproc 2>/dev/null || echo 2)
# Tests run two per core: most of them wait on servers, processes and timeouts (measured on
# 2 cores: -j2 kept the cores 46 % busy and took 204 s, -j4 took 122 s; the sanitizer build's
# suite 241 s and 156 s). PIXSYNC_TEST_JOBS overrides it.
test_jobs=${PIXSYNC_TEST_JOBS:-$((jobs * 2))}

scripts/install-deps.sh

# Each phase line carries the seconds since the start, so the slow parts show in any log.
say() { echo "== $* (at ${SECONDS} s)"; }

say "format"
scripts/format.sh --check

# The normal build and the package build compile the same files with the same flags but for
# the one that holds the test hook: through ccache the package build reuses the normal
# build's objects instead of compiling everything a third time. The cache lives in the
# clone (build-ccache): a clean clone starts with an empty one. The sanitizer build
# shares nothing and does without it. Line tables (-g1) are all the debug information the
# test runs use (sanitizer reports, backtraces) and cost less to compile than full -g.
export CCACHE_DIR="$PWD/build-ccache" CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=4G
optimised=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
  -DPIXSYNC_WERROR=ON -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)

fuzz_build_pid=""
package_build_pid=""
wait_for_fuzz_build() { while kill -0 "$fuzz_build_pid" 2>/dev/null; do sleep 2; done; }
build_and_test() {
  local dir=$1; shift
  say "$dir: configure"
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  say "$dir: build"
  cmake --build "$dir" -j "$jobs"
  if [ "$dir" = build ] && [ $quick -eq 0 ]; then
    # The fuzz targets (clang, their own build) compile on one core at low priority while
    # this suite runs: its tests mostly wait on servers and timeouts.
    say "fuzz: build, beside the tests"
    mkdir -p build-fuzz
    ( nice -n 19 cmake -S tests/fuzz -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null &&
      nice -n 19 cmake --build build-fuzz -j 1 ) >build-fuzz/build.log 2>&1 &
    fuzz_build_pid=$!
    # The Debian package is built the same way, after the fuzz targets, by scripts/package.sh.
    say "package: build, beside the tests"
    ( wait_for_fuzz_build; nice -n 19 scripts/package.sh build-package "${optimised[@]}" ) \
      >build-package.log 2>&1 &
    package_build_pid=$!
  fi
  say "$dir: test"
  find "$dir" -name '*.gcda' -delete  # coverage counts this run only
  ctest --test-dir "$dir" --output-on-failure -j "$test_jobs" --timeout 600
}

build_and_test build "${optimised[@]}"
if [ $quick -eq 0 ]; then
  # ASAN_OPTIONS is left to each program's defaults (leak checking on, except in the pixsync
  # binary: see apps/pixsync/main.cpp); any UBSan finding stops the test.
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  # The same build counts coverage (gcov, -O0): the figures per component must not fall
  # below tests/coverage-minimums.txt.
  build_and_test build-sanitize -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DPIXSYNC_WERROR=ON \
    -DPIXSYNC_SANITIZE=ON -DPIXSYNC_BUILD_BENCH=OFF -DPIXSYNC_COVERAGE=ON
  say "coverage"
  scripts/coverage.sh --report build-sanitize
fi
if [ $quick -eq 0 ]; then
  # Every parser of outside input under libFuzzer (clang): each pixsync-fuzz-<name> target of
  # tests/fuzz with a seed corpus in tests/fuzz/corpus/<name> (dashes may be underscores)
  # runs for an equal share of FUZZ_SECONDS (63 by default: 7 s each), one per core at a time.
  # A crash fails the script and leaves the input in build-fuzz/artifacts/.
  if ! wait "$fuzz_build_pid"; then
    cat build-fuzz/build.log
    echo "building the fuzz targets failed" >&2
    exit 1
  fi
  say "fuzz: built"
  targets=()
  for exe in build-fuzz/pixsync-fuzz-*; do
    [ -x "$exe" ] && [ -f "$exe" ] || continue
    name=${exe#build-fuzz/pixsync-fuzz-}
    for corpus in "tests/fuzz/corpus/$name" "tests/fuzz/corpus/${name//-/_}"; do
      if [ -d "$corpus" ]; then targets+=("$name:$corpus"); break; fi
    done
  done
  [ ${#targets[@]} -gt 0 ] || { echo "no fuzz targets with a seed corpus found" >&2; exit 1; }
  seconds=$(( ${FUZZ_SECONDS:-63} / ${#targets[@]} ))
  [ $seconds -ge 5 ] || seconds=5
  mkdir -p build-fuzz/artifacts
  # Each fuzzer is single-threaded: as many run at once as there are cores.
  fuzz_one() {
    local name=$1 seeds=$2
    mkdir -p "build-fuzz/corpus/${name//-/_}"
    if ! build-fuzz/pixsync-fuzz-"$name" -max_total_time="$seconds" -rss_limit_mb=2048 \
        -artifact_prefix="build-fuzz/artifacts/$name-" "build-fuzz/corpus/${name//-/_}" "$seeds" \
        >"build-fuzz/$name.log" 2>&1; then
      tail -n 40 "build-fuzz/$name.log"
      echo "fuzz target $name failed; the input is in build-fuzz/artifacts/" >&2
      return 1
    fi
    grep -E '^(#[0-9]+[[:space:]]+DONE|Done [0-9]+ runs)' "build-fuzz/$name.log" | tail -n 2
  }
  for ((i = 0; i < ${#targets[@]}; i += jobs)); do
    pids=()
    for target in "${targets[@]:i:jobs}"; do
      say "fuzz: ${target%%:*}, $seconds s"
      fuzz_one "${target%%:*}" "${target#*:}" &
      pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || exit 1; done
  done
fi
if [ $quick -eq 0 ]; then
  if ! wait "$package_build_pid"; then
    cat build-package.log
    echo "building the Debian package failed" >&2
    exit 1
  fi
  say "package: built ($(ccache --show-stats | grep -m1 -i 'hits' | tr -s ' ' || true) from the cache)"
  say "package: install and run"
  tests/package/deb_test.sh build-package/pixsync_*.deb build-package/deb-test
fi
say "all tests passed"
