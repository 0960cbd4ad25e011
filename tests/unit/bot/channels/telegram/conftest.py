"""The fake Bot API on loopback and the channel talking to it, for the connector's unit tests."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.channels.telegram.callback_data import DatabaseCallbackStore
from bot.channels.telegram.handlers import told_once_per_group
from bot.channels.telegram.input import TelegramInput
from bot.clock import FixedClock
from bot.db.session import SessionFactory
from bot.limits.db_counters import DatabaseCounters
from tests.e2e.fake_telegram_api import FakeTelegramApi
from tests.unit.bot.channels.telegram.serving import TOKEN, settings


@pytest.fixture
def fake_api() -> Iterator[FakeTelegramApi]:
    api = FakeTelegramApi(TOKEN).start()
    yield api
    api.stop()


@pytest.fixture
def channel(fake_api: FakeTelegramApi, session_factory: SessionFactory, fixed_clock: FixedClock) -> TelegramInput:
    async def upload(sender: str, filename: str, data: bytes | None) -> str:
        return f"/send_file{{\"file\": \"{filename}\", \"bytes\": \"{len(data) if data is not None else 'too many'}\"}}"

    return TelegramInput(settings(fake_api), DatabaseCallbackStore(session_factory, fixed_clock), upload,
                         told_once_per_group(DatabaseCounters(session_factory, fixed_clock)))
