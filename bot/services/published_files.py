"""Files the assistant makes for users (usage charts, invoices), served at unguessable URLs.

Each file gets a random 128-bit name: links go to one chat, and an invoice carries the
holder's name, so a URL must not be derivable from an account or month.
"""
from __future__ import annotations

import re
import secrets
from pathlib import Path

PUBLISHED_SUBDIR = "published"
URL_PREFIX = "/webhooks/files"
KINDS = {"charts": ".png", "invoices": ".pdf"}
CONTENT_TYPES = {".png": "image/png", ".pdf": "application/pdf"}
_NAME = re.compile(r"[A-Za-z0-9_-]{22}\.(png|pdf)")


def publish(files_dir: Path, public_url: str, kind: str, data: bytes) -> str:
    """Store ``data`` as a file of ``kind`` ("charts" or "invoices"); its public URL."""
    extension = KINDS[kind]
    name = secrets.token_urlsafe(16) + extension
    target = files_dir / PUBLISHED_SUBDIR / kind / name
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(extension + ".part")
    partial.write_bytes(data)
    partial.replace(target)
    return f"{public_url}{URL_PREFIX}/{kind}/{name}"


def published_path(files_dir: Path, kind: str, name: str) -> Path | None:
    """The stored file behind a public URL's last two parts, or None (no path tricks)."""
    if kind not in KINDS or not _NAME.fullmatch(name) or not name.endswith(KINDS[kind]):
        return None
    path = files_dir / PUBLISHED_SUBDIR / kind / name
    return path if path.is_file() else None


def content_type_of(path: Path) -> str:
    return CONTENT_TYPES[path.suffix]
