#!/usr/bin/env python3
"""End-to-end scenarios: the built pixsync against a fake Immich and a real SMTP server,
configured like the original service. One scenario per run:

    scenarios.py --pixsync BIN --source-dir DIR --work-dir DIR [--media-cache DIR] SCENARIO

Every scenario asserts on the delivered messages themselves: nothing missing, nothing
duplicated, nothing misrouted, every picture an upright JPEG inside the frame profile.
PIXSYNC_E2E_SCALE (default 1) multiplies the number of favorites (300).
"""

import argparse
import calendar
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Asset, Harness, HarnessError, Library, log  # noqa: E402

SCALE = float(os.environ.get("PIXSYNC_E2E_SCALE", "1"))
FAVORITES = max(30, int(300 * SCALE))


# The peak memory a first sync must stay under (MB): set for builds without sanitizers, whose
# shadow memory would count too.
PEAK_MEMORY_MB = float(os.environ.get("PIXSYNC_E2E_PEAK_MEMORY_MB", "0"))


def first_sync(h):
    """Everything is sent once to the right frames; a second pass sends nothing. The first
    pass, 12 MP photos included, stays under the peak memory bound."""
    first = h.pixsync("once")
    h.verify(h.new_messages(), h.catalog.expected(), "first pass")
    if PEAK_MEMORY_MB and first.peak_mb > PEAK_MEMORY_MB:
        raise HarnessError(f"the first pass peaked at {first.peak_mb:.1f} MB of memory, over the "
                           f"bound of {PEAK_MEMORY_MB:.0f} MB")
    h.pixsync("once")
    h.verify(h.new_messages(), set(), "second pass")
    check_status(h, queued=0, failed=0)


def check_status(h, queued, failed):
    status = h.status()
    for route in status["routes"]:
        if route["queued"] != queued or route["failed"] != failed:
            raise HarnessError(f"status of {route['route']}: queued {route['queued']}, failed "
                               f"{route['failed']}; expected {queued} and {failed}")


def new_favorites(h):
    """After the first sync only the new favorites arrive, each at its owner's frames."""
    h.pixsync("once")
    h.new_messages()
    lib = h.catalog
    alice, bob, carol = lib.users[0], lib.users[1], lib.users[2]
    spare = [a for a in lib.assets if a.owner == alice.email and not a.favorite][:2]
    spare += [a for a in lib.assets if a.owner == carol.email and not a.favorite][:1]
    h.set_favorite(spare, True)
    added = [Asset(bob.email, "bob-new-0001", "heic"), Asset(bob.email, "bob-new-0002", "jpeg"),
             Asset(bob.email, "bob-new-0003", "portrait-exif6"),
             Asset(lib.partner.email, "partner-new-0001", "jpeg")]
    h.add_assets(added)
    fresh = {a.id for a in spare + added}
    h.pixsync("once")
    h.verify(h.new_messages(), lib.expected(only=fresh), "pass after new favorites")
    h.pixsync("once")
    h.verify(h.new_messages(), set(), "pass after that")


def unfavorite(h):
    """Unfavoriting sends nothing; favoriting the same photos again does not resend them."""
    h.pixsync("once")
    h.new_messages()
    lib = h.catalog
    picks = lib.favorites_of(lib.users[0].email)[:5] + lib.favorites_of(lib.users[2].email)[:3]
    h.set_favorite(picks, False)
    h.pixsync("once")
    h.verify(h.new_messages(), set(), "pass after unfavoriting")
    h.set_favorite(picks, True)
    h.pixsync("once")
    h.verify(h.new_messages(), set(), "pass after favoriting again")


def resend_user(h):
    """`resend --user` queues that user's favorites: their frames get everything again,
    the other users' frames nothing."""
    h.pixsync("once")
    h.new_messages()
    alice = h.catalog.users[0]
    h.pixsync("resend", "--user", alice.email)
    h.verify(h.new_messages(), set(), "resend itself (it only queues)")
    h.pixsync("once")
    h.verify(h.new_messages(), h.catalog.expected(users={alice.email}), "pass after resend")
    h.pixsync("once")
    h.verify(h.new_messages(), set(), "pass after that")


