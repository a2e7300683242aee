"""The fake Immich and the test SMTP server as context managers, and a measured child process.

Standard library only. The servers come from tests/support; they listen on 127.0.0.1 only.
"""

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUPPORT = ROOT / "tests" / "support"


def server_python():
    """The interpreter with aiosmtpd (Debian's python3-aiosmtpd), like the tests use."""
    return os.environ.get("PIXSYNC_TEST_PYTHON", "/usr/bin/python3")


class Server:
    """A helper server started with --port-file, stopped with SIGTERM on exit."""

    def __init__(self, argv, port_file, log_path):
        self.port_file = Path(port_file)
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{argv[1]} exited at start; see {log_path}")
            try:
                self.port = int(self.port_file.read_text().strip())
                if self.port > 0:
                    break
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{argv[1]} did not start; see {log_path}")
            time.sleep(0.05)

    def cpu_s(self):
        """The server's CPU time so far (user+sys), from /proc."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class FakeImmich(Server):
    def __init__(self, work, manifest):
        work = Path(work)
        super().__init__(
            [server_python(), str(SUPPORT / "fake_immich" / "fake_immich.py"), "--port", "0",
             "--port-file", str(work / "immich.port"), "--manifest", str(manifest)],
            work / "immich.port", work / "immich.out")

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}/api"

    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/__admin{path}", data=data,
                                     method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            text = r.read().decode()
        return json.loads(text) if text.strip() else None


class SmtpServer(Server):
    def __init__(self, work):
        work = Path(work)
        self.maildir = work / "mail"
        super().__init__(
            [server_python(), str(SUPPORT / "smtp_server" / "smtp_server.py"), "--port-file",
             str(work / "smtp.port"), "--maildir", str(self.maildir), "--log-file",
             str(work / "smtp-events.log")],
            work / "smtp.port", work / "smtp.out")

    def message_count(self):
        return len(list(self.maildir.glob("*.eml"))) if self.maildir.exists() else 0


def run_measured(argv, cwd=None, env=None, timeout=1800):
    """Runs a command to its end; returns its wall time, CPU time (user+sys) and peak memory
    (max RSS) and its exit code. /usr/bin/time measures the child so that the figures are the
    command's own (a child forked from Python would report Python's memory as its peak).
    Output goes to files, not pipes, so a chatty child never blocks."""
    cwd = Path(cwd) if cwd else Path.cwd()
    out_path, err_path, time_path = cwd / "last.out", cwd / "last.err", cwd / "last.time"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        start = time.monotonic()
        proc = subprocess.Popen(["/usr/bin/time", "-o", str(time_path), "-f", "%U %S %M"] + argv,
                                cwd=cwd, env=env, stdout=out, stderr=err)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        wall = time.monotonic() - start
    # /usr/bin/time writes "Command exited with non-zero status N" before the figures.
    user, system, rss_kb = time_path.read_text().strip().splitlines()[-1].split()
    return {
        "rc": proc.returncode,
        "wall_s": wall,
        "user_s": float(user),
        "sys_s": float(system),
        "cpu_s": float(user) + float(system),
        "maxrss_mb": int(rss_kb) / 1024.0,
        "stdout": out_path.read_text(errors="replace"),
        "stderr": err_path.read_text(errors="replace"),
    }
