"""The web chat widget's channel (``webchat``): its page, its files, its sessions, its WebSocket.

Routes under ``/webhooks/webchat/`` (the protocol is in the package docstring): ``GET /`` (demo
page), ``GET /widget.js``, ``GET /widget.css``, ``POST /sessions``, ``GET /config``,
``GET /history``, ``POST /upload`` and the WebSocket ``GET /socket``. Every text typed or
pressed passes :func:`bot.channels.inbound_guard.screen_inbound` (length, per-chat and
per-channel rates) before Rasa sees it; a refusal comes back as a ``notice`` frame.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any
from urllib.parse import unquote

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import WebsocketClosed
from sanic.request import Request
from sanic.response import HTTPResponse
from websockets.exceptions import ConnectionClosed

from bot.channels.inbound_guard import TOO_LONG, Refused, screen_inbound
from bot.channels.replies import domain_text
from bot.channels.uploads import receive_file
from bot.channels.webchat.frames import (
    CHANNEL,
    MAX_TITLE_CHARS,
    Malformed,
    TextMessage,
    TooLarge,
    notice_frame,
    parse_client_frame,
    typing_frame,
    widget_messages,
)
from bot.channels.webchat.history import TITLE_KEY, history_messages
from bot.channels.webchat.origins import OriginPolicy
from bot.channels.webchat.output import WebchatOutput
from bot.channels.webchat.sessions import SessionKeys
from bot.channels.webchat.socket import Relay, Sockets
from bot.channels.webchat.static import STATIC_FILES, static_file
from bot.container import services
from bot.files.attachments import IMAGE_TYPES, MAX_UPLOAD_BYTES, PDF_TYPE
from bot.settings import Settings

__all__ = ["CLOSE_FORBIDDEN_ORIGIN", "CLOSE_UNKNOWN_SESSION", "SessionRedaction", "WebchatInput"]

log = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

CLOSE_UNKNOWN_SESSION = 4401  # the client asks for a new session
CLOSE_FORBIDDEN_ORIGIN = 4403
ACCEPTED_TYPES = [mime for mime, _ in IMAGE_TYPES.values()] + [PDF_TYPE[0]]
_SESSION_IN_URL = re.compile(r"(session=)[^&\s]+")


class SessionRedaction(logging.Filter):
    """Masks ``?session=<token>`` in Sanic's access log (its ``request`` field is method and URL):
    the token reads the history, so it is never logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, str) and "session=" in request:
            record.request = _SESSION_IN_URL.sub(r"\1***", request)
        return True


def _hide_tokens_from_access_log() -> None:
    access = logging.getLogger("sanic.access")
    if not any(isinstance(existing, SessionRedaction) for existing in access.filters):
        access.addFilter(SessionRedaction())


