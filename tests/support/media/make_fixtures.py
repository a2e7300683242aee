#!/usr/bin/env python3
"""Generates the media fixtures the tests, benchmarks and demo use.

Usage: make_fixtures.py OUTPUT_DIR [--only NAME ...]

Every picture shows the same upright scene: a RED top-left quadrant, the rest mid grey, so a
test can tell whether the result is upright by sampling its top-left and other corners. The
images are built as raw PPM/PGM with the standard library and converted with the `vips` CLI
(and `heif-enc` for HEIC/AVIF); nothing is downloaded.

Files written (all landscape 4:3 unless noted):
  photo-12mp.jpg        4000x3000 JPEG (12 MP)
  alpha.png             400x300 RGBA: bottom-right quadrant fully transparent (black beneath)
  photo.webp photo.tiff photo.gif photo.png
  photo.heic            HEIC made by heif-enc from a PNG
  photo.avif            AVIF made by heif-enc (its AV1 encoder, libaom)
  display-p3.jpg        sRGB colour (200,60,60)/(60,200,60) converted to Display P3 and tagged
  display-p3.icc        the Display P3 profile used (matrix/TRC, written here)
  orientation-N.jpg     N = 1..8: stored so that EXIF orientation N shows the upright scene
  truncated.jpg         the first 60% of a JPEG
  bomb.png              a PNG header claiming 50000x50000 (a decompression bomb), no real data
  video-16mb.mp4        an MP4 'ftyp' header padded to 16 MiB
  video-small.mp4       the same, 100 KiB
  not-an-image.jpg      text named like a JPEG
"""

import os
import shutil
import struct
import subprocess
import sys
import zlib

RED = (255, 0, 0)
GREY = (128, 128, 128)
P3_SAMPLE_LEFT = (200, 60, 60)
P3_SAMPLE_RIGHT = (60, 200, 60)


def run(*argv):
    subprocess.run(list(argv), check=True, stdout=subprocess.DEVNULL)


def write_ppm(path, width, height, pixel_at_quadrant):
    """pixel_at_quadrant(top: bool, left: bool) -> (r, g, b)."""
    half_w, half_h = width // 2, height // 2
    top_row = bytes(pixel_at_quadrant(True, True)) * half_w + bytes(pixel_at_quadrant(True, False)) * (width - half_w)
    bottom_row = bytes(pixel_at_quadrant(False, True)) * half_w + bytes(pixel_at_quadrant(False, False)) * (width - half_w)
    with open(path, "wb") as out:
        out.write(b"P6\n%d %d\n255\n" % (width, height))
        out.write(top_row * half_h)
        out.write(bottom_row * (height - half_h))


def upright_scene(top, left):
    return RED if (top and left) else GREY


def write_scene(path, width, height):
    write_ppm(path, width, height, upright_scene)


def make_alpha_png(out_dir, work):
    rgb = os.path.join(work, "alpha-rgb.ppm")
    alpha = os.path.join(work, "alpha-a.pgm")
    width, height = 400, 300
    write_ppm(rgb, width, height, lambda top, left: (0, 0, 0) if (not top and not left) else upright_scene(top, left))
    half_w, half_h = width // 2, height // 2
    with open(alpha, "wb") as out:
        out.write(b"P5\n%d %d\n255\n" % (width, height))
        out.write((b"\xff" * width) * half_h)
        out.write((b"\xff" * half_w + b"\x00" * (width - half_w)) * (height - half_h))
    run("vips", "bandjoin", f"{rgb} {alpha}", os.path.join(out_dir, "alpha.png"))


def s15f16(v):
    return struct.pack(">i", int(round(v * 65536)))


