"""The callback channel (our blueprint over Rasa's CallbackInput): the backend's bearer token, 400s
for bad requests, and the inbound screen, on a real Sanic server on loopback. Replies go to a
loopback inbox, as they would go to the messaging platform behind CALLBACK_URL."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from rasa.utils.endpoints import EndpointConfig

from bot.channels.callback import CallbackFromSettingsInput
from bot.channels.inbound_guard import TOO_LONG
from bot.channels.replies import domain_text
from bot.devtools.chat_client import auth_headers
from tests.e2e.callback_inbox import CallbackInbox
from tests.unit.bot.channels.test_inbound_guard import process_guard  # noqa: F401  (MAX_MESSAGE_CHARS=10)
from tests.unit.sanic_loopback import new_app, serving

TOKEN = "callback-backend-token-0123456789"


@pytest.fixture
def inbox() -> Iterator[CallbackInbox]:
    box = CallbackInbox()
    box.start()
    yield box
    box.stop()


class Dialogue:
    """Stands in for Rasa: records each message and answers through the message's output channel."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []

    async def on_new_message(self, message: UserMessage) -> None:
        self.received.append(message)
        await message.output_channel.send_text_message(message.sender_id, f"收到：{message.text}")


def post(inbox: CallbackInbox, dialogue: Dialogue, body: Any, *, token: str | None, sent: str | None) -> int:
    """POST ``body`` to the callback webhook (with ``sent`` as bearer token); the status."""
    channel = CallbackFromSettingsInput(EndpointConfig(url=inbox.url), token)

    async def run() -> int:
        app = new_app("callback")
        app.blueprint(channel.blueprint(dialogue.on_new_message), url_prefix="/webhooks/callback")
        async with serving(app) as base, aiohttp.ClientSession() as http:
            headers = {"Content-Type": "application/json", **auth_headers(sent)}
            async with http.post(f"{base}/webhooks/callback/webhook", data=json.dumps(body), headers=headers) as r:
                return r.status

    return asyncio.run(run())


@pytest.mark.usefixtures("process_guard")
def test_a_message_reaches_the_dialogue_and_the_reply_is_posted(inbox: CallbackInbox) -> None:
    dialogue = Dialogue()
    body = {"sender": "cb-1", "message": "你好", "input_channel": "rest"}
    assert post(inbox, dialogue, body, token=TOKEN, sent=TOKEN) == 200
    [message] = dialogue.received
    assert (message.text, message.sender_id, message.input_channel) == ("你好", "cb-1", "callback")
    assert inbox.wait_for("cb-1", "收到：你好") == ["收到：你好"]


@pytest.mark.usefixtures("process_guard")
@pytest.mark.parametrize("sent", [None, "", "wrong-token", TOKEN + "x"])
def test_without_the_token_nothing_reaches_the_dialogue(inbox: CallbackInbox, sent: str | None) -> None:
    dialogue = Dialogue()
    assert post(inbox, dialogue, {"sender": "cb-2", "message": "你好"}, token=TOKEN, sent=sent) == 401
    assert dialogue.received == []


@pytest.mark.usefixtures("process_guard")
@pytest.mark.parametrize("body", [{"message": "你好"}, {"sender": "", "message": "你好"}, {"sender": "x" * 129},
                                  {"sender": "cb-3", "message": 42}, ["你好"]])
def test_a_bad_request_is_a_400(inbox: CallbackInbox, body: Any) -> None:
    dialogue = Dialogue()
    assert post(inbox, dialogue, body, token=None, sent=None) == 400
    assert dialogue.received == []


@pytest.mark.usefixtures("process_guard")
def test_a_refused_message_is_answered_by_post_and_never_reaches_the_dialogue(inbox: CallbackInbox) -> None:
    dialogue = Dialogue()
    assert post(inbox, dialogue, {"sender": "cb-4", "message": "电" * 11}, token=None, sent=None) == 200
    too_long = domain_text(TOO_LONG, max_chars=10)
    assert inbox.wait_for("cb-4", too_long[:8]) == [too_long]
    assert dialogue.received == []
