"""The web chat widget's protocol against the running assistant, spoken with aiohttp's HTTP and
WebSocket clients as the widget speaks it: a new session, a greeting with typing frames, a pressed
button, the history after a reconnect (and only with the session's own token), a bill photo
uploaded, and a work-order update pushed by the real `orders advance` command to an open page."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from bot.channels.webchat.sessions import sender_id_of
from bot.settings import PROJECT_ROOT
from tests.bill_photos import bill_photo
from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import PAST_RESEND_WAIT, last_sms_code, response_text, work_order_for

UPLOAD_PHONE = "13700000211"  # new customers: they register by logging in
PUSH_PHONE = "13700000212"
MENU_TITLES = ["查电费", "交电费", "绑定户号", "更名/过户", "新装"]


class Page:
    """One widget session, as the page holds it: its token and, when open, its socket."""

    def __init__(self, http: aiohttp.ClientSession, assistant: RunningAssistant, token: str) -> None:
        self.http = http
        self.assistant = assistant
        self.base = f"{assistant.rasa_url}/webhooks/webchat"
        self.token = token
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    @classmethod
    async def new(cls, http: aiohttp.ClientSession, assistant: RunningAssistant) -> Page:
        async with http.post(f"{assistant.rasa_url}/webhooks/webchat/sessions") as reply:
            assert reply.status == 200, await reply.text()
            return cls(http, assistant, (await reply.json())["session"])

    async def open(self) -> None:
        url = self.base.replace("http://", "ws://") + "/socket"
        self.ws = await self.http.ws_connect(url, params={"session": self.token}, heartbeat=None)

    async def close(self) -> None:
        assert self.ws is not None
        await self.ws.close()
        self.ws = None

    async def frame(self, timeout: float = 60) -> dict[str, Any]:
        assert self.ws is not None
        message = await self.ws.receive(timeout=timeout)
        assert message.type == aiohttp.WSMsgType.TEXT, message
        return json.loads(message.data)

    async def turn(self, frame: dict[str, Any]) -> list[dict[str, Any]]:
        """Send one frame; every frame of the turn up to the typing indicator going off."""
        assert self.ws is not None
        await self.ws.send_str(json.dumps(frame, ensure_ascii=False))
        frames = []
        while not frames or frames[-1] != {"type": "typing", "on": False}:
            frames.append(await self.frame())
        return frames

    async def say(self, text: str) -> list[dict[str, Any]]:
        """The bot messages that answer ``text``."""
        return bot_messages(await self.turn({"type": "message", "text": text}))

    async def press(self, button: dict[str, str]) -> list[dict[str, Any]]:
        return bot_messages(await self.turn({"type": "button", **button}))

    async def history(self, token: str | None = None) -> tuple[int, Any]:
        async with self.http.get(f"{self.base}/history", params={"session": token or self.token}) as reply:
            return reply.status, await reply.json()

    async def log_in(self, phone: str) -> None:
        """A new customer's first login (phone, SMS code), which registers them."""
        assert texts(await self.say("登录")) == [response_text("utter_ask_login_form_phone_number")]
        assert any("验证码已发送" in text for text in texts(await self.say(phone)))
        code = last_sms_code(self.assistant.database_url, phone)
        replies = texts(await self.say(code))
        masked = f"{phone[:3]}****{phone[-4:]}"
        assert response_text("utter_registered_and_logged_in").format(masked_phone=masked) in replies, replies


