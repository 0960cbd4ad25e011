"""The IVR connector over HTTP: the token, the contract's routes, and each kind of turn."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from rasa.core.channels.channel import UserMessage
from sqlalchemy import select

from bot.channels.ivr.calls import CALL_EXPIRES
from bot.channels.rendering.voice import render_for_voice
from bot.channels.replies import domain_text
from bot.container import Services
from bot.db.models import Handoff, IvrCall
from bot.settings import Settings
from tests.e2e.fake_ivr_client import events, message, post_json, spoken
from tests.unit.action_harness import clock_of
from tests.unit.bot.channels.ivr.conftest import Dialogue, call_on, say, serve


def voiced(*texts: str) -> list[str]:
    return list(render_for_voice([{"text": t} for t in texts]).sentences)


def test_without_a_token_configured_every_route_answers_503(settings: Settings) -> None:
    def scenario(base: str) -> list[int]:
        url = f"{base}/webhooks/ivr"
        return [
            post_json(f"{url}/webhook", {"conversation": "c1"})[0],
            post_json(f"{url}/conversation/c1/activities", {"conversation": "c1", "activities": []})[0],
            post_json(f"{url}/conversation/c1/refresh", {})[0],
            post_json(f"{url}/conversation/c1/disconnect", {})[0],
        ]

    dialogue = Dialogue()
    assert serve(replace(settings, ivr_token=None), dialogue, scenario) == [503, 503, 503, 503]
    assert dialogue.received == []


def test_a_missing_or_wrong_bearer_token_is_401_and_reaches_nothing(settings: Settings) -> None:
    def scenario(base: str) -> list[int]:
        call = call_on(base)
        call.open()
        body = {"conversation": call.conversation, "activities": [message("你好")]}
        return [
            post_json(call.webhook, {"conversation": "c2"}, token=None)[0],
            post_json(call.webhook, {"conversation": "c2"}, token="forged")[0],
            post_json(call.url("activitiesURL"), body, token=None)[0],
            post_json(call.url("activitiesURL"), body, token="forged")[0],
            post_json(call.url("activitiesURL"), body, token="")[0],
            post_json(call.url("refreshURL"), {}, token="forged")[0],
            post_json(call.url("disconnectURL"), {}, token=None)[0],
            call.refresh()[0],  # still live: the forged disconnect did nothing
        ]

    dialogue = Dialogue()
    assert serve(settings, dialogue, scenario) == [401, 401, 401, 401, 401, 401, 401, 200]
    assert dialogue.received == []


def test_malformed_bodies_are_400_never_500(settings: Settings) -> None:
    def scenario(base: str) -> list[int]:
        call = call_on(base)
        call.open()
        activities = call.url("activitiesURL")
        return [
            post_json(call.webhook, None, raw=b"{not json")[0],
            post_json(call.webhook, None, raw=b"\xff\xfe")[0],
            post_json(call.webhook, ["conversation"])[0],
            post_json(call.webhook, {"conversation": "has space"})[0],
            post_json(activities, None, raw=b'{"conversation": ')[0],
            post_json(activities, {"conversation": call.conversation, "activities": "x"})[0],
            post_json(activities, {"conversation": "another", "activities": [message("你好")]})[0],
            post_json(activities, {"conversation": call.conversation, "activities": [{"type": "message"}]})[0],
            post_json(f"{base}/webhooks/ivr/conversation/bad%20id/activities", {})[0],
            post_json(call.webhook, None, raw=b'{"conversation": "' + b"a" * 70_000 + b'"}')[0],
        ]

    dialogue = Dialogue()
    assert serve(settings, dialogue, scenario) == [400] * 10
    assert dialogue.received == []


def test_a_call_opens_and_speech_reaches_the_dialogue_under_the_conversation_id(settings: Settings) -> None:
    def scenario(base: str) -> tuple[dict[str, Any], list[str], str]:
        call = call_on(base)
        urls = call.open()
        return urls, call.say("查电费"), call.conversation

    dialogue = Dialogue()
    urls, said, conversation = serve(settings, dialogue, scenario)
    assert urls == {
        "activitiesURL": f"/webhooks/ivr/conversation/{conversation}/activities",
        "refreshURL": f"/webhooks/ivr/conversation/{conversation}/refresh",
        "disconnectURL": f"/webhooks/ivr/conversation/{conversation}/disconnect",
        "expiresSeconds": int(CALL_EXPIRES.total_seconds()),
    }
    assert said == voiced("收到：查电费")
    assert dialogue.received == ["查电费"]
    assert dialogue.channels == {("ivr", "ivr")}


def test_an_activity_id_seen_twice_is_processed_once(settings: Settings) -> None:
    def scenario(base: str) -> list[list[dict[str, Any]]]:
        call = call_on(base)
        call.open()
        first = message("查余额", activity_id="same-1")
        return [call.send(first), call.send(first), call.send(first, message("你好", activity_id="other-2"))]

    dialogue = Dialogue()
    first, again, mixed = serve(settings, dialogue, scenario)
    assert spoken(first) == voiced("收到：查余额")
    assert again == []
    assert spoken(mixed) == voiced("收到：你好")
    assert dialogue.received == ["查余额", "你好"]


def test_low_confidence_speech_is_confirmed_first(settings: Settings) -> None:
    def scenario(base: str) -> list[list[str]]:
        call = call_on(base)
        call.open()
        return [call.say("茶点费", confidence=0.3), call.press("1"),
                call.say("茶点费", confidence=0.2), call.press("2"), call.press("1")]

    dialogue = Dialogue()
    asked, confirmed, asked_again, repeat, stray = serve(settings, dialogue, scenario)
    assert asked == voiced(domain_text("utter_ivr_confirm_heard", heard="“茶点费”"))
    assert confirmed == voiced("收到：茶点费")
    assert asked_again == asked
    assert repeat == voiced(domain_text("utter_ivr_say_again"))
    assert stray == []  # "2" cleared the options: a 1 now starts a typed number
    assert dialogue.received == ["茶点费"]


def test_keys_pick_an_option_of_the_menu_heard_and_digits_with_hash_are_a_number(settings: Settings) -> None:
    async def menu(message: UserMessage) -> None:
        if message.text == "菜单":
            await say(message, "请选择业务：", "utter_menu", buttons=[
                {"title": "查电费", "payload": "/query_bill"}, {"title": "交电费", "payload": "/pay_bill"}])
        else:
            await say(message, f"收到：{message.text}", "utter_echo")

    def scenario(base: str) -> list[list[str]]:
        call = call_on(base)
        call.open()
        return [call.say("菜单"), call.press("2"), call.press("33010"), call.press("00001#"), call.press("12*9#"),
                call.say("菜单"), call.say("一")]

    dialogue = Dialogue(menu)
    heard_menu, picked, typing, typed, corrected, _menu_again, said_one = serve(settings, dialogue, scenario)
    assert heard_menu == list(render_for_voice([{"text": "请选择业务：", "buttons": [
        {"title": "查电费", "payload": "/query_bill"}, {"title": "交电费", "payload": "/pay_bill"}]}]).sentences)
    assert picked == voiced("收到：/pay_bill")
    assert typing == []
    assert typed == voiced("收到：3301000001")
    assert corrected == voiced("收到：9")
    assert said_one == voiced("收到：/query_bill")  # a number said picks like a key
    assert dialogue.received == ["菜单", "/pay_bill", "3301000001", "9", "菜单", "/query_bill"]


def test_the_start_greets_and_offers_the_callers_mobile_for_login(settings: Settings) -> None:
    async def assistant(message: UserMessage) -> None:
        if message.text == "/greet":
            await say(message, "您好！请问有什么可以帮您？", "utter_greet",
                      buttons=[{"title": "查电费", "payload": "/query_bill"}])
        elif message.text == "/login":
            await say(message, "请输入您的手机号码：", "utter_ask_login_form_phone_number")
        else:
            await say(message, f"验证码已发送至{message.text[:3]}****{message.text[-4:]}。", "utter_code_sent")

    def scenario(base: str) -> tuple[list[str], list[str], list[str], str]:
        plain = call_on(base)
        menu = plain.start()  # no caller number: the greeting with its menu
        call = call_on(base)
        offered = call.start(caller="tel:+8613800000001")
        return menu, offered, call.press("1"), call.conversation

    dialogue = Dialogue(assistant)
    menu, offered, login, conversation = serve(settings, dialogue, scenario)
    assert menu == list(render_for_voice([{"text": "您好！请问有什么可以帮您？", "buttons": [
        {"title": "查电费", "payload": "/query_bill"}]}]).sentences)
    offer = domain_text("utter_ivr_offer_caller_login", last_four="0001")
    assert offered == voiced("您好！请问有什么可以帮您？", offer)
    assert "尾号零零零一" in "".join(offered) and "查电费请按" not in "".join(offered)
    assert login == voiced("验证码已发送至138****0001。")
    assert dialogue.received == ["/greet", "/greet", "/login", "13800000001"]


def test_silence_is_reprompted_twice_then_the_call_is_transferred_with_a_transcript(
    settings: Settings, action_deps: Services
) -> None:
    def scenario(base: str) -> tuple[list[list[dict[str, Any]]], str]:
        call = call_on(base)
        call.open()
        call.say("你好")
        return [call.silence(), call.silence(), call.silence()], call.conversation

    target = "sip:agents@callcenter"
    (first, second, third), conversation = serve(replace(settings, ivr_transfer_target=target), Dialogue(), scenario)
    reprompt = voiced(domain_text("utter_ivr_no_input"))
    assert (spoken(first), events(first), spoken(second), events(second)) == (reprompt, [], reprompt, [])
    assert spoken(third) == voiced(domain_text("utter_ivr_transfer"))
    [transfer] = events(third)
    assert (transfer["name"], transfer["activityParams"]) == ("transfer", {"transferTarget": target})
    with action_deps.session_factory.session_scope() as session:
        [handoff] = session.scalars(select(Handoff).where(Handoff.sender_id == conversation)).all()
        assert (handoff.channel, handoff.reason) == ("ivr", "no_user_input")
        assert handoff.transcript[-1]["text"] == domain_text("utter_ivr_transfer")


def test_three_misunderstandings_in_a_row_transfer_and_an_understood_turn_resets_the_count(settings: Settings) -> None:
    async def confused(message: UserMessage) -> None:
        if message.text == "查电费":
            await say(message, "您的电费是……", "utter_bill")
        else:
            await say(message, "抱歉，我没有理解您的意思。", "utter_ask_rephrase")

    def scenario(base: str) -> list[list[dict[str, Any]]]:
        call = call_on(base)
        call.open()
        return [call.send(message(text)) for text in ("啊", "嗯", "查电费", "啊", "嗯", "哦")]

    answers = serve(settings, Dialogue(confused), scenario)
    assert [len(events(a)) for a in answers] == [0, 0, 0, 0, 0, 1]
    assert events(answers[-1])[0]["activityParams"] == {"transferTarget": "tel:95598"}


def test_a_handoff_the_dialogue_makes_transfers_and_a_goodbye_hangs_up(settings: Settings) -> None:
    async def assistant(message: UserMessage) -> None:
        if message.text == "转人工":
            await say(message, "已为您登记转人工。", "utter_handoff")
        else:
            await say(message, "再见！", "utter_goodbye")

    def scenario(base: str) -> list[list[dict[str, Any]]]:
        first, second = call_on(base), call_on(base)
        first.open()
        second.open()
        return [first.send(message("转人工")), second.send(message("再见"), message("还在吗"))]

    dialogue = Dialogue(assistant)
    transferred, hung_up = serve(settings, dialogue, scenario)
    assert [e["name"] for e in events(transferred)] == ["transfer"]
    assert [e["name"] for e in events(hung_up)] == ["hangup"]
    assert dialogue.received == ["转人工", "再见"]  # nothing after the hang-up


def test_an_expired_or_disconnected_call_is_refused_and_forgets_the_caller(
    settings: Settings, action_deps: Services
) -> None:
    def scenario(base: str) -> list[Any]:
        expired, ended = call_on(base), call_on(base)
        expired.start(caller="13800000002")
        ended.start(caller="13800000003")
        clock_of(action_deps).advance(CALL_EXPIRES - timedelta(seconds=1))
        refreshed = ended.refresh()
        clock_of(action_deps).advance(timedelta(seconds=1))
        late = [expired.post(message("你好"))[0], expired.refresh()[0]]
        ended_now = [ended.disconnect()[0], ended.post(message("你好"))[0], ended.refresh()[0]]
        unknown_url = expired.url("activitiesURL").replace(expired.conversation, "never-opened")
        missing = post_json(unknown_url, {"conversation": "never-opened", "activities": [message("你好")]})[0]
        reopened = post_json(expired.webhook, {"conversation": ended.conversation})[0]
        return [refreshed, late, ended_now, missing, reopened]

    dialogue = Dialogue()
    refreshed, late, ended_now, missing, reopened = serve(settings, dialogue, scenario)
    assert refreshed == (200, {"expiresSeconds": int(CALL_EXPIRES.total_seconds())})
    assert late == [410, 410]
    assert ended_now == [200, 410, 410]
    assert (missing, reopened) == (404, 410)
    assert dialogue.received == ["/greet", "/greet"]
    with action_deps.session_factory.session_scope() as session:
        assert session.scalars(select(IvrCall.caller)).all() == [None, None]
