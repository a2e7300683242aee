#!/usr/bin/env python3
"""pixsync's scenario benchmarks: the real binary against the fake Immich and the SMTP server.

    scenario.py --build BUILD_DIR --out RESULTS.json [--photos 200] [--resend 5000]

Prints one table and writes it as JSON. See bench/README.md for what each figure means.
Standard library only (the servers need Debian's python3-aiosmtpd, like the tests).
"""

import argparse
import email
import email.policy
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import ROOT, SUPPORT, FakeImmich, SmtpServer, run_measured, server_python  # noqa: E402

USER = "bench@example.com"
KEY = "bench-api-key"
FRAME = "bench-frame@mypixstar.com"
BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


class Table:
    """The figures, printed as one table and written as JSON."""

    def __init__(self):
        self.rows = []

    def add(self, scenario, measure, value, unit, note=""):
        self.rows.append({"scenario": scenario, "measure": measure, "value": value,
                          "unit": unit, "note": note})
        shown = f"{value:.3f}" if isinstance(value, float) and abs(value) < 10 else (
            f"{value:.1f}" if isinstance(value, float) else str(value))
        print(f"  {scenario:<14} {measure:<58} {shown:>12} {unit:<10} {note}", flush=True)

    def print(self):
        print()
        print(f"{'scenario':<14} {'measure':<58} {'value':>12} {'unit':<10} note")
        print("-" * 120)
        for r in self.rows:
            v = r["value"]
            shown = f"{v:.3f}" if isinstance(v, float) and abs(v) < 10 else (
                f"{v:.1f}" if isinstance(v, float) else str(v))
            print(f"{r['scenario']:<14} {r['measure']:<58} {shown:>12} {r['unit']:<10} "
                  f"{r['note']}")


def checksum(i, salt=0):
    """A distinct 20-byte SHA-1 in base64 per photo: copies of one file are distinct photos."""
    c = list("A" * 26)
    c[20] = BASE64[salt & 63]
    c[21] = BASE64[(i >> 18) & 63]
    c[22] = BASE64[(i >> 12) & 63]
    c[23] = BASE64[(i >> 6) & 63]
    c[24] = BASE64[i & 63]
    return "".join(c) + "A="


def make_media(work):
    """Camera-like photos (noise, slightly blurred, so they compress like real ones), the
    fixtures' small video and a tiny JPEG."""
    media = work / "media"
    media.mkdir()
    subprocess.run([sys.executable, str(SUPPORT / "media" / "make_fixtures.py"), str(media)],
                   check=True, stdout=subprocess.DEVNULL)

    def photo(name, width, height):
        # One noise image per band, so the colours vary like a photo's; blurred a little, then
        # cast to 8 bits: libvips would save the floats as linear light, an all-white picture.
        bands = [media / f"{name}-noise{b}.v" for b in range(3)]
        for band in bands:
            subprocess.run(["vips", "gaussnoise", str(band), str(width), str(height), "--mean",
                            "128", "--sigma", "40"], check=True)
        rgb, blurred = media / f"{name}-rgb.v", media / f"{name}-blur.v"
        subprocess.run(["vips", "bandjoin", " ".join(map(str, bands)), str(rgb)], check=True)
        subprocess.run(["vips", "gaussblur", str(rgb), str(blurred), "1.2"], check=True)
        out = media / f"{name}.jpg"
        subprocess.run(["vips", "cast", str(blurred), f"{out}[Q=90]", "uchar"], check=True)
        for p in (*bands, rgb, blurred):
            p.unlink()
        return out

    big = photo("camera-12mp", 4000, 3000)
    # Immich's preview of it: shorter side 1440, JPEG quality 80, as the server makes it.
    preview = media / "camera-12mp-preview.jpg"
    subprocess.run(["vips", "thumbnail", str(big), f"{preview}[Q=80]", "1920", "--height", "1440"],
                   check=True)
    # A 12 MP HEIC and a camera RAW file (a DNG header, nothing libvips can read) of the
    # fixtures' upright scene (red top-left quarter, grey elsewhere), with Immich's preview.
    scene = media / "scene-12mp.png"
    subprocess.run(["vips", "resize", str(media / "orientation-1.jpg"), str(scene), "10"],
                   check=True)
    heic = media / "scene-12mp.heic"
    subprocess.run(["heif-enc", "-q", "80", "-o", str(heic), str(scene)], check=True,
                   stdout=subprocess.DEVNULL)
    scene_preview = media / "scene-12mp-preview.jpg"
    subprocess.run(["vips", "thumbnail", str(scene), f"{scene_preview}[Q=80]", "1920", "--height",
                    "1440"], check=True)
    dng = media / "scene.dng"
    dng.write_bytes(b"II*\x00" + bytes(range(256)) * 64)
    return {
        "scene-heic": heic,
        "scene-dng": dng,
        "scene-preview": scene_preview,
        "12mp": big,
        "12mp-preview": preview,
        "3mp": photo("camera-3mp", 2048, 1536),
        "tiny": media / "orientation-1.jpg",
        "video": media / "video-small.mp4",
    }


