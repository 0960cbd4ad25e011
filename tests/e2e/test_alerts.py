"""用能预警 end to end: `python -m bot notify run` (the real command, with the servers' environment)
tells a user who bound an overdue account at once on a chat that can push (Rasa's callback
channel, whose replies go to a loopback inbox), and 张伟 — on REST, which cannot push — hears of
the demo's planned outage of tomorrow with his next message; a second run sends nothing new and
the next message repeats nothing. Turning a kind off and listing them is asked in plain words."""
from __future__ import annotations

import asyncio
import subprocess
import sys

import aiohttp
from sqlalchemy import select

from bot.clock import FileClock
from bot.db.models import AccountBinding, ElectricityAccount, MonthlyBill, User
from bot.db.session import SessionFactory
from bot.settings import PROJECT_ROOT
from tests.e2e.callback_inbox import CallbackInbox
from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import Conversation, last_sms_code, response_text, texts

PHONE = "13700000311"  # a new customer: registers by logging in
SENDER = "e2e-callback-alerts"
OVERDUE_ACCOUNT = "3301000005"  # 陈静's shop: unpaid for over 30 days (demo data)
ARREARS = "【欠费提醒】户号3301000005"
OUTAGE = "【停电通知】户号3301000001"


def _say(assistant: RunningAssistant, message: str) -> None:
    async def _post() -> None:
        async with aiohttp.ClientSession() as http:
            url = f"{assistant.rasa_url}/webhooks/callback/webhook"
            async with http.post(url, json={"sender": SENDER, "message": message}) as reply:
                assert reply.status == 200, await reply.text()

    asyncio.run(_post())


def _bind_overdue_account(assistant: RunningAssistant) -> int:
    """Bind the overdue account to the new customer (binding in chat has its own end-to-end tests);
    how many of its bills are overdue today."""
    factory = SessionFactory.from_url(assistant.database_url)
    today = FileClock(assistant.clock_file).today()
    try:
        with factory.session_scope() as session:
            user_id = session.scalars(select(User.id).where(User.phone == PHONE)).one()
            account = session.scalars(
                select(ElectricityAccount).where(ElectricityAccount.account_number == OVERDUE_ACCOUNT)).one()
            session.add(AccountBinding(user_id=user_id, account_id=account.id, is_default=True,
                                       created_at=FileClock(assistant.clock_file).now()))
            bills = session.scalars(select(MonthlyBill).where(MonthlyBill.account_id == account.id)).all()
            return sum(bill.amount_fen > bill.paid_fen and bill.due_date < today for bill in bills)
    finally:
        factory.dispose()


def _notify_run(assistant: RunningAssistant) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "notify", "run"],
        cwd=PROJECT_ROOT, env=assistant.environment, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_notice_is_pushed_after_notify_run_and_not_again_after_a_second_run(
    assistant: RunningAssistant, callback_inbox: CallbackInbox, zhang_wei: Conversation
) -> None:
    _say(assistant, "登录")
    callback_inbox.wait_for(SENDER, response_text("utter_ask_login_form_phone_number"))
    _say(assistant, PHONE)
    callback_inbox.wait_for(SENDER, "验证码已发送")
    _say(assistant, last_sms_code(assistant.database_url, PHONE))
    callback_inbox.wait_for(SENDER, "已为您自动注册网上国网账号并登录")  # a new phone: registered by its login
    overdue_bills = _bind_overdue_account(assistant)
    assert overdue_bills >= 1
    before = len(callback_inbox.texts(SENDER))

    first = _notify_run(assistant)

    pushed = callback_inbox.wait_for(SENDER, response_text("utter_alerts_footer"))[before:]
    arrears = [text for text in pushed if text.startswith(ARREARS)]
    assert len(arrears) == overdue_bills and all("已逾期" in text and "违约金¥" in text for text in arrears)
    assert "new notices 0 " not in first

    second = _notify_run(assistant)
    assert "new notices 0 (" in second and "pushed to" not in second
    _say(assistant, "你好")
    callback_inbox.wait_for(SENDER, response_text("utter_greet"))
    assert sum(text.startswith(ARREARS) for text in callback_inbox.texts(SENDER)) == overdue_bills

    # 张伟's chat is REST, which cannot push: the outage of tomorrow comes with his next message, once.
    told = texts(zhang_wei.say("你好"))
    assert sum(text.startswith(OUTAGE) for text in told) == 1, told
    assert "文三路" in next(text for text in told if text.startswith(OUTAGE))
    assert not any(text.startswith(OUTAGE) for text in texts(zhang_wei.say("你好")))


def test_a_kind_is_turned_off_listed_and_turned_on_again(zhang_wei: Conversation) -> None:
    off = texts(zhang_wei.say("关闭停电通知"))
    assert response_text("utter_notices_turned_off").format(kinds="停电通知", first="停电通知") in off
    listed = "\n".join(texts(zhang_wei.say("我的提醒设置")))
    assert "· 停电通知：已关闭" in listed and "· 欠费提醒：已开启" in listed
    on = texts(zhang_wei.say("打开停电通知"))
    assert response_text("utter_notices_turned_on").format(kinds="停电通知") in on

