#!/usr/bin/env python3
"""A hostile SMTP server for tests: it misbehaves in one chosen way, on 127.0.0.1 only.

Standard library only (plus smtp_server.py's certificate maker for the TLS modes). Every
connection is served by its own thread; the server exits by itself after --lifetime seconds,
or on SIGTERM/SIGINT.

Modes:
  endless-greeting  "220-xxxx..." lines forever, as fast as the client reads them
  endless-line      "220 xxxx..." without ever ending the line
  endless-ehlo      a normal greeting, then "250-xxxx..." lines forever in reply to EHLO
  drip              a normal greeting and replies, one byte every --interval seconds
  silent            accepts the connection and never sends a byte
  tls-drip          TLS from the first byte (port-465 style); the handshake is quick, then the
                    encrypted greeting arrives one byte every --interval seconds
  slow-reader       a plain SMTP dialog (any AUTH accepted) up to DATA, then reads the
                    message at --rate bytes/s and never replies to it
  eight-bit-reply   a plain SMTP dialog that refuses every recipient with a reply holding
                    bytes that are not UTF-8 (550 5.1.1 <caf\xe9 \xff\xfe> ...)
  extra-after-greeting, extra-after-354
                    a plain SMTP dialog with one reply too many, a 250 right after the greeting
                    or right after the 354; the message itself is refused with 554
"""

import argparse
import os
import signal
import socket
import ssl
import sys
import threading
import time

FILLER = b"x" * 72


def send_forever(conn, prefix):
    line = prefix + FILLER + b"\r\n"
    while True:
        conn.sendall(line)


def read_line(conn):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(1)
        if not chunk:
            raise ConnectionError("client closed")
        data += chunk
    return data


def drip(send, data, interval):
    for i in range(len(data)):
        send(data[i:i + 1])
        time.sleep(interval)


def serve_drip(conn, args):
    drip(conn.sendall, b"220 hostile.test ESMTP ready\r\n", args.interval)
    while True:
        read_line(conn)
        drip(conn.sendall, b"250 hostile.test at your service\r\n", args.interval)


def serve_tls_drip(conn, args, context):
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_side=True)
    while True:
        try:
            tls.do_handshake()
            break
        except ssl.SSLWantReadError:
            pending = outgoing.read()
            if pending:
                conn.sendall(pending)
            data = conn.recv(65536)
            if not data:
                return
            incoming.write(data)
    pending = outgoing.read()
    if pending:
        conn.sendall(pending)
    tls.write(b"220 hostile.test ESMTP ready\r\n")
    drip(conn.sendall, outgoing.read(), args.interval)


def serve_dialog(conn, greeting=b"", rcpt=b"250 OK\r\n", data=None):
    """A plain SMTP dialog (any AUTH accepted) with the replies a mode changes: extra bytes
    after the greeting, the reply to RCPT, and what happens at DATA (`data(conn)`, which
    returns False to end the dialog; by default the message is taken and refused with 554)."""
    conn.sendall(b"220 hostile.test ESMTP ready\r\n" + greeting)
    while True:
        line = read_line(conn).upper()
        if line.startswith(b"EHLO"):
            conn.sendall(b"250-hostile.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n")
        elif line.startswith(b"AUTH"):
            conn.sendall(b"235 2.7.0 Accepted\r\n")
        elif line.startswith(b"RCPT"):
            conn.sendall(rcpt)
        elif line.startswith(b"DATA"):
            if not (data or refuse_message)(conn):
                return
        elif line.startswith(b"QUIT"):
            conn.sendall(b"221 bye\r\n")
            return
        else:
            conn.sendall(b"250 OK\r\n")


def refuse_message(conn, after_354=b""):
    """Takes the message (after `after_354` behind the 354) and refuses it with 554."""
    conn.sendall(b"354 go ahead\r\n" + after_354)
    data = b""
    while not data.endswith(b"\r\n.\r\n"):
        chunk = conn.recv(65536)
        if not chunk:
            return False
        data += chunk
    conn.sendall(b"554 5.7.1 Message rejected\r\n")
    return True


def read_slowly(conn, rate):
    """Reads the message at `rate` bytes/s and never replies to it."""
    conn.sendall(b"354 go ahead\r\n")
    while conn.recv(max(1, rate // 10)):
        time.sleep(0.1)
    return False


def handle(conn, args, context, journal):
    journal(f"CONNECT {args.mode}")
    try:
        if args.mode == "endless-greeting":
            send_forever(conn, b"220-")
        elif args.mode == "endless-line":
            conn.sendall(b"220 ")
            while True:
                conn.sendall(FILLER)
        elif args.mode == "endless-ehlo":
            conn.sendall(b"220 hostile.test ESMTP ready\r\n")
            read_line(conn)
            send_forever(conn, b"250-")
        elif args.mode == "drip":
            serve_drip(conn, args)
        elif args.mode == "silent":
            while conn.recv(65536):
                pass
        elif args.mode == "tls-drip":
            serve_tls_drip(conn, args, context)
        elif args.mode == "slow-reader":
            serve_dialog(conn, data=lambda c: read_slowly(c, args.rate))
        elif args.mode == "eight-bit-reply":
            serve_dialog(conn, rcpt=b"550 5.1.1 <caf\xe9 \xff\xfe> Recipient unknown\r\n")
        elif args.mode == "extra-after-greeting":
            serve_dialog(conn, greeting=b"250 2.0.0 out of turn\r\n")
        elif args.mode == "extra-after-354":
            serve_dialog(conn, data=lambda c: refuse_message(c, b"250 2.0.0 out of turn\r\n"))
    except (OSError, ssl.SSLError) as e:
        journal(f"CLOSED {type(e).__name__}")
    finally:
        conn.close()


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mode", required=True, choices=["endless-greeting", "endless-line", "endless-ehlo", "drip",
                                                     "silent", "tls-drip", "slow-reader",
                                                     "eight-bit-reply", "extra-after-greeting",
                                                     "extra-after-354"])
    p.add_argument("--port-file", required=True, help="written with the port once listening")
    p.add_argument("--cert-dir", help="where the certificate for tls-drip is made")
    p.add_argument("--ca-file-out", help="written with the certificate's path (tls-drip)")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between dripped bytes")
    p.add_argument("--rate", type=int, default=4096, help="bytes per second slow-reader takes")
    p.add_argument("--lifetime", type=float, default=120.0, help="seconds before the server exits")
    args = p.parse_args(argv)

    context = None
    if args.mode == "tls-drip":
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from smtp_server import make_certificate
        cert, key = make_certificate(args.cert_dir)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        if args.ca_file_out:
            with open(args.ca_file_out + ".part", "w") as f:
                f.write(cert)
            os.replace(args.ca_file_out + ".part", args.ca_file_out)

    lock = threading.Lock()

    def journal(line):
        with lock:
            print(line, file=sys.stderr, flush=True)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.mode == "slow-reader":
        # A small window, so that the client's writes wait for this server's reads.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    with open(args.port_file + ".part", "w") as f:
        f.write(str(listener.getsockname()[1]))
    os.replace(args.port_file + ".part", args.port_file)

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=handle, args=(conn, args, context, journal), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
