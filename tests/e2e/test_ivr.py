"""The hotline IVR end to end: a fake gateway (tests/e2e/fake_ivr_client.py) drives real calls
over HTTP on loopback against the running assistant, speaking the AudioCodes Bot API contract;
what the IVR would say is checked against the same responses rendered for voice, and against
what the same demo user sees over REST."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import create_engine, text

from bot.channels.rendering.voice import render_for_voice, speak_digits
from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import PAST_RESEND_WAIT, Conversation, last_sms_code, response_text, responses
from tests.e2e.fake_ivr_client import E2E_IVR_TOKEN, PhoneCall, event, events, message, post_json, spoken

PHONE = "13800000001"  # 张伟, who has 3301000001 bound as default


def voiced(replies: list[dict[str, Any]]) -> list[str]:
    """What the IVR says for these replies (REST's JSON, or a response's text)."""
    return list(render_for_voice(replies).sentences)


def test_every_request_needs_the_bearer_token_and_bad_json_is_400(assistant: RunningAssistant) -> None:
    call = PhoneCall(assistant.rasa_url)
    assert post_json(call.webhook, {"conversation": call.conversation}, token=None)[0] == 401
    assert post_json(call.webhook, {"conversation": call.conversation}, token=E2E_IVR_TOKEN + "x")[0] == 401
    assert post_json(call.webhook, None, raw=b'{"conversation": ')[0] == 400
    call.open()
    body = {"conversation": call.conversation, "activities": [message("查询余额")]}
    assert post_json(call.url("activitiesURL"), body, token=None)[0] == 401
    assert post_json(call.url("activitiesURL"), None, raw=b"[1, 2")[0] == 400
    tracker = Conversation(assistant.rasa_url, call.conversation).tracker(assistant.api_token)
    assert [e for e in tracker["events"] if e["event"] == "user"] == []  # nothing reached the dialogue


def test_a_caller_logs_in_with_the_offered_number_and_sees_the_same_accounts_as_on_rest(
    assistant: RunningAssistant, zhang_wei: Conversation
) -> None:
    call = PhoneCall(assistant.rasa_url)
    greeting = call.start(caller="+86" + PHONE)
    offer = response_text("utter_ivr_offer_caller_login").format(last_four=PHONE[-4:])
    assert greeting == voiced([{"text": response_text("utter_greet")}, {"text": offer}])
    assert PHONE[-4:] not in "".join(greeting)  # the tail is read digit by digit

    assistant.advance_clock(PAST_RESEND_WAIT)  # the REST login of this phone just had a code
    sent = call.press("1")
    assert "验证码已发送至" in "".join(sent) and PHONE not in "".join(sent)
    welcome = call.press(last_sms_code(assistant.database_url, PHONE) + "#")  # keyed in, closed with #
    assert "登录成功" in "".join(welcome)

    for question in ("查询余额", "查看我的户号"):
        on_the_phone = call.say(question)
        assert on_the_phone == voiced(zhang_wei.say(question)), question
        said = "".join(on_the_phone)
        assert speak_digits("3301000001") in said and "3301000001" not in said, said


def test_a_bill_query_by_keypad_and_a_low_confidence_question_confirmed_first(
    assistant: RunningAssistant, zhang_wei: Conversation
) -> None:
    call = PhoneCall(assistant.rasa_url)
    menu = call.start()  # no caller number: the greeting reads its keypad menu
    assert menu == voiced([{"text": response_text("utter_greet"), "buttons": _greet_buttons()}])
    assert any("查电费请按1" in sentence for sentence in menu)
    asked = call.press("1")  # 查电费: an anonymous caller is asked to log in first
    assert asked == voiced([{"text": response_text("utter_login_required")},
                            {"text": response_text("utter_ask_login_form_phone_number")}])
    assistant.advance_clock(PAST_RESEND_WAIT)
    assert "验证码已发送至" in "".join(call.press(PHONE + "#"))
    after_login = "".join(call.press(last_sms_code(assistant.database_url, PHONE) + "#"))
    assert "登录成功" in after_login and speak_digits("3301000001") in after_login  # the bill asked for

    question = call.say("查电费", confidence=0.3)
    assert question == voiced([{"text": response_text("utter_ivr_confirm_heard").format(heard="查电费")}])
    bill = call.press("1")
    assert bill == voiced(zhang_wei.say("查电费"))


def test_silence_reprompts_twice_then_transfers_with_the_transcript_stored(assistant: RunningAssistant) -> None:
    call = PhoneCall(assistant.rasa_url)
    call.start()
    reprompt = voiced([{"text": response_text("utter_ivr_no_input")}])
    first, second, third = call.silence(), call.silence(), call.silence()
    assert (spoken(first), events(first), spoken(second), events(second)) == (reprompt, [], reprompt, [])
    assert spoken(third) == voiced([{"text": response_text("utter_ivr_transfer")}])
    assert [(e["name"], e["activityParams"]) for e in events(third)] == [
        ("transfer", {"transferTarget": "tel:95598"})
    ]
    engine = create_engine(assistant.database_url, future=True)
    with engine.connect() as connection:
        reason, transcript = connection.execute(
            text("SELECT reason, transcript FROM handoffs WHERE channel = 'ivr' AND sender_id = :s"),
            {"s": call.conversation},
        ).one()
    engine.dispose()
    assert reason == "no_user_input"
    lines = transcript if isinstance(transcript, list) else json.loads(transcript)
    assert lines[0]["speaker"] == "user" and lines[0]["text"] == "/greet"
    assert lines[1]["text"] == response_text("utter_greet")
    assert lines[-1]["text"] == response_text("utter_ivr_transfer")


def test_a_repeated_activity_id_is_processed_once_and_a_disconnected_call_is_refused(
    assistant: RunningAssistant
) -> None:
    call = PhoneCall(assistant.rasa_url)
    call.open()
    first = message("你好", activity_id="repeat-1")
    assert spoken(call.send(first)) == voiced([{"text": response_text("utter_greet"), "buttons": _greet_buttons()}])
    assert call.send(first) == []
    tracker = Conversation(assistant.rasa_url, call.conversation).tracker(assistant.api_token)
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["你好"]
    assert call.disconnect()[0] == 200
    assert call.post(event("DTMF", "1"))[0] == 410
    assert call.refresh()[0] == 410


def _greet_buttons() -> list[dict[str, Any]]:
    return list(responses()["utter_greet"][0]["buttons"])