def until_delivered(h, expected, what, budget_seconds=240, exits=(0,)):
    """Runs passes until every expected message arrived. Between passes it sleeps until the
    earliest `next_attempt` that `status --json` reports (retries wait for their backoff)."""
    got = []
    deadline = time.monotonic() + budget_seconds
    passes = 0
    while True:
        # A pass with deferred deliveries completed: exit 0 (see `exits` for exceptions).
        r = h.pixsync("once", expect=None)
        if exits == "health":
            # The README's rule: 1 exactly when a sink or route is failing or held at the end
            # of the pass (what `status` then says), else 0.
            want = 0 if h.status()["ok"] else 1
            if r.returncode != want:
                raise HarnessError(f"pass {passes + 1} exited {r.returncode}, but status says "
                                   f"{'ok' if want == 0 else 'failing or held'}:\n{r.stderr[-2000:]}")
        elif r.returncode not in exits:
            raise HarnessError(f"pass {passes + 1} exited {r.returncode}, expected one of {exits}:\n{r.stderr[-2000:]}")
        passes += 1
        got += h.new_messages()
        if {(m.recipient, m.attachment_name) for m in got} >= expected:
            log(f"{what}: complete after {passes} passes")
            break
        if time.monotonic() > deadline:
            break
        waits = [r["next_attempt"] for r in h.status()["routes"] if r.get("next_attempt")]
        pause = 2.0
        if waits:
            earliest = min(calendar.timegm(time.strptime(w[:19], "%Y-%m-%dT%H:%M:%S")) for w in waits)
            pause = min(max(earliest + 1 - time.time(), 0.5), 90.0)
        log(f"{what}: next attempt in {pause:.0f} s")
        time.sleep(pause)
    h.verify(got, expected, what)


def smtp_temporary_failures(h):
    """The SMTP server answers 451 to the first messages: they are retried and every photo
    arrives exactly once. Three different photos refused in a row hold the sink (exit 1 while
    it is held, as `status` says), until its check passes again."""
    until_delivered(h, h.catalog.expected(), "passes with 451 answers", exits="health")
    events = open(os.path.join(h.work, "smtp-events.log")).read()
    if events.count("TEMPFAIL") != 25:
        raise HarnessError(f"the server answered 451 {events.count('TEMPFAIL')} times, expected 25")
    check_status(h, queued=0, failed=0)


def immich_outage(h):
    """Immich answers 503 (a pass fails with exit 1 and sends nothing), then resets some
    downloads; once it is back everything arrives, nothing lost or doubled."""
    h.admin("POST", "faults", {"kind": "503", "count": 100000, "path": "/api/"})
    h.pixsync("once", expect=1)
    h.verify(h.new_messages(), set(), "pass during the outage")
    h.admin("DELETE", "faults")
    h.admin("POST", "faults", {"kind": "reset", "count": 15, "path": "/api/assets/"})
    # A pass whose downloads were reset ends with the route held (exit 1) unless a later
    # download in the same pass worked; each pass's code must match what `status` says.
    until_delivered(h, h.catalog.expected(), "passes after the outage", exits="health")
    if h.pixsync("once", expect=None).returncode != 0:
        raise HarnessError("a pass after everything was delivered did not exit 0")
    remaining = h.admin("GET", "faults")
    if remaining and any(f.get("remaining", 0) for f in remaining):
        raise HarnessError(f"not every injected reset was met: {remaining}")


def original_state(h):
    """The original's pixstar_sync_state.json lists what it sent: those photos are never
    sent, everything else is."""
    lib = h.catalog
    sent = {}
    for n, u in zip((40, 25, 10), lib.users):
        sent[u.email] = [a.id for a in lib.favorites_of(u.email)[:n]]
    h.write_original_state(sent)
    already = {i for ids in sent.values() for i in ids}
    rest = {a.id for a in lib.assets if a.favorite and a.id not in already}
    expected = lib.expected(only=rest)
    h.pixsync("once")
    h.verify(h.new_messages(), expected, "first pass after the switch")
    h.pixsync("once")
    h.verify(h.new_messages(), set(), "second pass")


