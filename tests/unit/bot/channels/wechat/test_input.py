"""The WeChat connector (our code, not Rasa's), served by a real Sanic server on loopback and
driven the way WeChat drives it: messages signed (and in 安全模式 encrypted) with wechatpy,
answers parsed with wechatpy; late replies land in the fake customer-service API. Rasa's side
is a stand-in ``on_new_message`` that records what would reach the dialogue."""
from __future__ import annotations

import asyncio
import base64
import os
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels import inbound_guard
from bot.channels.replies import domain_text
from bot.channels.wechat import output
from bot.channels.wechat.input import WeChatInput
from bot.container import Services
from bot.settings import Settings
from tests.bill_photos import bill_photo
from tests.e2e.fake_wechat_api import APP_ID, APP_SECRET, FakeWeChatApi, WeChatPush
from tests.unit.action_harness import log_in
from tests.unit.sanic_loopback import new_app, serving

TOKEN = "wechat-unit-token"
AES_KEY = base64.b64encode(os.urandom(32)).decode().rstrip("=")  # 43 characters, as WeChat shows it
OPENID = "o-unit-user"
Reply = Callable[[UserMessage], Awaitable[None]]


async def echo(message: UserMessage) -> None:
    await message.output_channel.send_response(message.sender_id, {"text": f"收到：{message.text}"})


class Dialogue:
    """Stands in for Rasa: records each message and answers with ``reply``."""

    def __init__(self, reply: Reply = echo) -> None:
        self.received: list[str] = []
        self.reply = reply

    async def on_new_message(self, message: UserMessage) -> None:
        assert (message.input_channel, message.sender_id) == ("wechat", OPENID)
        self.received.append(message.text or "")
        await self.reply(message)


@pytest.fixture
def settings(action_deps: Services, fake_api: FakeWeChatApi) -> Iterator[Settings]:
    output.numbered_options.cache_clear()
    inbound_guard._process_guard.cache_clear()
    yield replace(
        action_deps.settings, wechat_token=TOKEN, wechat_app_id=APP_ID, wechat_app_secret=APP_SECRET,
        wechat_api_base_url=fake_api.url, wechat_passive_wait_s=2.0,
    )
    output.numbered_options.cache_clear()
    inbound_guard._process_guard.cache_clear()


Scenario = Callable[[aiohttp.ClientSession, WeChatPush], Awaitable[Any]]


def serve(settings: Settings, dialogue: Dialogue, scenario: Scenario, *, aes_key: str | None = None) -> Any:
    """Run ``scenario(http, wechat)`` against the channel on a free loopback port."""

    async def run() -> Any:
        app = new_app("wechat")
        channel = WeChatInput(settings)
        app.blueprint(channel.blueprint(dialogue.on_new_message), url_prefix="/webhooks/wechat")
        async with serving(app) as base, aiohttp.ClientSession() as http:
            wechat = WeChatPush(f"{base}/webhooks/wechat/webhook", TOKEN, aes_key=aes_key)
            return await scenario(http, wechat)

    return asyncio.run(run())


async def get(http: aiohttp.ClientSession, url: str, query: dict[str, str]) -> tuple[int, str]:
    async with http.get(url, params=query) as reply:
        return reply.status, await reply.text()


def test_without_a_token_the_webhook_answers_503(settings: Settings) -> None:
    async def scenario(http: aiohttp.ClientSession, wechat: WeChatPush) -> list[int]:
        verify = await get(http, wechat.webhook_url, wechat.signed_query(echostr="e"))
        message = await wechat.post(http, wechat.xml(OPENID, "text", Content="你好"))
        return [verify[0], message[0]]

    dialogue = Dialogue()
    assert serve(replace(settings, wechat_token=None), dialogue, scenario) == [503, 503]
    assert dialogue.received == []


def test_url_verification_returns_echostr_only_when_signed(settings: Settings) -> None:
    async def scenario(http: aiohttp.ClientSession, wechat: WeChatPush) -> list[tuple[int, str]]:
        return [
            await get(http, wechat.webhook_url, wechat.signed_query(echostr="8812345")),
            await get(http, wechat.webhook_url, wechat.signed_query(signature="f" * 40, echostr="8812345")),
            await get(http, wechat.webhook_url, {"timestamp": "1", "nonce": "2", "echostr": "8812345"}),
            await get(http, wechat.webhook_url, wechat.signed_query(age_s=301, echostr="8812345")),  # replayed
        ]

    [ok, forged, unsigned, stale] = serve(settings, Dialogue(), scenario)
    assert ok == (200, "8812345")
    assert (forged[0], unsigned[0], stale[0]) == (403, 403, 403)
    assert "8812345" not in forged[1] + unsigned[1] + stale[1]


