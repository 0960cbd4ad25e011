"""The python-telegram-bot ``Application`` the connector runs, built from the settings.

Nothing here calls the network when it is built: ``Application.initialize`` asks ``getMe``,
so :class:`StartedOnDemand` initialises and starts it on the first update (Telegram has just
reached us, so the Bot API is reachable) inside the server's event loop, and stops it when
the server stops. Updates of one chat are handled one after another, in the order they came
(:class:`PerChatUpdateProcessor`); different chats run side by side. Every Bot API call goes
through Telegram's flood limits (:mod:`bot.channels.telegram.rate_limits`).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, BaseHandler, BaseUpdateProcessor, ContextTypes

from bot.channels.telegram.rate_limits import BoundedRateLimiter
from bot.settings import Settings

__all__ = [
    "ALLOWED_UPDATES", "SECRET_HEADER", "PerChatUpdateProcessor", "StartedOnDemand", "build_application",
    "file_base_url",
]

log = logging.getLogger(__name__)

MAX_CONCURRENT_UPDATES = 32
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # carries TELEGRAM_WEBHOOK_SECRET
# Only these reach the bot; Telegram does not even send the others.
ALLOWED_UPDATES = ["message", "callback_query"]
TelegramApplication = Application[Any, Any, Any, Any, Any, Any]


def file_base_url(api_base_url: str) -> str:
    """Where the Bot API serves downloads, beside ``api_base_url`` (``…/bot`` → ``…/file/bot``)."""
    base = api_base_url.rstrip("/")
    return f"{base.removesuffix('/bot')}/file/bot"


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Runs updates of different chats concurrently and those of one chat in order, so a
    quick second message cannot overtake the first on its way to the dialogue."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._waiting: dict[int | None, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        key = chat.id if chat is not None else None
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Failures are logged by type only for Bot API errors: their messages can quote the token."""
    error = context.error
    if isinstance(error, TelegramError):
        log.error("a Telegram update could not be handled: %s", type(error).__name__)
    else:
        log.error("a Telegram update could not be handled", exc_info=error)


def build_application(
    settings: Settings, handlers: Sequence[BaseHandler[Any, Any, Any]], *, webhook: bool
) -> TelegramApplication:
    """The Application for ``settings.telegram_bot_token``; with ``webhook`` it has no updater
    (updates are put on its queue by the webhook), otherwise it can poll."""
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    # httpx logs every request URL at INFO, and a Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(file_base_url(settings.telegram_api_base_url))
        .concurrent_updates(PerChatUpdateProcessor(MAX_CONCURRENT_UPDATES))
        .rate_limiter(BoundedRateLimiter())
    )
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    application.add_handlers(list(handlers))
    application.add_error_handler(_log_error)
    return application


class StartedOnDemand:
    """An Application started on first use, in the running event loop, and stopped once."""

    def __init__(self, application: TelegramApplication) -> None:
        self.application = application
        self._lock: asyncio.Lock | None = None

    async def started(self) -> TelegramApplication:
        """The running Application; raises what ``initialize`` raised (it is tried again next time)."""
        if self.application.running:
            return self.application
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if not self.application.running:
                await self.application.initialize()
                await self.application.start()
        return self.application

    async def stop(self) -> None:
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
