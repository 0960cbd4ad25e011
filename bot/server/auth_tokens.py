"""Checking the shared secrets our servers require (no web framework here: plain strings).

Used by the action server (ACTION_SERVER_TOKEN), the REST channel (REST_CHANNEL_TOKEN) and the
launcher, which refuses to expose the REST channel beyond loopback without a token.
"""
from __future__ import annotations

import hmac
import ipaddress

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class ExposedWithoutToken(RuntimeError):
    """The REST channel would listen beyond loopback with no REST_CHANNEL_TOKEN."""


def token_matches(presented: str | None, expected: str) -> bool:
    """Constant-time comparison, so response timing does not reveal the secret."""
    return presented is not None and hmac.compare_digest(presented.encode(), expected.encode())


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, if that is what it is."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def is_loopback_host(host: str) -> bool:
    """Whether a listening address is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def rest_channel_token(configured: str | None, rasa_host: str) -> str | None:
    """The bearer token REST requests must carry: always the configured one; none only on loopback."""
    if configured:
        return configured
    if is_loopback_host(rasa_host):
        return None
    raise ExposedWithoutToken(
        f"RASA_HOST={rasa_host} is not loopback: set REST_CHANNEL_TOKEN, the bearer token the trusted "
        "backend sends on every REST request"
    )
