"""Keyed hashing of resident ID numbers, so they can be matched but never read back.

HMAC-SHA256 with ``ID_HASH_SECRET``: without the secret a hash cannot be brute-forced
from the small space of plausible ID numbers. The default is for development only.
"""
from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping

DEV_ID_HASH_SECRET = "dev-only-id-hash-secret-change-me"


def id_hash_secret(env: Mapping[str, str] | None = None) -> str:
    source = os.environ if env is None else env
    return source.get("ID_HASH_SECRET") or DEV_ID_HASH_SECRET


def keyed_digest(message: str) -> str:
    """Hex HMAC-SHA256 of ``message`` with ``ID_HASH_SECRET``: for personal data (codes,
    searches, applications) that must be matched later but never read back."""
    return hmac.new(id_hash_secret().encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def normalise_id_number(id_number: str) -> str:
    """Strip whitespace and upper-case the check character (``x`` -> ``X``)."""
    return "".join(id_number.split()).upper()


def hash_id_number(id_number: str, *, secret: str | None = None) -> str:
    """Hex HMAC-SHA256 of the normalised ID number."""
    key = (secret if secret is not None else id_hash_secret()).encode("utf-8")
    message = normalise_id_number(id_number).encode("ascii")
    return hmac.new(key, message, hashlib.sha256).hexdigest()
