"""The WeChat 公众号 connector end to end: messages built, signed and (in 安全模式) encrypted with
wechatpy are POSTed to the running assistant's webhook on loopback, as WeChat's server does;
passive answers are read back with wechatpy, and what goes through the customer-service API
lands in the fake WeChat API (tests/e2e/fake_wechat_api.py)."""
from __future__ import annotations

import asyncio
import io
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image

from bot.server.launcher import free_port, server_commands, server_environment
from bot.settings import PROJECT_ROOT, Settings
from tests.bill_photos import bill_photo
from tests.e2e.conftest import START_TIMEOUT_S, RunningAssistant
from tests.e2e.conversation import Conversation, response_text, texts
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
    user.log_in("13800000001")  # the phone, then the code it got (the clock moved past the last one)

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


def test_a_photo_of_a_bill_binds_the_account_on_it(assistant: RunningAssistant, wechat_api: FakeWeChatApi) -> None:
    """As on Telegram (tests/e2e/test_telegram.py): the same demo bill's QR code, sent as a WeChat
    image message (PicUrl and MediaId; the connector fetches it with ``media/get``)."""
    user = WeChatUser(assistant, "o-e2e-bill-photo")
    assert user.say("登录") == response_text("utter_ask_login_form_phone_number")
    user.log_in("13900000071", registers=True)
    found = user.photo(wechat_api, bill_photo("3301000004202610", "JPEG"))
    assert found is not None, "no passive answer to the photo"
    first, second, *_ = found.split("\n\n")
    assert first == "已从图片中识别到户号3301000004。"
    assert second.startswith("查询到户号3301000004：户名 刘*")
    bound = user.say("确认")
    assert bound is not None and bound.splitlines()[0] == "绑定成功！户号3301000004已添加到您的账号，并设为默认户号。"


@pytest.fixture(scope="module")
def impatient_replica(
    assistant: RunningAssistant, trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A second Rasa server of the same assistant (same databases, action server, clock and fake
    WeChat API: another replica) whose WeChat requests wait 0 s for Rasa (WECHAT_PASSIVE_WAIT_S=0),
    so every turn is slower than the wait. Its URL."""
    port = free_port()
    env = {**assistant.environment, "RASA_PORT": str(port), "WECHAT_PASSIVE_WAIT_S": "0"}
    settings = Settings.from_env(env)
    log_file = tmp_path_factory.mktemp("replica") / "rasa.log"
    with open(log_file, "wb") as output:
        process = subprocess.Popen(
            server_commands(settings, trained_model)["rasa server"], cwd=PROJECT_ROOT,
            env=server_environment(settings, env), stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _answers(f"{url}/status?token={assistant.api_token}"):
        if process.poll() is not None or time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("the second Rasa server did not start:\n" + log_file.read_text(errors="replace")[-4000:])
        time.sleep(0.5)
    yield url
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("the second Rasa server did not stop within 60 s of Ctrl-C")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:  # noqa: S310 - loopback
            return bool(reply.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def test_a_turn_slower_than_the_passive_wait_is_answered_success_and_delivered_through_the_api(
    assistant: RunningAssistant, wechat_api: FakeWeChatApi, impatient_replica: str
) -> None:
    """The real Rasa turn (NLU, the bill action on the action server) outlasts the replica's wait:
    WeChat gets ``success`` at once and the whole bill arrives through ``message/custom/send``,
    in the words the same question gets passively from the other server."""
    openid = "o-e2e-slow-turn"
    patient = WeChatUser(assistant, openid)
    assert patient.say("登录") == response_text("utter_ask_login_form_phone_number")
    # 赵强 (3301000003 bound): 张伟's phone has had most of its 10 codes of the day by now
    patient.log_in("13800000004")  # the conversation goes on on the other replica

    impatient = WeChatUser(assistant, openid, rasa_url=impatient_replica)
    before = len(wechat_api.texts(openid))
    [(status, answer)] = impatient.post(impatient.wechat.xml(openid, "text", Content="上个月电费多少"))
    assert (status, answer) == (200, "success")
    late = wechat_api.wait_for(openid, "户号3301000003｜2026年10月电费账单")[before:]
    assert late[0].splitlines()[0] == "户号3301000003｜2026年10月电费账单"
    impatient.wait_until_answered("上个月电费多少")  # the replicas share no lock store here

    passive = patient.say("上个月电费多少")  # the same question, answered within the wait
    assert passive is not None and passive.startswith(late[0])
    # Every reply of the slow turn arrives, in order: together they say what the passive answer says.
    deadline = time.monotonic() + 30
    while "\n\n".join(wechat_api.texts(openid)[before:]) != passive and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "\n\n".join(wechat_api.texts(openid)[before:]) == passive
    assert impatient.user_texts_in_tracker()[-2:] == ["上个月电费多少", "上个月电费多少"]
