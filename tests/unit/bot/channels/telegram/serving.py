"""The Telegram connector served in one process for its unit tests: its blueprint on a Sanic
server on loopback, real Update JSON posted to it, the real PTB Bot talking to the fake Bot API
(tests/e2e/fake_telegram_api.py); Rasa is a stand-in (:class:`Dialogue`) that records what would
reach the dialogue and answers through the channel's output."""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.channels.channel import UserMessage

from bot.channels.telegram.application import SECRET_HEADER
from bot.channels.telegram.input import TelegramInput
from bot.settings import Settings
from tests.e2e.fake_telegram_api import FakeTelegramApi
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
