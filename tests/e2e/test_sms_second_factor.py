"""A payment above ¥200 is made only with the SMS code sent to the payer's phone.

Runs after test_rename_transfer.py (pytest takes the files in name order): the ¥300.00 prepaid
here would change the 过户 test's 电费清算方式 options.
"""
from __future__ import annotations

from datetime import timedelta

from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import Conversation, last_sms_code, response_text, texts
from tests.e2e.test_payments import _button, _chat_payments


def test_a_payment_above_200_yuan_is_made_only_with_the_sms_code(
    assistant: RunningAssistant, zhang_wei: Conversation
) -> None:
    assistant.advance_clock(timedelta(seconds=61))  # past the resend wait of any earlier code to this phone
    before = _chat_payments(assistant.database_url, "3301000001")
    asked_method = zhang_wei.say('/pay_bill{"amount": "300"}')
    assert texts(asked_method) == [response_text("utter_ask_pay_method")]
    summary = zhang_wei.say(_button(asked_method, "招商银行储蓄卡(尾号1234)"))
    assert "金额：¥300.00" in texts(summary)[0]

    asked_code = texts(zhang_wei.say("确认支付"))

    sent = response_text("utter_code_sent").format(masked_phone="138****0001")  # the user's own phone
    assert asked_code == [sent, response_text("utter_ask_pay_sms_code")]
    code = last_sms_code(assistant.database_url, "13800000001")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert texts(zhang_wei.say(wrong)) == [response_text("utter_sms_code_rejected"),
                                           response_text("utter_ask_pay_sms_code")]
    assert _chat_payments(assistant.database_url, "3301000001") == before

    paid = texts(zhang_wei.say(code))

    assert paid[0].startswith("缴费成功！户号3301000001本次缴纳¥300.00")
    assert _chat_payments(assistant.database_url, "3301000001") == [*before, ("succeeded", 30000)]
