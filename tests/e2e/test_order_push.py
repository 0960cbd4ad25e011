"""An operator's status change reaches the applicant at once on a channel that can push (Rasa's
callback channel, whose replies go to a loopback inbox), through the real `orders advance`
command and Rasa's HTTP API; it is told once, not again with the next message."""
from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import timedelta

import aiohttp

from bot.settings import PROJECT_ROOT
from tests.e2e.callback_inbox import CallbackInbox
from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import last_sms_code, response_text, work_order_for

PHONE = "13700000011"  # a new customer: registers by logging in
SENDER = "e2e-callback-push"


def _say(assistant: RunningAssistant, message: str) -> None:
    async def _post() -> None:
        async with aiohttp.ClientSession() as http:
            url = f"{assistant.rasa_url}/webhooks/callback/webhook"
            async with http.post(url, json={"sender": SENDER, "message": message}) as reply:
                assert reply.status == 200, await reply.text()

    asyncio.run(_post())


def test_a_status_change_is_pushed_once_to_a_chat_that_can_take_it(
    assistant: RunningAssistant, callback_inbox: CallbackInbox
) -> None:
    _say(assistant, "登录")
    callback_inbox.wait_for(SENDER, response_text("utter_ask_login_form_phone_number"))
    assistant.advance_clock(timedelta(seconds=61))
    _say(assistant, PHONE)
    callback_inbox.wait_for(SENDER, "验证码已发送")
    _say(assistant, last_sms_code(assistant.database_url, PHONE))
    order_no = work_order_for(assistant.database_url, assistant.clock_file, PHONE)
    before = len(callback_inbox.texts(SENDER))

    advanced = subprocess.run(
        [sys.executable, "-m", "bot", "orders", "advance", order_no, "已派单", "--note", "安排上门勘查"],
        cwd=PROJECT_ROOT, env=assistant.environment, capture_output=True, text=True, timeout=120,
    )

    assert advanced.returncode == 0, advanced.stderr
    assert "pushed to 1 chat(s)" in advanced.stdout
    pushed = callback_inbox.wait_for(SENDER, order_no)[before:]
    assert [text for text in pushed if order_no in text] == [response_text("utter_order_status_changed").format(
        order_no=order_no, kind="个人新装", status="已派单", promised="2026年11月30日",
    )]
    _say(assistant, "你好")
    assert sum(order_no in text for text in callback_inbox.texts(SENDER)) == 1
