#!/usr/bin/env bash
# Makes docs/previews/preview-vs-original.png: the same 12 MP picture fitted to a 1024x768
# frame from its original (left) and from an Immich-style preview (right: shorter side 1440,
# JPEG quality 80), a 256x192 detail of each enlarged 2x, and prints how far apart the two
# frame pictures are, and how far the original decoded at half size is from it decoded whole.
# Needs libvips-tools. Usage: docs/previews/make-comparison.sh [OUT.png]
set -euo pipefail
out=$(realpath -m "${1:-"$(dirname "$0")/preview-vs-original.png"}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# A detailed 4000x3000 test picture: a zone plate whose finest rings reach the frame's own
# resolution (every loss of sharpness shows there), lines of text from large to small, and a
# slight noise like a camera's.
vips zone zone.v 1024 768
vips resize zone.v zone-big.v 3.90625 --kernel cubic
vips linear zone-big.v zone8.v 100 140 --uchar
vips text words.v "Frames fed from Immich: 0123456789 ABCDEFGHIJKLM abcdefghijklm" --dpi 1100 \
  --width 3800
vips embed words.v words-big.v 100 1900 4000 3000
vips invert words-big.v ink.v
vips multiply zone8.v ink.v product.v
vips linear product.v scene.v 0.0039215686 0 --uchar
vips gaussnoise noise.v 4000 3000 --mean 0 --sigma 5
vips add scene.v noise.v mixed.v
vips cast mixed.v mono.v uchar
vips bandjoin "mono.v mono.v mono.v" rgb.v
vips linear rgb.v tinted.v "1 0.9 0.75" "0 10 30" --uchar
vips copy tinted.v original.jpg[Q=92]

# Immich's preview of it, then both fitted to the frame as pixsync fits pictures (upright,
# sRGB, 1024x768, quality 85).
vips thumbnail original.jpg preview.jpg[Q=80] 1920 --height 1440
for source in original preview; do
  vipsthumbnail "$source.jpg" --size '1024x768>' --export-profile srgb \
    -o "$PWD/frame-$source.jpg[Q=85,strip]"
done

# How far apart the two frame pictures are: the mean and the largest difference per pixel.
vips subtract frame-original.jpg frame-preview.jpg diff.v
vips abs diff.v absdiff.v
echo "frame from the preview vs from the original: mean difference $(vips avg absdiff.v)" \
  "of 255, largest $(vips max absdiff.v)"

# pixsync decodes a JPEG original at least twice the frame at half size (libjpeg's DCT
# scaling) before fitting it: how far that is from fitting the whole picture.
vips jpegload original.jpg half.v --shrink 2
vips thumbnail_image half.v frame-half.jpg[Q=85,strip] 1024 --height 768 --export-profile srgb
vips subtract frame-original.jpg frame-half.jpg halfdiff.v
vips abs halfdiff.v halfabs.v
echo "frame from the original decoded at half size vs whole: mean difference" \
  "$(vips avg halfabs.v) of 255, largest $(vips max halfabs.v)"

# A detail of each, side by side, enlarged 2x without smoothing, with a caption.
for source in original preview; do
  vips crop "frame-$source.jpg" "crop-$source.v" 560 420 256 192
  vips resize "crop-$source.v" "big-$source.v" 2 --kernel nearest
done
vips text caption-original.v "from the original (12 MP)" --dpi 110
vips text caption-preview.v "from Immich's preview (1920x1440, Q80)" --dpi 110
for source in original preview; do
  vips embed "caption-$source.v" "cap-$source.v" 4 4 512 28 --extend black
  vips cast "cap-$source.v" "capu-$source.v" uchar
  vips bandjoin "capu-$source.v capu-$source.v capu-$source.v" "cap3-$source.v"
  vips join "cap3-$source.v" "big-$source.v" "panel-$source.v" vertical
done
vips join panel-original.v panel-preview.v both.v horizontal --shim 8
vips copy both.v "$out"
echo "written: $out"
