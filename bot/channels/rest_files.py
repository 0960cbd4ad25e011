"""The REST channel, with file uploads, under Rasa's name for it (``rest``) and URL prefix.

* ``POST /webhooks/rest/webhook`` — JSON ``{"sender", "message"}``; the replies come back as JSON.
* ``POST /webhooks/rest/upload`` — multipart form with ``sender`` and ``file`` (a bill
  photo, a certificate): the file is checked and stored, the chat gets the intent
  ``send_file`` and the replies come back as JSON, like a message.

REST is the channel of a trusted backend (:mod:`bot.channels.backend_requests`: bearer token,
no shared ``default`` chat, 400s instead of 500s). Unlike Rasa's own REST channel, the caller
cannot pick another ``input_channel`` (that would let it act as a WeChat user), nor attach
metadata, nor stream, and every text passes :func:`bot.channels.inbound_guard.screen_inbound`.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.backend_requests import MAX_SENDER_LENGTH, BackendAuth, bad_request, message_of, sender_problem
from bot.channels.inbound_guard import Refused, screen_inbound
from bot.channels.uploads import receive_file
from bot.container import services

log = logging.getLogger(__name__)
__all__ = ["MAX_SENDER_LENGTH", "RestWithFilesInput"]
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class RestWithFilesInput(InputChannel):
    def __init__(self, token: str | None = None) -> None:
        self.auth = BackendAuth(token)

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(BackendAuth.from_settings().token)

    async def deliver(self, on_new_message: OnNewMessage, sender: str, text: str) -> HTTPResponse:
        """Screen the text, hand it to Rasa and answer with the replies as JSON."""
        screened = await screen_inbound(self.name(), sender, text)
        if isinstance(screened, Refused):
            return response.json([{"recipient_id": sender, "text": screened.text}])
        collector = CollectingOutputChannel()
        try:
            await on_new_message(UserMessage(screened.text, collector, sender, input_channel=self.name()))
        except Exception:  # as Rasa's own webhook: log, answer with what was said so far
            log.exception("a message from a REST chat could not be handled")
        return response.json(collector.messages)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if refusal := self.auth.unauthorized(request):
                return refusal
            parsed = message_of(request)
            if isinstance(parsed, HTTPResponse):
                return parsed
            return await self.deliver(on_new_message, *parsed)

        @webhook.route("/upload", methods=["POST"])
        async def upload(request: Request) -> HTTPResponse:
            if refusal := self.auth.unauthorized(request):
                return refusal
            sender = request.form.get("sender") if request.form else None
            if problem := sender_problem(sender):
                return bad_request(f"form field {problem}")
            assert isinstance(sender, str)  # sender_problem accepts nothing else
            file = request.files.get("file") if request.files else None
            text = await receive_file(
                services(), channel=self.name(), sender_id=sender,
                filename=file.name if file else None, data=file.body if file else b"",
            )
            return await self.deliver(on_new_message, sender, text)

        return webhook
