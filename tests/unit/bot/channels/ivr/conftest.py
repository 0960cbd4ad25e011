"""The IVR channel served by a real Sanic server on loopback, driven over HTTP by the same fake
gateway client the end-to-end tests use. Rasa's side is a stand-in ``on_new_message`` that
records what would reach the dialogue and answers the way Rasa's output does (with
``utter_action``)."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels import inbound_guard
from bot.channels.ivr.input import IvrInput
from bot.container import Services
from bot.settings import Settings
from tests.e2e.fake_ivr_client import E2E_IVR_TOKEN, PhoneCall
from tests.unit.sanic_loopback import new_app, serving

Answer = Callable[[UserMessage], Awaitable[None]]


async def say(message: UserMessage, text: str, response: str | None = None, **extra: Any) -> None:
    reply: dict[str, Any] = {"text": text, **extra}
    if response:
        reply["utter_action"] = response
    await message.output_channel.send_response(message.sender_id, reply)


async def echo(message: UserMessage) -> None:
    await say(message, f"收到：{message.text}", "utter_echo")


class Dialogue:
    """Stands in for Rasa: records each message (text) and answers with ``answer``."""

    def __init__(self, answer: Answer = echo) -> None:
        self.received: list[str] = []
        self.channels: set[tuple[str | None, str]] = set()
        self.answer = answer

    async def on_new_message(self, message: UserMessage) -> None:
        self.channels.add((message.input_channel, message.output_channel.name()))
        self.received.append(message.text or "")
        await self.answer(message)


@pytest.fixture
def settings(action_deps: Services) -> Iterator[Settings]:
    inbound_guard._process_guard.cache_clear()
    yield replace(action_deps.settings, ivr_token=E2E_IVR_TOKEN)
    inbound_guard._process_guard.cache_clear()


Scenario = Callable[[str], Any]  # base URL → result (runs in a worker thread: the client is synchronous)


def serve(settings: Settings, dialogue: Dialogue, scenario: Scenario) -> Any:
    """Run ``scenario(base_url)`` against the channel on a free loopback port."""

    async def run() -> Any:
        app = new_app("ivr")
        channel = IvrInput(settings)
        app.blueprint(channel.blueprint(dialogue.on_new_message), url_prefix="/webhooks/ivr")
        async with serving(app) as base:
            return await asyncio.to_thread(scenario, base)

    return asyncio.run(run())


def call_on(base: str) -> PhoneCall:
    return PhoneCall(base)
