"""智能交费 over REST as 13800000001: signing up needs the SMS code sent to the user's phone;
a wrong code signs nothing up. The mandate is left in place (no later test runs the job)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import create_engine, text

from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import Conversation, last_sms_code, payloads, response_text, texts


def _active_mandates(database_url: str, account_number: str) -> int:
    engine = create_engine(database_url, future=True)
    with engine.connect() as connection:
        count = connection.execute(
            text("SELECT COUNT(*) FROM autopay_mandates m JOIN electricity_accounts a ON a.id = m.account_id "
                 "WHERE a.account_number = :n AND m.cancelled_at IS NULL"),
            {"n": account_number},
        ).scalar_one()
    engine.dispose()
    return int(count)


def _button(replies: list[dict], title_start: str) -> str:
    return next(b["payload"] for r in replies for b in r.get("buttons") or [] if b["title"].startswith(title_start))


def test_auto_debit_is_signed_up_only_with_the_sms_code(assistant: RunningAssistant, zhang_wei: Conversation) -> None:
    assistant.advance_clock(timedelta(seconds=61))  # past the resend wait of the login code
    asked = zhang_wei.say("开通自动扣款")
    if response_text("utter_ask_pay_method") not in texts(asked):  # the state was shown first
        asked = zhang_wei.say(_button(asked, "开通自动扣款"))
    assert response_text("utter_ask_pay_method") in texts(asked)
    summary = zhang_wei.say(_button(asked, "招商银行储蓄卡(尾号1234)"))
    assert texts(summary)[0].startswith("为户号3301000001开通自动扣款")
    assert payloads(summary) == ["/affirm", "/deny"]

    code_asked = texts(zhang_wei.say("/affirm"))
    assert code_asked == [response_text("utter_code_sent").format(masked_phone="138****0001"),
                          response_text("utter_ask_autopay_sms_code")]
    code = last_sms_code(assistant.database_url, "13800000001")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert texts(zhang_wei.say(wrong))[0] == response_text("utter_sms_code_rejected")
    assert _active_mandates(assistant.database_url, "3301000001") == 0

    done = texts(zhang_wei.say(code))
    assert done == [response_text("utter_autopay_signed_up").format(account_number="3301000001")]
    assert _active_mandates(assistant.database_url, "3301000001") == 1
