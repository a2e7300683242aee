#!/bin/sh
# The scenario benchmarks behind the README's figures: the real pixsync binary against the
# fake Immich and the test SMTP server, plus the transform and state-store benchmarks.
#   bench/run.sh [BUILD_DIR] [RESULTS_JSON]
# BUILD_DIR defaults to build, RESULTS_JSON to bench/results.json. More scenario.py options
# (sizes, --skip) go in PIXSYNC_BENCH_ARGS. Prints one table; see bench/README.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
results=${2:-$here/results.json}
for program in bin/pixsync bin/pixsync-bench-media bin/pixsync-bench-state; do
    if [ ! -x "$build/$program" ]; then
        echo "bench/run.sh: $build/$program is missing; build first:" >&2
        echo "  cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=Release && ninja -C $build" >&2
        exit 2
    fi
done
for tool in vips vipsthumbnail heif-enc /usr/bin/time; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "bench/run.sh: $tool is missing (apt-get install libvips-tools libheif-examples time)" >&2
        exit 2
    fi
done
# The test servers need aiosmtpd, which Debian's interpreter has (python3-aiosmtpd).
python=${PIXSYNC_TEST_PYTHON:-/usr/bin/python3}
# shellcheck disable=SC2086 # PIXSYNC_BENCH_ARGS is a list of options
exec "$python" "$here/scenario/scenario.py" --build "$build" --out "$results" ${PIXSYNC_BENCH_ARGS:-}
