"""Conversations stored without raw personal data, and 注销账号 in chat, against the real servers.

The login and real-name flows read the phone and the ID number again in later turns: they
must still work although the tracker store keeps only masked values (bot.rasa_ext.redaction).
"""
from __future__ import annotations

import json
import re

from sqlalchemy import create_engine, text

from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import Conversation, last_sms_code, log_in, response_text, texts

PHONE, NAME, ID_NUMBER = "13900000021", "周敏", "330106198709094523"


def _stored_events(tracker_store_url: str, sender: str) -> list[str]:
    engine = create_engine(tracker_store_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
            ).scalars()
            return [json.dumps(json.loads(row), ensure_ascii=False) for row in rows]  # 号, not \u53f7
    finally:
        engine.dispose()


def test_login_and_verification_work_and_the_tracker_store_keeps_no_raw_data(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-privacy-store")
    chat.say("实名认证")
    sent = texts(chat.say(PHONE))
    assert any("验证码已发送" in t for t in sent), sent
    code = last_sms_code(assistant.database_url, PHONE)
    logged_in = texts(chat.say(code))
    assert logged_in[0].startswith("该手机号尚未注册")
    chat.say(NAME)
    confirm = texts(chat.say(ID_NUMBER))
    assert any("3301**********4523" in t for t in confirm), confirm
    assert texts(chat.say("是的"))[0].startswith("实名认证成功")

    stored = "\n".join(_stored_events(assistant.tracker_store_url, chat.sender))
    assert stored  # the conversation is stored ...
    for raw in (PHONE, code, ID_NUMBER):  # ... without the phone, the SMS code or the ID number
        assert re.search(rf"(?<!\d){raw}(?!\d)", stored) is None
    assert "139****0021" in stored


def test_erasing_my_data_in_chat(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-privacy-erase")
    assert texts(chat.say("注销我的账号"))[0] == response_text("utter_login_required")
    after_login = texts(log_in(chat, assistant.database_url, "13900000022"))
    assert after_login[-1].startswith("确认注销账号139****0022并删除您的个人信息吗？")

    assert texts(chat.say("/deny")) == [response_text("utter_erase_cancelled")]
    chat.say("删除我的个人信息")
    assert texts(chat.say("/affirm")) == [response_text("utter_erased")]
    assert _stored_events(assistant.tracker_store_url, chat.sender) == []

    # The chat is anonymous again: an account request starts with the login.
    assert texts(chat.say("查看我的户号"))[0] == response_text("utter_login_required")
    engine = create_engine(assistant.database_url, future=True)
    try:
        with engine.connect() as connection:
            users = connection.execute(text("SELECT count(*) FROM users WHERE phone = '13900000022'")).scalar_one()
    finally:
        engine.dispose()
    assert users == 0
