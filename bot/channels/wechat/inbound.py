"""What each kind of WeChat message says to the dialogue: a text, a recognised voice message,
a photo (stored like a REST upload: :mod:`bot.channels.uploads`), or a menu event."""
from __future__ import annotations

import asyncio
import logging

import aiohttp

from bot.channels.uploads import receive_file
from bot.channels.wechat.api import WeChatApi, WeChatApiError
from bot.channels.wechat.menu import payload_for_key
from bot.channels.wechat.messages import Inbound
from bot.channels.wechat.output import CHANNEL, numbered_options
from bot.container import services
from bot.conversation.payloads import payload
from bot.files.attachments import MAX_UPLOAD_BYTES

log = logging.getLogger(__name__)

GREETING = payload("greet")  # a new follower gets the welcome and the menu


async def dialogue_text(message: Inbound, api: WeChatApi | None) -> str | None:
    """The text to pass on to Rasa for ``message``, or None when the dialogue has nothing to hear."""
    kind = message.msg_type
    if kind == "text":
        picked = await asyncio.to_thread(numbered_options().resolve, CHANNEL, message.from_user, message.content)
        return picked or message.content
    if kind == "voice":
        if not message.recognition:
            log.info("a WeChat voice message without Recognition (语音识别 is off): not passed on")
            return None
        return message.recognition
    if kind == "image":
        return await _photo(message, api)
    if kind == "event":
        return _event(message)
    log.info("a WeChat message of type %s is not handled", kind)
    return None


def _event(message: Inbound) -> str | None:
    if message.event == "subscribe":
        return GREETING
    if message.event == "click":
        text = payload_for_key(message.event_key)
        if text is None:
            log.info("a WeChat menu click on an unknown key")
        return text
    return None  # unsubscribe (nothing can be sent any more), VIEW (a link was opened), …


async def _photo(message: Inbound, api: WeChatApi | None) -> str | None:
    if api is None or not message.media_id:
        log.warning("a WeChat photo cannot be fetched: WECHAT_APP_ID / WECHAT_APP_SECRET are not set")
        return None
    try:
        data = await api.download_media(message.media_id, MAX_UPLOAD_BYTES)
    except (WeChatApiError, aiohttp.ClientError, asyncio.TimeoutError) as error:
        log.warning("a WeChat photo could not be fetched: %s", error)
        return None
    return await receive_file(services(), channel=CHANNEL, sender_id=message.from_user,
                              filename=f"{message.media_id}.jpg", data=data)
