"""Pushing work-order status changes to the applicant's chats that can take a message the
user did not ask for.

An operator's status change (``python -m bot orders advance``) is queued as an order notice
(:mod:`bot.applications.work_orders`), and every chat delivers pending notices with the user's
next message. Chats on a channel that can push (:data:`bot.channels.capabilities.PUSH_CHANNELS`)
hear it at once: Rasa's HTTP API injects the external intent ``EXTERNAL_order_update`` into the
conversation, a rule delivers the notices, and the channel sends them. A chat in the middle of
a form is left alone — the injected event would be taken for the answer to the form's question —
and hears the news with its next message, like chats that cannot push.
"""
from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass
from urllib.parse import quote

import aiohttp
from sqlalchemy import select

from bot.channels.capabilities import PUSH_CHANNELS
from bot.db.models import ChatIdentity, WorkOrder
from bot.db.session import SessionFactory

ORDER_UPDATE_INTENT = "EXTERNAL_order_update"
PUSH_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class ChatAddress:
    channel: str
    sender_id: str


class PushOutcome(str, enum.Enum):
    PUSHED = "PUSHED"
    IN_FORM = "IN_FORM"  # busy with a form: told with the next message instead
    FAILED = "FAILED"  # Rasa did not take it: told with the next message instead


@dataclass(frozen=True)
class PushReport:
    outcomes: tuple[tuple[ChatAddress, PushOutcome], ...]

    @property
    def pushed(self) -> int:
        return sum(outcome is PushOutcome.PUSHED for _, outcome in self.outcomes)


def push_chats(session_factory: SessionFactory, *, order_no: str) -> list[ChatAddress]:
    """The chats the order's applicant is logged in on, on channels that can push."""
    with session_factory.session_scope() as session:
        rows = session.execute(
            select(ChatIdentity.channel, ChatIdentity.sender_id)
            .join(WorkOrder, WorkOrder.user_id == ChatIdentity.user_id)
            .where(WorkOrder.order_no == order_no.strip(), ChatIdentity.channel.in_(sorted(PUSH_CHANNELS)))
            .order_by(ChatIdentity.id)
        ).all()
    return [ChatAddress(channel, sender_id) for channel, sender_id in rows]


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


async def push_order_update(
    session_factory: SessionFactory, rasa_url: str, *, order_no: str, api_token: str | None = None,
    timeout_s: float = PUSH_TIMEOUT_S,
) -> PushReport:
    """Tell the applicant's push-capable chats about the order's pending notices now."""
    chats = await asyncio.to_thread(push_chats, session_factory, order_no=order_no)
    outcomes = []
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        rasa = RasaConversations(rasa_url, http, api_token)
        for chat in chats:
            outcomes.append((chat, await _push(rasa, chat)))
    return PushReport(tuple(outcomes))


async def _push(rasa: RasaConversations, chat: ChatAddress) -> PushOutcome:
    try:
        if await rasa.in_form(chat):
            return PushOutcome.IN_FORM
        await rasa.trigger(chat, ORDER_UPDATE_INTENT)
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return PushOutcome.FAILED
    return PushOutcome.PUSHED
