"""Widget sessions: an unguessable token in the browser, a hash-derived sender id in Rasa.

A token is 32 random bytes (``secrets.token_urlsafe(32)``) followed by a MAC of them under a key
derived from FILE_URL_SECRET, so the server recognises the tokens it issued without storing
any: a token it did not issue (or a malformed one) names no conversation. The Rasa sender id is
``webchat-`` + the first 32 hex digits of the token's SHA-256: trackers, logs and the login
table only ever see that, and it cannot be turned back into the token that reads the history.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

__all__ = ["SENDER_PREFIX", "SessionKeys", "sender_id_of"]

SENDER_PREFIX = "webchat-"
_RANDOM_BYTES = 32
_MAC_BYTES = 16
_KEY_LABEL = b"webchat-session-token"
# token_urlsafe(32): 43 base64url characters; the MAC: 16 bytes, 22 characters.
_TOKEN = re.compile(r"^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{22})$")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sender_id_of(token: str) -> str:
    """The Rasa sender id of a (valid) token."""
    return SENDER_PREFIX + hashlib.sha256(token.encode("ascii")).hexdigest()[:32]


class SessionKeys:
    """Issues and recognises session tokens with one secret."""

    def __init__(self, secret: str) -> None:
        self._key = hmac.new(secret.encode("utf-8"), _KEY_LABEL, hashlib.sha256).digest()

    def _mac(self, random_part: str) -> str:
        return _b64(hmac.new(self._key, random_part.encode("ascii"), hashlib.sha256).digest()[:_MAC_BYTES])

    def new_token(self) -> str:
        random_part = secrets.token_urlsafe(_RANDOM_BYTES)
        return f"{random_part}.{self._mac(random_part)}"

    def sender_of(self, token: object) -> str | None:
        """The sender id of a token this server issued; None for anything else."""
        if not isinstance(token, str):
            return None
        match = _TOKEN.match(token)
        if match is None or not hmac.compare_digest(self._mac(match.group(1)), match.group(2)):
            return None
        return sender_id_of(token)
