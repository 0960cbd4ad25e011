"""The Telegram channel (``telegram``): ``POST /webhooks/telegram/webhook``.

Every request is checked before anything reaches the dialogue: without TELEGRAM_BOT_TOKEN the
route answers 503; the ``X-Telegram-Bot-Api-Secret-Token`` header must equal
TELEGRAM_WEBHOOK_SECRET (constant-time; 403 otherwise, and always when no secret is set); the
body must be a JSON object of at most :data:`MAX_UPDATE_BYTES` (4xx otherwise). A valid update
is put on the queue of the python-telegram-bot Application (started on the first update, see
:mod:`bot.channels.telegram.application`) and acknowledged at once; its handlers
(:mod:`bot.channels.telegram.handlers`) talk to the dialogue. Updates with neither a message nor
a pressed button (edits, channel posts, …) are acknowledged and ignored.

The Rasa sender id is the chat id; only private chats are served (in a group every member
would share one login): a group is told so once.
"""
from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Update

from bot.channels.inbound_guard import Refused, screen_inbound
from bot.channels.telegram.application import SECRET_HEADER, StartedOnDemand, build_application
from bot.channels.telegram.callback_data import CallbackStore, shared_callback_store
from bot.channels.telegram.handlers import (
    ChatHandlers,
    FirstTimeInGroup,
    UploadToDialogue,
    told_once_per_group,
    upload_to_dialogue,
)
from bot.channels.telegram.output import CHANNEL, TelegramOutput
from bot.settings import Settings

__all__ = ["MAX_UPDATE_BYTES", "TelegramInput", "secret_matches"]

log = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

MAX_UPDATE_BYTES = 256 * 1024  # a 4096-character message with its entities is far below


def secret_matches(sent: str | None, expected: str | None) -> bool:
    """Whether the header carries the webhook secret; never true without a configured secret."""
    if not expected or sent is None:
        return False
    return hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8"))


def _error(status: int, problem: str) -> HTTPResponse:
    return response.json({"error": problem}, status=status)


class TelegramInput(InputChannel):
    def __init__(
        self, settings: Settings, store: CallbackStore | None = None, upload: UploadToDialogue = upload_to_dialogue,
        first_time_in_group: FirstTimeInGroup | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.upload = upload
        self.first_time_in_group = first_time_in_group
        self.running: StartedOnDemand | None = None

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Configured from the environment only (credentials.yml cannot read it)."""
        return cls(Settings.from_env())

    def _output(self) -> TelegramOutput:
        assert self.running is not None and self.store is not None  # set by blueprint() with a token
        return TelegramOutput(self.running.application.bot, self.store, self.settings)

    def get_output_channel(self) -> OutputChannel | None:
        """Where pushes to a Telegram chat go (None without a token)."""
        return self._output() if self.running is not None else None

    async def deliver(self, on_new_message: OnNewMessage, sender: str, text: str) -> None:
        """Screen one message of chat ``sender`` and hand it to the dialogue; replies go to the chat."""
        output = self._output()
        screened = await screen_inbound(CHANNEL, sender, text)
        if isinstance(screened, Refused):
            await output.send_text_message(sender, screened.text)
            return
        try:
            await on_new_message(UserMessage(screened.text, output, sender, input_channel=CHANNEL))
        except Exception:  # as Rasa's own webhook: log; what was said so far is sent already
            log.exception("a message from a Telegram chat could not be handled")

    def _start_bot(self, on_new_message: OnNewMessage) -> None:
        if self.store is None:
            self.store = shared_callback_store()
        store = self.store

        async def deliver(sender: str, text: str) -> None:
            await self.deliver(on_new_message, sender, text)

        if self.first_time_in_group is None:
            self.first_time_in_group = told_once_per_group()
        handlers = ChatHandlers(deliver, self.upload, store, self.first_time_in_group)
        self.running = StartedOnDemand(build_application(self.settings, handlers.handlers(), webhook=True))

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("telegram_webhook", __name__)
        if self.settings.telegram_bot_token:
            self._start_bot(on_new_message)
            if not self.settings.telegram_webhook_secret:
                log.warning("TELEGRAM_WEBHOOK_SECRET is not set: the Telegram webhook refuses every update")

        @webhook.listener("before_server_stop")
        async def stop_bot(_app: Any, _loop: Any) -> None:
            if self.running is not None:
                await self.running.stop()

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.running is not None else "not configured"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.receive(request)

        return webhook

    async def receive(self, request: Request) -> HTTPResponse:
        if self.running is None:
            return _error(503, "the Telegram channel is not configured")
        if not secret_matches(request.headers.get(SECRET_HEADER), self.settings.telegram_webhook_secret):
            return _error(403, "forbidden")
        body = request.body or b""
        if len(body) > MAX_UPDATE_BYTES:
            return _error(413, "the update is too large")
        try:
            data = json.loads(body)
        except ValueError:
            return _error(400, "the body must be a JSON Telegram update")
        if not isinstance(data, dict):
            return _error(400, "the body must be a JSON object")
        try:
            application = await self.running.started()
        except Exception as error:  # noqa: BLE001 - Telegram retries a failed delivery later
            log.error("the Telegram bot could not start: %s", type(error).__name__)
            return _error(503, "the Telegram bot is not available")
        try:
            update = Update.de_json(data, application.bot)
        except (KeyError, TypeError, ValueError, AttributeError):
            return _error(400, "the body is not a Telegram update")
        if update.message is None and update.callback_query is None:
            return response.json({"ok": True, "ignored": True})
        await application.update_queue.put(update)
        return response.json({"ok": True})