def wait_for_messages(h, daemon, expected, what, timeout=240):
    """Collects messages until `expected` arrived (or the daemon died, or time ran out)."""
    got = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got += h.new_messages()
        if {(m.recipient, m.attachment_name) for m in got} >= expected:
            time.sleep(1)  # anything more would be a duplicate: let it show
            got += h.new_messages()
            break
        if daemon.poll() is not None:
            raise HarnessError(f"{what}: the daemon exited {daemon.returncode}")
        time.sleep(0.5)
    h.verify(got, expected, what)


def daemon_json_state(h):
    """The daemon with the JSON state store: its first poll sends everything, a later poll
    only the new favorites, a reload (SIGHUP) keeps it delivering, SIGTERM stops it with exit
    0, and the original's by_user list holds every photo it sent."""
    lib = h.catalog
    # Polls a second apart, so that "a later poll" does not wait out the 10 s floor.
    daemon = h.start_daemon(poll_interval_ms=1000)
    h.wait_for_log("PIXSYNC_TEST_POLL_INTERVAL_MS: polling every 1000 ms")
    wait_for_messages(h, daemon, lib.expected(), "first poll of the daemon")
    bob = lib.users[1]
    added = [Asset(bob.email, "bob-daemon-0001", "jpeg")]
    h.add_assets(added)
    wait_for_messages(h, daemon, lib.expected(only={a.id for a in added}), "a later poll")
    daemon.send_signal(signal.SIGHUP)
    h.wait_for_log("configuration reloaded")
    more = [Asset(bob.email, "bob-daemon-0002", "heic")]
    h.add_assets(more)
    wait_for_messages(h, daemon, lib.expected(only={a.id for a in more}), "a poll after the reload")
    daemon.send_signal(signal.SIGTERM)
    if daemon.wait(timeout=15) != 0:
        raise HarnessError(f"SIGTERM: the daemon exited {daemon.returncode}, expected 0")
    h.pixsync("once")
    h.verify(h.new_messages(), set(), "a pass after the daemon stopped")
    with open(os.path.join(h.config_dir, "pixstar_sync_state.json")) as f:
        by_user = json.load(f)["by_user"]
    for user in lib.users:
        want = {a.id for a in lib.favorites_of(user.email)} | {
            a.id for a in added + more if a.owner == user.email}
        have = set(by_user.get(user.email, []))
        if want - have:
            raise HarnessError(f"the JSON state's by_user for {user.email} misses "
                               f"{len(want - have)} sent photos, e.g. {sorted(want - have)[:3]}")


def grouped_recipients(h):
    """PIXSTAR_GROUP_RECIPIENTS: one message per photo to both frames of a user (same
    profile), each frame still receiving every photo once; a second pass sends nothing."""
    lib = h.catalog
    h.pixsync("once")
    messages = h.new_messages()
    h.verify(messages, lib.expected(), "grouped first pass")
    grouped = [m for m in messages if len(m.recipients) > 1]
    if not grouped:
        raise HarnessError("no message went to two frames at once")
    for m in grouped:
        user_frames = [set(lib.frames_of(u)) for u in lib.users]
        if set(m.recipients) not in user_frames:
            raise HarnessError(f"{m.path}: grouped {m.recipients}, not one user's frames")
    events = open(os.path.join(h.work, "smtp-events.log")).read()
    transactions = events.count("SAVED ")
    if transactions >= len(messages):
        raise HarnessError(f"{transactions} SMTP transactions for {len(messages)} deliveries: "
                           "nothing was grouped")
    h.pixsync("once")
    h.verify(h.new_messages(), set(), "second pass")


class FolderFile:
    """A file the folder sink wrote, shaped like a delivered message for Harness.verify: the
    destination folder is the frame, the asset is found by the id in the file's name."""

    def __init__(self, path, frame, by_id8):
        self.path, self.recipient = path, frame
        asset = by_id8.get(os.path.splitext(os.path.basename(path))[0].rsplit("_", 1)[-1])
        self.attachment_name = asset.attachment_name if asset else os.path.basename(path)
        with open(path, "rb") as f:
            self.data = f.read()


def folder_files(lib, root, seen):
    by_id8 = {a.id[:8]: a for a in lib.assets}
    files = []
    for frame in sorted(os.listdir(root)):
        for name in sorted(os.listdir(os.path.join(root, frame))):
            path = os.path.join(root, frame, name)
            if name.startswith(".") or path in seen:
                continue
            seen.add(path)
            files.append(FolderFile(path, frame, by_id8))
    return files


