#!/usr/bin/env python3
"""A real SMTP server for tests and demos, built on aiosmtpd (Debian: python3-aiosmtpd).

Listens on 127.0.0.1 (port 0 picks a free port, written to --port-file once it accepts
connections), stores each received message as an .eml file per recipient in --maildir, and
can behave like the servers pixsync meets in the field: STARTTLS required or missing, implicit
TLS (port-465 style), AUTH required, temporary and permanent failures, quota replies and
connection drops. See README.md in this folder for every flag.
"""

import argparse
import asyncio
import base64
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import threading

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

GMAIL_QUOTA_REPLY = "550 5.4.5 Daily user sending quota exceeded. Learn more at https://support.google.com/mail/?p=ReachedLimit"


CERTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "certs")
CHECKED_IN = {None: "loopback", "localhost": "localhost"}  # certs/regenerate.sh makes them


def make_certificate(cert_dir, name=None):
    """A self-signed certificate in cert_dir: for 127.0.0.1 and localhost, or only for the DNS
    name `name`. The two that tests use are checked in (certs/), copied so that no test can
    change them: an RSA key for each of the suite's many server starts only cost time. Any
    other name is made with the openssl CLI."""
    os.makedirs(cert_dir, exist_ok=True)
    cert = os.path.join(cert_dir, "smtp-test-cert.pem")
    key = os.path.join(cert_dir, "smtp-test-key.pem")
    stem = CHECKED_IN.get(name)
    if stem:
        shutil.copyfile(os.path.join(CERTS, stem + ".pem"), cert)
        shutil.copyfile(os.path.join(CERTS, stem + "-key.pem"), key)
        return cert, key
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-days", "2", "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name}",
         "-addext", "basicConstraints=critical,CA:TRUE"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


