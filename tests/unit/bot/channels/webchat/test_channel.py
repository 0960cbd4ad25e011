"""The webchat channel served by a real Sanic server on loopback, driven with aiohttp's HTTP and
WebSocket clients; Rasa's side is a stand-in ``on_new_message`` (and Rasa's real in-memory
tracker store for the history)."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.inbound_guard import Refused
from bot.channels.webchat import input as webchat_input
from bot.channels.webchat.frames import MAX_FRAME_BYTES
from bot.channels.webchat.input import CLOSE_FORBIDDEN_ORIGIN, CLOSE_UNKNOWN_SESSION, WebchatInput
from bot.container import Services
from bot.settings import Settings
from tests.bill_photos import bill_photo
from tests.unit.action_harness import log_in
from tests.unit.sanic_loopback import new_app, serving

MENU = [{"title": "查电费", "payload": "/query_bill"}]
Scenario = Callable[[aiohttp.ClientSession, str, "Dialogue"], Awaitable[Any]]


class Dialogue:
    """Stands in for Rasa: records each message and answers with an echo and a button."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []

    async def on_new_message(self, message: UserMessage) -> None:
        self.received.append(message)
        reply = {"text": f"收到：{message.text}", "buttons": MENU}
        await message.output_channel.send_response(message.sender_id, reply)


def serve(channel: WebchatInput, scenario: Scenario, tracker_store: InMemoryTrackerStore | None = None) -> Any:
    async def run() -> Any:
        app = new_app("webchat")
        dialogue = Dialogue()
        app.ctx.agent = SimpleNamespace(tracker_store=tracker_store or InMemoryTrackerStore(Domain.empty()))
        app.blueprint(channel.blueprint(dialogue.on_new_message), url_prefix="/webhooks/webchat")
        async with serving(app) as base, aiohttp.ClientSession() as http:
            return await scenario(http, f"{base}/webhooks/webchat", dialogue)

    return asyncio.run(run())


def channel(**settings: Any) -> WebchatInput:
    return WebchatInput(Settings(**settings))


async def new_session(http: aiohttp.ClientSession, base: str, origin: str | None = None) -> tuple[int, Any]:
    headers = {"Origin": origin} if origin else {}
    async with http.post(f"{base}/sessions", headers=headers) as reply:
        return reply.status, await reply.json()


def ws_url(base: str, token: str) -> str:
    return base.replace("http://", "ws://") + f"/socket?session={token}"


async def frames_until_idle(ws: aiohttp.ClientWebSocketResponse) -> list[dict[str, Any]]:
    """The frames of one turn, up to the typing indicator going off."""
    received = []
    while True:
        frame = json.loads((await ws.receive(timeout=10)).data)
        received.append(frame)
        if frame == {"type": "typing", "on": False}:
            return received


def test_a_message_on_the_socket_is_answered_between_typing_frames() -> None:
    async def scenario(http: aiohttp.ClientSession, base: str, dialogue: Dialogue) -> None:
        status, body = await new_session(http, base)
        assert status == 200
        token = body["session"]
        async with http.ws_connect(ws_url(base, token)) as ws:
            await ws.send_str(json.dumps({"type": "message", "text": "你好"}))
            assert await frames_until_idle(ws) == [
                {"type": "typing", "on": True},
                {"type": "bot", "messages": [{"text": "收到：你好", "buttons": MENU}]},
                {"type": "typing", "on": False},
            ]
            await ws.send_str(json.dumps({"type": "button", "payload": "/query_bill", "title": "查电费"}))
            assert (await frames_until_idle(ws))[1]["messages"][0]["text"] == "收到：/query_bill"
        [typed, pressed] = dialogue.received
        assert typed.sender_id == channel().keys.sender_of(token) and typed.input_channel == "webchat"
        assert (pressed.text, pressed.metadata) == ("/query_bill", {"webchat_title": "查电费"})

    serve(channel(), scenario)


@pytest.mark.parametrize("token", ["", "not-a-token", "A" * 43 + "." + "B" * 22])
def test_an_unknown_session_is_closed_with_4401(token: str) -> None:
    async def scenario(http: aiohttp.ClientSession, base: str, dialogue: Dialogue) -> None:
        async with http.ws_connect(ws_url(base, token)) as ws:
            message = await ws.receive(timeout=10)
            assert message.type == aiohttp.WSMsgType.CLOSE and message.data == CLOSE_UNKNOWN_SESSION
        async with http.get(f"{base}/history", params={"session": token}) as reply:
            assert reply.status == 401

    serve(channel(), scenario)