class WebchatInput(InputChannel):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.keys = SessionKeys(settings.file_url_secret)
        self.origins = OriginPolicy(settings.webchat_allowed_origins, settings.public_url)
        self.sockets = Sockets()
        self.relay = Relay(self.sockets, settings.redis_url)
        self.output = WebchatOutput(self.relay)
        _hide_tokens_from_access_log()

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Configured from the environment only (credentials.yml cannot read it)."""
        return cls(Settings.from_env())

    def get_output_channel(self) -> OutputChannel | None:
        """Where pushes (``trigger_intent?output_channel=webchat``) go: the sender's open sockets."""
        return self.output

    # --- shared by the routes -------------------------------------------------------------

    def origin_allowed(self, request: Request) -> bool:
        return self.origins.allows(request.headers.get("origin"), request.headers.get("host"))

    def _json(self, request: Request, body: Any, status: int = 200) -> HTTPResponse:
        """JSON, never cached; readable by an allowed page of another origin (CORS)."""
        headers = {"Cache-Control": "no-store", "Vary": "Origin"}
        origin = request.headers.get("origin")
        if origin and self.origin_allowed(request):
            headers["Access-Control-Allow-Origin"] = origin
        return response.json(body, status=status, headers=headers, ensure_ascii=False)

    def preflight(self, request: Request) -> HTTPResponse:
        """The CORS preflight a browser sends before an upload from an allowed page of another
        origin (the widget's upload reports progress, which makes it a non-simple request)."""
        origin = request.headers.get("origin")
        if not origin or not self.origin_allowed(request):
            return response.empty(status=403)
        return response.empty(status=204, headers={
            "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": "POST",
            "Access-Control-Max-Age": "600", "Vary": "Origin",
        })

    def _session(self, request: Request) -> str | HTTPResponse:
        """The sender id of the request's ``?session=``, or the refusal to answer with."""
        if not self.origin_allowed(request):
            return self._json(request, {"error": "origin not allowed"}, 403)
        sender = self.keys.sender_of(request.args.get("session"))
        if sender is None:
            return self._json(request, {"error": "unknown session"}, 401)
        return sender

    async def converse(
        self, on_new_message: OnNewMessage, sender: str, text: str, *, title: str | None = None,
        output: OutputChannel | None = None,
    ) -> str | None:
        """One turn: screen ``text``, then hand it to the dialogue (replies to ``output``, by
        default the sender's sockets); the refusal's text when it was refused."""
        screened = await screen_inbound(CHANNEL, sender, text)
        if isinstance(screened, Refused):
            return screened.text
        metadata = {TITLE_KEY: title[:MAX_TITLE_CHARS]} if title else None
        message = UserMessage(
            screened.text, output or self.output, sender, input_channel=CHANNEL, metadata=metadata,
        )
        try:
            await on_new_message(message)
        except Exception:  # as Rasa's own webhooks: log; what was said so far is sent already
            log.exception("a message from a web chat could not be handled")
        return None

    async def on_frame(self, on_new_message: OnNewMessage, socket: Any, sender: str, raw: str | bytes) -> None:
        frame = parse_client_frame(raw)
        if isinstance(frame, Malformed):
            return
        if isinstance(frame, TooLarge):
            await socket.send(notice_frame(domain_text(TOO_LONG, max_chars=self.settings.max_message_chars)))
            return
        text, title = (frame.text, None) if isinstance(frame, TextMessage) else (frame.payload, frame.title)
        await self.relay.deliver(sender, typing_frame(True))
        try:
            refused = await self.converse(on_new_message, sender, text, title=title)
        finally:
            await self.relay.deliver(sender, typing_frame(False))
        if refused is not None:
            await socket.send(notice_frame(refused))

    async def serve_socket(self, on_new_message: OnNewMessage, request: Request, socket: Any) -> None:
        if not self.origin_allowed(request):
            await socket.close(CLOSE_FORBIDDEN_ORIGIN, "origin not allowed")
            return
        sender = self.keys.sender_of(request.args.get("session"))
        if sender is None:
            await socket.close(CLOSE_UNKNOWN_SESSION, "unknown session")
            return
        self.sockets.add(sender, socket)
        try:
            while True:
                raw = await socket.recv()
                if raw is not None:
                    await self.on_frame(on_new_message, socket, sender, raw)
        except (ConnectionClosed, WebsocketClosed):
            pass  # the page was closed or went offline: it reconnects and replays the history
        finally:
            self.sockets.discard(sender, socket)

    async def upload(self, on_new_message: OnNewMessage, request: Request) -> HTTPResponse:
        sender = self._session(request)
        if isinstance(sender, HTTPResponse):
            return sender
        file = request.files.get("file") if request.files else None
        text = await receive_file(
            services(), channel=CHANNEL, sender_id=sender,
            filename=file.name if file else None, data=file.body if file else b"",
        )
        collector = CollectingOutputChannel()  # this turn's replies go back in the response only
        refused = await self.converse(
            on_new_message, sender, text, title=unquote(file.name) if file and file.name else None, output=collector,
        )
        messages = [{"text": refused}] if refused is not None else widget_messages(collector.messages)
        return self._json(request, {"messages": messages})

    async def history(self, request: Request) -> HTTPResponse:
        sender = self._session(request)
        if isinstance(sender, HTTPResponse):
            return sender
        tracker = await request.app.ctx.agent.tracker_store.retrieve_full_tracker(sender)
        events = [event.as_dict() for event in tracker.events] if tracker is not None else []
        return self._json(request, {"messages": history_messages(events)})

    # --- routes ------------------------------------------------------------------------------

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webchat = Blueprint("webchat", __name__)

        @webchat.listener("before_server_start")
        async def start_relay(_app: Any, _loop: Any) -> None:
            await self.relay.start()

        @webchat.listener("before_server_stop")
        async def stop_relay(_app: Any, _loop: Any) -> None:
            await self.relay.stop()

        def serve_static(name: str) -> Callable[[Request], Coroutine[Any, Any, HTTPResponse]]:
            async def serve(request: Request) -> HTTPResponse:
                return static_file(name, host=request.headers.get("host"), public_url=self.settings.public_url)

            serve.__name__ = f"static_{name.replace('.', '_') or 'page'}"
            return serve

        for name in STATIC_FILES:
            webchat.add_route(serve_static(name), f"/{name}", methods=["GET"])

        @webchat.route("/sessions", methods=["POST"])
        async def new_session(request: Request) -> HTTPResponse:
            if not self.origin_allowed(request):
                return self._json(request, {"error": "origin not allowed"}, 403)
            return self._json(request, {"session": self.keys.new_token()})

        @webchat.route("/config", methods=["GET"])
        async def config(request: Request) -> HTTPResponse:
            return self._json(request, {
                "maxUploadBytes": MAX_UPLOAD_BYTES, "acceptedTypes": ACCEPTED_TYPES,
                "maxMessageChars": self.settings.max_message_chars,
            })

        @webchat.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            return await self.history(request)

        @webchat.route("/upload", methods=["POST"])
        async def upload(request: Request) -> HTTPResponse:
            return await self.upload(on_new_message, request)

        @webchat.route("/upload", methods=["OPTIONS"])
        async def upload_preflight(request: Request) -> HTTPResponse:
            return self.preflight(request)

        @webchat.websocket("/socket")
        async def socket(request: Request, ws: Any) -> None:
            await self.serve_socket(on_new_message, request, ws)

        return webchat