def test_a_text_is_answered_passively_and_a_forged_one_never_reaches_the_dialogue(settings: Settings) -> None:
    async def scenario(http: aiohttp.ClientSession, wechat: WeChatPush) -> list[tuple[int, str]]:
        forged = await wechat.post(http, wechat.xml(OPENID, "text", Content="伪造"), forge=True)
        async with http.post(wechat.webhook_url, data=wechat.xml(OPENID, "text", Content="无签名")) as unsigned:
            missing = (unsigned.status, await unsigned.text())
        return [forged, missing, await wechat.post(http, wechat.xml(OPENID, "text", Content="你好"))]

    dialogue = Dialogue()
    [forged, missing, (status, answer)] = serve(settings, dialogue, scenario)
    assert (forged[0], missing[0]) == (403, 403)
    assert status == 200 and WeChatPush.reply_text(answer) == "收到：你好"
    assert dialogue.received == ["你好"]


@pytest.mark.parametrize("body", [
    "not xml at all",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>',
    "<xml><MsgType>text</MsgType></xml>",
])
def test_a_signed_but_bad_body_gets_400(settings: Settings, body: str) -> None:
    async def scenario(http: aiohttp.ClientSession, wechat: WeChatPush) -> int:
        status, _answer = await wechat.post(http, body)
        return status

    dialogue = Dialogue()
    assert serve(settings, dialogue, scenario) == 400
    assert dialogue.received == []


def test_safe_mode_round_trip_and_a_forged_msg_signature(settings: Settings) -> None:
    async def scenario(http: aiohttp.ClientSession, wechat: WeChatPush) -> list[tuple[int, str]]:
        good = await wechat.post(http, wechat.xml(OPENID, "text", Content="加密的你好"))
        query = wechat.signed_query(encrypt_type="aes", msg_signature="0" * 40)
        assert wechat.crypto is not None
        encrypted = wechat.crypto.encrypt_message(wechat.xml(OPENID, "text", Content="篡改"), query["nonce"])
        async with http.post(wechat.webhook_url, params=query, data=encrypted.encode()) as reply:
            forged = (reply.status, await reply.text())
        return [good, forged]

    dialogue = Dialogue()
    [(status, answer), forged] = serve(replace(settings, wechat_encoding_aes_key=AES_KEY), dialogue, scenario,
                                       aes_key=AES_KEY)
    assert status == 200 and WeChatPush.reply_text(answer) == "收到：加密的你好"  # decrypted and signature-checked
    assert forged[0] == 403
    assert dialogue.received == ["加密的你好"]


def test_a_message_retried_three_times_at_once_reaches_the_dialogue_once(settings: Settings) -> None:
    async def slow_echo(message: UserMessage) -> None:
        await asyncio.sleep(0.3)
        await echo(message)

    async def scenario(http: aiohttp.ClientSession, wechat: WeChatPush) -> list[tuple[int, str]]:
        xml = wechat.xml(OPENID, "text", msg_id="77001", Content="查余额")
        return list(await asyncio.gather(*(wechat.post(http, xml) for _ in range(3))))

    dialogue = Dialogue(slow_echo)
    answers = serve(settings, dialogue, scenario)
    assert dialogue.received == ["查余额"]
    assert sorted(WeChatPush.reply_text(answer) or "success" for _status, answer in answers) == [
        "success", "success", "收到：查余额"
    ]
    assert {status for status, _answer in answers} == {200}


def test_what_rasa_says_after_the_wait_goes_through_the_customer_service_api(
    settings: Settings, fake_api: FakeWeChatApi
) -> None:
    async def slow(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "马上为您查询。"})
        await asyncio.sleep(0.6)
        await message.output_channel.send_response(message.sender_id, {"text": "您的余额为100.00元。"})

    async def scenario(http: aiohttp.ClientSession, wechat: WeChatPush) -> tuple[tuple[int, str], list[str]]:
        answer = await wechat.post(http, wechat.xml(OPENID, "text", Content="查余额"))
        # The turn goes on after the answer, in the server's loop: wait there for the late reply.
        late = await asyncio.to_thread(fake_api.wait_for, OPENID, "余额为100.00元", 5)
        return answer, late

    fake_api.expire_tokens()  # no token yet: the first call fetches one
    (status, answer), late = serve(replace(settings, wechat_passive_wait_s=0.2), Dialogue(slow), scenario)
    assert (status, WeChatPush.reply_text(answer)) == (200, "马上为您查询。")
    assert late == ["您的余额为100.00元。"]
    assert fake_api.token_requests == 1


