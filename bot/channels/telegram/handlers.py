"""What the bot does with each kind of update; every path ends in one call of ``deliver``
(chat id, text), which screens the text and hands it to the dialogue.

* text (and any command other than the two below) → the text as typed;
* ``/start`` → the greeting with the menu (``/greet``), ``/help`` → the menu (``/help``);
* a photo or a document → stored like a REST upload (:mod:`bot.channels.uploads`), the dialogue
  hears ``/send_file{…}`` (a bill photo binds its account, a certificate fills a form);
* a shared contact of the user themself → their phone number as text, which the login form
  takes as the phone (the SMS code is still required);
* a pressed button → answered (``answerCallbackQuery``), its keyboard removed so it cannot be
  pressed twice, then its payload (:mod:`bot.channels.telegram.callback_data`).

Only private chats are served: in a group every member would share one login. A group or
supergroup hears once (per group, shared by the replicas: :func:`told_once_per_group`) that the
assistant serves private chats only (``utter_private_chat_only``); nothing said there reaches
the dialogue.
"""
from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.channels.replies import domain_text
from bot.channels.telegram.callback_data import CallbackStore, payload_of
from bot.channels.uploads import file_message, receive_file
from bot.container import services
from bot.files.attachments import MAX_UPLOAD_BYTES, UploadProblem
from bot.limits.counters import Counters
from bot.limits.db_counters import DatabaseCounters

__all__ = [
    "ChatHandlers", "Deliver", "FirstTimeInGroup", "UploadToDialogue", "mainland_phone", "told_once_per_group",
    "upload_to_dialogue",
]

log = logging.getLogger(__name__)

Deliver = Callable[[str, str], Awaitable[None]]  # (sender id = chat id, text)
# (sender id, file name, bytes or None when the file is too large) → the text for the dialogue
UploadToDialogue = Callable[[str, str, bytes | None], Awaitable[str]]
# (group chat id) → whether the group is to be told now (it was not before)
FirstTimeInGroup = Callable[[str], Awaitable[bool]]
Context = ContextTypes.DEFAULT_TYPE

START_PAYLOAD = "/greet"
HELP_PAYLOAD = "/help"
PHOTO_FILENAME = "photo.jpg"  # Telegram re-encodes photos as JPEG
PRIVATE_ONLY = "utter_private_chat_only"
GROUP_TOLD_FOR = timedelta(days=365)  # a group hears it again after a year at the earliest
# Telegram gives the number with its country code: 8613800000001 or +8613800000001.
_MAINLAND_MOBILE = re.compile(r"\+?86(1[3-9]\d{9})")


def mainland_phone(shared: str) -> str | None:
    """The 11-digit mainland mobile number of a shared contact (``+86 138…``, ``86138…``), else None."""
    digits = re.sub(r"[\s()-]", "", shared)
    match = _MAINLAND_MOBILE.fullmatch(digits)
    return match.group(1) if match else None


async def upload_to_dialogue(sender_id: str, filename: str, data: bytes | None) -> str:
    """The REST upload path for a Telegram chat's file."""
    if data is None:
        return file_message(UploadProblem.TOO_LARGE)
    return await receive_file(services(), channel="telegram", sender_id=sender_id, filename=filename, data=data)


def told_once_per_group(counters: Counters | None = None) -> FirstTimeInGroup:
    """Each group is told once: a mark taken atomically in ``counters`` (by default the business
    database's ``limit_counters``), so two replicas (or two messages at once) cannot both tell it."""
    if counters is None:
        deps = services()
        counters = DatabaseCounters(deps.session_factory, deps.clock)
    marks = counters

    async def first_time(chat_id: str) -> bool:
        return await asyncio.to_thread(marks.take, f"telegram:group-told:{chat_id}", 1, GROUP_TOLD_FOR)

    return first_time


def _private_sender(update: Update) -> str | None:
    chat = update.effective_chat
    return str(chat.id) if chat is not None and chat.type == ChatType.PRIVATE else None


class ChatHandlers:
    """The handlers of the bot, around the three things they need from outside."""

    def __init__(
        self, deliver: Deliver, upload: UploadToDialogue, store: CallbackStore, first_time_in_group: FirstTimeInGroup
    ) -> None:
        self._deliver = deliver
        self._upload = upload
        self._store = store
        self._first_time_in_group = first_time_in_group

    def handlers(self) -> list[BaseHandler[Any, Any, Any]]:
        private = filters.ChatType.PRIVATE
        return [
            CommandHandler("start", self.start, filters=private),
            CommandHandler("help", self.help, filters=private),
            MessageHandler(private & filters.TEXT, self.text),
            MessageHandler(private & (filters.PHOTO | filters.Document.ALL), self.file),
            MessageHandler(private & filters.CONTACT, self.contact),
            MessageHandler(filters.ChatType.GROUPS, self.group),
            CallbackQueryHandler(self.button),
        ]

    async def group(self, update: Update, context: Context) -> None:
        """Anything in a group (the bot added, a command, a mention): the group is told once."""
        chat, message = update.effective_chat, update.effective_message
        if chat is None or (message is not None and message.left_chat_member is not None):
            return  # someone left (maybe the bot, which can no longer write there)
        if not await self._first_time_in_group(str(chat.id)):
            return
        log.info("a Telegram group was told that the assistant serves private chats only")
        await context.bot.send_message(chat_id=chat.id, text=domain_text(PRIVATE_ONLY))

    async def start(self, update: Update, _context: Context) -> None:
        if sender := _private_sender(update):
            await self._deliver(sender, START_PAYLOAD)

    async def help(self, update: Update, _context: Context) -> None:
        if sender := _private_sender(update):
            await self._deliver(sender, HELP_PAYLOAD)

    async def text(self, update: Update, _context: Context) -> None:
        sender, message = _private_sender(update), update.effective_message
        if sender and message is not None and message.text:
            await self._deliver(sender, message.text)

    async def file(self, update: Update, _context: Context) -> None:
        sender, message = _private_sender(update), update.effective_message
        if not sender or message is None:
            return
        if message.photo:
            attachment: Any = message.photo[-1]  # the largest size
            filename = PHOTO_FILENAME
        elif message.document is not None:
            attachment = message.document
            filename = message.document.file_name or "document"
        else:
            return
        data: bytes | None = None
        if attachment.file_size is None or attachment.file_size <= MAX_UPLOAD_BYTES:
            downloaded = await (await attachment.get_file()).download_as_bytearray()
            data = bytes(downloaded) if len(downloaded) <= MAX_UPLOAD_BYTES else None
        await self._deliver(sender, await self._upload(sender, filename, data))

    async def contact(self, update: Update, _context: Context) -> None:
        """Only the user's own contact counts: anyone can share someone else's card."""
        sender, message, user = _private_sender(update), update.effective_message, update.effective_user
        if not sender or message is None or message.contact is None or user is None:
            return
        phone = mainland_phone(message.contact.phone_number)
        if message.contact.user_id == user.id and phone is not None:
            await self._deliver(sender, phone)

    async def button(self, update: Update, _context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        sender = _private_sender(update)
        if sender is None or not isinstance(query.message, Message) or query.data is None:
            return
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:  # "message is not modified": the keyboard is gone, it was pressed already
            log.info("a Telegram button was pressed again; ignored")
            return
        except TelegramError as error:
            log.warning("a Telegram keyboard could not be removed (%s); the press is ignored", type(error).__name__)
            return
        payload = await payload_of(self._store, sender, query.data)
        await self._deliver(sender, payload if payload is not None else HELP_PAYLOAD)
