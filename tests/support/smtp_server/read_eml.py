#!/usr/bin/env python3
"""Parses a received .eml with Python's email package (policy=default) and prints what the
tests assert on as JSON. Usage: read_eml.py MESSAGE.eml [SAVE_ATTACHMENT_TO]"""

import email
import email.policy
import hashlib
import json
import sys


def main(argv):
    with open(argv[1], "rb") as f:
        raw = f.read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    header_end = raw.find(b"\r\n\r\n")
    top_headers = raw[: header_end if header_end >= 0 else len(raw)].decode("ascii", "replace")
    out = {
        "subject": str(msg["Subject"] or ""),
        "from": str(msg["From"] or ""),
        "to": [str(a.addr_spec) for a in msg["To"].addresses] if msg["To"] else [],
        "message_id": str(msg["Message-ID"] or ""),
        "date": str(msg["Date"] or ""),
        "has_date": msg["Date"] is not None and msg["Date"].datetime is not None,
        "header_names": [k.lower() for k in msg.keys()],
        "top_header_ascii": all(32 <= ord(c) < 127 or c in "\r\n\t" for c in top_headers),
        "all_ascii": all(b < 128 for b in raw),
        # Every part's defects (a malformed header or boundary anywhere in the message).
        "defects": [type(d).__name__ for part in msg.walk() for d in part.defects],
        "body": "",
        "attachments": [],
    }
    body = msg.get_body(preferencelist=("plain",))
    if body is not None:
        out["body"] = body.get_content()
    for part in msg.iter_attachments():
        data = part.get_payload(decode=True) or b""
        out["attachments"].append({
            "filename": part.get_filename() or "",
            "content_type": part.get_content_type(),
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "jpeg": data[:3] == b"\xff\xd8\xff",
        })
        if len(argv) > 2:
            with open(argv[2], "wb") as f:
                f.write(data)
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
