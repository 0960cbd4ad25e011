"""Notices pushed nobody asked for, through the real servers and Rasa's HTTP API: a consent request
reaches the owner at once on Telegram (the fake Bot API records the message and its 同意/拒绝
keyboard), the owner's decision reaches the requester at once on the callback channel, and a
payment left 确认中 reaches its payer on Telegram once the operator's ``payments resolve`` has
settled it. Each is told once, not again with the next message.

赵强 (13800000004, certified owner of 3301000003) is on Telegram; the requester is a new phone.
"""
from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable

import aiohttp
import pytest
from sqlalchemy import create_engine, text

from bot.clock import FileClock
from bot.settings import PROJECT_ROOT
from bot.text.labels import day_label
from tests.e2e.callback_inbox import CallbackInbox
from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import PAST_RESEND_WAIT, last_sms_code, response_text
from tests.e2e.fake_telegram_api import Call, FakeTelegramApi, TelegramChat, button_data, texts

OWNER = "13800000004"
OWNER_CHAT_ID = 880301
REQUESTER = "13900000041"  # registered by its first login here; no other test uses it
REQUESTER_SENDER = "e2e-callback-requester"
ACCOUNT = "3301000003"


def _say(assistant: RunningAssistant, sender: str, message: str) -> None:
    async def _post() -> None:
        async with aiohttp.ClientSession() as http:
            url = f"{assistant.rasa_url}/webhooks/callback/webhook"
            async with http.post(url, json={"sender": sender, "message": message}) as reply:
                assert reply.status == 200, await reply.text()

    asyncio.run(_post())


def _sent_to(api: FakeTelegramApi, chat_id: int, wanted: Callable[[str], bool], after: int = 0) -> list[Call]:
    return [c for c in api.calls_of("sendMessage", chat_id)[after:] if wanted(str(c.params["text"]))]


def _wait_for_sent(api: FakeTelegramApi, chat_id: int, wanted: Callable[[str], bool], after: int = 0) -> Call:
    """The first message the bot sent the chat (after the first ``after``) that is ``wanted``."""
    api.wait_for(lambda: len(_sent_to(api, chat_id, wanted, after)), 1, timeout_s=60)
    return _sent_to(api, chat_id, wanted, after)[0]


@pytest.fixture(scope="module")
def owner_on_telegram(assistant: RunningAssistant, telegram_api: FakeTelegramApi) -> TelegramChat:
    """赵强 logged in on Telegram: the chat he used last from now on."""
    chat = TelegramChat(assistant, telegram_api, OWNER_CHAT_ID)
    chat.say("登录")
    chat.log_in(OWNER)
    return chat


def test_a_consent_request_and_its_decision_are_pushed_at_once(
    assistant: RunningAssistant, telegram_api: FakeTelegramApi, callback_inbox: CallbackInbox,
    owner_on_telegram: TelegramChat,
) -> None:
    _say(assistant, REQUESTER_SENDER, "登录")
    callback_inbox.wait_for(REQUESTER_SENDER, response_text("utter_ask_login_form_phone_number"))
    assistant.advance_clock(PAST_RESEND_WAIT)
    _say(assistant, REQUESTER_SENDER, REQUESTER)
    callback_inbox.wait_for(REQUESTER_SENDER, "验证码已发送")
    _say(assistant, REQUESTER_SENDER, last_sms_code(assistant.database_url, REQUESTER))
    callback_inbox.wait_for(REQUESTER_SENDER, "并登录")  # a new phone: registered by its login
    _say(assistant, REQUESTER_SENDER, f"绑定户号{ACCOUNT}")
    callback_inbox.wait_for(REQUESTER_SENDER, f"查询到户号{ACCOUNT}")
    before = len(telegram_api.calls_of("sendMessage", OWNER_CHAT_ID))

    _say(assistant, REQUESTER_SENDER, "确认")

    callback_inbox.wait_for(REQUESTER_SENDER, response_text("utter_consent_requested"))
    request = _wait_for_sent(telegram_api, OWNER_CHAT_ID, lambda t: "139****0041" in t, before)
    assert request.params["text"] == response_text("utter_consent_request_for_owner").format(
        requester="139****0041", account_number=ACCOUNT)
    keyboard = button_data(request)
    assert list(keyboard) == ["同意", "拒绝"]

    told_before = len(callback_inbox.texts(REQUESTER_SENDER))
    pressed = owner_on_telegram.send(owner_on_telegram.user.press(request, keyboard["同意"]))
    assert response_text("utter_consent_approved_by_you").format(account_number=ACCOUNT) in texts(pressed)

    approved = response_text("utter_consent_outcome_approved").format(account_number=ACCOUNT)
    pushed = callback_inbox.wait_for(REQUESTER_SENDER, approved)[told_before:]
    assert pushed == [approved]
    _say(assistant, REQUESTER_SENDER, "查看我的户号")
    callback_inbox.wait_for(REQUESTER_SENDER, "您已绑定的户号")
    assert callback_inbox.texts(REQUESTER_SENDER).count(approved) == 1


