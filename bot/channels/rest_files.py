"""Rasa's REST channel plus file uploads, under the same name (``rest``) and URL prefix.

* ``POST /webhooks/rest/webhook`` — JSON ``{"sender", "message"}``, as Rasa's own.
* ``POST /webhooks/rest/upload`` — multipart form with ``sender`` and ``file`` (a bill
  photo, a certificate): the file is checked and stored, the chat gets the intent
  ``send_file`` and the replies come back as JSON, like a message.

Unlike Rasa's channel, the caller cannot pick another ``input_channel``: chats are
logged in per (channel, sender), so that would let a REST caller act as a WeChat user.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.uploads import receive_file
from bot.container import services

log = logging.getLogger(__name__)
MAX_SENDER_LENGTH = 128


class RestWithFilesInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.route("/upload", methods=["POST"])
        async def upload(request: Request) -> HTTPResponse:
            sender = (request.form.get("sender") or "").strip() if request.form else ""
            if not sender or len(sender) > MAX_SENDER_LENGTH:
                return response.json({"error": "form field 'sender' is required"}, status=400)
            file = request.files.get("file") if request.files else None
            text = await receive_file(
                services(), channel=self.name(), sender_id=sender,
                filename=file.name if file else None, data=file.body if file else b"",
            )
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name()))
            except Exception:  # as Rasa's own webhook: log, answer with what was said so far
                log.exception("upload from a REST chat could not be handled")
            return response.json(collector.messages)

        return webhook