def test_buttons_become_numbered_options_and_a_bare_number_picks_one(settings: Settings) -> None:
    async def menu(message: UserMessage) -> None:
        if message.text == "菜单":
            buttons = [{"title": "查电费", "payload": "/query_bill"}, {"title": "查余额", "payload": "/query_balance"}]
            await message.output_channel.send_response(message.sender_id, {"text": "请选择：", "buttons": buttons})
        else:
            await echo(message)

    async def scenario(http: aiohttp.ClientSession, wechat: WeChatPush) -> list[str | None]:
        answers = [await wechat.post(http, wechat.xml(OPENID, "text", Content=text)) for text in ("菜单", "2", "2")]
        return [WeChatPush.reply_text(answer) for _status, answer in answers]

    dialogue = Dialogue(menu)
    [options, picked, plain] = serve(settings, dialogue, scenario)
    assert options == "请选择：\n回复 1：查电费\n回复 2：查余额"
    assert picked == "收到：/query_balance"
    assert plain == "收到：2"  # the echo listed no options: the number is a number again
    assert dialogue.received == ["菜单", "/query_balance", "2"]


def test_subscribe_click_unsubscribe_and_voice(settings: Settings) -> None:
    async def scenario(http: aiohttp.ClientSession, wechat: WeChatPush) -> list[str | None]:
        messages = [
            wechat.xml(OPENID, "event", Event="subscribe"),
            wechat.xml(OPENID, "event", Event="CLICK", EventKey="QUERY_BALANCE"),
            wechat.xml(OPENID, "event", Event="CLICK", EventKey="NO_SUCH_KEY"),
            wechat.xml(OPENID, "event", Event="unsubscribe"),
            wechat.xml(OPENID, "voice", MediaId="m1", Format="amr", Recognition="查一下电费"),
            wechat.xml(OPENID, "voice", MediaId="m2", Format="amr"),  # 语音识别 is off
        ]
        return [WeChatPush.reply_text((await wechat.post(http, xml))[1]) for xml in messages]

    dialogue = Dialogue()
    answers = serve(settings, dialogue, scenario)
    assert answers == ["收到：/greet", "收到：/query_balance", None, None, "收到：查一下电费",
                       domain_text("utter_voice_not_recognised")]
    assert dialogue.received == ["/greet", "/query_balance", "查一下电费"]


def test_a_refused_message_is_answered_without_reaching_the_dialogue(settings: Settings) -> None:
    async def scenario(http: aiohttp.ClientSession, wechat: WeChatPush) -> str | None:
        return WeChatPush.reply_text((await wechat.post(http, wechat.xml(OPENID, "text", Content="电" * 501)))[1])

    dialogue = Dialogue()
    assert "500" in (serve(settings, dialogue, scenario) or "")
    assert dialogue.received == []


def test_a_photo_is_fetched_stored_and_sent_as_a_file_intent(
    action_deps: Services, settings: Settings, fake_api: FakeWeChatApi
) -> None:
    log_in(action_deps, "13800000001", sender=OPENID, channel="wechat")  # uploads are for logged-in chats
    fake_api.media["m-photo"] = bill_photo("3301000001")

    async def scenario(http: aiohttp.ClientSession, wechat: WeChatPush) -> list[int]:
        photo = wechat.xml(OPENID, "image", PicUrl="http://mmbiz.example/x", MediaId="m-photo")
        unknown = wechat.xml(OPENID, "image", PicUrl="http://mmbiz.example/y", MediaId="m-gone")
        return [(await wechat.post(http, photo))[0], (await wechat.post(http, unknown))[0]]

    dialogue = Dialogue()
    assert serve(settings, dialogue, scenario) == [200, 200]
    [received] = dialogue.received  # the photo WeChat no longer has reaches nothing
    assert received.startswith('/send_file{"attachment_id": "')