def test_another_origin_is_refused_unless_configured() -> None:
    async def scenario(http: aiohttp.ClientSession, base: str, dialogue: Dialogue) -> None:
        assert (await new_session(http, base, "http://evil.example"))[0] == 403
        status, body = await new_session(http, base)
        async with http.ws_connect(ws_url(base, body["session"]), headers={"Origin": "http://evil.example"}) as ws:
            message = await ws.receive(timeout=10)
            assert message.type == aiohttp.WSMsgType.CLOSE and message.data == CLOSE_FORBIDDEN_ORIGIN
        async with http.post(f"{base}/sessions", headers={"Origin": "https://shop.example"}) as reply:
            assert reply.status == 200 and reply.headers["Access-Control-Allow-Origin"] == "https://shop.example"
        preflight = {"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"}
        async with http.options(f"{base}/upload", headers=preflight) as reply:
            assert reply.status == 204 and reply.headers["Access-Control-Allow-Origin"] == "https://shop.example"
            assert reply.headers["Access-Control-Allow-Methods"] == "POST"
        async with http.options(f"{base}/upload", headers={**preflight, "Origin": "http://evil.example"}) as reply:
            assert reply.status == 403 and "Access-Control-Allow-Origin" not in reply.headers
        assert dialogue.received == []

    serve(channel(webchat_allowed_origins=("https://shop.example",)), scenario)


def test_refusals_come_back_as_notices_without_reaching_the_dialogue(monkeypatch: pytest.MonkeyPatch) -> None:
    async def refuse(channel_name: str, sender_id: str, text: str) -> Refused:
        return Refused("您发送消息太频繁了，请稍等一分钟再继续。")

    async def scenario(http: aiohttp.ClientSession, base: str, dialogue: Dialogue) -> None:
        _, body = await new_session(http, base)
        async with http.ws_connect(ws_url(base, body["session"])) as ws:
            await ws.send_str(json.dumps({"type": "message", "text": "电" * MAX_FRAME_BYTES}, ensure_ascii=False))
            notice = json.loads((await ws.receive(timeout=10)).data)
            assert notice["type"] == "notice" and "太长" in notice["text"]
            await ws.send_str("garbage")  # ignored
            monkeypatch.setattr(webchat_input, "screen_inbound", refuse)
            await ws.send_str(json.dumps({"type": "message", "text": "你好"}))
            frames = [json.loads((await ws.receive(timeout=10)).data) for _ in range(3)]
            assert {"type": "notice", "text": "您发送消息太频繁了，请稍等一分钟再继续。"} in frames
        assert dialogue.received == []

    serve(channel(), scenario)


def test_a_push_reaches_every_open_socket_of_its_sender_only() -> None:
    webchat = channel()

    async def scenario(http: aiohttp.ClientSession, base: str, dialogue: Dialogue) -> None:
        tokens = [(await new_session(http, base))[1]["session"] for _ in range(2)]
        async with http.ws_connect(ws_url(base, tokens[0])) as tab1, http.ws_connect(ws_url(base, tokens[0])) as tab2, \
                http.ws_connect(ws_url(base, tokens[1])) as other:
            sender = webchat.keys.sender_of(tokens[0])
            assert sender is not None
            while webchat.sockets.count(sender) < 2:
                await asyncio.sleep(0.01)
            output = webchat.get_output_channel()
            assert output is not None
            await output.send_text_message(sender, "您的工单状态已更新。")
            for tab in (tab1, tab2):
                assert json.loads((await tab.receive(timeout=10)).data) == {
                    "type": "bot", "messages": [{"text": "您的工单状态已更新。"}]}
            with pytest.raises(asyncio.TimeoutError):
                await other.receive(timeout=0.3)

    serve(webchat, scenario)


