"""The WeChat 公众号 connector end to end: messages built, signed and (in 安全模式) encrypted with
wechatpy are POSTed to the running assistant's webhook on loopback, as WeChat's server does;
passive answers are read back with wechatpy, and what goes through the customer-service API
lands in the fake WeChat API (tests/e2e/fake_wechat_api.py)."""
from __future__ import annotations

import asyncio
import io
from typing import Any

import aiohttp
from PIL import Image

from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import PAST_RESEND_WAIT, Conversation, last_sms_code, response_text, texts
from tests.e2e.fake_wechat_api import FakeWeChatApi, WeChatPush, WeChatUser


def test_url_verification(assistant: RunningAssistant) -> None:
    wechat = WeChatUser(assistant, "o-e2e-verify").wechat

    async def verify(query: dict[str, str]) -> tuple[int, str]:
        async with aiohttp.ClientSession() as http, http.get(wechat.webhook_url, params=query) as reply:
            return reply.status, await reply.text()

    assert asyncio.run(verify(wechat.signed_query(echostr="6504973511"))) == (200, "6504973511")
    assert asyncio.run(verify(wechat.signed_query(signature="a" * 40, echostr="6504973511")))[0] == 403


def test_a_forged_message_gets_403_and_never_reaches_rasa(assistant: RunningAssistant) -> None:
    user = WeChatUser(assistant, "o-e2e-forged")
    [(status, _answer)] = user.post(user.wechat.xml(user.openid, "text", Content="查余额"), forge=True)
    assert status == 403
    assert user.user_texts_in_tracker() == []


def test_an_encrypted_greeting_is_answered_encrypted_with_numbered_options(assistant: RunningAssistant) -> None:
    user = WeChatUser(assistant, "o-e2e-encrypted", encrypted=True)
    greeting = user.say("你好")  # WeChatPush decrypts the answer and checks its signature
    assert greeting is not None
    lines = greeting.splitlines()
    assert lines[0] == response_text("utter_greet")
    assert lines[1] == "回复 1：查电费"
    # "1" picks 查电费, which needs a login first: the same answer as pressing the button on REST.
    rest_answer = texts(Conversation(assistant.rasa_url, "e2e-wechat-parity").say("/query_bill"))
    assert user.say("1") == "\n\n".join(rest_answer)
    assert user.user_texts_in_tracker() == ["你好", "/query_bill"]


def test_a_message_retried_three_times_at_once_reaches_the_dialogue_once(assistant: RunningAssistant) -> None:
    user = WeChatUser(assistant, "o-e2e-retries")
    xml = user.wechat.xml(user.openid, "text", msg_id="880000000001", Content="你好")
    answers = user.post(xml, xml, xml)
    assert [status for status, _answer in answers] == [200, 200, 200]
    replies = sorted((WeChatPush.reply_text(answer) or "success")[:2] for _status, answer in answers)
    assert replies == ["su", "su", "您好"]
    assert user.user_texts_in_tracker() == ["你好"]


def test_subscribe_welcomes_and_a_menu_click_asks_for_the_login(assistant: RunningAssistant) -> None:
    user = WeChatUser(assistant, "o-e2e-subscriber")
    welcome = user.event("subscribe")
    assert welcome is not None and welcome.startswith(response_text("utter_greet"))
    clicked = user.event("CLICK", "QUERY_BALANCE")
    assert clicked is not None and response_text("utter_login_required") in clicked
    assert user.event("unsubscribe") is None
    assert user.user_texts_in_tracker() == ["/greet", "/query_balance"]


def test_log_in_and_read_the_bill_then_the_chart_arrives_through_the_api(
    assistant: RunningAssistant, wechat_api: FakeWeChatApi
) -> None:
    user = WeChatUser(assistant, "o-e2e-zhangwei")
    assert user.say("登录") == response_text("utter_ask_login_form_phone_number")
    assistant.advance_clock(PAST_RESEND_WAIT)  # 13800000001 may have had a code from the REST tests
    code_sent = user.say("13800000001")
    assert code_sent is not None and "验证码已发送" in code_sent
    logged_in = user.say(last_sms_code(assistant.database_url, "13800000001"))
    assert logged_in is not None and logged_in.startswith("登录成功")

    bill = user.say("上个月电费多少")
    assert bill is not None
    assert bill.splitlines()[0] == "户号3301000001｜2026年10月电费账单"

    # A chart cannot be a passive text: the text answers, the picture is uploaded and sent.
    trend = user.say("看看用电趋势")
    assert trend is not None and trend.startswith("户号3301000001近12个月用电趋势")
    images = _wait_for_images(wechat_api, user.openid)
    assert len(images) == 1
    [(kind, png)] = wechat_api.uploads[-1:]
    assert kind == "image" and Image.open(io.BytesIO(png)).format == "PNG"


def _wait_for_images(api: FakeWeChatApi, openid: str, timeout_s: float = 30.0) -> list[dict[str, Any]]:
    async def poll() -> list[dict[str, Any]]:
        for _ in range(int(timeout_s * 10)):
            images = [m for m in api.sent(openid) if m["msgtype"] == "image"]
            if images:
                return images
            await asyncio.sleep(0.1)
        raise AssertionError(f"no picture sent to {openid}: {api.sent(openid)}")

    return asyncio.run(poll())


def test_a_push_reaches_the_user_through_the_customer_service_api(
    assistant: RunningAssistant, wechat_api: FakeWeChatApi
) -> None:
    """What Rasa's HTTP API sends to the chat's latest channel (as pushes do) goes through the API,
    and the options it lists can be picked by number."""
    user = WeChatUser(assistant, "o-e2e-push")
    assert user.say("你好") is not None

    async def trigger() -> int:
        url = f"{assistant.rasa_url}/conversations/{user.openid}/trigger_intent"
        query = {"output_channel": "latest", "token": assistant.api_token}
        async with aiohttp.ClientSession() as http, http.post(url, params=query, json={"name": "greet"}) as reply:
            return reply.status

    assert asyncio.run(trigger()) == 200
    [pushed] = wechat_api.wait_for(user.openid, "回复 1：查电费")
    assert pushed.startswith(response_text("utter_greet"))
    picked = user.say("1")
    assert picked is not None and response_text("utter_login_required") in picked