def folder_sink(h):
    """A native configuration with the folder sink: every favorite lands once, upright and
    fitted, in a folder per frame (the shared family folder holds the shared photo once); a
    second pass writes nothing; an unfavorited photo's file goes after the next full listing
    when remove_unfavorited is on."""
    lib = h.catalog
    root = os.path.join(h.config_dir, "frames")
    os.makedirs(root)
    config = {
        "state": {"plugin": "sqlite", "options": {"path": "folder_state.db"}},
        "sources": [{"name": "immich", "plugin": "immich",
                     "options": {"immich_base_url": h.immich_url,
                                 "immich_api_key": lib.admin_key}}],
        "sinks": [{"name": "share", "plugin": "folder",
                   "options": {"root": root, "max_width": 1024, "max_height": 768,
                               "remove_unfavorited": True}}],
        "routes": [{"id": u.email, "source": "immich", "sink": "share",
                    "source_options": {"user": u.email, "api_key": u.key},
                    "destinations": lib.frames_of(u)} for u in lib.users],
        "reconcile_hours": 1,
        "log": {"file": "folder.log"},
    }
    path = os.path.join(h.config_dir, "pixsync.json")
    with open(path, "w") as f:
        json.dump(config, f, indent=2)
    os.chmod(path, 0o600)
    seen = set()
    h.pixsync("--config", path, "once")
    h.verify(folder_files(lib, root, seen), lib.expected(), "folder sink, first pass")
    h.pixsync("--config", path, "once")
    h.verify(folder_files(lib, root, seen), set(), "folder sink, second pass")
    if h.new_messages():
        raise HarnessError("the folder sink's passes sent e-mail")
    # Unfavorite one of Alice's photos; a resend makes the next listing a full one.
    alice = lib.users[0]
    gone = next(a for a in lib.favorites_of(alice.email) if a.kind == "jpeg")
    h.set_favorite([gone], False)
    h.pixsync("--config", path, "resend", "--user", alice.email)
    h.pixsync("--config", path, "once")
    left = [f for f in seen if os.path.exists(f) and f"_{gone.id[:8]}." in os.path.basename(f)]
    if left:
        raise HarnessError(f"the unfavorited photo's files are still there: {left}")


# The first sync, the outage and the switch from the original's state run on the whole library
# (300 favorites). The scenarios whose subject is what follows a first sync run on 90 (every
# kind of photo is still there, see Library): 300 only repeated first_sync's work.
SCENARIOS = {
    "first_sync": (first_sync, {}),
    "new_favorites": (new_favorites, {"scale": 0.3}),
    "unfavorite": (unfavorite, {"scale": 0.3}),
    "resend_user": (resend_user, {"scale": 0.3}),
    "smtp_temporary_failures": (smtp_temporary_failures, {"fail_first": 25, "scale": 0.3}),
    "immich_outage": (immich_outage, {}),
    "original_state": (original_state, {}),
    "grouped_recipients": (grouped_recipients, {"env": {"PIXSTAR_GROUP_RECIPIENTS": "true"},
                                                "scale": 0.2}),
    "folder_sink": (folder_sink, {"scale": 0.2}),
    "daemon_json_state": (daemon_json_state, {"env": {"STATE_BACKEND": "json"}, "scale": 0.2}),
}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pixsync", required=True)
    p.add_argument("--source-dir", required=True)
    p.add_argument("--work-dir", required=True)
    p.add_argument("--media-cache")
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    args = p.parse_args()
    run, opts = SCENARIOS[args.scenario]
    started = time.monotonic()
    with Harness(args.pixsync, args.source_dir, args.work_dir, media_cache=args.media_cache) as h:
        # Retries wait RETRY_BASE_SECONDS (doubling): short here so retries happen in seconds.
        favorites = max(30, int(FAVORITES * opts.get("scale", 1)))
        h.start(Library(favorites=favorites), fail_first=opts.get("fail_first", 0),
                env={"RETRY_BASE_SECONDS": "1", **opts.get("env", {})})
        try:
            run(h)
        except HarnessError as e:
            print(f"FAILED {args.scenario}: {e}\n(work folder: {h.work})", file=sys.stderr)
            return 1
    log(f"{args.scenario} passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
