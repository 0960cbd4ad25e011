"""A Chinese conversation over the REST channel against the real action and Rasa servers."""
from __future__ import annotations

from sqlalchemy import create_engine, text

from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import Conversation, payloads, response_text, texts

MENU = ["/query_bill", "/pay_bill", "/bind_account", "/rename_transfer", "/new_install",
        "/query_progress", "/report_fault", "/human_handoff"]


def test_greeting_menu_two_misses_handoff_and_cancel(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-basics")

    greeting = chat.say("你好")
    assert texts(greeting) == [response_text("utter_greet")]
    assert payloads(greeting) == MENU

    menu = chat.say("你都能帮我办什么")
    assert texts(menu) == [response_text("utter_menu")]
    assert payloads(menu) == MENU

    first_miss = chat.say("？？？")
    assert texts(first_miss) == [response_text("utter_ask_rephrase")]
    second_miss = chat.say("。。。")
    assert texts(second_miss) == [response_text("utter_offer_handoff")]
    assert "/human_handoff" in payloads(second_miss)

    handoff = chat.say("/human_handoff")  # the user taps 转人工客服
    [handoff_text] = texts(handoff)
    assert "95598" in handoff_text
    engine = create_engine(assistant.database_url, future=True)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT id, channel, reason, transcript FROM handoffs WHERE sender_id = :s"),
            {"s": "e2e-basics"},
        ).one()
    assert f"HO{row.id:06d}" in handoff_text
    assert row.channel == "rest"
    assert row.reason == "repeated_misunderstanding"
    assert "？？？" in str(row.transcript)

    cancel = chat.say("取消")
    assert texts(cancel) == [response_text("utter_nothing_to_cancel")]


def test_handoff_on_request_stores_a_redacted_transcript(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-handoff-pii")
    chat.say("我的手机号13800000001，身份证33010619900101123X")
    replies = chat.say("转人工")
    assert "95598" in texts(replies)[0]
    engine = create_engine(assistant.database_url, future=True)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT reason, transcript FROM handoffs WHERE sender_id = :s"), {"s": "e2e-handoff-pii"}
        ).one()
    assert row.reason == "user_request"
    stored = str(row.transcript)
    assert "13800000001" not in stored and "33010619900101123X" not in stored
    assert "138****0001" in stored


def test_out_of_scope_faq_and_goodbye(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-scope")
    assert texts(chat.say("帮我订一张去上海的机票")) == [response_text("utter_out_of_scope")]
    faq = texts(chat.say("阶梯电价是怎么算的"))
    assert len(faq) == 1 and "2760" in faq[0]
    assert texts(chat.say("谢谢你")) == [response_text("utter_you_are_welcome")]
    assert texts(chat.say("拜拜")) == [response_text("utter_goodbye")]


def test_conversation_is_kept_in_the_sql_tracker_store(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-tracker")
    chat.say("你好")
    events = chat.tracker(assistant.api_token)["events"]
    assert any(e["event"] == "user" and e["text"] == "你好" for e in events)
    engine = create_engine(assistant.tracker_store_url, future=True)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": "e2e-tracker"}
        ).scalar_one()
    assert stored >= 2


def test_an_empty_message_is_answered_not_dropped(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-empty")
    assert texts(chat.say("")) == [response_text("utter_ask_rephrase")]