def test_the_history_needs_the_token_and_replays_the_tracker() -> None:
    webchat = channel()
    store = InMemoryTrackerStore(Domain.empty())

    async def scenario(http: aiohttp.ClientSession, base: str, dialogue: Dialogue) -> None:
        token = (await new_session(http, base))[1]["session"]
        sender = webchat.keys.sender_of(token)
        await store.save(DialogueStateTracker.from_events(str(sender), [
            UserUttered("你好", timestamp=1795420800.0),
            BotUttered("您好！", {"buttons": MENU}, timestamp=1795420801.0),
        ]))
        async with http.get(f"{base}/history", params={"session": token}) as reply:
            assert reply.status == 200 and reply.headers["Cache-Control"] == "no-store"
            assert (await reply.json())["messages"] == [
                {"from": "user", "text": "你好", "at": "2026-11-23T08:00:00+00:00"},
                {"from": "bot", "text": "您好！", "buttons": MENU, "at": "2026-11-23T08:00:01+00:00"},
            ]
        other = (await new_session(http, base))[1]["session"]
        async with http.get(f"{base}/history", params={"session": other}) as reply:
            assert (await reply.json())["messages"] == []
        async with http.get(f"{base}/history", params={"session": str(sender)}) as reply:
            assert reply.status == 401  # the sender id is not a token

    serve(webchat, scenario, store)


def test_the_config_states_the_upload_and_message_limits() -> None:
    async def scenario(http: aiohttp.ClientSession, base: str, dialogue: Dialogue) -> Any:
        async with http.get(f"{base}/config") as reply:
            return await reply.json()

    assert serve(channel(max_message_chars=300), scenario) == {
        "maxUploadBytes": 10 * 1024 * 1024, "acceptedTypes": ["image/jpeg", "image/png", "application/pdf"],
        "maxMessageChars": 300,
    }


def test_an_upload_is_stored_and_its_replies_come_back_in_the_response_only(action_deps: Services) -> None:
    webchat = channel()

    async def scenario(http: aiohttp.ClientSession, base: str, dialogue: Dialogue) -> None:
        token = (await new_session(http, base))[1]["session"]
        sender = webchat.keys.sender_of(token)
        log_in(action_deps, "13800000001", sender=str(sender), channel="webchat")
        async with http.ws_connect(ws_url(base, token)) as ws:
            form = aiohttp.FormData()
            form.add_field("file", bill_photo("3301000001"), filename="账单.png", content_type="image/png")
            async with http.post(f"{base}/upload", params={"session": token}, data=form) as reply:
                assert reply.status == 200
                [answer] = (await reply.json())["messages"]
            with pytest.raises(asyncio.TimeoutError):
                await ws.receive(timeout=0.3)  # not sent twice
        [message] = dialogue.received
        assert message.text.startswith('/send_file{"attachment_id": "') and message.input_channel == "webchat"
        assert answer == {"text": f"收到：{message.text}", "buttons": MENU}
        assert message.metadata == {"webchat_title": "账单.png"}
        async with http.post(f"{base}/upload", params={"session": "forged"}, data=aiohttp.FormData({"file": "x"})) as r:
            assert r.status == 401

    serve(webchat, scenario)


def test_the_token_in_a_url_never_reaches_the_access_log(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(http: aiohttp.ClientSession, base: str, dialogue: Dialogue) -> str:
        token = (await new_session(http, base))[1]["session"]
        async with http.get(f"{base}/history", params={"session": token, "x": "1"}) as reply:
            assert reply.status == 200
        return str(token)

    with caplog.at_level("INFO", logger="sanic.access"):
        token = serve(channel(), scenario)
    logged = [getattr(record, "request", "") for record in caplog.records if record.name == "sanic.access"]
    assert any("/history?session=***&x=1" in line for line in logged), logged
    assert not any(token in line or token in record.getMessage() for line in logged for record in caplog.records)


def test_a_page_that_goes_away_is_forgotten_without_an_error(caplog: pytest.LogCaptureFixture) -> None:
    webchat = channel()

    async def scenario(http: aiohttp.ClientSession, base: str, dialogue: Dialogue) -> None:
        token = (await new_session(http, base))[1]["session"]
        sender = str(webchat.keys.sender_of(token))
        async with http.ws_connect(ws_url(base, token)) as ws:
            while webchat.sockets.count(sender) == 0:
                await asyncio.sleep(0.01)
            await ws.close()
        for _ in range(100):
            if webchat.sockets.count(sender) == 0:
                break
            await asyncio.sleep(0.01)
        assert webchat.sockets.count(sender) == 0

    with caplog.at_level("INFO"):
        serve(webchat, scenario)
    assert [record.getMessage() for record in caplog.records if record.levelname in ("ERROR", "CRITICAL")] == []
