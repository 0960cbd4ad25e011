"""Authenticated answers from the payment gateway.

Requests to the gateway are signed (:func:`bot.payments.gateway.sign`); so is every answer,
or anyone who can answer for the gateway's address could mark bills paid. The gateway adds
three headers to each response::

    X-Response-Timestamp: unix seconds of its clock
    X-Response-Nonce:     32 random hex digits
    X-Response-Signature: hex(hmac_sha256(secret, "response\\n" + status + "\\n" + METHOD + "\\n"
                              + path + "\\n" + timestamp + "\\n" + nonce + "\\n" + body))

The signature binds the answer to the request it answers (method and raw path) and to its
status. The client takes an answer only if the signature is right, the timestamp is within
:data:`MAX_SKEW` of its own clock, and the nonce was not seen before (:class:`NonceStore`:
a database table, or Redis when ``REDIS_URL`` is set, shared by every replica). Nonces are
kept for :data:`NONCE_TTL` (twice the skew: a timestamp may be ahead of our clock by the
skew), then deleted; an older replay fails the timestamp check anyway.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Protocol

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.db.enums import StrEnum
from bot.db.models import GatewayNonce
from bot.db.session import SessionFactory
from bot.settings import Settings

RESPONSE_SIGNATURE_HEADER = "X-Response-Signature"
TIMESTAMP_HEADER = "X-Response-Timestamp"
NONCE_HEADER = "X-Response-Nonce"
MAX_SKEW = timedelta(seconds=300)
NONCE_TTL = 2 * MAX_SKEW
_NONCE = re.compile(r"[0-9a-f]{32}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_REDIS_PREFIX = "gateway-nonce:"


class ResponseRejection(StrEnum):
    UNSIGNED = "unsigned"  # a header missing or malformed
    BAD_SIGNATURE = "bad_signature"
    STALE = "stale"  # timestamp further than MAX_SKEW from our clock
    REPLAYED = "replayed"  # nonce seen before


def response_signature(
    secret: str, *, status: int, method: str, path: str, timestamp: str, nonce: str, body: bytes
) -> str:
    message = f"response\n{status}\n{method.upper()}\n{path}\n{timestamp}\n{nonce}\n".encode() + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, clock: Clock, *, status: int, method: str, path: str, body: bytes) -> dict[str, str]:
    """The headers the gateway adds to an answer (``path``: the request's raw path, no query)."""
    timestamp, nonce = str(int(clock.now().timestamp())), secrets.token_hex(16)
    signature = response_signature(secret, status=status, method=method, path=path, timestamp=timestamp,
                                   nonce=nonce, body=body)
    return {TIMESTAMP_HEADER: timestamp, NONCE_HEADER: nonce, RESPONSE_SIGNATURE_HEADER: signature}


class NonceStore(Protocol):
    def first_use(self, nonce: str, now: datetime) -> bool:
        """Record ``nonce``; False if it was recorded before (a replay)."""


def check_response(
    secret: str, headers: Mapping[str, str], *, status: int, method: str, path: str, body: bytes,
    now: datetime, nonces: NonceStore,
) -> ResponseRejection | None:
    """None if the answer is authentic and fresh (its nonce is then used up); else why not.
    Blocking (the nonce store may be a database): call it off the event loop."""
    timestamp, nonce = headers.get(TIMESTAMP_HEADER, ""), headers.get(NONCE_HEADER, "")
    given = headers.get(RESPONSE_SIGNATURE_HEADER, "")
    if not (_TIMESTAMP.fullmatch(timestamp) and _NONCE.fullmatch(nonce) and given):
        return ResponseRejection.UNSIGNED
    expected = response_signature(secret, status=status, method=method, path=path, timestamp=timestamp,
                                  nonce=nonce, body=body)
    if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("ascii")):
        return ResponseRejection.BAD_SIGNATURE
    sent_at = datetime.fromtimestamp(int(timestamp), tz=timezone.utc)
    if abs(now - sent_at) > MAX_SKEW:
        return ResponseRejection.STALE
    if not nonces.first_use(nonce, now):
        return ResponseRejection.REPLAYED
    return None


class SqlNonceStore:
    """Nonces in the business database (table ``gateway_nonces``), shared by all replicas."""

    def __init__(self, session_factory: SessionFactory) -> None:
        self._session_factory = session_factory

    def first_use(self, nonce: str, now: datetime) -> bool:
        try:
            with self._session_factory.session_scope() as session:
                session.execute(delete(GatewayNonce).where(GatewayNonce.seen_at < now - NONCE_TTL))
                session.add(GatewayNonce(nonce=nonce, seen_at=now))
                session.flush()
        except IntegrityError:
            return False
        return True


class RedisNonceStore:
    """Nonces in Redis (``SET NX`` with an expiry of :data:`NONCE_TTL`), shared by all replicas."""

    def __init__(self, redis_url: str) -> None:
        import redis  # only needed when REDIS_URL is set

        self._redis = redis.Redis.from_url(redis_url)

    def first_use(self, nonce: str, now: datetime) -> bool:
        ttl = int(NONCE_TTL.total_seconds())
        return bool(self._redis.set(_REDIS_PREFIX + nonce, now.isoformat(), nx=True, ex=ttl))


class MemoryNonceStore:
    """Nonces in this process only: for one-off clients (tests, scripts), never for replicas."""

    def __init__(self) -> None:
        self._seen: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def first_use(self, nonce: str, now: datetime) -> bool:
        with self._lock:
            self._seen = {n: at for n, at in self._seen.items() if at >= now - NONCE_TTL}
            if nonce in self._seen:
                return False
            self._seen[nonce] = now
            return True


def nonce_store_from_settings(settings: Settings, session_factory: SessionFactory) -> NonceStore:
    """Redis when REDIS_URL is set, else the database."""
    return RedisNonceStore(settings.redis_url) if settings.redis_url else SqlNonceStore(session_factory)
