#!/usr/bin/env python3
"""A fake Immich server for pixsync's tests.

Speaks the subset of the Immich v2.3.1 API (the @immich/sdk@2.3.1 contract) that pixsync
uses, with the server's observable habits: whitelisted DTOs (unknown properties dropped),
class-validator style 400 answers, offset paging with a string nextPage and page-sized
total/count, partners' assets in a user's search, per-key permissions, updatedAt bumped on
every change of the asset row, gzip when asked, idle keep-alive connections closed after a
few seconds. Albums, tags, people and ratings live in fake_library.py.

Everything is controllable at run time through /__admin/ (see README.md next to this file).
Python standard library only.
"""

import argparse
import base64
import gzip
import hashlib
import json
import os
import re
import socket
import ssl
import struct
import sys
import threading
import time
import uuid
import zlib
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from fake_library import UUID_RE, Library, LibraryRoutes, validate_membership_filters

# Every property of MetadataSearchDto in @immich/sdk@2.3.1; anything else is dropped.
METADATA_SEARCH_FIELDS = {
    "albumIds", "checksum", "city", "country", "createdAfter", "createdBefore", "description",
    "deviceAssetId", "deviceId", "encodedVideoPath", "id", "isEncoded", "isFavorite", "isMotion",
    "isNotInAlbum", "isOffline", "lensModel", "libraryId", "make", "model", "ocr", "order",
    "originalFileName", "originalPath", "page", "personIds", "previewPath", "rating", "size",
    "state", "tagIds", "takenAfter", "takenBefore", "thumbnailPath", "trashedAfter",
    "trashedBefore", "type", "updatedAfter", "updatedBefore", "visibility", "withDeleted",
    "withExif", "withPeople", "withStacked",
}
BOOLEAN_FIELDS = ["isEncoded", "isFavorite", "isMotion", "isNotInAlbum", "isOffline",
                  "withDeleted", "withExif", "withPeople", "withStacked"]
DATE_FIELDS = ["createdAfter", "createdBefore", "takenAfter", "takenBefore", "trashedAfter",
               "trashedBefore", "updatedAfter", "updatedBefore"]
ENUMS = {
    "order": ["asc", "desc"],
    "type": ["IMAGE", "VIDEO", "AUDIO", "OTHER"],
    "visibility": ["archive", "timeline", "hidden", "locked"],
}
MIME_BY_EXTENSION = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".heic": "image/heic",
    ".heif": "image/heif", ".webp": "image/webp", ".avif": "image/avif", ".gif": "image/gif",
    ".tif": "image/tiff", ".tiff": "image/tiff", ".dng": "image/x-adobe-dng",
    ".mp4": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm", ".mkv": "video/x-matroska",
}
# A valid 1x1 JPEG, served as the preview of assets that have no preview file of their own.
TINY_JPEG = base64.b64decode(
    "/9j/4QC8RXhpZgAASUkqAAgAAAAGABIBAwABAAAAAQAAABoBBQABAAAAVgAAABsBBQABAAAAXgAAACgBAwABAAAAAgAA"
    "ABMCAwABAAAAAQAAAGmHBAABAAAAZgAAAAAAAAA4YwAA6AMAADhjAADoAwAABgAAkAcABAAAADAyMTABkQcABAAAAAEC"
    "AwAAoAcABAAAADAxMDABoAMAAQAAAP//AAACoAQAAQAAAAEAAAADoAQAAQAAAAEAAAAAAAAA/9sAQwAIBgYHBgUIBwcH"
    "CQkICgwUDQwLCwwZEhMPFB0aHx4dGhwcICQuJyAiLCMcHCg3KSwwMTQ0NB8nOT04MjwuMzQy/8AACwgAAQABAQERAP/E"
    "AB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQci"
    "cRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3"
    "eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz"
    "9PX29/j5+v/aAAgBAQAAPwD5/r//2Q==")

HTML_PAGE = (b"<!doctype html><html><head><title>Immich</title></head>"
             b"<body><div id=\"app\"></div></body></html>")


def now_micros():
    return time.time_ns() // 1000


def parse_date(text):
    """ISO 8601 to microseconds since the epoch, or None."""
    if not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    delta = value - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def format_date(micros, style="ms"):
    """How Immich writes a timestamp: milliseconds and Z, or a variant for leniency tests."""
    value = datetime.fromtimestamp(micros / 1_000_000, tz=timezone.utc)
    value = value.replace(microsecond=micros % 1_000_000)
    if style == "micros":
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
    if style == "offset":
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d+00:00" % (value.microsecond // 1000)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (value.microsecond // 1000)


def error_body(status, message):
    names = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
             500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
    return {"message": message, "error": names.get(status, "Error"), "statusCode": status,
            "correlationId": uuid.uuid4().hex[:8]}


