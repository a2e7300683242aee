#!/usr/bin/env python3
"""End-to-end harness: a fake Immich, a real SMTP server and the built `pixsync`, wired the
way the original Python service is configured (`.env` + `pixstar_mapping.json`).

Used by the scenario suite (tests/e2e/scenarios) and by scripts/demo.sh. Standard library
only; pictures are checked with the `vips` command line tools (libvips-tools).

    with Harness(pixsync, source_dir, work_dir) as h:
        h.start(Library(favorites=300))       # servers + the original's configuration files
        h.pixsync("once")
        h.verify(h.new_messages(), h.catalog.expected(), "first pass")
"""

import base64
import contextlib
import csv
import email
import email.policy
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))

# The frame profile pixsync uses when none is configured (PIXSTAR_MAX_WIDTH/HEIGHT).
FRAME_WIDTH, FRAME_HEIGHT = 1024, 768


class HarnessError(AssertionError):
    """A scenario expectation that did not hold, or a helper that could not start."""


def log(*parts):
    print("[e2e]", *parts, flush=True)


# --------------------------------------------------------------------------------------------
# Media


def ensure_media(source_dir, cache_dir):
    """Generates (once, shared by concurrent callers) the pictures the library is made of:
    the fixtures of tests/support/media plus a 1600x1200 JPEG of the same upright scene."""
    done = os.path.join(cache_dir, ".complete-2")
    os.makedirs(cache_dir, exist_ok=True)
    with open(os.path.join(cache_dir, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(done):
            return cache_dir
        sys.path.insert(0, os.path.join(source_dir, "tests", "support", "media"))
        import make_fixtures as fx  # noqa: E402  (lives in the source tree, found at run time)

        work = os.path.join(cache_dir, ".work")
        os.makedirs(work, exist_ok=True)
        fx.make_orientations(cache_dir, work)
        fx.make_formats(cache_dir, work)
        fx.make_alpha_png(cache_dir, work)
        fx.make_big(cache_dir, work)
        fx.make_video(os.path.join(cache_dir, "video-small.mp4"), 100 * 1024)
        scene = os.path.join(work, "scene-1600.ppm")
        fx.write_scene(scene, 1600, 1200)
        fx.run("vips", "copy", scene, os.path.join(cache_dir, "photo-1600.jpg") + "[Q=85]")
        # A camera RAW file as far as pixsync can tell: a DNG (TIFF) header and nothing a
        # decoder can read. Immich's preview of it is photo-1600.jpg.
        with open(os.path.join(cache_dir, "photo.dng"), "wb") as f:
            f.write(b"II*\x00" + bytes(range(256)) * 64)
        shutil.rmtree(work, ignore_errors=True)
        with open(done, "w") as f:
            f.write("ok\n")
    return cache_dir


# Each kind of favorite: fixture file, the extension it is uploaded with, and the size
# pixsync must deliver (fitted inside 1024x768, never enlarged). None: sent as it is.
KINDS = {
    "jpeg": ("photo-1600.jpg", ".jpg", (1024, 768)),
    # Delivered from Immich's preview (PREVIEWS), the only picture of it libvips can read.
    "raw": ("photo.dng", ".dng", (1024, 768)),
    "jpeg12mp": ("photo-12mp.jpg", ".jpg", (1024, 768)),
    "heic": ("photo.heic", ".heic", (800, 600)),
    "png-alpha": ("alpha.png", ".png", (400, 300)),
    "portrait-exif6": ("orientation-6.jpg", ".jpg", (400, 300)),
    "portrait-exif8": ("orientation-8.jpg", ".jpg", (400, 300)),
    "exif3": ("orientation-3.jpg", ".jpg", (400, 300)),
    "video": ("video-small.mp4", ".mp4", None),
}


# Immich's preview of a kind, where the test library has one of its own (otherwise a JPEG
# original serves as its own preview, anything else gets a 1x1 JPEG).
PREVIEWS = {"raw": "photo-1600.jpg"}


def asset_uuid(name):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "pixsync-e2e:" + name))


def fake_checksum(name):
    return base64.b64encode(hashlib.sha1(name.encode()).digest()).decode()


