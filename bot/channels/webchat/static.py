"""The widget's files (``static/``: the demo page, widget.js, widget.css), served with their
content types, caching rules and, on the demo page, a strict Content-Security-Policy: scripts,
styles and connections from this server only, no inline script, no plugins, no framing.
"""
from __future__ import annotations

from pathlib import Path

from sanic import response
from sanic.response import HTTPResponse

from bot.channels.webchat.origins import origin_of

__all__ = ["STATIC_DIR", "STATIC_FILES", "demo_page_policy", "static_file"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
# URL name → (file, content type, Cache-Control). The page is revalidated every time (it names
# the script); the script and style sheet are cached briefly, as other sites embed them.
STATIC_FILES = {
    "": ("index.html", "text/html; charset=utf-8", "no-cache"),
    "widget.js": ("widget.js", "text/javascript; charset=utf-8", "public, max-age=300"),
    "widget.css": ("widget.css", "text/css; charset=utf-8", "public, max-age=300"),
}


def demo_page_policy(host: str | None, public_url: str) -> str:
    """The demo page's CSP: this server (as the browser reached it, and as PUBLIC_URL) only."""
    public = origin_of(public_url) or ""
    public_ws = public.replace("http", "ws", 1) if public else ""
    sockets = f"ws://{host} wss://{host}" if host else ""
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        " ".join(filter(None, ["img-src 'self' data: blob:", public])),
        " ".join(filter(None, ["connect-src 'self'", sockets, public, public_ws])),
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
        "object-src 'none'",
    ])


def static_file(name: str, *, host: str | None, public_url: str, directory: Path = STATIC_DIR) -> HTTPResponse:
    """The response for ``GET /webhooks/webchat/<name>`` (404 when the file is not there)."""
    file_name, content_type, cache = STATIC_FILES[name]
    path = directory / file_name
    if not path.is_file():
        return response.json({"error": "not found"}, status=404)
    headers = {"Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    if file_name.endswith(".html"):
        headers["Content-Security-Policy"] = demo_page_policy(host, public_url)
        headers["Referrer-Policy"] = "no-referrer"
    return response.raw(path.read_bytes(), content_type=content_type, headers=headers)