def _payment_of(database_url: str, account_number: str) -> tuple[str, int, str | None]:
    """(status, amount_fen, receipt_no) of the account's newest payment made in chat."""
    engine = create_engine(database_url, future=True)
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT p.status, p.amount_fen, p.receipt_no FROM payments p "
                "JOIN electricity_accounts a ON a.id = p.account_id "
                "WHERE a.account_number = :n AND p.idempotency_key NOT LIKE 'seed:%' ORDER BY p.id DESC LIMIT 1"
            ),
            {"n": account_number},
        ).one()
    engine.dispose()
    return str(row[0]), int(row[1]), row[2]


def _press(chat: TelegramChat, sent: list[Call], title_start: str) -> list[Call]:
    [(message, data)] = [(c, d) for c in sent for title, d in button_data(c).items() if title.startswith(title_start)]
    return chat.send(chat.user.press(message, data))


def test_a_payment_left_pending_is_pushed_to_its_payer_once_it_is_resolved(
    assistant: RunningAssistant, telegram_api: FakeTelegramApi, owner_on_telegram: TelegramChat,
) -> None:
    chat = owner_on_telegram
    asked_amount = chat.send(chat.user.text("交电费"))
    asked_method = _press(chat, asked_amount, "预存50元")
    summary = _press(chat, asked_method, "建设银行储蓄卡(尾号9999)")  # the slow card: answers too late
    confirming = len(telegram_api.calls_of("sendMessage", OWNER_CHAT_ID))
    _press(chat, summary, "确认支付")
    _wait_for_sent(telegram_api, OWNER_CHAT_ID, lambda t: t == response_text("utter_payment_pending"), confirming)
    assert _payment_of(assistant.database_url, ACCOUNT)[:2] == ("pending", 5000)
    before = len(telegram_api.calls_of("sendMessage", OWNER_CHAT_ID))

    resolved = subprocess.run(
        [sys.executable, "-m", "bot", "payments", "resolve"],
        cwd=PROJECT_ROOT, env=assistant.environment, capture_output=True, text=True, timeout=120,
    )

    assert resolved.returncode == 0, resolved.stderr
    assert "resolved 1" in resolved.stdout and "pushed to 1 chat(s)" in resolved.stdout
    status, amount_fen, receipt_no = _payment_of(assistant.database_url, ACCOUNT)
    assert (status, amount_fen) == ("succeeded", 5000) and receipt_no
    told = response_text("utter_payment_outcome_paid").format(
        date=day_label(FileClock(assistant.clock_file).now().date()), account_number=ACCOUNT, amount="¥50.00",
        receipt_no=receipt_no)
    pushed = _wait_for_sent(telegram_api, OWNER_CHAT_ID, lambda t: "确认中的缴费" in t, before)
    assert pushed.params["text"] == told
    chat.say("你好")
    assert len(_sent_to(telegram_api, OWNER_CHAT_ID, lambda t: "确认中的缴费" in t)) == 1
