#!/usr/bin/env python3
"""The "see it work" demo: a small photo library in a fake Immich, a local SMTP server as the
mail catcher, the original service's `.env` + `pixstar_mapping.json`, then `pixsync check`
and `pixsync once`. Prints what each frame received and writes one contact sheet per frame.

    demo.py --pixsync BIN --source-dir DIR --out DIR

Everything it starts is stopped when it ends, also on Ctrl-C. Each run starts clean.
"""

import argparse
import os
import signal
import subprocess
import sys
from collections import defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from harness import Harness, HarnessError, Library  # noqa: E402

THUMB = 240


def vips(*argv):
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


def header(path, field):
    return subprocess.run(["vipsheader", "-f", field, path], check=True, capture_output=True,
                          text=True).stdout.strip()


def human(n):
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1048576:.1f} MB"


def contact_sheet(frame_dir, pictures, out):
    """Thumbnails of what a frame received, side by side, 4 to a row."""
    thumbs = []
    for i, path in enumerate(pictures):
        thumb = os.path.join(frame_dir, f".thumb-{i:03d}.png")
        vips("vips", "thumbnail", path, thumb, str(THUMB), "--height", str(THUMB))
        # Same-size tiles (white border) so the grid lines up.
        tile = os.path.join(frame_dir, f".tile-{i:03d}.png")
        vips("vips", "gravity", thumb, tile, "centre", str(THUMB + 8), str(THUMB + 8),
             "--extend", "white")
        thumbs.append(tile)
    vips("vips", "arrayjoin", " ".join(thumbs), out, "--across", str(min(4, len(thumbs))),
         "--background", "255")
    for t in thumbs:
        os.remove(t)
    for i in range(len(pictures)):
        os.remove(os.path.join(frame_dir, f".thumb-{i:03d}.png"))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pixsync", required=True)
    p.add_argument("--source-dir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--serve", action="store_true",
                   help="then run the daemon and serve its status page until Ctrl-C")
    p.add_argument("--listen", default="127.0.0.1:0",
                   help="with --serve: the page's address (default: a free port on loopback)")
    args = p.parse_args()
    # SIGTERM ends the demo like Ctrl-C does: the servers are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    with Harness(args.pixsync, args.source_dir, args.out) as h:
        print("Generating the photo library (JPEG, HEIC, transparent PNG, EXIF-rotated portraits, a video)...")
        library = Library(favorites=24, users=3, partner_favorites=3, spare=2, demo=True)
        h.start(library)
        print(f"Fake Immich:  {h.immich_url}")
        print(f"Mail catcher: SMTP with STARTTLS + AUTH on 127.0.0.1:{h.smtp_port}")
        print(f"Service folder (the original's .env + pixstar_mapping.json): {h.config_dir}")
        for u in library.users:
            frames = ", ".join(library.frames_of(u))
            note = "" if u.frames is not None else "  (defaultPixstarEmails)"
            print(f"  {u.email}: {len(library.favorites_of(u.email))} favorites -> {frames}{note}")
        print(f"  {library.partner.email} shares their library with {library.users[0].email}: "
              f"{len(library.favorites_of(library.partner.email))} favorites that must not be sent")

        print("\n$ pixsync check")
        r = h.pixsync("check", expect=None)
        print((r.stdout + r.stderr).rstrip())
        if r.returncode != 0:
            print(f"pixsync check failed (exit {r.returncode})", file=sys.stderr)
            return 1
        print("\n$ pixsync once")
        r = h.pixsync("once", expect=None)
        print((r.stdout + r.stderr).rstrip() or "(done)")
        if r.returncode != 0:
            print(f"pixsync once failed (exit {r.returncode})", file=sys.stderr)
            return 1

        messages = h.new_messages()
        h.verify(messages, library.expected(), "check")
        by_frame = defaultdict(list)
        for m in messages:
            by_frame[m.recipient].append(m)
        sheets = []
        print(f"\nReceived {len(messages)} messages in {h.maildir}")
        for frame in sorted(by_frame):
            frame_dir = os.path.join(args.out, "frames", frame.split("@")[0])
            os.makedirs(frame_dir, exist_ok=True)
            print(f"\n{frame}: {len(by_frame[frame])} files")
            pictures = []
            for m in sorted(by_frame[frame], key=lambda m: m.attachment_name):
                path = os.path.join(frame_dir, m.attachment_name)
                with open(path, "wb") as f:
                    f.write(m.data)
                if m.content_type.startswith("image/"):
                    dims = f"{header(path, 'width')}x{header(path, 'height')}"
                    pictures.append(path)
                else:
                    dims = m.content_type
                print(f"  {m.attachment_name:<22} {human(len(m.data)):>9}  {dims:<10} {os.path.basename(m.path)}")
            if pictures:
                sheet = os.path.join(args.out, f"contact-sheet-{frame.split('@')[0]}.png")
                contact_sheet(frame_dir, pictures, sheet)
                sheets.append(sheet)
        print("\nContact sheets (every photo should show a red top-left corner: upright):")
        for s in sheets:
            print(f"  {s}")
        print(f"\nThe frame-ready files are in {os.path.join(args.out, 'frames')}, "
              f"the messages (.eml) in {h.maildir}, pixsync's log in "
              f"{os.path.join(h.config_dir, 'immich-pixstar.log')}.")
        if args.serve:
            daemon = h.start_daemon(listen=args.listen)
            host = args.listen.rsplit(":", 1)[0]
            print(f"\nStatus page: http://{host}:{h.served_port()}/  (pixsync run; Ctrl-C stops)",
                  flush=True)
            daemon.wait()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print(f"demo: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
