"""The Telegram connector end to end inside one process: its blueprint served by Sanic on
loopback, real Update JSON posted to it, the real PTB Bot talking to the fake Bot API
(tests/e2e/fake_telegram_api.py); Rasa is a stand-in that records what would reach the
dialogue and answers through the channel's output."""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels.telegram.application import SECRET_HEADER
from bot.channels.telegram.callback_data import DatabaseCallbackStore
from bot.channels.telegram.input import MAX_UPDATE_BYTES, TelegramInput
from bot.clock import FixedClock
from bot.container import services
from bot.db.session import SessionFactory
from bot.files.published import publish
from bot.settings import Settings
from tests.e2e.fake_telegram_api import FakeTelegramApi, TelegramUser, button_data
from tests.unit.sanic_loopback import new_app, serving

TOKEN = "123456:unit-test-token"
SECRET = "unit-test-webhook-secret"
LONG_PAYLOAD = '/pay_bill{"account_number": "3301000001", "pay_amount": "88.00", "pay_method": "微信支付"}'
MENU = {"text": "请选择：", "buttons": [{"title": "查电费", "payload": "/query_bill"},
                                     {"title": "交这笔电费", "payload": LONG_PAYLOAD}]}


class Dialogue:
    """Stands in for Rasa: records each message and answers according to it."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []

    async def on_new_message(self, message: UserMessage) -> None:
        self.received.append(message)
        out, to = message.output_channel, message.sender_id
        if message.text == "/greet":
            await out.send_response(to, dict(MENU))
        elif message.text.startswith("http"):  # a chart and an invoice, as the actions send them
            await out.send_response(to, {"text": f"您的发票：{message.text}", "image": message.text.split()[0]})
        elif message.text == "长":
            await out.send_response(to, {"text": "\n".join(["一二三四五六七八九十" * 10] * 60)})
        else:
            await out.send_response(to, {"text": f"收到：{message.text}"})

    def texts(self) -> list[str]:
        return [m.text for m in self.received]


@pytest.fixture
def fake_api() -> Iterator[FakeTelegramApi]:
    api = FakeTelegramApi(TOKEN).start()
    yield api
    api.stop()


Scenario = Callable[[Callable[..., Awaitable[int]]], Awaitable[Any]]


def run(channel: TelegramInput, dialogue: Dialogue, scenario: Scenario) -> Any:
    """Serve the channel, run ``scenario(post)``, stop the server (and the bot) again."""

    async def main() -> Any:
        app = new_app("telegram")
        app.blueprint(channel.blueprint(dialogue.on_new_message), url_prefix="/webhooks/telegram")
        async with serving(app) as base, aiohttp.ClientSession() as http:

            async def post(body: Any, secret: str | None = SECRET, raw: bytes | None = None) -> int:
                headers = {SECRET_HEADER: secret} if secret is not None else {}
                data = raw if raw is not None else json.dumps(body).encode()
                async with http.post(f"{base}/webhooks/telegram/webhook", data=data, headers=headers) as reply:
                    return reply.status

            try:
                return await scenario(post)
            finally:
                if channel.running is not None:
                    await channel.running.stop()

    return asyncio.run(main())


async def until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


def settings(fake_api: FakeTelegramApi, **overrides: Any) -> Settings:
    values = {"telegram_bot_token": TOKEN, "telegram_webhook_secret": SECRET,
              "telegram_api_base_url": fake_api.base_url, **overrides}
    return Settings(**values)


@pytest.fixture
def channel(fake_api: FakeTelegramApi, session_factory: SessionFactory, fixed_clock: FixedClock) -> TelegramInput:
    async def upload(sender: str, filename: str, data: bytes | None) -> str:
        return f"/send_file{{\"file\": \"{filename}\", \"bytes\": \"{len(data) if data is not None else 'too many'}\"}}"

    return TelegramInput(settings(fake_api), DatabaseCallbackStore(session_factory, fixed_clock), upload)


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


def test_a_group_chat_is_not_served(channel: TelegramInput) -> None:
    dialogue = Dialogue()
    update = TelegramUser(512).text("你好")
    update["message"]["chat"] = {"id": -100512, "type": "group", "title": "家庭群"}

    async def scenario(post: Callable[..., Awaitable[int]]) -> int:
        status = await post(update)
        await asyncio.sleep(0.3)
        return status

    assert run(channel, dialogue, scenario) == 200
    assert dialogue.received == []


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
