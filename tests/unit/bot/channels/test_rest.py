"""The REST channel (our code, not Rasa's): bearer token, request validation, the inbound screen,
and the upload route. Its blueprint is served by a real Sanic server on loopback; Rasa's side is
a stand-in ``on_new_message`` that records what would reach the dialogue and answers like it."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels import rest_files
from bot.channels.inbound_guard import Refused
from bot.channels.rest_files import MAX_SENDER_LENGTH, RestWithFilesInput
from bot.container import Services
from bot.devtools.chat_client import auth_headers, new_sender_id
from bot.server.auth_tokens import ExposedWithoutToken
from tests.bill_photos import bill_photo
from tests.unit.action_harness import log_in
from tests.unit.sanic_loopback import new_app, serving

TOKEN = "rest-backend-token-0123456789abcdef"
PHOTO = bill_photo("3301000001")  # a real PNG: files are judged by their bytes
Scenario = Callable[[aiohttp.ClientSession, str], Any]


class Dialogue:
    """Stands in for Rasa: records each message and answers with an echo."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []

    async def on_new_message(self, message: UserMessage) -> None:
        self.received.append(message)
        await message.output_channel.send_text_message(message.sender_id, f"收到：{message.text}")


def serve(channel: RestWithFilesInput, dialogue: Dialogue, scenario: Scenario) -> Any:
    """Run ``scenario(http, base_url)`` against the channel served on a free loopback port."""

    async def run() -> Any:
        app = new_app("rest")
        app.blueprint(channel.blueprint(dialogue.on_new_message), url_prefix="/webhooks/rest")
        async with serving(app) as base, aiohttp.ClientSession() as http:
            return await scenario(http, f"{base}/webhooks/rest")

    return asyncio.run(run())


async def post(http: aiohttp.ClientSession, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with http.post(url, **kwargs) as reply:
        return reply.status, await reply.json(content_type=None)


def webhook(body: Any, token: str | None = None, *, raw: bytes | None = None) -> Scenario:
    async def scenario(http: aiohttp.ClientSession, base: str) -> tuple[int, Any]:
        data = raw if raw is not None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **auth_headers(token)}
        return await post(http, f"{base}/webhook", data=data, headers=headers)

    return scenario


def test_a_message_reaches_the_dialogue_on_the_rest_channel_only() -> None:
    dialogue = Dialogue()
    body = {"sender": "user-1", "message": "你好", "input_channel": "wechat", "metadata": {"x": 1}}
    status, replies = serve(RestWithFilesInput(), dialogue, webhook(body))
    assert (status, replies) == (200, [{"recipient_id": "user-1", "text": "收到：你好"}])
    [message] = dialogue.received
    assert (message.text, message.sender_id, message.input_channel) == ("你好", "user-1", "rest")
    assert message.metadata is None


@pytest.mark.parametrize("body", [
    {"message": "你好"},  # no sender: Rasa's channel would use the shared "default" conversation
    {"sender": "", "message": "你好"},
    {"sender": "   ", "message": "你好"},
    {"sender": None, "message": "你好"},
    {"sender": 12345, "message": "你好"},
    {"sender": ["a"], "message": "你好"},
    {"sender": "x" * (MAX_SENDER_LENGTH + 1), "message": "你好"},
    {"sender": "user-1"},  # no message
    {"sender": "user-1", "message": None},
    {"sender": "user-1", "message": 42},
    {"sender": "user-1", "message": {"text": "你好"}},
    ["user-1", "你好"],
    "你好",
])
def test_a_bad_request_is_a_400_with_a_json_error(body: Any) -> None:
    dialogue = Dialogue()
    status, answer = serve(RestWithFilesInput(), dialogue, webhook(body))
    assert status == 400 and isinstance(answer["error"], str) and answer["error"]
    assert dialogue.received == []


@pytest.mark.parametrize("raw", [b"", b"{", b"not json", b"\xff\xfe{}", b'{"sender": "a", "message": "x"'])
def test_a_body_that_is_not_json_is_a_400_not_a_500(raw: bytes) -> None:
    dialogue = Dialogue()
    status, answer = serve(RestWithFilesInput(), dialogue, webhook(None, raw=raw))
    assert status == 400 and "JSON" in answer["error"]
    assert dialogue.received == []


def test_the_longest_sender_and_an_empty_message_are_accepted() -> None:
    dialogue = Dialogue()
    sender = "s" * MAX_SENDER_LENGTH
    status, _ = serve(RestWithFilesInput(), dialogue, webhook({"sender": sender, "message": ""}))
    assert status == 200 and [(m.sender_id, m.text) for m in dialogue.received] == [(sender, "")]


@pytest.mark.parametrize("token", [None, "wrong", TOKEN[:-1], TOKEN + "0"])
def test_with_a_token_configured_every_request_needs_it(token: str | None) -> None:
    dialogue = Dialogue()
    status, answer = serve(RestWithFilesInput(TOKEN), dialogue, webhook({"sender": "u", "message": "你好"}, token))
    assert (status, answer) == (401, {"error": "not authenticated"})
    assert dialogue.received == []