class Asset:
    def __init__(self, owner, stem, kind, favorite=True, shared_checksum=None):
        self.owner, self.stem, self.kind, self.favorite = owner, stem, kind, favorite
        self.id = asset_uuid(owner + "/" + stem)
        self.file, self.ext, self.expected_size = KINDS[kind]
        # Every picture shows the same scene; a distinct checksum makes each a distinct
        # photo for pixsync, except where a test wants the same photo twice.
        self.checksum = shared_checksum or fake_checksum(owner + "/" + stem)

    @property
    def file_name(self):
        return self.stem + self.ext

    @property
    def attachment_name(self):
        return self.file_name if self.kind == "video" else self.stem + ".jpg"

    def manifest(self, minute):
        m = {"id": self.id, "owner": self.owner, "file": self.file,
             "originalFileName": self.file_name, "checksum": self.checksum,
             "isFavorite": self.favorite,
             "fileCreatedAt": time.strftime("%Y-%m-%dT%H:%M:00Z", time.gmtime(1.7e9 + 60 * minute))}
        if self.kind in PREVIEWS:
            m["preview"] = PREVIEWS[self.kind]
        return m


class User:
    def __init__(self, email_address, key, frames):
        self.email, self.key, self.frames = email_address, key, frames  # frames: None = default


