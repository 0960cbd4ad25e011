"""Which web pages may use the widget's endpoints: the ``Origin`` check.

Browsers do not apply CORS to WebSockets, so without this check any page could open a socket
with a token it holds. Allowed are: the server's own origin (the page's ``Origin`` names the host
the request was sent to, i.e. the demo page at ``/webhooks/webchat/``), the origin of PUBLIC_URL
(where the demo page is linked from), and every origin listed in WEBCHAT_ALLOWED_ORIGINS
(comma-separated, ``https://www.example.com``; ``*`` allows any page). A request without an
``Origin`` header comes from no browser page (a server, a test client) and is allowed: it
still needs the session token, which only the page that created the session holds.
"""
from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["OriginPolicy", "origin_of"]

ANY_ORIGIN = "*"


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of a URL, lower-cased, default ports dropped; None when it has none."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        return None
    default = {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(scheme)
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


def _host_of(origin: str) -> str | None:
    """``host[:port]`` of an origin, with its scheme's default port made explicit."""
    parts = urlsplit(origin)
    if not parts.hostname:
        return None
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return None
    host = parts.hostname.lower()
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class OriginPolicy:
    """The allowed origins: the configured ones plus, per request, the server's own."""

    def __init__(self, configured: Iterable[str], public_url: str) -> None:
        listed = [entry.strip() for entry in configured if entry.strip()]
        self.any = ANY_ORIGIN in listed
        self.origins = frozenset(filter(None, (origin_of(entry) for entry in [*listed, public_url])))

    def allows(self, origin: str | None, host: str | None) -> bool:
        """Whether a request with header ``Origin: origin`` sent to ``Host: host`` may proceed."""
        if origin is None:
            return True
        if self.any:
            return True
        normalised = origin_of(origin)
        if normalised is None:  # "null" (a file:// page, a sandboxed frame) or garbage
            return False
        if normalised in self.origins:
            return True
        return host is not None and _host_of(normalised) == _same_host(host, normalised)


def _same_host(host: str, origin: str) -> str | None:
    """The ``Host`` header with the port the origin's scheme implies when it names none."""
    scheme = urlsplit(origin).scheme
    return _host_of(f"{scheme}://{host.strip()}")
