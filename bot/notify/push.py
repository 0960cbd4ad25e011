"""Pushing a user's pending notices (work-order changes, consent requests and decisions,
auto-debit news, outcomes of payments that were still being confirmed) to the chat they used last.

Notices are stored and every chat delivers them with the user's next message. When the chat the
user was most recently active on (:attr:`bot.db.models.ChatIdentity.last_seen_at`: set at login
and moved on by use, at most once a minute) is on a channel that can push
(:data:`bot.channels.capabilities.PUSH_CHANNELS`), Rasa's HTTP API injects the external intent
``EXTERNAL_notices`` into that conversation, a rule delivers every pending notice, and the
chat's own channel sends them (Rasa asks that input channel's ``get_output_channel()``: WeChat's
customer-service API, Telegram's ``sendMessage``, the callback URL). Only that one chat is
pushed: someone logged in on WeChat and Telegram hears it once, where they last wrote. A last
chat that cannot push (REST), a WeChat chat outside its 48-hour customer-service window, or a
chat in the middle of a form (the injected event would be taken for the form's answer) is left
alone: the user hears the news with their next message.
"""
from __future__ import annotations

import asyncio
import enum
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

import aiohttp
from sqlalchemy import select

from bot.channels.capabilities import PUSH_CHANNELS
from bot.clock import Clock, SystemClock
from bot.db.models import ChatIdentity
from bot.db.session import SessionFactory

log = logging.getLogger(__name__)

NOTICES_INTENT = "EXTERNAL_notices"  # the rule behind it delivers every kind of notice
PUSH_TIMEOUT_S = 10.0
# WeChat takes customer-service messages only within 48 hours of the user's last message.
WECHAT_WINDOW = timedelta(hours=48)


@dataclass(frozen=True)
class ChatAddress:
    channel: str
    sender_id: str


@dataclass(frozen=True)
class LastChat:
    address: ChatAddress
    last_seen_at: datetime


class PushOutcome(str, enum.Enum):
    PUSHED = "PUSHED"
    IN_FORM = "IN_FORM"  # busy with a form: told with the next message instead
    FAILED = "FAILED"  # Rasa did not take it: told with the next message instead
    CANNOT_PUSH = "CANNOT_PUSH"  # the last chat's channel cannot push: told with the next message
    OUTSIDE_WINDOW = "OUTSIDE_WINDOW"  # WeChat's 48 hours are over: told with the next message
    NO_CHAT = "NO_CHAT"  # logged in nowhere: told with the next message after a login


@dataclass(frozen=True)
class PushReport:
    outcomes: tuple[tuple[ChatAddress, PushOutcome], ...]

    @property
    def pushed(self) -> int:
        return sum(outcome is PushOutcome.PUSHED for _, outcome in self.outcomes)


def last_used_chat(session_factory: SessionFactory, *, user_id: int) -> LastChat | None:
    """The chat the user is logged in on and was most recently active on (ties: the newest chat)."""
    with session_factory.session_scope() as session:
        row = session.execute(
            select(ChatIdentity.channel, ChatIdentity.sender_id, ChatIdentity.last_seen_at)
            .where(ChatIdentity.user_id == user_id)
            .order_by(ChatIdentity.last_seen_at.desc(), ChatIdentity.id.desc())
            .limit(1)
        ).first()
    if row is None:
        return None
    channel, sender_id, last_seen_at = row
    return LastChat(ChatAddress(channel, sender_id), last_seen_at)


def push_target(last: LastChat | None, now: datetime) -> ChatAddress | PushOutcome:
    """The chat to push to, or why the news waits for the user's next message."""
    if last is None:
        return PushOutcome.NO_CHAT
    if last.address.channel not in PUSH_CHANNELS:
        return PushOutcome.CANNOT_PUSH
    if last.address.channel == "wechat" and now - last.last_seen_at > WECHAT_WINDOW:
        log.info("not pushed to WeChat: the user last wrote over 48 hours ago; told with the next message")
        return PushOutcome.OUTSIDE_WINDOW
    return last.address


class RasaConversations:
    """The two calls of Rasa's HTTP API a push needs (the server runs with ``--enable-api`` and
    requires its token, RASA_API_TOKEN, as ``?token=``)."""

    def __init__(self, rasa_url: str, http: aiohttp.ClientSession, api_token: str | None) -> None:
        self._base = rasa_url.rstrip("/")
        self._http = http
        self._auth = {"token": api_token} if api_token else {}

    def _url(self, chat: ChatAddress, tail: str) -> str:
        return f"{self._base}/conversations/{quote(chat.sender_id, safe='')}/{tail}"

    async def in_form(self, chat: ChatAddress) -> bool:
        params = {"include_events": "NONE", **self._auth}
        async with self._http.get(self._url(chat, "tracker"), params=params) as reply:
            reply.raise_for_status()
            tracker = await reply.json()
        return bool((tracker.get("active_loop") or {}).get("name"))

    async def trigger(self, chat: ChatAddress, intent: str) -> None:
        url = self._url(chat, "trigger_intent")
        params = {"output_channel": chat.channel, **self._auth}
        async with self._http.post(url, params=params, json={"name": intent}) as reply:
            reply.raise_for_status()


async def push_notices(
    session_factory: SessionFactory, rasa_url: str, *, user_id: int, api_token: str | None = None,
    clock: Clock | None = None, timeout_s: float = PUSH_TIMEOUT_S,
) -> PushReport:
    """Deliver the user's pending notices now on the chat they used last, if it can take them."""
    last = await asyncio.to_thread(last_used_chat, session_factory, user_id=user_id)
    target = push_target(last, (clock or SystemClock()).now())
    if isinstance(target, PushOutcome):
        return PushReport(() if last is None else ((last.address, target),))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_s)) as http:
        outcome = await _push(RasaConversations(rasa_url, http, api_token), target)
    return PushReport(((target, outcome),))


async def _push(rasa: RasaConversations, chat: ChatAddress) -> PushOutcome:
    try:
        if await rasa.in_form(chat):
            return PushOutcome.IN_FORM
        await rasa.trigger(chat, NOTICES_INTENT)
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return PushOutcome.FAILED
    return PushOutcome.PUSHED
