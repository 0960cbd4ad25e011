"""Button payloads as Telegram ``callback_data``, which holds at most 64 bytes.

A payload that fits is sent as it is. The longer ones of a keyboard (``/pay_bill{"account_number":
…}`` with a few entities soon passes 64 bytes) are kept server-side, in the table every replica
shares (``numbered_option_sets``, under the channel name :data:`STORE_CHANNEL` and the sender id
``<chat id>:<random key>``), and the button carries ``k:<key>:<index>``. A key only resolves in
the chat it was made for; unknown or expired keys resolve to None. Whatever comes back is still
only what the user could have typed: it passes the same screening as a typed message.
"""
from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

from bot.clock import Clock
from bot.container import services
from bot.db.models import NumberedOptionSet
from bot.db.session import SessionFactory

__all__ = [
    "MAX_CALLBACK_BYTES", "STORED_PREFIX", "CallbackStore", "DatabaseCallbackStore", "callback_data_for",
    "payload_of", "shared_callback_store",
]

MAX_CALLBACK_BYTES = 64
STORED_PREFIX = "k:"
STORE_CHANNEL = "telegram-buttons"
KEPT_FOR = timedelta(days=30)  # a keyboard older than this shows the menu when pressed


class CallbackStore(Protocol):
    async def keep(self, sender_id: str, payloads: Sequence[str]) -> str:
        """Store one keyboard's payloads for chat ``sender_id``; the key to find them again."""

    async def find(self, sender_id: str, key: str) -> list[str] | None:
        """The payloads kept under ``key`` for that chat, or None."""


def _fits(payload: str) -> bool:
    return len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith(STORED_PREFIX)


async def callback_data_for(store: CallbackStore, sender_id: str, payloads: Sequence[str]) -> list[str]:
    """The ``callback_data`` of each button of one keyboard, in order."""
    long = [payload for payload in payloads if not _fits(payload)]
    if not long:
        return list(payloads)
    key = await store.keep(sender_id, long)
    stored = iter(range(len(long)))
    return [payload if _fits(payload) else f"{STORED_PREFIX}{key}:{next(stored)}" for payload in payloads]


async def payload_of(store: CallbackStore, sender_id: str, data: str) -> str | None:
    """What a pressed button with ``data`` sends to the dialogue (None: an unknown or expired key)."""
    if not data.startswith(STORED_PREFIX):
        return data
    key, _, index = data.removeprefix(STORED_PREFIX).rpartition(":")
    if not key or not index.isdigit():
        return None
    payloads = await store.find(sender_id, key)
    if payloads is None or int(index) >= len(payloads):
        return None
    return payloads[int(index)]


class DatabaseCallbackStore:
    """Keyboards in the business database, shared by every replica."""

    def __init__(self, session_factory: SessionFactory, clock: Clock) -> None:
        self._session_factory = session_factory
        self._clock = clock

    def _keep(self, sender_id: str, payloads: Sequence[str]) -> str:
        key = secrets.token_urlsafe(12)  # 16 characters, 96 bits: not to be guessed
        with self._session_factory.session_scope() as session:
            session.add(NumberedOptionSet(
                channel=STORE_CHANNEL, sender_id=f"{sender_id}:{key}", payloads=list(payloads),
                expires_at=self._clock.now() + KEPT_FOR,
            ))
        return key

    def _find(self, sender_id: str, key: str) -> list[str] | None:
        with self._session_factory.session_scope() as session:
            row = session.get(NumberedOptionSet, (STORE_CHANNEL, f"{sender_id}:{key}"))
            if row is None or row.expires_at <= self._clock.now():
                return None
            return [str(payload) for payload in row.payloads]

    async def keep(self, sender_id: str, payloads: Sequence[str]) -> str:
        return await asyncio.to_thread(self._keep, sender_id, payloads)

    async def find(self, sender_id: str, key: str) -> list[str] | None:
        return await asyncio.to_thread(self._find, sender_id, key)


def shared_callback_store() -> CallbackStore:
    """The store on the process's database connection."""
    deps = services()
    return DatabaseCallbackStore(deps.session_factory, deps.clock)
