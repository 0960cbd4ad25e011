"""Replies to a Telegram chat in Telegram's native form, from the shared rendering layer
(:func:`bot.channels.rendering.shaping.render_messages`, which splits texts at Telegram's 4096
UTF-16 units and keeps the buttons on the last piece): texts are sent plain (no ``parse_mode``,
so nothing needs escaping), buttons as an ``InlineKeyboardMarkup`` (long payloads kept
server-side, :mod:`bot.channels.telegram.callback_data`), images with ``sendPhoto`` and documents
(invoices, receipts) with ``sendDocument``.

Charts and documents are the assistant's own published files: their bytes are uploaded from
disk, so Telegram never needs to reach PUBLIC_URL; any other URL is handed to Telegram to fetch.
"""
from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile

from bot.channels.rendering.parts import Document, Image, Option, Part, Text
from bot.channels.rendering.shaping import render_messages
from bot.channels.telegram.callback_data import CallbackStore, callback_data_for
from bot.channels.whole_messages import WholeMessageOutput
from bot.container import services
from bot.files.published import URL_PREFIX, Access, look_up
from bot.settings import Settings

__all__ = ["CHANNEL", "TelegramOutput", "keyboard_rows", "published_file"]

CHANNEL = "telegram"
SHORT_TITLE = 6  # buttons with titles this short go two to a row


def keyboard_rows(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    """Two buttons a row when every title is short (the menu), else one a row."""
    width = 2 if all(len(button.text) <= SHORT_TITLE for button in buttons) else 1
    return [buttons[start:start + width] for start in range(0, len(buttons), width)]


def published_file(settings: Settings, url: str, now: datetime) -> Path | None:
    """The file on disk behind a link the assistant published, if ``url`` is a valid one now."""
    prefix = f"{settings.public_url}{URL_PREFIX}/"
    if not url.startswith(prefix):
        return None
    kind, _, name = urlsplit(url).path.removeprefix(f"{urlsplit(settings.public_url).path}{URL_PREFIX}/").partition("/")
    found = look_up(settings, now, kind, name)
    return found.path if found.access is Access.SERVE else None


class TelegramOutput(WholeMessageOutput):
    """Sends to the chat whose id is the recipient id."""

    def __init__(self, bot: Bot, store: CallbackStore, settings: Settings) -> None:
        self.bot = bot
        self.store = store
        self.settings = settings

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        for part in render_messages([message], CHANNEL).parts:
            await self.send_part(recipient_id, part)

    async def send_part(self, chat_id: str, part: Part) -> None:
        """One shaped part (texts already fit Telegram's limit)."""
        if isinstance(part, Text):
            markup = await self._keyboard(chat_id, part.options) if part.options else None
            # Telegram needs some text above a keyboard: a keyboard alone shows its first title.
            text = part.text or (part.options[0].title if part.options else "")
            if text:
                await self.bot.send_message(chat_id=chat_id, text=text, reply_markup=markup)
        elif isinstance(part, Image):
            await self.bot.send_photo(chat_id=chat_id, photo=await self._file(part.url, "chart.png"))
        elif isinstance(part, Document):
            await self.bot.send_document(chat_id=chat_id, document=await self._file(part.url, part.file_name))

    async def _keyboard(self, chat_id: str, options: tuple[Option, ...]) -> InlineKeyboardMarkup:
        data = await callback_data_for(self.store, chat_id, [option.payload for option in options])
        buttons = [InlineKeyboardButton(option.title, callback_data=d) for option, d in zip(options, data, strict=True)]
        return InlineKeyboardMarkup(keyboard_rows(buttons))

    async def _file(self, url: str, file_name: str) -> InputFile | str:
        path = await asyncio.to_thread(published_file, self.settings, url, services().clock.now())
        if path is None:
            return url
        data = await asyncio.to_thread(path.read_bytes)
        return InputFile(data, filename=file_name or path.name)
