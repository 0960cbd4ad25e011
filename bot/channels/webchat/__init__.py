"""The web chat widget (channel ``webchat``): one ``<script>`` tag puts the assistant on any page.

A plain WebSocket served by Sanic carries the conversation (no client library, no build step);
the page, the script and the style sheet are served from ``static/``. Everything is under
``/webhooks/webchat/``:

* ``GET /`` — the demo page (strict CSP, no inline script); ``GET /widget.js``, ``GET /widget.css``.
* ``POST /sessions`` → ``{"session": token}``: a new unguessable session (:mod:`sessions`). Rasa
  knows the chat only as ``webchat-`` + 32 hex digits of the token's SHA-256; knowing that id
  gives nothing: every call below needs the token itself.
* WebSocket ``GET /socket?session=<token>`` (unknown or malformed token: close 4401, the client
  asks for a new session; an ``Origin`` not allowed: close 4403). Client → server:
  ``{"type": "message", "text"}`` or ``{"type": "button", "payload", "title"}``. Server → client:
  ``{"type": "typing", "on": true|false}`` around each turn; ``{"type": "bot", "messages": [M…]}``
  with M = ``{"text"?, "buttons"?: [{"title", "payload"}], "image"?: url, "document"?: {"url",
  "title"}}`` (replies and pushes alike); ``{"type": "notice", "text"}`` for a refusal (too long,
  too fast). Frames over 8 KiB are refused; Sanic pings every 20 s.
* ``GET /history?session=<token>`` → ``{"messages": [{"from": "user"|"bot", "text"?, "buttons"?,
  "image"?, "document"?, "at": iso}]}`` replayed from the tracker (:mod:`history`).
* ``POST /upload?session=<token>``, multipart field ``file``: the REST channel's upload path
  (same checks and limits); that turn's replies come back as ``{"messages": [M…]}`` only.
* ``GET /config`` → ``{"maxUploadBytes", "acceptedTypes", "maxMessageChars"}`` for the widget.

Every text passes :func:`bot.channels.inbound_guard.screen_inbound`. Pages of other origins are
allowed by WEBCHAT_ALLOWED_ORIGINS (:mod:`origins`). Pushes (``trigger_intent?output_channel=webchat``)
reach the open sockets of the sender on any replica (:mod:`socket`: Redis pub/sub with REDIS_URL).

Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "frames",
    "history",
    "input",
    "origins",
    "output",
    "sessions",
    "socket",
    "static",
]