def display_p3_icc():
    """A minimal ICC v2 RGB matrix/TRC profile with Display P3 primaries (D50-adapted) and a
    gamma 2.2 curve; enough for a colour-managed decoder to treat the pixels as P3."""
    def tag_xyz(x, y, z):
        return b"XYZ " + b"\0" * 4 + s15f16(x) + s15f16(y) + s15f16(z)

    def tag_text(text):
        return b"text" + b"\0" * 4 + text.encode() + b"\0"

    def tag_desc(text):
        raw = text.encode() + b"\0"
        return (b"desc" + b"\0" * 4 + struct.pack(">I", len(raw)) + raw + b"\0" * 4 + b"\0" * 4
                + b"\0" * 3 + b"\0" * 67)

    curve = b"curv" + b"\0" * 4 + struct.pack(">I", 1) + struct.pack(">H", int(2.2 * 256)) + b"\0\0"
    tags = [
        (b"desc", tag_desc("Display P3")),
        (b"cprt", tag_text("No copyright, use freely")),
        (b"wtpt", tag_xyz(0.964203, 1.0, 0.824905)),
        (b"rXYZ", tag_xyz(0.515121, 0.241196, -0.001053)),
        (b"gXYZ", tag_xyz(0.291977, 0.692245, 0.041885)),
        (b"bXYZ", tag_xyz(0.157104, 0.066574, 0.784073)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        while len(body) % 4:
            body += b"\0"
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (struct.pack(">I", size) + b"lcms" + struct.pack(">I", 0x02100000) + b"mntr" + b"RGB "
              + b"XYZ " + b"\0" * 12 + b"acsp" + b"APPL" + b"\0" * 4 + b"\0" * 4 + b"\0" * 4
              + b"\0" * 8 + b"\0" * 4 + s15f16(0.9642) + s15f16(1.0) + s15f16(0.8249) + b"\0" * 4
              + b"\0" * 16 + b"\0" * 28)
    assert len(header) == 128, len(header)
    return header + struct.pack(">I", len(tags)) + table + data


def make_display_p3(out_dir, work):
    icc = os.path.join(out_dir, "display-p3.icc")
    with open(icc, "wb") as out:
        out.write(display_p3_icc())
    src = os.path.join(work, "p3-src.ppm")
    write_ppm(src, 400, 300, lambda top, left: P3_SAMPLE_LEFT if left else P3_SAMPLE_RIGHT)
    tagged = os.path.join(work, "p3.v")
    run("vips", "icc_transform", src, tagged, icc, "--input-profile", "srgb", "--intent", "relative")
    run("vips", "copy", tagged, os.path.join(out_dir, "display-p3.jpg") + f"[Q=95,profile={icc}]")


def exif_orientation_segment(orientation):
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8)
    tiff += struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)
    tiff += struct.pack(">I", 0)
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def insert_exif(jpeg_path, orientation):
    with open(jpeg_path, "rb") as f:
        data = f.read()
    assert data[:2] == b"\xff\xd8"
    with open(jpeg_path, "wb") as f:
        f.write(data[:2] + exif_orientation_segment(orientation) + data[2:])


# How to store the upright scene so that displaying it with orientation N shows it upright:
# the inverse of the display transform of each orientation, as vips CLI steps.
STORE_STEPS = {
    1: [],
    2: [("flip", "horizontal")],
    3: [("rot", "d180")],
    4: [("flip", "vertical")],
    5: [("rot", "d90"), ("flip", "horizontal")],
    6: [("rot", "d270")],
    7: [("rot", "d270"), ("flip", "horizontal")],
    8: [("rot", "d90")],
}


def make_orientations(out_dir, work):
    scene = os.path.join(work, "scene-400.ppm")
    write_scene(scene, 400, 300)
    for orientation, steps in STORE_STEPS.items():
        current = scene
        for i, (op, arg) in enumerate(steps):
            nxt = os.path.join(work, f"o{orientation}-{i}.v")
            run("vips", op, current, nxt, arg)
            current = nxt
        out = os.path.join(out_dir, f"orientation-{orientation}.jpg")
        run("vips", "copy", current, out + "[Q=90,strip=true]")
        insert_exif(out, orientation)


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def make_bomb(out_dir):
    ihdr = struct.pack(">IIBBBBB", 50000, 50000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    with open(os.path.join(out_dir, "bomb.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))


def make_video(path, size):
    ftyp = b"ftypisom" + struct.pack(">I", 512) + b"isomiso2avc1mp41"
    head = struct.pack(">I", len(ftyp) + 4) + ftyp
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(size)


def make_formats(out_dir, work):
    scene = os.path.join(work, "scene-800.ppm")
    write_scene(scene, 800, 600)
    run("vips", "copy", scene, os.path.join(out_dir, "photo.png"))
    run("vips", "copy", scene, os.path.join(out_dir, "photo.webp") + "[Q=90]")
    run("vips", "copy", scene, os.path.join(out_dir, "photo.tiff"))
    run("vips", "copy", scene, os.path.join(out_dir, "photo.gif"))
    png = os.path.join(out_dir, "photo.png")
    run("heif-enc", "-q", "90", "-o", os.path.join(out_dir, "photo.heic"), png)
    # Debian's libheif carries the AV1 encoder (libaom): no AVIF fixture is an install fault.
    run("heif-enc", "-A", "-q", "90", "-o", os.path.join(out_dir, "photo.avif"), png)


def make_big(out_dir, work):
    scene = os.path.join(work, "scene-12mp.ppm")
    write_scene(scene, 4000, 3000)
    run("vips", "copy", scene, os.path.join(out_dir, "photo-12mp.jpg") + "[Q=90]")
    os.remove(scene)


def make_broken(out_dir):
    src = os.path.join(out_dir, "orientation-1.jpg")
    with open(src, "rb") as f:
        data = f.read()
    with open(os.path.join(out_dir, "truncated.jpg"), "wb") as f:
        f.write(data[: len(data) * 6 // 10])
    with open(os.path.join(out_dir, "not-an-image.jpg"), "w") as f:
        f.write("this is not a picture\n")


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = argv[1]
    os.makedirs(out_dir, exist_ok=True)
    work = os.path.join(out_dir, ".work")
    os.makedirs(work, exist_ok=True)
    try:
        make_orientations(out_dir, work)
        make_formats(out_dir, work)
        make_alpha_png(out_dir, work)
        make_display_p3(out_dir, work)
        make_big(out_dir, work)
        make_broken(out_dir)
        make_bomb(out_dir)
        make_video(os.path.join(out_dir, "video-16mb.mp4"), 16 * 1024 * 1024)
        make_video(os.path.join(out_dir, "video-small.mp4"), 100 * 1024)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
