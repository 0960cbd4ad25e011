"""The REST channel, with file uploads, under Rasa's name for it (``rest``) and URL prefix.

* ``POST /webhooks/rest/webhook`` — JSON ``{"sender", "message"}``; the replies come back as JSON.
* ``POST /webhooks/rest/upload`` — multipart form with ``sender`` and ``file`` (a bill
  photo, a certificate): the file is checked and stored, the chat gets the intent
  ``send_file`` and the replies come back as JSON, like a message.

REST is the channel of a trusted backend (the utility's app server), which vouches for the
sender id: a chat is logged in per (channel, sender), so whoever may post here may speak as
any REST chat. Hence, unlike Rasa's own REST channel:

* with REST_CHANNEL_TOKEN set, every request needs ``Authorization: Bearer <token>``; the
  server refuses to start without one when RASA_HOST is not loopback (:mod:`bot.auth_tokens`);
* a missing, empty, non-string or over-long sender is a 400 (no shared ``default`` chat), and
  so is a body that is not JSON or a message that is not a string — never a 500;
* the caller cannot pick another ``input_channel`` (that would let it act as a WeChat user),
  nor attach metadata, nor stream;
* every text passes :func:`bot.channels.inbound_guard.screen_inbound` before Rasa sees it.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.auth_tokens import bearer_token, rest_channel_token, token_matches
from bot.channels.inbound_guard import Refused, screen_inbound
from bot.channels.uploads import receive_file
from bot.container import services
from bot.settings import Settings

log = logging.getLogger(__name__)
MAX_SENDER_LENGTH = 128
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def sender_problem(sender: object) -> str | None:
    """Why ``sender`` cannot name a conversation, or None when it can."""
    if not isinstance(sender, str) or not sender.strip():
        return "'sender' is required: a non-empty string naming the conversation"
    if len(sender) > MAX_SENDER_LENGTH:
        return f"'sender' is longer than {MAX_SENDER_LENGTH} characters"
    return None


def bad_request(problem: str) -> HTTPResponse:
    return response.json({"error": problem}, status=400)


class RestWithFilesInput(InputChannel):
    def __init__(self, token: str | None = None) -> None:
        self.token = token  # None: open (allowed on loopback only, see from_credentials)

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """From the environment (credentials.yml cannot read it); raises
        :class:`bot.auth_tokens.ExposedWithoutToken` so Rasa does not start open beyond loopback."""
        settings = Settings.from_env()
        return cls(rest_channel_token(settings.rest_channel_token, settings.rasa_host))

    def unauthorized(self, request: Request) -> HTTPResponse | None:
        """A 401 unless the request carries the bearer token (when one is required)."""
        if self.token is None or token_matches(bearer_token(request.headers.get("authorization")), self.token):
            return None
        return response.json({"error": "not authenticated"}, status=401, headers={"WWW-Authenticate": "Bearer"})

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
            if refusal := self.unauthorized(request):
                return refusal
            try:
                body = json.loads(request.body or b"")
            except ValueError:
                return bad_request("the body must be JSON: {\"sender\": ..., \"message\": ...}")
            if not isinstance(body, dict):
                return bad_request("the body must be a JSON object: {\"sender\": ..., \"message\": ...}")
            if problem := sender_problem(body.get("sender")):
                return bad_request(problem)
            message = body.get("message")
            if not isinstance(message, str):
                return bad_request("'message' is required: a string")
            return await self.deliver(on_new_message, body["sender"], message)

        @webhook.route("/upload", methods=["POST"])
        async def upload(request: Request) -> HTTPResponse:
            if refusal := self.unauthorized(request):
                return refusal
            sender = request.form.get("sender") if request.form else None
            if problem := sender_problem(sender):
                return bad_request(f"form field {problem}")
            file = request.files.get("file") if request.files else None
            text = await receive_file(
                services(), channel=self.name(), sender_id=sender,
                filename=file.name if file else None, data=file.body if file else b"",
            )
            return await self.deliver(on_new_message, sender, text)

        return webhook