class HttpProblem(Exception):
    """An answer other than 200, raised from a handler."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class Store(Library):
    """The fake server's whole state. Every access holds `lock`."""

    Problem = HttpProblem

    def __init__(self, base_dir):
        self.lock = threading.RLock()
        self.base_dir = base_dir
        self.users = {}        # id -> user
        self.keys = {}         # key -> {"userId", "permissions": set}
        self.assets = {}       # id -> asset record
        self.partners = set()  # (sharedById, sharedWithId)
        self.faults = []
        self.requests = []
        self.counters = {}
        self.connections = 0
        self.in_flight = 0
        self.idle = threading.Condition(self.lock)
        self.last_micros = 0
        self.date_style = "ms"
        self.gzip_min_bytes = 1024
        self.version = {"major": 2, "minor": 3, "patch": 1}
        self.checksums = {}    # file path -> base64 sha1
        self.init_library()

    # --- time -------------------------------------------------------------------------
    def tick(self):
        """The server clock, strictly increasing (a database trigger would never repeat)."""
        self.last_micros = max(now_micros(), self.last_micros + 1)
        return self.last_micros

    def stamp(self, micros):
        """A time as the server writes it."""
        return format_date(micros, self.date_style)

    # --- users and keys -----------------------------------------------------------------
    def find_user(self, ref):
        if ref in self.users:
            return self.users[ref]
        for user in self.users.values():
            if user["email"].lower() == str(ref).lower():
                return user
        raise HttpProblem(400, "unknown user %r" % (ref,))

    def add_user(self, spec):
        user_id = spec.get("id") or str(uuid.uuid4())
        created = self.tick()
        user = {"id": user_id, "email": spec["email"], "name": spec.get("name", spec["email"].split("@")[0]),
                "isAdmin": bool(spec.get("isAdmin", False)), "createdAt": created}
        self.users[user_id] = user
        for key in spec.get("apiKeys", []):
            self.add_key({"key": key["key"], "user": user_id, "permissions": key.get("permissions", ["all"])})
        return user

    def add_key(self, spec):
        user = self.find_user(spec["user"])
        self.keys[spec["key"]] = {"userId": user["id"], "permissions": set(spec.get("permissions", ["all"]))}
        return {"key": spec["key"], "userId": user["id"]}

    def add_partner(self, spec):
        by = self.find_user(spec["sharedBy"])["id"]
        with_ = self.find_user(spec["sharedWith"])["id"]
        self.partners.add((by, with_))
        return {"sharedBy": by, "sharedWith": with_}

    # --- assets -----------------------------------------------------------------------
    def checksum_of(self, path):
        if path not in self.checksums:
            digest = hashlib.sha1()
            with open(path, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    digest.update(chunk)
            self.checksums[path] = base64.b64encode(digest.digest()).decode()
        return self.checksums[path]

    def add_assets(self, spec):
        count = int(spec.get("count", 1))
        owner = self.find_user(spec["owner"])["id"]
        path = spec.get("file")
        if path is not None and not os.path.isabs(path):
            path = os.path.join(self.base_dir, path)
        preview = spec.get("preview")
        # "preview": false: Immich has not made one yet (its background job after an upload).
        no_preview = preview is False
        if no_preview:
            preview = None
        if preview is not None and not os.path.isabs(preview):
            preview = os.path.join(self.base_dir, preview)
        base_name = spec.get("originalFileName") or (os.path.basename(path) if path else "IMG.jpg")
        stem, ext = os.path.splitext(base_name)
        mime = spec.get("originalMimeType") or MIME_BY_EXTENSION.get(ext.lower(), "application/octet-stream")
        kind = spec.get("type") or ("VIDEO" if mime.startswith("video/") else "IMAGE")
        taken = parse_date(spec.get("fileCreatedAt")) or 1_700_000_000_000_000
        ids = []
        for i in range(count):
            asset_id = spec.get("id") if count == 1 and spec.get("id") else str(uuid.uuid4())
            name = base_name if count == 1 else "%s_%05d%s" % (stem, i, ext)
            size = os.path.getsize(path) if path else int(spec.get("size", 1024))
            if spec.get("checksum"):
                checksum = spec["checksum"]
            elif path:
                checksum = self.checksum_of(path)
            else:
                checksum = base64.b64encode(hashlib.sha1(("%s:%d" % (asset_id, size)).encode()).digest()).decode()
            stamp = self.tick()
            self.assets[asset_id] = {
                "id": asset_id, "ownerId": owner, "type": kind, "originalFileName": name,
                "originalMimeType": mime, "file": path, "preview": preview, "noPreview": no_preview,
                "size": size,
                "checksum": checksum, "fileCreatedAt": taken + i * 60_000_000,
                "createdAt": stamp, "updatedAt": stamp,
                "isFavorite": bool(spec.get("isFavorite", True)),
                "isTrashed": bool(spec.get("isTrashed", False)),
                "visibility": spec.get("visibility", "timeline"), "missingFile": False,
                "rating": spec.get("rating"),
            }
            ids.append(asset_id)
        return {"ids": ids}

    def update_asset(self, asset_id, changes):
        asset = self.assets.get(asset_id)
        if asset is None:
            raise HttpProblem(404, "no asset %s" % asset_id)
        for field in ("isFavorite", "isTrashed", "visibility", "missingFile", "originalFileName",
                      "originalMimeType", "type", "checksum"):
            if field in changes:
                asset[field] = changes[field]
        if "fileCreatedAt" in changes:
            asset["fileCreatedAt"] = parse_date(changes["fileCreatedAt"])
        asset["updatedAt"] = self.tick()  # the database trigger: any change of the row
        return self.internal(asset)

    def internal(self, asset):
        out = dict(asset)
        out["updatedAt"] = format_date(asset["updatedAt"], self.date_style)
        out["fileCreatedAt"] = format_date(asset["fileCreatedAt"], self.date_style)
        out["createdAt"] = format_date(asset["createdAt"], self.date_style)
        return out

    def asset_dto(self, a):
        """AssetResponseDto as the SDK 2.3.1 declares it."""
        style = self.date_style
        return {
            "checksum": a["checksum"],
            "createdAt": format_date(a["createdAt"], style),
            "deviceAssetId": "web-" + a["originalFileName"],
            "deviceId": "WEB",
            "duplicateId": None,
            "duration": "0:00:00.00000" if a["type"] == "IMAGE" else "0:00:05.00000",
            "fileCreatedAt": format_date(a["fileCreatedAt"], style),
            "fileModifiedAt": format_date(a["fileCreatedAt"], style),
            "hasMetadata": True,
            "id": a["id"],
            "isArchived": a["visibility"] == "archive",
            "isFavorite": a["isFavorite"],
            "isOffline": False,
            "isTrashed": a["isTrashed"],
            "libraryId": None,
            "livePhotoVideoId": None,
            "localDateTime": format_date(a["fileCreatedAt"], style),
            "originalFileName": a["originalFileName"],
            "originalMimeType": a["originalMimeType"],
            "originalPath": "/data/upload/%s/%s" % (a["ownerId"], a["originalFileName"]),
            "ownerId": a["ownerId"],
            "people": [],
            "resized": True,
            "stack": None,
            "tags": [],
            "thumbhash": "1QcSHQRnh493V4dIh4eXh1h4kJUI",
            "type": a["type"],
            "unassignedFaces": [],
            "updatedAt": format_date(a["updatedAt"], style),
            "visibility": a["visibility"],
        }

    def user_dto(self, u, admin=False):
        dto = {"avatarColor": "primary", "email": u["email"], "id": u["id"], "name": u["name"],
               "profileChangedAt": format_date(u["createdAt"]), "profileImagePath": ""}
        if admin:
            dto.update({"createdAt": format_date(u["createdAt"]), "deletedAt": None, "isAdmin": u["isAdmin"],
                        "license": None, "oauthId": "", "quotaSizeInBytes": None, "quotaUsageInBytes": 0,
                        "shouldChangePassword": False, "status": "active", "storageLabel": None,
                        "updatedAt": format_date(u["createdAt"])})
        return dto

    def visible_owners(self, user_id):
        """The caller and every partner who shares with the caller."""
        return {user_id} | {by for (by, with_) in self.partners if with_ == user_id}

    # --- faults and accounting ----------------------------------------------------------
    def take_fault(self, method, path):
        for fault in self.faults:
            if fault["remaining"] <= 0:
                continue
            if fault.get("path") and not path.startswith(fault["path"]):
                continue
            if fault.get("method") and fault["method"].upper() != method:
                continue
            fault["remaining"] -= 1
            return dict(fault)
        return None

    def count(self, endpoint, bytes_in, bytes_out):
        c = self.counters.setdefault(endpoint, {"requests": 0, "bytesIn": 0, "bytesOut": 0})
        c["requests"] += 1
        c["bytesIn"] += bytes_in
        c["bytesOut"] += bytes_out


def basic_auth_of(headers):
    """"user:password" of an Authorization: Basic header (a proxy in front of Immich checks
    it; Immich itself ignores it), or None."""
    value = headers.get("Authorization") or ""
    if not value.lower().startswith("basic "):
        return None
    try:
        return base64.b64decode(value[6:].strip()).decode("utf-8", "replace")
    except ValueError:
        return "(not base64)"


def endpoint_of(method, path):
    parts = ["{id}" if UUID_RE.match(p) else p for p in path.split("/")]
    return "%s %s" % (method, "/".join(parts))


def validate_search(body):
    """class-validator's answers for MetadataSearchDto (messages as Immich words them)."""
    messages = []
    for field in BOOLEAN_FIELDS:
        if field in body and not isinstance(body[field], bool):
            messages.append("%s must be a boolean value" % field)
    for field in DATE_FIELDS:
        if field in body and parse_date(body[field]) is None:
            messages.append("%s must be a Date instance" % field)
    for field, allowed in ENUMS.items():
        if field in body and body[field] not in allowed:
            messages.append("%s must be one of the following values: %s" % (field, ", ".join(allowed)))
    for field, low, high in (("page", 1, None), ("size", 1, 1000)):
        if field not in body:
            continue
        value = body[field]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
            messages.append("%s must be an integer number" % field)
            continue
        if value < low:
            messages.append("%s must not be less than %d" % (field, low))
        if high is not None and value > high:
            messages.append("%s must not be greater than %d" % (field, high))
    return messages


class Handler(LibraryRoutes, BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "immich-fake"
    sys_version = ""

    # --- connection life ----------------------------------------------------------------
    def setup(self):
        # Idle kept-alive connections are closed after this long, as Immich does (5 s).
        self.timeout = self.server.keep_alive_seconds
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.do_handshake()  # here, not in the accepting thread
        with self.server.store.lock:
            self.server.store.connections += 1
            self.connection_number = self.server.store.connections

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("fake-immich: " + (fmt % args) + "\n")

    def flush_headers(self):
        self.header_bytes = sum(len(h) for h in getattr(self, "_headers_buffer", []))
        super().flush_headers()

    # --- plumbing -----------------------------------------------------------------------
    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_bytes(self, status, body, content_type, extra_headers=()):
        encoded = False
        if (content_type.startswith("application/json") and len(body) >= self.server.store.gzip_min_bytes
                and "gzip" in (self.headers.get("Accept-Encoding") or "")):
            body = gzip.compress(body, compresslevel=5)
            encoded = True
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if encoded:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        for name, value in extra_headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.sent_bytes = getattr(self, "header_bytes", 0) + len(body)
        self.gzipped = encoded
        return status

    def send_json(self, status, value):
        return self.send_bytes(status, json.dumps(value).encode(), "application/json; charset=utf-8")

    def send_problem(self, status, message):
        return self.send_json(status, error_body(status, message))

    def reset_connection(self):
        # SO_LINGER with a zero timeout turns close() into a TCP reset.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    # --- dispatch -----------------------------------------------------------------------
    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_HEAD(self):
        self.dispatch("HEAD")

    def dispatch(self, method):
        url = urlsplit(self.path)
        path = url.path
        query = parse_qs(url.query)
        raw = self.read_body()
        self.sent_bytes = 0
        self.gzipped = False
        leftover = getattr(self, "overrun_leftover", b"")
        if leftover:
            # The excess of the previous answer on this connection, arriving late (see the
            # "overrun" fault): it comes before this answer, where the client expects a status line.
            self.overrun_leftover = b""
            self.wfile.write(leftover)
        if path.startswith("/__admin/"):
            try:
                self.admin(method, path[len("/__admin/"):].strip("/"), raw)
            except HttpProblem as p:
                self.send_problem(p.status, p.message)
            except (ValueError, KeyError, TypeError) as e:
                self.send_problem(400, "admin request not understood: %r" % (e,))
            return
        store = self.server.store
        entry = {"method": method, "path": path, "query": url.query, "endpoint": endpoint_of(method, path),
                 "connection": self.connection_number, "acceptEncoding": self.headers.get("Accept-Encoding"),
                 "userAgent": self.headers.get("User-Agent"), "basicAuth": basic_auth_of(self.headers),
                 "user": None, "status": None, "body": None, "unknownProperties": []}
        with store.lock:
            store.in_flight += 1
            fault = store.take_fault(method, path)
        status = None
        try:
            if fault:
                entry["fault"] = fault["kind"]
                status = self.apply_fault(fault, path)
            if status is None:
                status = self.api(method, path, query, raw, entry)
            if fault and fault["kind"] == "overrun":
                self.overrun_leftover = b"x" * int(fault.get("bytes", 64))
        except HttpProblem as p:
            status = self.send_problem(p.status, p.message)
        except (BrokenPipeError, ConnectionResetError):
            status = -1
            self.close_connection = True
        finally:
            entry["status"] = status
            entry["gzip"] = self.gzipped
            entry["bytesOut"] = self.sent_bytes
            bytes_in = len(self.raw_requestline) + len(str(self.headers)) + len(raw)
            with store.lock:
                store.requests.append(entry)
                store.count(entry["endpoint"], bytes_in, self.sent_bytes)
                store.in_flight -= 1
                store.idle.notify_all()

    def apply_fault(self, fault, path):
        """Returns a status when the fault answered (or dropped) the request, None to go on."""
        kind = str(fault["kind"])
        if kind == "delay":
            time.sleep(float(fault.get("seconds", 1)))
            return None
        if kind.isdigit() or kind == "status":
            status = int(fault.get("status", kind if kind.isdigit() else 500))
            message = {500: "Internal server error", 502: "Bad Gateway", 503: "Service Unavailable"}
            return self.send_problem(status, message.get(status, "Error"))
        if kind == "reset":
            self.reset_connection()
            return 0
        if kind == "close":
            self.close_connection = True
            return 0
        if kind == "invalid-json":
            return self.send_bytes(200, b'{"albums": {"items": [], "total": 0, "assets": [{"id": tru',
                                   "application/json; charset=utf-8")
        if kind == "overrun":
            return None  # answered normally; the excess follows (see dispatch)
        if kind == "drip":
            return self.drip(fault)
        if kind == "endless-error":
            return self.endless_error(fault)
        if kind == "endless-headers":
            return self.endless_headers(fault)
        if kind == "gzip-bomb":
            return self.gzip_bomb(fault)
        if kind == "html":
            return self.send_bytes(200, HTML_PAGE, "text/html; charset=utf-8")
        if kind == "text-502":  # a reverse proxy whose upstream is down
            return self.send_bytes(502, b"<upstream immich-server:2283> Bad Gateway\n",
                                   "text/plain; charset=utf-8")
        if kind == "truncate":
            body = json.dumps(error_body(500, "x" * 2000)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.sent_bytes = len(body) // 2
            return 200
        raise HttpProblem(500, "unknown fault kind %r" % kind)

    def drip(self, fault):
        """Announces `bytes` (64 KiB) of JPEG and sends 2 of them every `interval` (0.5) s until
        all are sent, the client hangs up or `seconds` (60) have passed."""
        length = int(fault.get("bytes", 65536))
        interval = float(fault.get("interval", 0.5))
        end = time.monotonic() + float(fault.get("seconds", 60))
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        sent = 0
        try:
            while sent < length and time.monotonic() < end:
                self.wfile.write(b"\xff\xd8"[: length - sent])
                self.wfile.flush()
                sent += min(2, length - sent)
                time.sleep(interval)
        finally:
            self.sent_bytes = getattr(self, "header_bytes", 0) + sent
        return 200

    def endless_error(self, fault):
        """Answers `status` (500) with Immich's error JSON that never ends: 64 KiB pieces, as
        fast as the client takes them, until it hangs up or `seconds` (60) have passed."""
        status = int(fault.get("status", 500))
        end = time.monotonic() + float(fault.get("seconds", 60))
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Connection", "close")  # no length: the body ends when the connection does
        self.end_headers()
        self.close_connection = True
        piece = b"x" * 65536
        sent = 0
        try:
            self.wfile.write(b'{"message": "')
            while time.monotonic() < end:
                self.wfile.write(piece)
                sent += len(piece)
        finally:
            self.sent_bytes = getattr(self, "header_bytes", 0) + sent
        return status

    def endless_headers(self, fault):
        """Answers 200 and then sends header lines without end, as fast as the client takes
        them, until it hangs up or `seconds` (60) have passed."""
        end = time.monotonic() + float(fault.get("seconds", 60))
        self.close_connection = True
        line = b"X-Filler: " + b"y" * 1000 + b"\r\n"
        sent = 0
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            while time.monotonic() < end:
                self.wfile.write(line)
                sent += len(line)
        finally:
            self.sent_bytes = sent
        return 200

    def gzip_bomb(self, fault):
        """Answers `status` (200) with a gzipped JSON body that inflates to `bytes` (128 MiB)."""
        status = int(fault.get("status", 200))
        body = gzip_bomb(int(fault.get("bytes", 128 << 20)))
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.sent_bytes = getattr(self, "header_bytes", 0) + len(body)
        return status

    # --- the Immich API -----------------------------------------------------------------
    def authenticate(self, permission, entry):
        key = self.headers.get("x-api-key")
        with self.server.store.lock:
            if not key:
                raise HttpProblem(401, "Authentication required")
            grant = self.server.store.keys.get(key)
            if grant is None:
                raise HttpProblem(401, "Invalid API key")
            user = self.server.store.users[grant["userId"]]
            entry["user"] = user["email"]
            perms = grant["permissions"]
            if permission and "all" not in perms and permission not in perms:
                raise HttpProblem(403, "Missing required permission: %s" % permission)
            return user

    def api(self, method, path, query, raw, entry):
        store = self.server.store
        if not path.startswith("/api/"):
            # What Immich's web server does with paths outside the API: the web app, or a 404 page.
            if method == "GET":
                return self.send_bytes(200, HTML_PAGE, "text/html; charset=utf-8")
            return self.send_bytes(404, b"<!doctype html><html><body>Cannot %s %s</body></html>"
                                   % (method.encode(), path.encode()), "text/html; charset=utf-8")
        route = path[len("/api"):]
        if route == "/server/ping" and method == "GET":
            return self.send_json(200, {"res": "pong"})
        if route == "/server/version" and method == "GET":
            return self.send_json(200, store.version)
        if route == "/users/me" and method == "GET":
            user = self.authenticate("user.read", entry)
            with store.lock:
                return self.send_json(200, store.user_dto(user, admin=True))
        if route == "/users" and method == "GET":
            self.authenticate("user.read", entry)
            with store.lock:
                return self.send_json(200, [store.user_dto(u) for u in store.users.values()])
        if route == "/search/metadata" and method == "POST":
            user = self.authenticate("asset.read", entry)
            return self.search(user, raw, entry)
        m = re.match(r"^/assets/([^/]+)(/original|/thumbnail)?$", route)
        if m and method in ("GET", "HEAD"):
            asset_id, tail = m.group(1), m.group(2) or ""
            permission = {"": "asset.read", "/original": "asset.download", "/thumbnail": "asset.view"}[tail]
            user = self.authenticate(permission, entry)
            if not UUID_RE.match(asset_id):
                raise HttpProblem(400, ["id must be a UUID"])
            with store.lock:
                asset = store.assets.get(asset_id)
                allowed = asset is not None and asset["ownerId"] in store.visible_owners(user["id"])
                if not allowed:
                    raise HttpProblem(400, "Not found or no %s access" % permission)
                asset = dict(asset)
                dto = store.asset_dto(asset)
            if tail == "":
                return self.send_json(200, dto)
            if tail == "/original":
                return self.send_original(asset)
            return self.send_thumbnail(asset, query)
        status = self.organizing_api(method, route, query, entry)
        if status is not None:
            return status
        raise HttpProblem(404, "Cannot %s %s" % (method, path))

    def search(self, user, raw, entry):
        store = self.server.store
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            raise HttpProblem(400, "Unexpected token in JSON at position 0")
        if not isinstance(body, dict):
            raise HttpProblem(400, ["property must be an object"])
        entry["body"] = body
        entry["unknownProperties"] = sorted(k for k in body if k not in METADATA_SEARCH_FIELDS)
        body = {k: v for k, v in body.items() if k in METADATA_SEARCH_FIELDS and v is not None}
        problems = validate_search(body) + validate_membership_filters(body)
        if problems:
            raise HttpProblem(400, problems)
        page = int(body.get("page", 1))
        size = int(body.get("size", 250))
        with store.lock:
            owners = store.visible_owners(user["id"])
            visibility = body.get("visibility", "timeline")
            since = parse_date(body["updatedAfter"]) if "updatedAfter" in body else None
            until = parse_date(body["updatedBefore"]) if "updatedBefore" in body else None
            taken_after = parse_date(body["takenAfter"]) if "takenAfter" in body else None
            taken_before = parse_date(body["takenBefore"]) if "takenBefore" in body else None
            in_library = store.membership_filter(body)
            rows = [a for a in store.assets.values()
                    if a["ownerId"] in owners
                    and a["visibility"] == visibility
                    and (body.get("withDeleted") or not a["isTrashed"])
                    and ("isFavorite" not in body or a["isFavorite"] == body["isFavorite"])
                    and ("type" not in body or a["type"] == body["type"])
                    and ("id" not in body or a["id"] == body["id"])
                    and (since is None or a["updatedAt"] >= since)   # inclusive, as in Immich
                    and (until is None or a["updatedAt"] <= until)
                    and (taken_after is None or a["fileCreatedAt"] >= taken_after)  # both inclusive
                    and (taken_before is None or a["fileCreatedAt"] <= taken_before)
                    and in_library(a)]
            rows.sort(key=lambda a: (a["fileCreatedAt"], a["id"]), reverse=body.get("order", "desc") == "desc")
            start = (page - 1) * size
            window = rows[start:start + size + 1]
            items = [store.asset_dto(a) for a in window[:size]]
        entry["items"] = len(items)
        next_page = str(page + 1) if len(window) > size else None
        return self.send_json(200, {
            "albums": {"total": 0, "count": 0, "items": [], "facets": []},
            "assets": {"total": len(items), "count": len(items), "items": items, "facets": [],
                       "nextPage": next_page},
        })

    def stream_file(self, status, headers, source, start, length):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        sent = 0
        if self.command != "HEAD":
            if isinstance(source, (bytes, bytearray)):
                self.wfile.write(source[start:start + length])
            elif source is None:
                pattern = bytes(range(256)) * 1024
                position = start
                while sent < length:
                    offset = position % len(pattern)
                    chunk = pattern[offset:offset + min(length - sent, len(pattern) - offset)]
                    self.wfile.write(chunk)
                    sent += len(chunk)
                    position += len(chunk)
            else:
                with open(source, "rb") as f:
                    f.seek(start)
                    while sent < length:
                        chunk = f.read(min(1 << 18, length - sent))
                        if not chunk:
                            break
                        self.wfile.write(chunk)
                        sent += len(chunk)
        self.sent_bytes = getattr(self, "header_bytes", 0) + length
        return status

    def send_original(self, asset):
        if asset["missingFile"] or (asset["file"] and not os.path.exists(asset["file"])):
            raise HttpProblem(404, "Not Found")
        total = asset["size"]
        start, end, status = 0, total - 1, 200
        headers = [("Content-Type", asset["originalMimeType"]),
                   ("Content-Disposition", "inline; filename*=UTF-8''%s" % quote_name(asset["originalFileName"])),
                   ("Accept-Ranges", "bytes"), ("Cache-Control", "private, max-age=86400, no-transform")]
        m = re.match(r"^bytes=(\d+)-(\d*)$", self.headers.get("Range") or "")
        if m and total > 0:
            start = int(m.group(1))
            end = min(int(m.group(2)) if m.group(2) else total - 1, total - 1)
            if start > end:
                raise HttpProblem(416, "Range Not Satisfiable")
            status = 206
            headers.append(("Content-Range", "bytes %d-%d/%d" % (start, end, total)))
        return self.stream_file(status, headers, asset["file"], start, end - start + 1)

    def send_thumbnail(self, asset, query):
        size = (query.get("size") or ["thumbnail"])[0]
        if size not in ("thumbnail", "preview", "fullsize"):
            raise HttpProblem(400, ["size must be one of the following values: fullsize, preview, thumbnail"])
        if size == "fullsize":
            self.send_response(302)
            self.send_header("Location", "/api/assets/%s/original" % asset["id"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return 302
        if asset.get("noPreview"):
            raise HttpProblem(404, "Asset media not found")
        if asset["preview"]:
            source = asset["preview"]
            length = os.path.getsize(source)
        elif asset["file"] and asset["originalMimeType"] == "image/jpeg":
            source = asset["file"]
            length = os.path.getsize(source)
        else:
            source = TINY_JPEG
            length = len(TINY_JPEG)
        return self.stream_file(200, [("Content-Type", "image/jpeg")], source, 0, length)

    # --- the admin API ------------------------------------------------------------------
    def admin(self, method, route, raw):
        store = self.server.store
        body = json.loads(raw) if raw else {}
        with store.lock:
            if route in ("requests", "counters"):
                # A client has its answer a moment before the handler books it: wait for that.
                store.idle.wait_for(lambda: store.in_flight == 0, timeout=5)
            if route == "health":
                return self.send_json(200, {"ok": True})
            if route == "users" and method == "POST":
                return self.send_json(200, store.add_user(body))
            if route == "keys" and method == "POST":
                return self.send_json(200, store.add_key(body))
            if route.startswith("keys/") and method == "DELETE":  # revoke: 401 from now on
                store.keys.pop(route[len("keys/"):], None)
                return self.send_json(200, {"ok": True})
            if route == "partners" and method == "POST":
                return self.send_json(200, store.add_partner(body))
            if route == "assets" and method == "POST":
                return self.send_json(200, store.add_assets(body))
            if route == "assets" and method == "GET":
                return self.send_json(200, [store.internal(a) for a in store.assets.values()])
            if route.startswith("assets/"):
                asset_id = route[len("assets/"):]
                if method == "GET":
                    if asset_id not in store.assets:
                        raise HttpProblem(404, "no asset %s" % asset_id)
                    return self.send_json(200, store.internal(store.assets[asset_id]))
                return self.send_json(200, store.update_asset(asset_id, body))
            if route == "favorite" and method == "POST":
                ids = body["ids"] if "ids" in body else [body["id"]]
                return self.send_json(200, [store.update_asset(i, {"isFavorite": bool(body.get("isFavorite", True))})
                                            for i in ids])
            if route == "rating" and method == "POST":
                return self.send_json(200, store.set_rating(body))
            if route in ("albums", "tags", "people") and method == "POST":
                add = {"albums": store.add_album, "tags": store.add_tag, "people": store.add_person}[route]
                return self.send_json(200, add(body))
            m = re.match(r"^(albums|tags|people)/([^/]+)/assets$", route)
            if m and method == "POST":
                return self.send_json(200, store.change_members(m.group(1), m.group(2), body))
            if route == "faults" and method == "POST":
                fault = {"kind": str(body["kind"]), "remaining": int(body.get("count", 1))}
                for field in ("path", "method", "seconds", "status", "bytes", "interval"):
                    if field in body:
                        fault[field] = body[field]
                store.faults.append(fault)
                return self.send_json(200, fault)
            if route == "faults" and method == "DELETE":
                store.faults.clear()
                return self.send_json(200, {"ok": True})
            if route == "faults" and method == "GET":
                return self.send_json(200, store.faults)
            if route == "requests" and method == "GET":
                return self.send_json(200, {"requests": store.requests})
            if route in ("requests", "counters") and method == "DELETE":
                store.requests.clear()
                store.counters.clear()
                return self.send_json(200, {"ok": True})
            if route == "counters" and method == "GET":
                total = {"requests": 0, "bytesIn": 0, "bytesOut": 0}
                for c in store.counters.values():
                    for k in total:
                        total[k] += c[k]
                return self.send_json(200, {"endpoints": store.counters, "total": total,
                                            "connections": store.connections})
            if route == "config" and method == "POST":
                if "keepAliveSeconds" in body:
                    self.server.keep_alive_seconds = float(body["keepAliveSeconds"])
                if "dateStyle" in body:
                    store.date_style = body["dateStyle"]
                if "gzipMinBytes" in body:
                    store.gzip_min_bytes = int(body["gzipMinBytes"])
                if "version" in body:
                    major, minor, patch = (int(p) for p in str(body["version"]).split("."))
                    store.version = {"major": major, "minor": minor, "patch": patch}
                return self.send_json(200, {"ok": True})
        raise HttpProblem(404, "no admin route %s %s" % (method, route))


_bombs = {}
_bombs_lock = threading.Lock()


def gzip_bomb(size):
    """A gzip stream of `size` bytes of filler (about 1/200 of it), made once per size."""
    with _bombs_lock:
        if size not in _bombs:
            packer = zlib.compressobj(1, zlib.DEFLATED, 31)  # 31: gzip framing; 1: fast
            piece = b" " * (1 << 20)
            parts = [packer.compress(b'{"message": "')]
            for _ in range(size >> 20):
                parts.append(packer.compress(piece))
            parts.append(packer.flush())
            _bombs[size] = b"".join(parts)
        return _bombs[size]


def quote_name(name):
    from urllib.parse import quote
    return quote(name, safe="")


def load_manifest(store, path):
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
    # In this order: each section refers to what the ones before it made.
    sections = [("users", store.add_user), ("keys", store.add_key), ("partners", store.add_partner),
                ("assets", store.add_assets), ("albums", store.add_album), ("tags", store.add_tag),
                ("people", store.add_person)]
    with store.lock:
        for section, add in sections:
            for spec in manifest.get(section, []):
                add(spec)
        settings = manifest.get("settings", {})
        store.date_style = settings.get("dateStyle", store.date_style)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64
    verbose = False

    def handle_error(self, request, client_address):
        # Clients that hang up or refuse the certificate are part of the tests, not news.
        if self.verbose:
            super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser(description="A fake Immich server (API v2.3.1) for tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the port here once the server accepts connections")
    parser.add_argument("--manifest", help="JSON file with users, keys, partners and assets")
    parser.add_argument("--keep-alive-seconds", type=float, default=5.0,
                        help="close kept-alive connections idle this long (Immich: 5)")
    parser.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate")
    parser.add_argument("--tls-key", help="the certificate's PEM private key")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    base_dir = os.path.dirname(os.path.abspath(args.manifest)) if args.manifest else os.getcwd()
    store = Store(base_dir)
    if args.manifest:
        load_manifest(store, args.manifest)
    server = Server((args.host, args.port), Handler)
    server.store = store
    server.keep_alive_seconds = args.keep_alive_seconds
    server.verbose = args.verbose
    scheme = "http"
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        scheme = "https"
    port = server.server_address[1]
    if args.port_file:
        temp = args.port_file + ".tmp"
        with open(temp, "w") as f:
            f.write("%d\n" % port)
        os.replace(temp, args.port_file)  # readers never see a half-written file
    print("fake immich listening on %s://%s:%d/api" % (scheme, args.host, port), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    server.server_close()


if __name__ == "__main__":
    main()
