"""Rasa's callback channel (POST /webhooks/callback/webhook; replies are posted to the client's
own URL), with that URL taken from the ``CALLBACK_URL`` setting: credentials.yml cannot read the
environment. Because it posts, this channel can also deliver messages nobody asked for
(work-order pushes, :mod:`bot.applications.order_push`).

Like REST it is a backend channel (:mod:`bot.channels.backend_requests`): the same bearer token,
400s for a bad sender or body, and every text screened (:func:`bot.channels.inbound_guard.screen_inbound`)
before Rasa sees it; a refused message's reply is posted like any other.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.callback import CallbackInput, CallbackOutput
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.utils.endpoints import EndpointConfig
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.backend_requests import BackendAuth, message_of
from bot.channels.inbound_guard import Refused, screen_inbound
from bot.settings import Settings

__all__ = ["CallbackFromSettingsInput"]

log = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class CallbackFromSettingsInput(CallbackInput):
    def __init__(self, endpoint: EndpointConfig, token: str | None = None) -> None:
        super().__init__(endpoint)
        self.auth = BackendAuth(token)

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        url = (credentials or {}).get("url") or Settings.from_env().callback_url
        return cls(EndpointConfig(url=url), BackendAuth.from_settings().token)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        callback_webhook = Blueprint("callback_webhook", __name__)

        @callback_webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @callback_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if refusal := self.auth.unauthorized(request):
                return refusal
            parsed = message_of(request)
            if isinstance(parsed, HTTPResponse):
                return parsed
            sender, text = parsed
            output = CallbackOutput(self.callback_endpoint)
            screened = await screen_inbound(self.name(), sender, text)
            if isinstance(screened, Refused):
                await output.send_text_message(sender, screened.text)
                return response.text("success")
            try:
                await on_new_message(UserMessage(screened.text, output, sender, input_channel=self.name()))
            except Exception:  # as Rasa's own webhook: log; what was said so far was posted already
                log.exception("a message from a callback chat could not be handled")
            return response.text("success")

        return callback_webhook