class Library:
    """Users, frames and favorites. `favorites` spreads over the mapped users; the realistic
    mix is mostly 1600x1200 JPEGs plus HEIC, transparent PNG, EXIF-rotated portraits, a few
    12 MP photos and a short video per user."""

    FAMILY = "family-frame@mypixstar.com"

    def __init__(self, favorites=300, users=3, partner_favorites=6, spare=5, demo=False):
        names = ["alice", "bob", "carol", "dan", "erin"][:users]
        self.users = []
        for i, n in enumerate(names):
            own = f"{n}-frame@mypixstar.com"
            # The last user has no pixstarEmails: the mapping's defaults apply.
            frames = None if i == len(names) - 1 else [own, self.FAMILY]
            self.users.append(User(f"{n}@example.com", f"{n}-key-0123456789", frames))
        self.default_frames = [f"{names[-1]}-frame@mypixstar.com", self.FAMILY]
        self.partner = User("partner@example.com", "partner-key-0123456789", None)
        self.admin_key = "admin-key-0123456789"
        self.assets = []
        per_user = [favorites // users + (1 if i < favorites % users else 0) for i in range(users)]
        specials = ["heic", "png-alpha", "portrait-exif6", "portrait-exif8", "exif3", "video"]
        if not demo:
            specials += ["jpeg12mp", "raw"]
        for u, count in zip(self.users, per_user):
            short = u.email.split("@")[0]
            kinds = (specials + ["jpeg"] * count)[:count]
            if u in self.users[:2]:
                kinds = kinds[:-1]  # room for the photo both share
            for i, kind in enumerate(kinds):
                self.assets.append(Asset(u.email, f"{short}-{i:04d}", kind))
            for i in range(spare):  # in the library but not favorites (yet)
                self.assets.append(Asset(u.email, f"{short}-spare-{i:02d}", "jpeg", favorite=False))
        # The same photo (same bytes and checksum) in two libraries, both sending to the
        # family frame: it must reach that frame once.
        shared = fake_checksum("shared-beach")
        for u in self.users[:2]:
            self.assets.append(Asset(u.email, "shared-beach", "jpeg", shared_checksum=shared))
        # A partner who shares their library with the first user: never sent.
        for i in range(partner_favorites):
            self.assets.append(Asset(self.partner.email, f"partner-{i:04d}", "jpeg"))

    def frames_of(self, user):
        return user.frames if user.frames is not None else self.default_frames

    def user(self, email_address):
        return next(u for u in self.users if u.email == email_address)

    def favorites_of(self, user_email):
        return [a for a in self.assets if a.owner == user_email and a.favorite]

    def by_id(self, asset_id):
        return next(a for a in self.assets if a.id == asset_id)

    def manifest(self):
        users = [{"email": u.email, "name": u.email.split("@")[0].title(), "isAdmin": False,
                  "apiKeys": [{"key": u.key, "permissions": ["all"]}]} for u in self.users + [self.partner]]
        users.append({"email": "admin@example.com", "name": "Admin", "isAdmin": True,
                      "apiKeys": [{"key": self.admin_key, "permissions": ["all"]}]})
        return {"users": users,
                "partners": [{"sharedBy": self.partner.email, "sharedWith": self.users[0].email}],
                "assets": [a.manifest(i) for i, a in enumerate(self.assets)]}

    def mapping(self):
        accounts = []
        for u in self.users:
            account = {"immichUser": u.email, "immichApiKey": u.key}
            if u.frames is not None:
                account["pixstarEmails"] = u.frames
            accounts.append(account)
        return {"defaultPixstarEmails": self.default_frames, "accounts": accounts}

    def expected(self, users=None, only=None):
        """(frame, attachment name) pairs a complete delivery of `users`' favorites gives:
        one per photo and frame, the shared photo once per frame."""
        pairs = set()
        for u in self.users:
            if users is not None and u.email not in users:
                continue
            for a in self.favorites_of(u.email):
                if only is not None and a.id not in only:
                    continue
                for frame in self.frames_of(u):
                    pairs.add((frame, a.attachment_name))
        return pairs


# --------------------------------------------------------------------------------------------
# Delivered messages


class Message:
    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            msg = email.message_from_bytes(f.read(), policy=email.policy.default)
        # The test server keeps one file per envelope recipient, named after it: a message
        # to several frames (PIXSTAR_GROUP_RECIPIENTS) counts once for each.
        to = [a.addr_spec.lower() for a in msg["To"].addresses]
        named = os.path.basename(path).split("-", 1)[1][:-len(".eml")].lower()
        self.recipients = to
        self.recipient = named if len(to) > 1 and named in to else to[0]
        self.subject = str(msg["Subject"])
        attachments = list(msg.iter_attachments())
        if len(attachments) != 1:
            raise HarnessError(f"{path}: {len(attachments)} attachments, expected 1")
        self.attachment_name = attachments[0].get_filename()
        self.content_type = attachments[0].get_content_type()
        self.data = attachments[0].get_content()


class ImageChecker:
    """Checks frame-ready pictures with the vips CLI; results are cached by content, as
    many favorites produce identical output."""

    def __init__(self, scratch):
        self.scratch = scratch
        self.cache = {}
        os.makedirs(scratch, exist_ok=True)

    def _vips(self, *argv):
        r = subprocess.run(argv, capture_output=True, text=True)
        if r.returncode != 0:
            raise HarnessError(f"{' '.join(argv)} failed: {r.stderr.strip()}")
        return r.stdout.strip()

    def _quadrant_means(self, path, left, top, width, height):
        """Mean of each band over a rectangle (vips crop + vips stats)."""
        crop = os.path.join(self.scratch, "crop.v")
        stats = os.path.join(self.scratch, "stats.csv")
        self._vips("vips", "crop", path, crop, str(left), str(top), str(width), str(height))
        self._vips("vips", "stats", crop, stats)
        with open(stats) as f:
            rows = list(csv.reader(f, delimiter="\t"))
        # Row 0 covers all bands; rows 1.. one band each; column 4 is the mean.
        return [float(r[4]) for r in rows[1:4]]

    def check(self, data, expected_size, transparent_corner=False):
        """Returns a list of problems (empty when the picture is a good frame JPEG)."""
        digest = hashlib.sha256(data).hexdigest()
        key = (digest, expected_size, transparent_corner)
        if key in self.cache:
            return self.cache[key]
        problems = []
        path = os.path.join(self.scratch, "picture.jpg")
        with open(path, "wb") as f:
            f.write(data)
        if data[:3] != b"\xff\xd8\xff":
            problems.append("not a JPEG")
        else:
            loader = self._vips("vipsheader", "-f", "vips-loader", path)
            width = int(self._vips("vipsheader", "-f", "width", path))
            height = int(self._vips("vipsheader", "-f", "height", path))
            if loader != "jpegload":
                problems.append(f"loaded by {loader}, not jpegload")
            if width > FRAME_WIDTH or height > FRAME_HEIGHT:
                problems.append(f"{width}x{height} is outside the {FRAME_WIDTH}x{FRAME_HEIGHT} frame")
            if expected_size and (width, height) != tuple(expected_size):
                problems.append(f"{width}x{height}, expected {expected_size[0]}x{expected_size[1]}")
            # Sample the inner part of two quadrants (away from the blurred edge).
            qw, qh = width // 2, height // 2
            inset_w, inset_h = qw // 4, qh // 4
            tl = self._quadrant_means(path, inset_w, inset_h, qw - 2 * inset_w, qh - 2 * inset_h)
            br = self._quadrant_means(path, qw + inset_w, qh + inset_h, qw - 2 * inset_w, qh - 2 * inset_h)
            if not (tl[0] > 200 and tl[1] < 60 and tl[2] < 60):
                problems.append(f"top-left is not red (mean {tl}): not upright")
            if transparent_corner:
                if min(br) < 230:
                    problems.append(f"transparent bottom-right is not white (mean {br})")
            elif not all(100 < v < 156 for v in br):
                problems.append(f"bottom-right is not grey (mean {br}): not upright")
        self.cache[key] = problems
        return problems


# --------------------------------------------------------------------------------------------
# Processes


def wait_for_file(path, proc, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            with open(path) as f:
                text = f.read().strip()
            if text:
                return text
        if proc.poll() is not None:
            raise HarnessError(f"{what} exited with {proc.returncode} before it was ready")
        time.sleep(0.05)
    raise HarnessError(f"{what} did not start within {timeout} s")


class Harness:
    def __init__(self, pixsync, source_dir, work_dir, python=None, media_cache=None):
        self.pixsync_path = os.path.abspath(pixsync)
        self.source_dir = os.path.abspath(source_dir)
        self.work = os.path.abspath(work_dir)
        self.python = python or os.environ.get("PIXSYNC_TEST_PYTHON") or sys.executable
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        self.media = ensure_media(self.source_dir, media_cache or os.path.join(self.work, "media"))
        self.config_dir = os.path.join(self.work, "service")
        self.maildir = os.path.join(self.work, "mail")
        os.makedirs(self.config_dir)
        self.procs = []
        self.seen = set()
        self.images = ImageChecker(os.path.join(self.work, "scratch"))
        self.smtp_user, self.smtp_password = "photos@example.com", "app-password-1234"
        self.catalog = None
        self.immich_url = None
        self.smtp_port = None
        self.smtp_ca = None

    # -- lifecycle --
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def _spawn(self, name, argv):
        out = open(os.path.join(self.work, f"{name}.log"), "wb")
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        out.close()
        self.procs.append((name, proc))
        return proc

    def stop(self):
        for name, proc in reversed(self.procs):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        self.procs.clear()

    def start_immich(self, manifest):
        path = os.path.join(self.media, f"manifest-{os.getpid()}-{len(self.procs)}.json")
        # The manifest names fixture files relative to itself.
        with open(path, "w") as f:
            json.dump(manifest, f)
        port_file = os.path.join(self.work, "immich.port")
        proc = self._spawn("fake-immich", [
            self.python, os.path.join(self.source_dir, "tests/support/fake_immich/fake_immich.py"),
            "--port", "0", "--port-file", port_file, "--manifest", path])
        port = wait_for_file(port_file, proc, "the fake Immich", timeout=120)
        os.remove(path)
        self.immich_root = f"http://127.0.0.1:{port}"
        self.immich_url = self.immich_root + "/api"

    def start_smtp(self, fail_first=0, extra=()):
        port_file = os.path.join(self.work, "smtp.port")
        ca_out = os.path.join(self.work, "smtp.ca")
        for p in (port_file, ca_out):
            with contextlib.suppress(FileNotFoundError):
                os.remove(p)
        argv = [self.python, os.path.join(self.source_dir, "tests/support/smtp_server/smtp_server.py"),
                "--port-file", port_file, "--maildir", self.maildir,
                "--log-file", os.path.join(self.work, "smtp-events.log"),
                "--cert-dir", os.path.join(self.work, "smtp-cert"), "--ca-file-out", ca_out,
                "--starttls", "--auth-user", self.smtp_user, "--auth-password", self.smtp_password]
        if fail_first:
            argv += ["--fail-first", str(fail_first)]
        argv += list(extra)
        proc = self._spawn("smtp-server", argv)
        self.smtp_port = int(wait_for_file(port_file, proc, "the SMTP server", timeout=120))
        self.smtp_ca = wait_for_file(ca_out, proc, "the SMTP server's CA file", timeout=30)

    def start(self, library, fail_first=0, env=None):
        self.catalog = library
        self.env_extra = dict(env or {})
        self.start_immich(library.manifest())
        self.start_smtp(fail_first=fail_first)
        self.write_config()

    def write_config(self):
        """The original service's configuration files, as its README describes them."""
        env = {
            "IMMICH_BASE_URL": self.immich_url,
            "IMMICH_API_KEY": self.catalog.admin_key,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.smtp_port),
            "SMTP_USER": self.smtp_user,
            "SMTP_PASSWORD": self.smtp_password,
            "SMTP_USE_TLS": "true",
            "SMTP_CA_FILE": self.smtp_ca,
            "POLL_INTERVAL_SECONDS": "10",
            "PIXSTAR_MAPPING_PATH": "pixstar_mapping.json",
            "STATE_PATH": "pixstar_sync_state.json",
            # A test sends hundreds of messages to a local server: no Gmail-sized limits.
            "SMTP_MAX_PER_MINUTE": "100000",
            "SMTP_MAX_PER_DAY": "10000000",
        }
        env.update(self.env_extra)
        with open(os.path.join(self.config_dir, ".env"), "w") as f:
            f.write("# Immich -> Pix-Star favorites sync\n")
            for k, v in env.items():
                f.write(f"{k}={v}\n")
        os.chmod(os.path.join(self.config_dir, ".env"), 0o600)
        path = os.path.join(self.config_dir, "pixstar_mapping.json")
        with open(path, "w") as f:
            json.dump(self.catalog.mapping(), f, indent=2)
        os.chmod(path, 0o600)

    def write_original_state(self, sent_by_user):
        with open(os.path.join(self.config_dir, "pixstar_sync_state.json"), "w") as f:
            json.dump({"by_user": sent_by_user}, f, indent=2)

    # -- pixsync --
    def pixsync(self, *args, expect=0, timeout=600):
        """Runs pixsync to its end. The result has returncode, stdout, stderr and peak_mb: the
        process's own peak memory (max RSS, from wait4, so no other child counts)."""
        started = time.monotonic()
        env = dict(os.environ)
        env.pop("PIXSYNC_CONFIG", None)
        out_path = os.path.join(self.work, "last-pixsync.out")
        err_path = os.path.join(self.work, "last-pixsync.err")
        with open(out_path, "w") as out, open(err_path, "w") as err:
            proc = subprocess.Popen([self.pixsync_path, *args], cwd=self.config_dir, env=env,
                                    stdout=out, stderr=err)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise HarnessError(f"pixsync {' '.join(args)} still running after {timeout} s")
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
        with open(out_path) as f:
            stdout = f.read()
        with open(err_path) as f:
            stderr = f.read()
        r = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
        r.peak_mb = usage.ru_maxrss / 1024.0
        took = time.monotonic() - started
        log(f"pixsync {' '.join(args)} -> exit {r.returncode} in {took:.1f} s, "
            f"peak memory {r.peak_mb:.1f} MB")
        with open(os.path.join(self.work, "pixsync-output.log"), "a") as f:
            f.write(f"$ pixsync {' '.join(args)}  (exit {r.returncode})\n{r.stdout}{r.stderr}\n")
        if expect is not None and r.returncode != expect:
            raise HarnessError(f"pixsync {' '.join(args)} exited {r.returncode}, expected {expect}\n"
                               f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}")
        return r

    def start_daemon(self, poll_interval_ms=None, listen=None):
        """`pixsync run` in the configuration folder; its output goes to daemon.log. With
        `poll_interval_ms`, it polls that often instead of every POLL_INTERVAL_SECONDS (a test
        build's PIXSYNC_TEST_POLL_INTERVAL_MS; the 10 s floor does not apply). With `listen`
        ("127.0.0.1:0" picks a free port), it serves the status page: see served_port()."""
        env = dict(os.environ)
        env.pop("PIXSYNC_CONFIG", None)
        if poll_interval_ms is not None:
            env["PIXSYNC_TEST_POLL_INTERVAL_MS"] = str(poll_interval_ms)
        out = open(os.path.join(self.work, "daemon.log"), "wb")
        argv = [self.pixsync_path, "run"] + (["--listen", listen] if listen else [])
        proc = subprocess.Popen(argv, cwd=self.config_dir, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        out.close()
        self.procs.append(("pixsync run", proc))
        return proc

    def wait_for_log(self, text, timeout=30):
        """Waits until pixsync's log (LOG_FILE, or the daemon's output) contains `text`."""
        deadline = time.monotonic() + timeout
        paths = [os.path.join(self.config_dir, n) for n in os.listdir(self.config_dir)
                 if n.endswith(".log")] + [os.path.join(self.work, "daemon.log")]
        while time.monotonic() < deadline:
            for p in paths:
                if os.path.exists(p) and text in open(p, errors="replace").read():
                    return
            time.sleep(0.2)
        raise HarnessError(f"the log never said {text!r} within {timeout} s")

    def served_port(self, timeout=30):
        """The port a daemon started with `listen` serves its status page on (from its log)."""
        marker = "/healthz and /metrics on port "
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name in os.listdir(self.config_dir):
                if name.endswith(".log"):
                    text = open(os.path.join(self.config_dir, name), errors="replace").read()
                    at = text.rfind(marker)
                    if at >= 0:
                        return int(text[at + len(marker):].split()[0])
            time.sleep(0.2)
        raise HarnessError(f"the daemon never said which port it serves within {timeout} s")

    def status(self):
        return json.loads(self.pixsync("status", "--json", expect=None).stdout)

    # -- fake Immich admin API --
    def admin(self, method, path, body=None):
        import urllib.request
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.immich_root + "/__admin/" + path.lstrip("/"), data=data,
                                     method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            text = resp.read().decode()
        return json.loads(text) if text.strip() else None

    def set_favorite(self, assets, favorite):
        self.admin("POST", "favorite", {"ids": [a.id for a in assets], "isFavorite": favorite})
        for a in assets:
            a.favorite = favorite

    def add_assets(self, assets):
        for a in assets:
            self.admin("POST", "assets", a.manifest(100000 + len(self.catalog.assets)))
            self.catalog.assets.append(a)

    # -- mail --
    def all_messages(self):
        if not os.path.isdir(self.maildir):
            return []
        names = sorted(n for n in os.listdir(self.maildir) if n.endswith(".eml"))
        return [Message(os.path.join(self.maildir, n)) for n in names]

    def new_messages(self):
        """Messages received since the last call."""
        if not os.path.isdir(self.maildir):
            return []
        names = sorted(n for n in os.listdir(self.maildir) if n.endswith(".eml") and n not in self.seen)
        self.seen.update(names)
        return [Message(os.path.join(self.maildir, n)) for n in names]

    def verify(self, messages, expected, what):
        """Asserts that `messages` are exactly `expected` ((frame, attachment name) pairs):
        nothing missing, duplicated or misrouted; every picture upright, a JPEG inside the
        frame, every video its original bytes."""
        got = [(m.recipient, m.attachment_name) for m in messages]
        problems = []
        dupes = sorted({p for p in got if got.count(p) > 1}) if len(set(got)) != len(got) else []
        if dupes:
            problems.append(f"{len(dupes)} duplicated, e.g. {dupes[:5]}")
        missing = sorted(expected - set(got))
        extra = sorted(set(got) - expected)
        if missing:
            problems.append(f"{len(missing)} missing, e.g. {missing[:5]}")
        if extra:
            problems.append(f"{len(extra)} unexpected (misrouted or not a favorite), e.g. {extra[:5]}")
        by_name = {a.attachment_name: a for a in self.catalog.assets}
        for m in messages:
            a = by_name.get(m.attachment_name)
            if a is None:
                continue
            if a.kind == "video":
                with open(os.path.join(self.media, a.file), "rb") as f:
                    if f.read() != m.data:
                        problems.append(f"{m.path}: the video's bytes differ from the original")
                continue
            for p in self.images.check(m.data, a.expected_size, transparent_corner=(a.kind == "png-alpha")):
                problems.append(f"{os.path.basename(m.path)} ({m.attachment_name} to {m.recipient}): {p}")
        if problems:
            raise HarnessError(f"{what}:\n  " + "\n  ".join(problems[:20]))
        log(f"{what}: {len(messages)} messages, all expected, upright and inside the frame")