def test_with_the_right_token_the_message_goes_through() -> None:
    dialogue = Dialogue()
    status, _ = serve(RestWithFilesInput(TOKEN), dialogue, webhook({"sender": "u", "message": "你好"}, TOKEN))
    assert status == 200 and [m.text for m in dialogue.received] == ["你好"]


def test_the_token_is_checked_before_the_body(monkeypatch: pytest.MonkeyPatch) -> None:
    status, _ = serve(RestWithFilesInput(TOKEN), Dialogue(), webhook(None, raw=b"{"))
    assert status == 401


@pytest.mark.parametrize(("env", "token"), [
    ({}, None),
    ({"RASA_HOST": "127.0.0.1"}, None),
    ({"RASA_HOST": "::1"}, None),
    ({"RASA_HOST": "127.0.0.1", "REST_CHANNEL_TOKEN": TOKEN}, TOKEN),  # set: always required
    ({"RASA_HOST": "0.0.0.0", "REST_CHANNEL_TOKEN": TOKEN}, TOKEN),
])
def test_the_channel_takes_its_token_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], token: str | None
) -> None:
    for name in ("RASA_HOST", "REST_CHANNEL_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert RestWithFilesInput.from_credentials(None).auth.token == token


@pytest.mark.parametrize("host", ["0.0.0.0", "10.1.2.3", "assistant.example.cn"])
def test_the_channel_does_not_start_open_beyond_loopback(monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    monkeypatch.delenv("REST_CHANNEL_TOKEN", raising=False)
    monkeypatch.setenv("RASA_HOST", host)
    with pytest.raises(ExposedWithoutToken):
        RestWithFilesInput.from_credentials(None)


def test_a_refused_message_is_answered_without_reaching_the_dialogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The inbound screen (length caps, rate limits: another module) decides; the channel obeys."""
    screened: list[tuple[str, str, str]] = []

    async def refuse(channel: str, sender_id: str, text: str) -> Refused:
        screened.append((channel, sender_id, text))
        return Refused("消息太频繁了，请稍后再试。")

    monkeypatch.setattr(rest_files, "screen_inbound", refuse)
    dialogue = Dialogue()
    status, replies = serve(RestWithFilesInput(), dialogue, webhook({"sender": "u", "message": "你好"}))
    assert (status, replies) == (200, [{"recipient_id": "u", "text": "消息太频繁了，请稍后再试。"}])
    assert screened == [("rest", "u", "你好")] and dialogue.received == []


def upload(sender: str | None, token: str | None = None) -> Scenario:
    async def scenario(http: aiohttp.ClientSession, base: str) -> tuple[int, Any]:
        form = aiohttp.FormData()
        if sender is not None:
            form.add_field("sender", sender)
        form.add_field("file", PHOTO, filename="账单.png", content_type="image/png")
        return await post(http, f"{base}/upload", data=form, headers=auth_headers(token))

    return scenario


@pytest.mark.parametrize("sender", [None, "", "  ", "x" * (MAX_SENDER_LENGTH + 1)])
def test_an_upload_needs_a_valid_sender(sender: str | None) -> None:
    dialogue = Dialogue()
    status, answer = serve(RestWithFilesInput(), dialogue, upload(sender))
    assert status == 400 and "sender" in answer["error"] and dialogue.received == []


@pytest.mark.parametrize("token", [None, "wrong"])
def test_an_upload_needs_the_token_when_one_is_set(token: str | None) -> None:
    dialogue = Dialogue()
    assert serve(RestWithFilesInput(TOKEN), dialogue, upload("u", token))[0] == 401
    assert dialogue.received == []


def test_an_upload_is_stored_screened_and_sent_as_a_file_intent(
    action_deps: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    screened: list[tuple[str, str, str]] = []
    real_screen = rest_files.screen_inbound

    async def recording_screen(channel: str, sender_id: str, text: str) -> Any:
        screened.append((channel, sender_id, text))
        return await real_screen(channel, sender_id, text)

    monkeypatch.setattr(rest_files, "screen_inbound", recording_screen)
    log_in(action_deps, "13800000001", sender="u-1", channel="rest")  # uploads are for logged-in chats
    dialogue = Dialogue()
    status, replies = serve(RestWithFilesInput(TOKEN), dialogue, upload("u-1", TOKEN))
    assert status == 200 and len(replies) == 1
    [message] = dialogue.received
    assert message.text.startswith('/send_file{"attachment_id": "') and message.input_channel == "rest"
    assert screened == [("rest", "u-1", message.text)]


def test_the_terminal_client_uses_128_bit_ids_and_sends_the_token() -> None:
    ids = {new_sender_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(len(i) == len("cli-") + 32 and int(i.removeprefix("cli-"), 16) >= 0 for i in ids)
    assert auth_headers(None) == {} and auth_headers("t") == {"Authorization": "Bearer t"}
