"""Files the assistant makes for users (usage charts, invoices), served at unguessable URLs.

Each file gets a random 128-bit name: links go to one chat, and an invoice carries the
holder's name, so a URL must not be derivable from an account or month. Templates
(blank forms with no personal data) are the exception: one file under a fixed name of
the same shape, the same URL for everyone (:func:`publish_once`).
"""
from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

PUBLISHED_SUBDIR = "published"
URL_PREFIX = "/webhooks/files"
KINDS = {"charts": ".png", "invoices": ".pdf", "templates": ".pdf"}
CONTENT_TYPES = {".png": "image/png", ".pdf": "application/pdf"}
_NAME = re.compile(r"[A-Za-z0-9_-]{22}\.(png|pdf)")


def publish(files_dir: Path, public_url: str, kind: str, data: bytes) -> str:
    """Store ``data`` as a file of ``kind`` ("charts", "invoices") under a random name; its public URL."""
    extension = KINDS[kind]
    name = secrets.token_urlsafe(16) + extension
    target = files_dir / PUBLISHED_SUBDIR / kind / name
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(extension + ".part")
    partial.write_bytes(data)
    partial.replace(target)
    return f"{public_url}{URL_PREFIX}/{kind}/{name}"


def publish_once(files_dir: Path, public_url: str, kind: str, name: str, render: Callable[[], bytes]) -> str:
    """The public URL of the fixed-name file ``name`` of ``kind``, rendering it only if it
    is not stored yet. Processes racing to render each write their own temporary file and
    move it into place atomically, so a reader never sees a partial file."""
    if not _NAME.fullmatch(name) or not name.endswith(KINDS[kind]):
        raise ValueError(f"not a well-formed file name: {name!r}")
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
    """The stored file behind a public URL's last two parts, or None (no path tricks)."""
    if kind not in KINDS or not _NAME.fullmatch(name) or not name.endswith(KINDS[kind]):
        return None
    path = files_dir / PUBLISHED_SUBDIR / kind / name
    return path if path.is_file() else None


def content_type_of(path: Path) -> str:
    return CONTENT_TYPES[path.suffix]