def manifest(path, files, salt=0, preview=None):
    """A fake Immich library: one user whose favorites are `files` (a list of (path, name)),
    each with `preview` as Immich's preview when given (else a JPEG is its own preview)."""
    assets = [{"owner": USER, "file": str(f), "originalFileName": name,
               "checksum": checksum(i, salt)} for i, (f, name) in enumerate(files)]
    for a in assets:
        if preview:
            a["preview"] = str(preview)
    path.write_text(json.dumps({
        "users": [{"email": USER, "name": "Bench",
                   "apiKeys": [{"key": KEY, "permissions": ["all"]}]}],
        "assets": assets}))
    return path


def setup(folder, immich, smtp, extra=None, frames=(FRAME,)):
    """The original service's two files in `folder`; the user's photos go to `frames`."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        "IMMICH_BASE_URL": immich.base_url,
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), "SMTP_USE_TLS": "false",
        "SMTP_FROM": "pixsync@example.com",
        "SMTP_MAX_PER_MINUTE": "100000", "SMTP_MAX_PER_DAY": "10000000",
        "POLL_INTERVAL_SECONDS": "10", "LOG_FILE": "pixsync.log",
    }
    env.update(extra or {})
    (folder / ".env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    (folder / "pixstar_mapping.json").write_text(json.dumps({
        "defaultPixstarEmails": [],
        "accounts": [{"immichUser": USER, "immichApiKey": KEY, "pixstarEmails": list(frames)}]}))
    os.chmod(folder / ".env", 0o600)
    os.chmod(folder / "pixstar_mapping.json", 0o600)
    return folder


def clean_env():
    """The benchmark's .env must win: drop the caller's pixsync settings."""
    keys = ("IMMICH_", "SMTP_", "PIXSTAR_", "STATE_", "LOG_", "POLL_", "START_", "RECONCILE_",
            "MAX_ATTEMPTS", "PIXSYNC_CONFIG")
    return {k: v for k, v in os.environ.items() if not k.startswith(keys)}


def pixsync(cli, folder, *args, timeout=1800):
    r = run_measured([str(cli), *args], cwd=folder, env=clean_env(), timeout=timeout)
    if r["rc"] != 0:
        raise RuntimeError(f"pixsync {' '.join(args)} exited {r['rc']}: {r['stderr'][-2000:]}\n"
                           f"log: {folder / 'pixsync.log'}")
    return r


def first_sync(t, cli, work, media, photos):
    """(a) First sync of `photos` favorites; returns the folder (for the idle poll)."""
    n12 = max(1, photos // 10)
    files = [(media["12mp"], f"IMG_{i:04d}.jpg") for i in range(n12)]
    files += [(media["video"], "VID_0001.mp4")]
    files += [(media["3mp"], f"IMG_{i:04d}.jpg") for i in range(n12, photos - 1)]
    work.mkdir()
    lib = manifest(work / "library.json", files)
    immich = FakeImmich(work, lib)
    smtp = SmtpServer(work)
    # From the originals, as before previews were used (see cpu_per_12mp for those).
    folder = setup(work / "service", immich, smtp, {"IMMICH_IMAGE_SOURCE": "original"})
    r = pixsync(cli, folder, "once")
    sent = smtp.message_count()
    label = f"{photos} favorites ({n12} x 12 MP, 1 video, {photos - 1 - n12} x 3 MP)"
    t.add("first sync", f"wall time, {label}", r["wall_s"], "s")
    t.add("first sync", "CPU time of pixsync (user+sys)", r["cpu_s"], "s",
          f"user {r['user_s']:.2f} s, sys {r['sys_s']:.2f} s")
    t.add("first sync", "peak memory of pixsync (max RSS)", r["maxrss_mb"], "MB")
    t.add("first sync", "photos per second (wall)", photos / r["wall_s"], "photos/s")
    t.add("first sync", "messages received by the SMTP server", sent, "messages",
          "" if sent == photos else f"expected {photos}")
    return immich, smtp, folder


def idle_poll(t, cli, immich, folder):
    """(b) What one daemon poll costs when nothing changed (the fake's counters)."""
    out = open(folder / "daemon.out", "w")
    daemon = subprocess.Popen([str(cli), "run"], cwd=folder, env=clean_env(), stdout=out,
                              stderr=subprocess.STDOUT)
    try:
        # The first poll after start, then a quiet moment, then count exactly one poll.
        deadline = time.monotonic() + 60
        while immich.admin("GET", "/counters")["total"]["requests"] == 0:
            if time.monotonic() > deadline:
                raise RuntimeError("the daemon did not poll")
            time.sleep(0.2)
        time.sleep(3)
        immich.admin("DELETE", "/requests")
        deadline = time.monotonic() + 40
        while immich.admin("GET", "/counters")["total"]["requests"] == 0:
            if time.monotonic() > deadline:
                raise RuntimeError("no second poll within 40 s")
            time.sleep(0.2)
        time.sleep(3)
        counters = immich.admin("GET", "/counters")
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(30)
        out.close()
    for route, c in sorted(counters["endpoints"].items()):
        t.add("idle poll", f"{route}: requests / bytes in / bytes out", c["requests"], "requests",
              f"{c['bytesIn']} B in, {c['bytesOut']} B out")
    tot = counters["total"]
    t.add("idle poll", "total requests per idle poll (one user)", tot["requests"], "requests",
          f"{tot['bytesIn']} B in, {tot['bytesOut']} B out")
    # A `pixsync once` is a new process each time: it knows only what the state remembers.
    immich.admin("DELETE", "/requests")
    subprocess.run([str(cli), "once"], cwd=folder, env=clean_env(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tot = immich.admin("GET", "/counters")["total"]
    t.add("idle once", "total requests of an idle `pixsync once` (one user)", tot["requests"],
          "requests", f"{tot['bytesIn']} B in, {tot['bytesOut']} B out")


def resend(t, cli, work, media, sizes, quota):
    """(c) Resend of many favorites: memory while queuing and while delivering a bounded
    number (the daily quota pauses the sink after `quota` messages)."""
    work.mkdir()
    rss = {}
    for n in sizes:
        sub = work / str(n)
        sub.mkdir()
        lib = manifest(sub / "library.json", [(media["tiny"], f"IMG_{i:05d}.jpg") for i in range(n)],
                       salt=1)
        with FakeImmich(sub, lib) as immich, SmtpServer(sub) as smtp:
            folder = setup(sub / "service", immich, smtp,
                           {"START_FROM_NOW": "true", "SMTP_MAX_PER_DAY": str(quota)})
            baseline = pixsync(cli, folder, "once")
            queued = pixsync(cli, folder, "resend", "--all-users")
            deliver = pixsync(cli, folder, "once")
            sent = smtp.message_count()
        rss[n] = (baseline, queued, deliver)
        t.add("resend", f"{n} favorites: start-from-now first pass, max RSS", baseline["maxrss_mb"],
              "MB", f"{baseline['wall_s']:.1f} s")
        t.add("resend", f"{n} favorites: resend --all-users (queue {n}), max RSS",
              queued["maxrss_mb"], "MB", f"{queued['wall_s']:.1f} s")
        t.add("resend", f"{n} favorites: once, {sent} sent then quota pause, max RSS",
              deliver["maxrss_mb"], "MB", f"{deliver['wall_s']:.1f} s")
    small, large = sizes[0], sizes[-1]
    for step, name in ((1, "resend"), (2, "delivering pass")):
        ratio = rss[large][step]["maxrss_mb"] / rss[small][step]["maxrss_mb"]
        t.add("resend", f"max RSS {name}: {large} vs {small} favorites", ratio, "x",
              "flat" if ratio < 1.25 else "grows with the queue")


def vipsthumbnail_cpu(photo, work, runs=5):
    """Median CPU of vipsthumbnail fitting `photo` into 1024x768 (quality 85, stripped,
    optimised Huffman tables, like pixsync's frame pictures), with its defaults otherwise: like
    pixsync, no colour transform for a photo without an ICC profile."""
    cpu = []
    for _ in range(runs):
        r = run_measured(["vipsthumbnail", str(photo), "--size", "1024x768>", "-o",
                          str(work / "thumb.jpg") + "[Q=85,strip,optimize_coding]"], cwd=work)
        cpu.append(r["cpu_s"])
    return statistics.median(cpu)


def cpu_per_12mp(t, cli, work, media, count, runs):
    """(a) CPU per 12 MP photo: a sync of `count` 12 MP photos minus a sync of `count` tiny
    ones (same requests and messages, so the difference is the big photo's own cost), against
    vipsthumbnail's CPU on the same photo in this run. The 12 MP photos go once from their
    originals (IMMICH_IMAGE_SOURCE=original) and once with Immich's previews there (auto)."""
    work.mkdir()
    cpu, wall = {}, {}
    kinds = {"12mp": ("12mp", None, "original"), "12mp-auto": ("12mp", "12mp-preview", "auto"),
             "tiny": ("tiny", None, "original")}
    for kind, (photo, preview, source) in kinds.items():
        samples = []
        for run in range(runs):
            sub = work / f"{kind}-{run}"
            sub.mkdir()
            lib = manifest(sub / "library.json",
                           [(media[photo], f"IMG_{i:04d}.jpg") for i in range(count)], salt=2,
                           preview=media[preview] if preview else None)
            with FakeImmich(sub, lib) as immich, SmtpServer(sub) as smtp:
                folder = setup(sub / "service", immich, smtp, {"IMMICH_IMAGE_SOURCE": source})
                samples.append(pixsync(cli, folder, "once"))
        cpu[kind] = statistics.median(r["cpu_s"] for r in samples)
        wall[kind] = statistics.median(r["wall_s"] for r in samples)
    per_photo = (cpu["12mp"] - cpu["tiny"]) / count
    per_preview = (cpu["12mp-auto"] - cpu["tiny"]) / count
    vips = vipsthumbnail_cpu(media["12mp"], work, max(5, count))
    t.add("12 MP photo", f"pixsync CPU per 12 MP photo (sync of {count}, minus tiny photos)",
          per_photo * 1000, "ms", "download + transform + MIME + SMTP")
    t.add("12 MP photo", "vipsthumbnail CPU on the same photo (median)", vips * 1000, "ms")
    ratio = per_photo / vips if vips > 0 else float("nan")
    t.add("12 MP photo", "ratio pixsync / vipsthumbnail (target <= 1.5)", ratio, "x",
          "ok" if ratio <= 1.5 else "TARGET MISSED")
    t.add("12 MP photo, preview", "pixsync CPU per photo from Immich's 1920x1440 preview (auto)",
          per_preview * 1000, "ms", "same sync, IMMICH_IMAGE_SOURCE=auto, previews there")
    ratio = per_preview / vips if vips > 0 else float("nan")
    t.add("12 MP photo, preview", "ratio to vipsthumbnail on the original (goal <= 0.2)", ratio,
          "x", "ok" if ratio <= 0.2 else "GOAL MISSED")
    t.add("12 MP photo, preview", "wall time per photo: preview (auto) / original",
          wall["12mp-auto"] / count * 1000, "ms",
          f"original: {wall['12mp'] / count * 1000:.0f} ms per photo")


def two_frames(t, cli, work, media, count, runs, previous=None):
    """(g) First sync of `count` 12 MP photos, each to two frames of one profile: CPU per photo
    against vipsthumbnail on the same file, wall time against CPU time (a pipeline keeps both
    cores busy), peak memory; from the originals, then with Immich's previews there (auto).
    With `previous` (another build's pixsync) the originals run is measured for it too, in the
    same run, alternating."""
    work.mkdir()
    vips = vipsthumbnail_cpu(media["12mp"], work)
    frames = (FRAME, "bench-family@mypixstar.com")
    kinds = [("now", cli, "original", None, {}, count),
             ("now-auto", cli, "auto", "12mp-preview", {}, count),
             ("now-ahead-0", cli, "original", None, {"PHOTOS_AHEAD": "0"}, count)]
    if previous:
        kinds.append(("previous", previous, None, None, {}, count))
    results = {k[0]: [] for k in kinds}

    def sync(name, binary, source, preview, extra, photos, sub):
        sub.mkdir()
        lib = manifest(sub / "library.json",
                       [(media["12mp"], f"IMG_{i:04d}.jpg") for i in range(photos)], salt=3,
                       preview=media[preview] if preview else None)
        # A previous build may not know IMMICH_IMAGE_SOURCE (it always sent originals).
        env = dict(extra, **({"IMMICH_IMAGE_SOURCE": source} if source else {}))
        with FakeImmich(sub, lib) as immich, SmtpServer(sub) as smtp:
            folder = setup(sub / "service", immich, smtp, env, frames)
            servers = immich.cpu_s() + smtp.cpu_s()
            r = pixsync(binary, folder, "once")
            r["servers_cpu_s"] = immich.cpu_s() + smtp.cpu_s() - servers
            r["messages"] = smtp.message_count()
        return r

    for run in range(runs):
        for name, binary, source, preview, extra, photos in kinds:
            results[name].append(sync(name, binary, source, preview, extra, photos,
                                      work / f"{name}-{run}"))
    med = {k: {m: statistics.median(r[m] for r in v)
               for m in ("cpu_s", "wall_s", "maxrss_mb", "servers_cpu_s")}
           for k, v in results.items()}
    label = f"{count} x 12 MP to two frames"
    for name, title in (("now", "originals"), ("now-auto", "previews (auto)"),
                        ("now-ahead-0", "originals, PHOTOS_AHEAD=0"),
                        ("previous", "originals, previous build")):
        if name not in med:
            continue
        m = med[name]
        sent = results[name][0]["messages"]
        t.add(f"two frames, {title}", f"CPU per photo / vipsthumbnail ({label})",
              m["cpu_s"] / count / vips if vips else float("nan"), "x",
              f"{m['cpu_s'] / count * 1000:.0f} ms vs {vips * 1000:.0f} ms; {sent} messages")
        t.add(f"two frames, {title}", "wall time / CPU time (2 cores)", m["wall_s"] / m["cpu_s"],
              "x", f"wall {m['wall_s']:.1f} s, CPU {m['cpu_s']:.1f} s")
        t.add(f"two frames, {title}", "peak memory (max RSS)", m["maxrss_mb"], "MB")
        t.add(f"two frames, {title}", "the test servers' CPU meanwhile / pixsync's CPU",
              m["servers_cpu_s"] / m["cpu_s"], "x",
              f"fake Immich and SMTP server: {m['servers_cpu_s']:.2f} s")
    if "previous" in med:
        for measure, name in (("cpu_s", "CPU time"), ("wall_s", "wall time"),
                              ("maxrss_mb", "peak memory")):
            t.add("two frames, originals", f"this build / previous build, {name}",
                  med["now"][measure] / med["previous"][measure], "x")
    # Flat in the number of favorites: the same sync with four times the photos.
    more = sync("now-more", cli, "original", None, {}, count * 4, work / "now-more")
    t.add("two frames, originals", f"peak memory, {count * 4} photos / {count} photos",
          more["maxrss_mb"] / med["now"]["maxrss_mb"], "x",
          f"{more['maxrss_mb']:.1f} MB vs {med['now']['maxrss_mb']:.1f} MB")


def from_preview(t, cli, work, media):
    """(h) A 12 MP HEIC and a RAW file with Immich's previews there (auto): each delivered
    from its preview (the fake's counters: no original asked for), upright and inside the
    1024x768 profile; pixsync's CPU for both against vipsthumbnail's on the HEIC alone."""
    work.mkdir()
    files = [(media["scene-heic"], "IMG_0001.heic"), (media["scene-dng"], "IMG_0002.dng")]
    lib = manifest(work / "library.json", files, salt=5, preview=media["scene-preview"])
    with FakeImmich(work, lib) as immich, SmtpServer(work) as smtp:
        folder = setup(work / "service", immich, smtp, {"IMMICH_IMAGE_SOURCE": "auto"})
        r = pixsync(cli, folder, "once")
        endpoints = immich.admin("GET", "/counters")["endpoints"]
        mails = sorted(smtp.maildir.glob("*.eml"))
    originals = sum(c["requests"] for route, c in endpoints.items() if "original" in route)
    for eml in mails:
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        for part in message.iter_attachments():
            picture = work / part.get_filename()
            picture.write_bytes(part.get_content())
            size = [int(subprocess.run(["vipsheader", "-f", f, str(picture)], check=True,
                                       capture_output=True, text=True).stdout) for f in
                    ("width", "height")]

            def colour(fx, fy):
                out = subprocess.run(["vips", "getpoint", str(picture), str(int(fx * size[0])),
                                      str(int(fy * size[1]))], check=True, capture_output=True,
                                     text=True).stdout.split()
                return [float(v) for v in out[:3]]

            red, grey = colour(0.2, 0.2), colour(0.8, 0.8)
            upright = red[0] > 200 and red[1] < 60 and all(abs(v - 128) < 40 for v in grey)
            inside = size[0] <= 1024 and size[1] <= 768
            t.add("from the preview", f"{part.get_filename()}: delivered, upright, inside the "
                  "profile", 1 if (upright and inside) else 0, "yes=1",
                  f"{size[0]}x{size[1]}; top-left {red}, bottom-right {grey}")
    t.add("from the preview", "HEIC + RAW: messages / originals asked for", len(mails),
          "messages", f"{originals} original downloads")
    vips = vipsthumbnail_cpu(media["scene-heic"], work)
    t.add("from the preview", "pixsync CPU for both (whole process) / vipsthumbnail on the HEIC",
          r["cpu_s"] / vips if vips else float("nan"), "x",
          f"{r['cpu_s'] * 1000:.0f} ms vs {vips * 1000:.0f} ms")


def startup(t, cli, folder, runs):
    """`pixsync --version` and a no-op `pixsync status` (state of the first sync)."""
    hyperfine = shutil.which("hyperfine")
    for name, args in (("pixsync --version", ["--version"]), ("pixsync status (no-op)", ["status"])):
        if hyperfine:
            export = folder / "hyperfine.json"
            subprocess.run([hyperfine, "-N", "--warmup", "3", "--runs", str(runs), "--export-json",
                            str(export), " ".join([str(cli), *args])], cwd=folder, env=clean_env(),
                           check=True, stdout=subprocess.DEVNULL)
            median = json.loads(export.read_text())["results"][0]["median"]
            how = "hyperfine median"
        else:
            walls = []
            for i in range(runs + 3):
                start = time.monotonic()
                subprocess.run([str(cli), *args], cwd=folder, env=clean_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                if i >= 3:  # the first runs warm the page cache
                    walls.append(time.monotonic() - start)
            median = statistics.median(walls)
            how = f"median of {runs} runs"
        cpu = statistics.median(
            run_measured([str(cli), *args], cwd=folder, env=clean_env())["cpu_s"] for _ in range(5))
        ms = median * 1000
        t.add("start-up", f"{name} wall time", ms, "ms",
              f"{how}; target < 50 ms: {'ok' if ms < 50 else 'MISSED'}")
        t.add("start-up", f"{name} CPU time (user+sys, median of 5)", cpu * 1000, "ms",
              "10 ms resolution")


def media_bench(t, build, runs):
    """(d) bench/media/run.sh: the transform against vipsthumbnail as whole processes."""
    r = subprocess.run(["sh", str(ROOT / "bench" / "media" / "run.sh"), str(build), str(runs)],
                       capture_output=True, text=True, check=True)
    pattern = re.compile(r"^(\S+)\s+runs=\d+\s+pixsync transform ([\d.]+) ms\s+vipsthumbnail "
                         r"([\d.]+) ms\s+ratio ([\d.]+)x")
    for line in r.stdout.splitlines():
        m = pattern.match(line)
        if m:
            name, ours, theirs, ratio = m.group(1), *map(float, m.groups()[1:])
            t.add("transform", f"{name}: pixsync transform (process, median)", ours, "ms",
                  f"vipsthumbnail {theirs:.1f} ms, ratio {ratio:.2f}x")


def state_bench(t, build, work, args):
    """(e) pixsync-bench-state."""
    out = work / "state.json"
    subprocess.run([str(build / "bin" / "pixsync-bench-state"), *args, "--json", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    for f in json.loads(out.read_text())["figures"]:
        t.add("state", f"{f['store']}: {f['measure']}", float(f["value"]), f["unit"])


def machine():
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "memory_gb": round(mem_kb / 1048576, 1),
            "kernel": platform.release(), "load_at_start": os.getloadavg()[0]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--resend", type=int, default=5000)
    ap.add_argument("--resend-quota", type=int, default=50)
    ap.add_argument("--big-photos", type=int, default=10, help="12 MP photos per CPU sample")
    ap.add_argument("--samples", type=int, default=3, help="samples of the 12 MP CPU figure")
    ap.add_argument("--media-runs", type=int, default=5)
    ap.add_argument("--startup-runs", type=int, default=20)
    ap.add_argument("--state-args", default="--sqlite-sizes 100000 --json-size 20000")
    ap.add_argument("--two-frames", type=int, default=30, help="12 MP photos of the two-frame sync")
    ap.add_argument("--previous", type=Path, help="another build to compare in the two-frame sync")
    ap.add_argument("--skip", default="", help="comma-separated: first,idle,cpu,preview,twoframes,resend,"
                                               "startup,transform,state")
    a = ap.parse_args()
    build = a.build.resolve()
    cli = build / "bin" / "pixsync"
    if not cli.exists():
        sys.exit(f"{cli} does not exist: build first (cmake --build {a.build})")
    skip = set(filter(None, a.skip.split(",")))
    info = machine()
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True).stdout.strip()
    print(f"pixsync scenario benchmarks: {version}; {info['nproc']} CPUs ({info['cpu']}), "
          f"{info['memory_gb']} GB, load {info['load_at_start']:.1f}", flush=True)
    t = Table()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="pixsync-bench-"))
    try:
        media = make_media(work)
        if "first" not in skip:
            immich, smtp, folder = first_sync(t, cli, work / "first", media, a.photos)
            try:
                if "idle" not in skip:
                    idle_poll(t, cli, immich, folder)
                if "startup" not in skip:
                    startup(t, cli, folder, a.startup_runs)
            finally:
                immich.stop()
                smtp.stop()
        if "cpu" not in skip:
            cpu_per_12mp(t, cli, work / "cpu", media, a.big_photos, a.samples)
        if "preview" not in skip:
            from_preview(t, cli, work / "from-preview", media)
        if "twoframes" not in skip:
            previous = (a.previous.resolve() / "bin" / "pixsync") if a.previous else None
            two_frames(t, cli, work / "two-frames", media, a.two_frames, a.samples, previous)
        if "resend" not in skip:
            sizes = sorted({max(1, a.resend // 10), a.resend})
            resend(t, cli, work / "resend", media, sizes, a.resend_quota)
        # The component benchmarks are separate programs: a failure there is reported in
        # the table instead of losing the scenarios measured so far.
        for name, step in (("transform", lambda: media_bench(t, build, a.media_runs)),
                           ("state", lambda: state_bench(t, build, work, a.state_args.split()))):
            if name in skip:
                continue
            try:
                step()
            except (subprocess.CalledProcessError, OSError, ValueError) as e:
                t.add(name, "benchmark failed", 0, "", str(e)[:200])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    info["total_minutes"] = round((time.monotonic() - started) / 60, 1)
    t.print()
    print(f"\nmachine: {info['nproc']} CPUs, {info['cpu']}, {info['memory_gb']} GB; "
          f"load at start {info['load_at_start']:.1f}; total {info['total_minutes']} min")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps({"version": version, "machine": info, "figures": t.rows},
                                indent=2) + "\n")
    print(f"written: {a.out}")


if __name__ == "__main__":
    main()
