"""Files the assistant makes for users (usage charts, invoices, receipts), served by signed
links that expire.

A chart is the account's usage and an invoice or receipt carries the holder's name, so a
link to one is a credential: it names a random 128-bit file, ends after
PUBLISHED_FILE_TTL_HOURS (24 h) and is signed (HMAC-SHA256 with FILE_URL_SECRET over the
kind, the file and the expiry), so it cannot be made up, moved to another file or
extended. The signed name is also the stored file's name
(``<random>.<expiry as Unix seconds>.<signature>.<ext>``): ``python -m bot purge`` reads
the expiry from it. Templates (blank forms, no personal data) are the exception: one file
under a fixed name, the same link for everyone, no expiry (:func:`publish_once`).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path

from bot.clock import Clock
from bot.settings import Settings

PUBLISHED_SUBDIR = "published"
URL_PREFIX = "/webhooks/files"
KINDS = {"charts": ".png", "invoices": ".pdf", "templates": ".pdf"}
PUBLIC_KINDS = frozenset({"templates"})  # no personal data: fixed names, no signature, no expiry
CONTENT_TYPES = {".png": "image/png", ".pdf": "application/pdf"}
_NAME = re.compile(r"[A-Za-z0-9_-]{22}\.(png|pdf)")
_SIGNED_NAME = re.compile(r"(?P<token>[A-Za-z0-9_-]{22})\.(?P<expires>[0-9]{1,12})\.(?P<signature>[A-Za-z0-9_-]{22})"
                          r"\.(?P<extension>png|pdf)")


class Access(Enum):
    """What a request for a published file gets; the HTTP status is the value."""

    SERVE = 200
    FORBIDDEN = 403  # no, a malformed or a wrong signature: nothing about the file is revealed
    GONE = 410  # a genuine link past its expiry, or its file already purged
    NOT_FOUND = 404  # an unknown kind, or a template that does not exist


@dataclass(frozen=True)
class Lookup:
    access: Access
    path: Path | None = None  # set exactly when access is SERVE


def _signature(secret: str, kind: str, token: str, expires: int, extension: str) -> str:
    message = f"{kind}/{token}.{extension}/{expires}".encode()
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()[:16]  # 128 bits
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def signed_name(secret: str, kind: str, token: str, expires: int, extension: str) -> str:
    """The file name (and last URL part) of ``token`` of ``kind``, valid until ``expires``."""
    return f"{token}.{expires}.{_signature(secret, kind, token, expires, extension)}.{extension}"


def publish(settings: Settings, clock: Clock, kind: str, data: bytes) -> str:
    """Store ``data`` as a file of ``kind`` ("charts", "invoices") under a random name; the
    signed URL to send, valid for ``settings.published_file_ttl_hours``."""
    if kind in PUBLIC_KINDS:
        raise KeyError(f"{kind} are published with publish_once")
    extension = KINDS[kind]
    expires = int((clock.now() + timedelta(hours=settings.published_file_ttl_hours)).timestamp())
    name = signed_name(settings.file_url_secret, kind, secrets.token_urlsafe(16), expires, extension[1:])
    target = settings.files_dir / PUBLISHED_SUBDIR / kind / name
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(extension + ".part")
    partial.write_bytes(data)
    partial.replace(target)
    return f"{settings.public_url}{URL_PREFIX}/{kind}/{name}"


def publish_once(files_dir: Path, public_url: str, kind: str, name: str, render: Callable[[], bytes]) -> str:
    """The public URL of the fixed-name template ``name`` of ``kind``, rendering it only if it
    is not stored yet. Processes racing to render each write their own temporary file and
    move it into place atomically, so a reader never sees a partial file."""
    if kind not in PUBLIC_KINDS or not _NAME.fullmatch(name) or not name.endswith(KINDS[kind]):
        raise ValueError(f"not a well-formed template name: {kind}/{name!r}")
    target = files_dir / PUBLISHED_SUBDIR / kind / name
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(render())
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return f"{public_url}{URL_PREFIX}/{kind}/{name}"


def published_path(files_dir: Path, kind: str, name: str) -> Path | None:
    """The stored file behind a URL's last two parts, or None (no path tricks). It does not
    check the signature or the expiry: serving goes through :func:`look_up`."""
    if kind not in KINDS or not name.endswith(KINDS[kind]):
        return None
    pattern = _NAME if kind in PUBLIC_KINDS else _SIGNED_NAME
    if not pattern.fullmatch(name):
        return None
    path = files_dir / PUBLISHED_SUBDIR / kind / name
    return path if path.is_file() else None


def look_up(settings: Settings, now: datetime, kind: str, name: str) -> Lookup:
    """Whether a request for ``kind``/``name`` is served, refused (403) or gone (410).

    The signature is checked before anything else, so a request without a genuine link
    learns nothing (not even whether such a file exists)."""
    if kind not in KINDS:
        return Lookup(Access.NOT_FOUND)
    if kind in PUBLIC_KINDS:
        path = published_path(settings.files_dir, kind, name)
        return Lookup(Access.SERVE, path) if path else Lookup(Access.NOT_FOUND)
    match = _SIGNED_NAME.fullmatch(name)
    if match is None or f".{match['extension']}" != KINDS[kind]:
        return Lookup(Access.FORBIDDEN)
    expected = _signature(settings.file_url_secret, kind, match["token"], int(match["expires"]), match["extension"])
    if not hmac.compare_digest(expected, match["signature"]):
        return Lookup(Access.FORBIDDEN)
    if int(match["expires"]) <= now.timestamp():
        return Lookup(Access.GONE)
    path = published_path(settings.files_dir, kind, name)
    return Lookup(Access.SERVE, path) if path else Lookup(Access.GONE)


def expired_files(files_dir: Path, now: datetime) -> Iterator[Path]:
    """Stored charts, invoices and receipts whose links have expired, and files no link can
    reach (unsigned names from before links were signed, leftover partial writes)."""
    for kind in KINDS.keys() - PUBLIC_KINDS:
        folder = files_dir / PUBLISHED_SUBDIR / kind
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            match = _SIGNED_NAME.fullmatch(path.name.removesuffix(".part"))
            if match is None or int(match["expires"]) <= now.timestamp():
                yield path


def content_type_of(path: Path) -> str:
    return CONTENT_TYPES[path.suffix]