def bot_messages(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [message for frame in frames if frame["type"] == "bot" for message in frame["messages"]]


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [message["text"] for message in messages if message.get("text")]


def run(assistant: RunningAssistant, scenario: Callable[[aiohttp.ClientSession], Awaitable[None]]) -> None:
    async def main() -> None:
        async with aiohttp.ClientSession() as http:
            await scenario(http)

    asyncio.run(main())


def test_a_new_session_is_greeted_over_the_socket_and_a_pressed_button_answered(assistant: RunningAssistant) -> None:
    async def scenario(http: aiohttp.ClientSession) -> None:
        page = await Page.new(http, assistant)
        await page.open()
        frames = await page.turn({"type": "message", "text": "你好"})
        assert frames[0] == {"type": "typing", "on": True} and frames[-1] == {"type": "typing", "on": False}
        [greeting] = bot_messages(frames)
        assert greeting["text"] == response_text("utter_greet")
        assert [button["title"] for button in greeting["buttons"]][:5] == MENU_TITLES
        [query_bill] = [button for button in greeting["buttons"] if button["title"] == "查电费"]
        assert query_bill["payload"] == "/query_bill"
        assert texts(await page.press(query_bill)) == [
            response_text("utter_login_required"), response_text("utter_ask_login_form_phone_number"),
        ]
        await page.close()

    run(assistant, scenario)


def test_the_history_comes_back_after_a_reconnect_and_only_with_its_own_token(assistant: RunningAssistant) -> None:
    async def scenario(http: aiohttp.ClientSession) -> None:
        page = await Page.new(http, assistant)
        await page.open()
        [greeting] = await page.say("你好")
        await page.press({"title": "交电费", "payload": "/pay_bill"})
        await page.close()

        status, body = await page.history()
        assert status == 200
        said = [(message["from"], message.get("text")) for message in body["messages"]]
        assert said[:3] == [("user", "你好"), ("bot", response_text("utter_greet")), ("user", "交电费")]
        assert body["messages"][1]["buttons"] == greeting["buttons"]
        assert all(message["at"].endswith("+00:00") for message in body["messages"])

        await page.open()  # the reload: the same conversation goes on, still in the login form
        assert texts(await page.say("你好"))[-1] == response_text("utter_ask_login_form_phone_number")
        await page.close()

        stranger = await Page.new(http, assistant)
        assert (await stranger.history())[1] == {"messages": []}
        assert (await page.history(sender_id_of(page.token)))[0] == 401  # the sender id is no token
        assert (await page.history(stranger.token[:-1] + "x"))[0] == 401

        url = page.base.replace("http://", "ws://") + "/socket"
        async with http.ws_connect(url, params={"session": "forged"}) as ws:
            closed = await ws.receive(timeout=10)
            assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == 4401

    run(assistant, scenario)


def test_a_photo_of_a_bill_is_uploaded_and_its_replies_come_back_in_the_response(
    assistant: RunningAssistant,
) -> None:
    async def scenario(http: aiohttp.ClientSession) -> None:
        assistant.advance_clock(PAST_RESEND_WAIT)
        page = await Page.new(http, assistant)
        await page.open()
        await page.log_in(UPLOAD_PHONE)
        form = aiohttp.FormData()
        form.add_field("file", bill_photo("3301000004202610", "JPEG"), filename="bill.jpg", content_type="image/jpeg")
        async with http.post(f"{page.base}/upload", params={"session": page.token}, data=form) as reply:
            assert reply.status == 200, await reply.text()
            messages = (await reply.json())["messages"]
        assert texts(messages)[0] == "已从图片中识别到户号3301000004。"
        assert texts(messages)[1].startswith("查询到户号3301000004：户名 刘*")
        await page.close()
        status, body = await page.history()
        assert status == 200 and {"from": "user", "text": "bill.jpg"} in [
            {key: message[key] for key in ("from", "text")} for message in body["messages"] if message.get("text")
        ]

    run(assistant, scenario)


def test_a_work_order_update_is_pushed_to_the_open_page_and_kept_in_its_history(assistant: RunningAssistant) -> None:
    async def scenario(http: aiohttp.ClientSession) -> None:
        assistant.advance_clock(PAST_RESEND_WAIT)
        page = await Page.new(http, assistant)
        await page.open()
        await page.log_in(PUSH_PHONE)
        order_no = work_order_for(assistant.database_url, assistant.clock_file, PUSH_PHONE)
        advance = asyncio.create_task(asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "orders", "advance", order_no, "已派单", "--note", "安排上门勘查"],
            cwd=PROJECT_ROOT, env=assistant.environment, capture_output=True, text=True, timeout=120,
        ))
        expected = response_text("utter_order_status_changed").format(
            order_no=order_no, kind="个人新装", status="已派单", promised="2026年11月30日",
        )
        pushed: list[str] = []
        while expected not in pushed:
            frame = await page.frame(timeout=120)
            pushed.extend(texts(frame["messages"]) if frame["type"] == "bot" else [])
        advanced = await advance
        assert advanced.returncode == 0, advanced.stderr
        assert "pushed to 1 chat(s)" in advanced.stdout
        await page.close()
        _, body = await page.history()
        assert sum(message.get("text") == expected for message in body["messages"]) == 1

    run(assistant, scenario)


def test_other_origins_are_refused_and_the_limits_are_published(assistant: RunningAssistant) -> None:
    async def scenario(http: aiohttp.ClientSession) -> None:
        base = f"{assistant.rasa_url}/webhooks/webchat"
        async with http.post(f"{base}/sessions", headers={"Origin": "http://evil.example"}) as reply:
            assert reply.status == 403
        async with http.post(f"{base}/sessions", headers={"Origin": assistant.rasa_url}) as reply:
            assert reply.status == 200 and reply.headers["Access-Control-Allow-Origin"] == assistant.rasa_url
            token = (await reply.json())["session"]
        url = base.replace("http://", "ws://") + "/socket"
        async with http.ws_connect(url, params={"session": token}, headers={"Origin": "http://evil.example"}) as ws:
            closed = await ws.receive(timeout=10)
            assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == 4403
        async with http.get(f"{base}/config") as reply:
            assert await reply.json() == {
                "maxUploadBytes": 10 * 1024 * 1024, "acceptedTypes": ["image/jpeg", "image/png", "application/pdf"],
                "maxMessageChars": 500,
            }

    run(assistant, scenario)


def test_the_demo_page_and_the_script_are_served_with_their_headers(assistant: RunningAssistant) -> None:
    async def scenario(http: aiohttp.ClientSession) -> None:
        base = f"{assistant.rasa_url}/webhooks/webchat"
        async with http.get(f"{base}/") as page:
            assert page.status == 200 and page.content_type == "text/html"
            policy = page.headers["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "unsafe-inline" not in policy
            assert "widget.js" in await page.text()
        for name, content_type in (("widget.js", "text/javascript"), ("widget.css", "text/css")):
            async with http.get(f"{base}/{name}") as reply:
                assert reply.status == 200 and reply.content_type == content_type
                assert reply.headers["X-Content-Type-Options"] == "nosniff"

    run(assistant, scenario)
