"""The Telegram connector end to end inside one process: its blueprint served by Sanic on
loopback, real Update JSON posted to it, the real PTB Bot talking to the fake Bot API
(tests/e2e/fake_telegram_api.py); Rasa is a stand-in that records what would reach the
dialogue and answers through the channel's output."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.channels.telegram.callback_data import DatabaseCallbackStore
from bot.channels.telegram.input import MAX_UPDATE_BYTES, TelegramInput
from bot.clock import FixedClock
from bot.container import services
from bot.db.session import SessionFactory
from bot.files.published import publish
from tests.e2e.fake_telegram_api import FakeTelegramApi, TelegramUser, button_data
from tests.unit.bot.channels.telegram.serving import LONG_PAYLOAD, SECRET, Dialogue, run, settings, until


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET[:-1], SECRET + "x"])
def test_an_update_without_the_webhook_secret_is_refused(channel: TelegramInput, secret: str | None) -> None:
    dialogue = Dialogue()
    user = TelegramUser(501)
    assert run(channel, dialogue, lambda post: post(user.text("你好"), secret)) == 403
    assert dialogue.received == []


def test_without_a_configured_secret_every_update_is_refused(fake_api: FakeTelegramApi) -> None:
    dialogue = Dialogue()
    channel = TelegramInput(settings(fake_api, telegram_webhook_secret=None))
    assert run(channel, dialogue, lambda post: post(TelegramUser(502).text("你好"), "")) == 403
    assert dialogue.received == []


def test_without_a_token_the_route_answers_503_and_calls_nobody(fake_api: FakeTelegramApi) -> None:
    channel = TelegramInput(settings(fake_api, telegram_bot_token=None))
    assert run(channel, Dialogue(), lambda post: post(TelegramUser(503).text("你好"))) == 503
    assert channel.get_output_channel() is None and fake_api.calls == []


@pytest.mark.parametrize("raw", [b"", b"{", b"not json", b"[1, 2]", b'"update"', b'{"update_id": "x", "message": 5}'])
def test_a_body_that_is_not_an_update_is_a_400(channel: TelegramInput, raw: bytes) -> None:
    dialogue = Dialogue()
    assert run(channel, dialogue, lambda post: post(None, raw=raw)) == 400
    assert dialogue.received == []


def test_an_oversized_body_is_refused(channel: TelegramInput) -> None:
    raw = json.dumps(TelegramUser(504).text("字" * MAX_UPDATE_BYTES)).encode()
    assert run(channel, Dialogue(), lambda post: post(None, raw=raw)) == 413


def test_the_server_start_calls_no_api_and_the_first_update_starts_the_bot(
    channel: TelegramInput, fake_api: FakeTelegramApi
) -> None:
    dialogue = Dialogue()
    user = TelegramUser(505)

    async def scenario(post: Callable[..., Awaitable[int]]) -> None:
        await asyncio.sleep(0.2)
        assert fake_api.calls == []  # nothing at start
        assert await post(user.text("你好")) == 200
        await until(lambda: fake_api.texts(505) == ["收到：你好"])

    run(channel, dialogue, scenario)
    assert len(fake_api.calls_of("getMe")) == 1
    [message] = dialogue.received
    assert (message.text, message.sender_id, message.input_channel) == ("你好", "505", "telegram")


def test_an_update_without_message_or_button_is_acknowledged_and_ignored(channel: TelegramInput) -> None:
    dialogue = Dialogue()
    assert run(channel, dialogue, lambda post: post(TelegramUser(506).edited("改了"))) == 200
    assert dialogue.received == []


def test_start_and_help_are_the_greeting_and_the_menu(channel: TelegramInput, fake_api: FakeTelegramApi) -> None:
    dialogue = Dialogue()
    user = TelegramUser(507)

    async def scenario(post: Callable[..., Awaitable[int]]) -> None:
        await post(user.text("/start"))
        await until(lambda: len(dialogue.received) == 1)
        await post(user.text("/help"))
        await until(lambda: len(dialogue.received) == 2)

    run(channel, dialogue, scenario)
    assert dialogue.texts() == ["/greet", "/help"]


def test_a_pressed_button_is_answered_its_keyboard_removed_and_a_second_press_ignored(
    channel: TelegramInput, fake_api: FakeTelegramApi
) -> None:
    dialogue = Dialogue()
    user = TelegramUser(508)

    async def scenario(post: Callable[..., Awaitable[int]]) -> None:
        await post(user.text("/start"))
        await until(lambda: len(fake_api.calls_of("sendMessage", 508)) == 1)
        [menu] = fake_api.calls_of("sendMessage", 508)
        data = button_data(menu)
        assert data["查电费"] == "/query_bill" and len(data["交这笔电费"].encode()) <= 64
        await post(user.press(menu, data["交这笔电费"]))
        await until(lambda: len(dialogue.received) == 2)
        await post(user.press(menu, data["查电费"]))  # the same, old keyboard
        await until(lambda: len(fake_api.calls_of("answerCallbackQuery")) == 2)
        await asyncio.sleep(0.3)

    run(channel, dialogue, scenario)
    assert dialogue.texts() == ["/greet", LONG_PAYLOAD]
    assert len(fake_api.calls_of("answerCallbackQuery")) == 2
    edits = fake_api.calls_of("editMessageReplyMarkup", 508)
    assert len(edits) == 2 and "reply_markup" not in edits[0].params


def test_a_long_reply_is_split_under_telegrams_limit(channel: TelegramInput, fake_api: FakeTelegramApi) -> None:
    async def scenario(post: Callable[..., Awaitable[int]]) -> None:
        await post(TelegramUser(509).text("长"))
        await until(lambda: len(fake_api.texts(509)) >= 2)
        await asyncio.sleep(0.3)

    run(channel, Dialogue(), scenario)
    pieces = fake_api.texts(509)
    assert len(pieces) == 2 and all(len(p) <= 4096 for p in pieces)
    assert "\n".join(pieces) == "\n".join(["一二三四五六七八九十" * 10] * 60)


def test_photos_and_documents_take_the_upload_path_with_their_bytes(
    channel: TelegramInput, fake_api: FakeTelegramApi
) -> None:
    dialogue = Dialogue()
    user = TelegramUser(510)
    photo = fake_api.add_file(b"\xff\xd8jpeg-bytes")
    document = fake_api.add_file(b"%PDF-1.7 certificate")

    async def scenario(post: Callable[..., Awaitable[int]]) -> None:
        await post(user.photo(photo, 12))
        await post(user.document(document, 20, "房产证.pdf"))
        await post(user.document("never-downloaded", 11 * 1024 * 1024, "huge.pdf"))
        await until(lambda: len(dialogue.received) == 3)

    run(channel, dialogue, scenario)
    assert dialogue.texts() == [
        '/send_file{"file": "photo.jpg", "bytes": "12"}',
        '/send_file{"file": "房产证.pdf", "bytes": "20"}',
        '/send_file{"file": "huge.pdf", "bytes": "too many"}',
    ]
    assert [c.params["file_id"] for c in fake_api.calls_of("getFile")] == [photo, document]


def test_only_the_users_own_contact_fills_in_the_phone(channel: TelegramInput) -> None:
    dialogue = Dialogue()
    user = TelegramUser(511)

    async def scenario(post: Callable[..., Awaitable[int]]) -> None:
        await post(user.contact("+86 138 0000 0009", own=False))
        await post(user.contact("13125550100"))  # +1 312…, not a mainland mobile number
        await post(user.contact("8613800000001"))
        await until(lambda: len(dialogue.received) == 1)
        await asyncio.sleep(0.3)

    run(channel, dialogue, scenario)
    assert dialogue.texts() == ["13800000001"]


def test_a_push_goes_through_the_output_channel_to_any_chat(channel: TelegramInput, fake_api: FakeTelegramApi) -> None:
    async def scenario(_post: Callable[..., Awaitable[int]]) -> None:
        output = channel.get_output_channel()
        assert output is not None
        await output.send_response("513", {"text": "您的工单有新进展"})

    run(channel, Dialogue(), scenario)
    assert fake_api.texts(513) == ["您的工单有新进展"]


def test_a_chart_is_uploaded_from_disk_and_an_invoice_link_also_sent_as_a_document(
    fake_api: FakeTelegramApi, session_factory: SessionFactory, fixed_clock: FixedClock, tmp_path: Path
) -> None:
    configured = settings(fake_api, files_dir=tmp_path, public="https://kefu.example.cn")
    chart = publish(configured, services().clock, "charts", b"\x89PNG chart bytes")
    invoice = publish(configured, services().clock, "invoices", b"%PDF-1.7 invoice")
    channel = TelegramInput(configured, DatabaseCallbackStore(session_factory, fixed_clock))

    async def scenario(post: Callable[..., Awaitable[int]]) -> None:
        await post(TelegramUser(514).text(f"{chart} {invoice}"))
        await until(lambda: len(fake_api.calls_of("sendDocument", 514)) == 1)

    run(channel, Dialogue(), scenario)
    [photo] = fake_api.calls_of("sendPhoto", 514)
    [document] = fake_api.calls_of("sendDocument", 514)
    assert list(photo.files.values()) == [b"\x89PNG chart bytes"]
    assert list(document.files.values()) == [b"%PDF-1.7 invoice"]
    assert fake_api.texts(514) == [f"您的发票：{chart} {invoice}"]
