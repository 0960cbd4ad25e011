"""Replies on WeChat: Rasa's messages shaped once (:mod:`bot.channels.rendering`: buttons as
numbered options, texts split at 2048 bytes, documents as links), then sent as the passive
reply or through the customer-service API (texts; images uploaded as temporary media).

:class:`WeChatOutput` is the output channel of late replies and of pushes (Rasa's
``output_channel=wechat``). WeChat accepts customer-service messages only within 48 hours of
the user's last message (errcode 45015): such a message is logged as not delivered.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import aiohttp
from rasa.core.channels.channel import OutputChannel

from bot.channels.capabilities import limits_of
from bot.channels.rendering.numbered_options import NumberedOptions
from bot.channels.rendering.parts import Document, Image, Part, Text
from bot.channels.rendering.shaping import render_messages
from bot.channels.wechat.api import WeChatApi, WeChatApiError
from bot.channels.wechat.messages import Inbound, text_reply
from bot.container import services

__all__ = ["WeChatOutput", "numbered_options"]

log = logging.getLogger(__name__)

CHANNEL = "wechat"
OUTSIDE_WINDOW = 45015  # the user last wrote more than 48 hours ago
MAX_IMAGE_BYTES = 10 * 1024 * 1024  # WeChat's limit for temporary images
_FETCH_TIMEOUT = aiohttp.ClientTimeout(total=10)


@lru_cache(maxsize=1)
def numbered_options() -> NumberedOptions:
    deps = services()
    return NumberedOptions(deps.session_factory, deps.clock)


async def shape(recipient_id: str, messages: Sequence[dict[str, Any]], *, keep_old_options: bool) -> tuple[Part, ...]:
    """``messages`` shaped for WeChat; the numbered options they list are remembered for the
    user (a reply listing none forgets the old ones, unless ``keep_old_options``)."""
    shaped = render_messages(messages, CHANNEL)
    if shaped.numbered_payloads or not keep_old_options:
        await asyncio.to_thread(numbered_options().remember, CHANNEL, recipient_id, list(shaped.numbered_payloads))
    return shaped.parts


async def passive_answer(
    message: Inbound, ready: list[dict[str, Any]], now: int, *, whole_turn: bool
) -> tuple[str | None, tuple[Part, ...]]:
    """The passive reply XML to ``message`` (the leading texts of ``ready``, joined as far as
    one WeChat text holds them) and the parts left for the customer-service API. Options are
    forgotten by a reply listing none only when it is the ``whole_turn``: otherwise later
    replies of the turn, shaped meanwhile, may just have listed new ones."""
    parts = await shape(message.from_user, ready, keep_old_options=not whole_turn)
    limits = limits_of(CHANNEL)
    texts: list[str] = []
    for part in parts:
        if not isinstance(part, Text):
            break
        joined = "\n\n".join([*texts, part.text])
        if limits.max_text is not None and limits.measure(joined) > limits.max_text:
            break
        texts.append(part.text)
    if not texts:
        return None, parts
    return text_reply(message, "\n\n".join(texts), now), parts[len(texts):]


class WeChatOutput(OutputChannel):
    """Sends through the customer-service message API."""

    def __init__(self, api: WeChatApi) -> None:
        self.api = api

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        # One message at a time (a late reply, a push): options it lists replace the old ones,
        # a text without options leaves them, as it may follow the one that listed them.
        await self.send_parts(recipient_id, await shape(recipient_id, [message], keep_old_options=True))

    async def send_parts(self, recipient_id: str, parts: Sequence[Part]) -> None:
        for part in parts:
            try:
                if isinstance(part, Text) and part.text:
                    await self.api.send_text(recipient_id, part.text)
                elif isinstance(part, Image):
                    await self._send_image(recipient_id, part.url)
                elif isinstance(part, Document):  # shaping leaves links in the text on WeChat
                    await self.api.send_text(recipient_id, part.url)
            except WeChatApiError as error:
                if error.errcode == OUTSIDE_WINDOW:
                    log.warning("a WeChat message was not delivered: the user last wrote over 48 hours ago")
                else:
                    log.warning("a WeChat message was not delivered: %s", error)
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                log.warning("a WeChat message was not delivered: %s", type(error).__name__)

    async def _send_image(self, recipient_id: str, url: str) -> None:
        """Upload the picture (a published chart) as temporary media and send it; its link if
        it cannot be fetched."""
        try:
            data = await _fetch(url)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            log.warning("a picture for WeChat could not be fetched (%s): sending its link", type(error).__name__)
            await self.api.send_text(recipient_id, url)
            return
        name = url.rsplit("/", 1)[-1].split("?", 1)[0] or "image.png"
        content_type = "image/jpeg" if name.lower().endswith((".jpg", ".jpeg")) else "image/png"
        media_id = await self.api.upload_media("image", name, data, content_type)
        await self.api.send_image(recipient_id, media_id)


async def _fetch(url: str) -> bytes:
    async with aiohttp.ClientSession(timeout=_FETCH_TIMEOUT) as session, session.get(url) as reply:
        reply.raise_for_status()
        data = await reply.content.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError("image too large")
    return data
