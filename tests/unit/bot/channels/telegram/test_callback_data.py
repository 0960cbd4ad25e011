"""Button payloads in Telegram's 64-byte callback_data: short ones inline, long ones kept in the
shared table (SQLite and PostgreSQL), scoped to their chat, until they expire."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.channels.telegram.callback_data import (
    KEPT_FOR,
    MAX_CALLBACK_BYTES,
    DatabaseCallbackStore,
    callback_data_for,
    payload_of,
)
from bot.clock import FixedClock
from bot.db.session import SessionFactory

SHORT = "/query_bill"
LONG = '/pay_bill{"account_number": "3301000001", "pay_amount": "123.45", "pay_method": "微信支付"}'


def test_short_payloads_travel_as_they_are_and_long_ones_by_a_short_key(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    store = DatabaseCallbackStore(session_factory, fixed_clock)

    async def scenario() -> tuple[list[str], list[str | None]]:
        data = await callback_data_for(store, "42", [SHORT, LONG, LONG + "x"])
        return data, [await payload_of(store, "42", d) for d in data]

    data, payloads = asyncio.run(scenario())
    assert data[0] == SHORT
    assert all(len(d.encode()) <= MAX_CALLBACK_BYTES for d in data)
    assert data[1].startswith("k:") and data[1] != data[2]
    assert payloads == [SHORT, LONG, LONG + "x"]


def test_a_key_resolves_only_in_its_own_chat_and_only_until_it_expires(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    store = DatabaseCallbackStore(session_factory, fixed_clock)
    [data] = asyncio.run(callback_data_for(store, "42", [LONG]))
    assert asyncio.run(payload_of(store, "43", data)) is None
    fixed_clock.advance(KEPT_FOR - timedelta(seconds=1))
    assert asyncio.run(payload_of(store, "42", data)) == LONG
    fixed_clock.advance(timedelta(seconds=1))
    assert asyncio.run(payload_of(store, "42", data)) is None


def test_made_up_keys_resolve_to_nothing(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    store = DatabaseCallbackStore(session_factory, fixed_clock)
    [data] = asyncio.run(callback_data_for(store, "42", [LONG]))
    key = data.removeprefix("k:").rpartition(":")[0]
    for forged in (f"k:{key}:1", f"k:{key}:x", f"k:{key}", "k:", "k:nokey:0", f"k:{key[:-1]}:0"):
        assert asyncio.run(payload_of(store, "42", forged)) is None, forged


def test_a_payload_that_looks_like_a_key_is_kept_rather_than_misread(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    store = DatabaseCallbackStore(session_factory, fixed_clock)
    [data] = asyncio.run(callback_data_for(store, "42", ["k:abc:0"]))
    assert data != "k:abc:0"
    assert asyncio.run(payload_of(store, "42", data)) == "k:abc:0"
