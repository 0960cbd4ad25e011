"""``python -m bot telegram set-webhook`` and ``poll`` against the fake Bot API on loopback."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot

from bot.channels.telegram.application import SECRET_HEADER
from bot.channels.telegram.cli import relay_updates
from bot.cli import main
from bot.server.launcher import free_port
from bot.settings import Settings
from tests.e2e.fake_telegram_api import FakeTelegramApi, TelegramUser

TOKEN = "123456:cli-test-token"
SECRET = "cli-test-secret"


@pytest.fixture
def fake_api() -> Iterator[FakeTelegramApi]:
    api = FakeTelegramApi(TOKEN).start()
    yield api
    api.stop()


def settings(api: FakeTelegramApi, **overrides: Any) -> Settings:
    return Settings(**{"telegram_bot_token": TOKEN, "telegram_webhook_secret": SECRET,
                       "telegram_api_base_url": api.base_url, **overrides})


def test_set_webhook_registers_the_url_with_the_secret(fake_api: FakeTelegramApi) -> None:
    assert main(["telegram", "set-webhook", "https://kefu.example.cn/webhooks/telegram/webhook"],
                settings=settings(fake_api)) == 0
    assert fake_api.webhook["url"] == "https://kefu.example.cn/webhooks/telegram/webhook"
    assert fake_api.webhook["secret_token"] == SECRET
    assert fake_api.webhook["allowed_updates"] == ["message", "callback_query"]


@pytest.mark.parametrize("missing", ["telegram_bot_token", "telegram_webhook_secret"])
def test_set_webhook_needs_the_token_and_the_secret(
    fake_api: FakeTelegramApi, missing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["telegram", "set-webhook", "https://x.example/"], settings=settings(fake_api, **{missing: None})) == 1
    assert missing.upper() in capsys.readouterr().err
    assert fake_api.calls == []


def test_poll_relays_each_update_to_the_webhook_with_the_secret(fake_api: FakeTelegramApi) -> None:
    user = TelegramUser(601)
    fake_api.updates.extend([user.text("你好"), user.text("查电费")])
    received: list[tuple[str | None, Any]] = []

    async def scenario() -> int:
        async def webhook(request: web.Request) -> web.Response:
            received.append((request.headers.get(SECRET_HEADER), json.loads(await request.read())))
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_post("/webhooks/telegram/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            bot = Bot(TOKEN, base_url=fake_api.base_url)
            return await relay_updates(bot, f"http://127.0.0.1:{port}/webhooks/telegram/webhook", SECRET, rounds=2)
        finally:
            await runner.cleanup()

    assert asyncio.run(scenario()) == 2
    assert [(secret, body["message"]["text"]) for secret, body in received] == [(SECRET, "你好"), (SECRET, "查电费")]
    offsets = [c.params.get("offset") for c in fake_api.calls_of("getUpdates")]
    assert offsets == [None, fake_api.updates[-1]["update_id"] + 1]  # nothing relayed twice
    assert len(fake_api.calls_of("deleteWebhook")) == 1
