"""Least privilege for binders, over REST against real servers: someone who bound 王芳's
3301000002 without being 王芳 gets no invoice and none of her payments, and nobody can
look up more than BINDING_LOOKUPS_PER_DAY (10) accounts a day."""
from __future__ import annotations

from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import Conversation, log_in, payloads, response_text, texts


def test_a_binder_gets_no_invoice_and_only_their_own_payments(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-binder")
    chat.say("帮我绑定户号3301000002")
    log_in(chat, assistant.database_url, "13900000031")
    assert texts(chat.say("确认")) == ["绑定成功！户号3301000002已添加到您的账号，并设为默认户号。"]

    refused = chat.say("开9月的发票")
    assert texts(refused) == [response_text("utter_invoice_holder_only").format(account_number="3301000002")]
    assert payloads(refused) == ['/query_payments{"account_number": "3301000002"}']
    assert texts(chat.say("最近的缴费记录")) == [
        response_text("utter_no_own_payments").format(account_number="3301000002")
    ]


def test_looking_up_accounts_stops_after_ten_a_day(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-enumerator")
    chat.say("绑定户号")
    log_in(chat, assistant.database_url, "13900000032")
    for number in range(3301000011, 3301000021):  # ten numbers that do not exist
        assert texts(chat.say(str(number)))[0] == response_text("utter_account_not_found")
    exhausted = texts(chat.say("3301000001"))
    assert exhausted[0] == response_text("utter_binding_lookups_exhausted").format(limit=10)
    assert not any("张*" in text for text in exhausted)
