"""The connector's small rules: shared contacts' numbers, the download URL beside the API URL,
keyboards' layout, published files found on disk, and the order of one chat's updates."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import InlineKeyboardButton, Update

from bot.channels.telegram.application import PerChatUpdateProcessor, file_base_url
from bot.channels.telegram.handlers import mainland_phone
from bot.channels.telegram.input import secret_matches
from bot.channels.telegram.output import keyboard_rows, published_file
from bot.clock import FixedClock
from bot.files.published import publish
from bot.settings import Settings
from tests.e2e.fake_telegram_api import TelegramUser


@pytest.mark.parametrize(("shared", "phone"), [
    ("8613800000001", "13800000001"),
    ("+8613800000001", "13800000001"),
    ("+86 138-0000-0001", "13800000001"),
    ("13800000001", None),  # Telegram always gives the country code: this is +1 380…
    ("13125550100", None),
    ("8612800000001", None),  # no mainland mobile starts 12
    ("86138000000012", None),
])
def test_a_shared_contact_gives_a_mainland_mobile_number_only(shared: str, phone: str | None) -> None:
    assert mainland_phone(shared) == phone


def test_downloads_are_served_beside_the_api() -> None:
    assert file_base_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_base_url("http://127.0.0.1:9/bot/") == "http://127.0.0.1:9/file/bot"


def test_the_webhook_secret_must_be_configured_and_equal() -> None:
    assert secret_matches("s3cret", "s3cret")
    assert not secret_matches("s3cre", "s3cret")
    assert not secret_matches(None, "s3cret")
    assert not secret_matches("", "")
    assert not secret_matches("anything", None)


def test_short_titles_go_two_to_a_row_and_long_ones_alone() -> None:
    short = [InlineKeyboardButton(t, callback_data=t) for t in ("查电费", "交电费", "新装")]
    assert [[b.text for b in row] for row in keyboard_rows(short)] == [["查电费", "交电费"], ["新装"]]
    long = [*short, InlineKeyboardButton("查询3301000001的账单", callback_data="x")]
    assert [len(row) for row in keyboard_rows(long)] == [1, 1, 1, 1]


def test_only_a_genuine_link_to_a_published_file_is_read_from_disk(tmp_path: Any, fixed_clock: FixedClock) -> None:
    settings = Settings(files_dir=tmp_path, public="https://kefu.example.cn/bot")
    url = publish(settings, fixed_clock, "charts", b"\x89PNG chart")
    assert url.startswith("https://kefu.example.cn/bot/webhooks/files/charts/")
    path = published_file(settings, url, fixed_clock.now())
    assert path is not None and path.read_bytes() == b"\x89PNG chart"
    assert published_file(settings, url[:-6] + "AAAAAA" + url[-4:], fixed_clock.now()) is None  # forged
    assert published_file(settings, "https://elsewhere.example.com/webhooks/files/charts/x.png",
                          fixed_clock.now()) is None


def test_one_chats_updates_run_in_order_and_other_chats_meanwhile() -> None:
    processor = PerChatUpdateProcessor(8)
    log: list[str] = []

    def update(chat_id: int) -> Update:
        return Update.de_json(TelegramUser(chat_id).text("x"), None)

    async def handle(name: str, delay: float) -> None:
        log.append(f"{name} start")
        await asyncio.sleep(delay)
        log.append(f"{name} end")

    async def main() -> None:
        await asyncio.gather(
            processor.process_update(update(1), handle("a1", 0.2)),
            processor.process_update(update(1), handle("a2", 0.0)),
            processor.process_update(update(2), handle("b1", 0.05)),
        )

    asyncio.run(main())
    assert log.index("a1 end") < log.index("a2 start")  # the second message of chat 1 waited
    assert log.index("b1 end") < log.index("a1 end")  # chat 2 did not wait for chat 1
