#!/bin/sh
# Media transform benchmark: a 12 MP JPEG and a 12 MP HEIC fitted into 1024x768, pixsync's
# transform against the vipsthumbnail command, both timed as whole processes.
#   bench/media/run.sh BUILD_DIR [RUNS]
set -eu
build=${1:?usage: run.sh BUILD_DIR [RUNS]}
runs=${2:-15}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/../../tests/support/media/make_fixtures.py" "$work" >/dev/null
# A camera-like 12 MP JPEG: noise does not compress away the way the flat fixture does. One
# noise image per band, cast to 8 bits (saved as floats, libvips would write all white).
for band in 0 1 2; do
  vips gaussnoise "$work/noise$band.v" 4000 3000 --mean 128 --sigma 30
done
vips bandjoin "$work/noise0.v $work/noise1.v $work/noise2.v" "$work/noise3.v"
vips cast "$work/noise3.v" "$work/photo-noisy-12mp.jpg[Q=90]" uchar
vips copy "$work/photo-12mp.jpg" "$work/photo-12mp.png"
heif-enc -q 80 -o "$work/photo-12mp.heic" "$work/photo-12mp.png" >/dev/null
"$build/bin/pixsync-bench-media" compare "$work/photo-12mp.jpg" "$runs"
"$build/bin/pixsync-bench-media" compare "$work/photo-noisy-12mp.jpg" "$runs"
"$build/bin/pixsync-bench-media" compare "$work/photo-12mp.heic" "$runs"