class Journal:
    """Appends one line per event to the log file (and stderr), so tests can count
    connections, TLS upgrades and logins."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()

    def write(self, line):
        with self.lock:
            if self.path:
                with open(self.path, "a", encoding="utf-8") as f:
                    f.write(line + "\n")
            print(line, file=sys.stderr, flush=True)


def safe_name(address):
    return re.sub(r"[^A-Za-z0-9@._+-]", "_", address)[:120]


class Handler:
    def __init__(self, args, journal):
        self.args = args
        self.journal = journal
        self.messages_seen = 0      # DATA commands completed (accepted or not)
        self.messages_saved = 0
        self.sequence = 0
        os.makedirs(args.maildir, exist_ok=True)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        tls = "tls" if (server._tls_protocol or self.args.implicit_tls) else "plain"
        self.journal.write(f"EHLO {hostname} {tls}")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        per_connection = getattr(session, "accepted_here", 0)
        if self.args.drop_after and per_connection >= self.args.drop_after:
            self.journal.write("DROP 421 after %d messages" % per_connection)
            asyncio.get_event_loop().call_soon(server.transport.close)
            return "421 4.3.2 Too many messages on this connection, closing transmission channel"
        if address.lower() in self.args.refuse_sender:
            self.journal.write("REFUSE-SENDER %s" % address)
            return "553 5.7.1 <%s>: Sender address rejected: not owned by user" % address
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.args.reject:
            self.journal.write(f"REJECT {address}")
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages_seen += 1
        if self.messages_seen <= self.args.fail_first:
            self.journal.write("TEMPFAIL 451")
            return "451 4.3.0 Temporary local problem, try again later"
        if self.args.quota_after is not None and self.messages_saved >= self.args.quota_after:
            self.journal.write("QUOTA")
            return self.args.quota_reply
        content = envelope.original_content or envelope.content
        if self.args.max_size and len(content) > self.args.max_size:
            self.journal.write("TOOBIG %d" % len(content))
            return "552 5.3.4 Message size exceeds fixed maximum message size"
        self.messages_saved += 1
        session.accepted_here = getattr(session, "accepted_here", 0) + 1
        for rcpt in envelope.rcpt_tos:
            self.sequence += 1
            name = f"{self.sequence:04d}-{safe_name(rcpt)}.eml"
            path = os.path.join(self.args.maildir, name)
            with open(path + ".part", "wb") as f:
                f.write(content)
            os.replace(path + ".part", path)
        self.journal.write("SAVED %d bytes for %s" % (len(content), ",".join(envelope.rcpt_tos)))
        return "250 2.0.0 OK: queued"


class Authenticator:
    def __init__(self, user, password, token, journal):
        self.user, self.password, self.token, self.journal = user, password, token, journal

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = False
        if isinstance(auth_data, LoginPassword):
            ok = (auth_data.login.decode() == self.user and auth_data.password.decode() == self.password)
        elif mechanism == "XOAUTH2":
            ok = auth_data == (self.user, self.token)
        self.journal.write(f"AUTH {mechanism} {'ok' if ok else 'refused'}")
        return AuthResult(success=ok, handled=False)


class TestSMTP(SMTP):
    """aiosmtpd's SMTP with an XOAUTH2 mechanism (RFC 7628 style, as Gmail uses)."""

    async def auth_XOAUTH2(self, server, args):
        if len(args) > 1:
            blob = args[1]
        else:
            blob = await self.challenge_auth("")
            if blob is None:
                return AuthResult(success=False, handled=True, message="501 5.5.2 Can't decode")
            blob = blob.decode() if isinstance(blob, bytes) else blob
        try:
            text = base64.b64decode(blob).decode()
            fields = dict(part.split("=", 1) for part in text.split("\x01") if "=" in part)
            user = fields.get("user", "")
            token = fields.get("auth", "").removeprefix("Bearer ")
        except Exception:
            return AuthResult(success=False, handled=True, message="501 5.5.2 Can't decode")
        return self._authenticator(self, self.session, self.envelope, "XOAUTH2", (user, token))


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", required=True, help="written with the port once listening")
    p.add_argument("--maildir", required=True, help="received messages, one .eml per recipient")
    p.add_argument("--log-file", help="one line per connection/EHLO/AUTH/message event")
    p.add_argument("--cert-dir", help="where to make the certificate (default: beside the maildir)")
    p.add_argument("--ca-file-out", help="written with the certificate path clients should trust")
    p.add_argument("--cert-name", help="make the certificate for this DNS name only (not 127.0.0.1)")
    p.add_argument("--starttls", action="store_true", help="offer STARTTLS and require it before MAIL")
    p.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (port-465 style)")
    p.add_argument("--auth-user", help="require AUTH with this user")
    p.add_argument("--auth-password", default="", help="password for --auth-user (PLAIN, LOGIN)")
    p.add_argument("--oauth2-token", default="", help="token accepted with XOAUTH2 for --auth-user")
    p.add_argument("--allow-plaintext-auth", action="store_true",
                   help="offer AUTH on an unencrypted connection")
    p.add_argument("--fail-first", type=int, default=0, help="answer 451 to the first N messages")
    p.add_argument("--reject", action="append", default=[], help="answer 550 to this recipient (repeatable)")
    p.add_argument("--refuse-sender", action="append", default=[], type=str.lower,
                   help="answer 553 5.7.1 to MAIL FROM this address (repeatable)")
    p.add_argument("--max-size", type=int, default=0, help="answer 552 to messages over N bytes")
    p.add_argument("--drop-after", type=int, default=0,
                   help="after N messages on one connection, answer the next MAIL with 421 and close")
    p.add_argument("--quota-after", type=int, default=None,
                   help="after N saved messages, answer every message with the quota reply")
    p.add_argument("--quota-reply", default=GMAIL_QUOTA_REPLY, help="the quota reply (default: Gmail's)")
    args = p.parse_args(argv)
    args.reject = [r.lower() for r in args.reject]
    return args


async def serve(args):
    journal = Journal(args.log_file)
    handler = Handler(args, journal)
    tls_context = None
    if args.starttls or args.implicit_tls or args.ca_file_out:
        cert, key = make_certificate(args.cert_dir or os.path.join(os.path.dirname(os.path.abspath(args.maildir)), "smtp-cert"),
                                     args.cert_name)
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(cert, key)
        if args.ca_file_out:
            with open(args.ca_file_out + ".part", "w") as f:
                f.write(cert)
            os.replace(args.ca_file_out + ".part", args.ca_file_out)

    authenticator = None
    if args.auth_user:
        authenticator = Authenticator(args.auth_user, args.auth_password, args.oauth2_token, journal)

    def factory():
        journal.write("CONNECT")
        kwargs = dict(
            hostname="smtp.test",
            decode_data=False,
            data_size_limit=0,
            enable_SMTPUTF8=True,
            authenticator=authenticator,
            auth_required=bool(args.auth_user),
            # With implicit TLS the whole connection is encrypted; aiosmtpd only knows STARTTLS.
            auth_require_tls=not (args.allow_plaintext_auth or args.implicit_tls),
        )
        if args.starttls:
            kwargs.update(tls_context=tls_context, require_starttls=True)
        return TestSMTP(handler, **kwargs)

    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, host="127.0.0.1", port=args.port,
                                      ssl=tls_context if args.implicit_tls else None)
    port = server.sockets[0].getsockname()[1]
    with open(args.port_file + ".part", "w") as f:
        f.write(str(port))
    os.replace(args.port_file + ".part", args.port_file)
    journal.write(f"LISTENING {port}")

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main(argv):
    args = parse_args(argv)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
