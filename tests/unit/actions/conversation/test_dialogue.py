"""Fallback, hand-off and cancel actions, run with real rasa-sdk objects and a real database."""
from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions
from actions.conversation.dialogue import ActionCancel, ActionHandleNluFallback, ActionHumanHandoff
from actions.tracker_views import TRANSCRIPT_LIMIT, transcript, user_intents_newest_first
from bot.container import Services
from bot.db.enums import HandoffStatus
from bot.db.models import Handoff
from bot.db.session import SessionFactory
from bot.privacy.masking import uninstall_log_redaction
from tests.unit.action_harness import services_on
from tests.unit.conftest import FIXED_NOW

T0 = 1_795_000_000.0  # seconds since the epoch; any fixed instant will do
MISS = "nlu_fallback"


def user(text: str, intent: str | None, at: float = T0) -> dict[str, Any]:
    return {
        "event": "user", "text": text, "timestamp": at, "input_channel": "rest",
        "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text},
    }


def bot(text: str, at: float = T0) -> dict[str, Any]:
    return {"event": "bot", "text": text, "timestamp": at, "data": {}}


def make_tracker(events: list[dict[str, Any]], active_loop: dict[str, Any] | None = None) -> Tracker:
    return Tracker.from_dict({
        "sender_id": "web-42", "slots": {}, "latest_message": {}, "events": events,
        "paused": False, "followup_action": None, "active_loop": active_loop or {},
        "latest_action_name": "action_listen",
    })


def run(
    action: Action, tracker: Tracker, domain: dict[str, Any] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run ``action`` as the action server would: (messages uttered, events returned)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain=domain or {}))
    return dispatcher.messages, events


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [message["response"] for message in messages]


def test_importing_the_actions_package_switches_on_log_redaction() -> None:
    try:
        importlib.reload(actions)
        record = logging.getLogRecordFactory()("actions", logging.INFO, __file__, 1, "手机 %s", ("13800000001",), None)
        assert record.getMessage() == "手机 138****0001"
    finally:
        uninstall_log_redaction()


# --- tracker views -------------------------------------------------------------------


def test_user_intents_newest_first_skips_bot_and_other_events() -> None:
    tracker = make_tracker([
        {"event": "action", "name": "action_listen", "timestamp": T0},
        user("你好", "greet"),
        bot("您好"),
        {"event": "user", "text": "/restart", "timestamp": T0},  # no parse data
        {"event": "slot", "name": "phone", "value": "13800000001", "timestamp": T0},
        user("啊？", MISS),
    ])
    assert user_intents_newest_first(tracker) == [MISS, None, "greet"]


def test_transcript_is_oldest_first_with_aware_utc_times() -> None:
    tracker = make_tracker([
        {"event": "action", "name": "action_listen", "timestamp": T0},
        user("查电费", "query_bill", T0),
        bot("请提供户号", T0 + 2),
        bot("", T0 + 3),  # buttons only: nothing to transcribe
        {"event": "slot", "name": "account_number", "value": "3301999999", "timestamp": T0 + 4},
        user("3301999999", "inform", T0 + 10),
    ])
    lines = transcript(tracker)
    assert [(line.speaker, line.text) for line in lines] == [
        ("user", "查电费"), ("bot", "请提供户号"), ("user", "3301999999"),
    ]
    assert lines[0].at == datetime.fromtimestamp(T0, tz=timezone.utc)
    assert lines[2].at == datetime.fromtimestamp(T0 + 10, tz=timezone.utc)


def test_transcript_keeps_only_the_last_messages() -> None:
    events = [user(f"消息{n}", "inform", T0 + n) for n in range(TRANSCRIPT_LIMIT + 5)]
    lines = transcript(make_tracker(events))
    assert len(lines) == TRANSCRIPT_LIMIT
    assert lines[0].text == "消息5"
    assert lines[-1].text == f"消息{TRANSCRIPT_LIMIT + 4}"
    assert [line.text for line in transcript(make_tracker(events), limit=2)] == [
        f"消息{TRANSCRIPT_LIMIT + 3}", f"消息{TRANSCRIPT_LIMIT + 4}",
    ]


# --- fallback ------------------------------------------------------------------------


def test_first_miss_asks_to_rephrase() -> None:
    messages, events = run(ActionHandleNluFallback(), make_tracker([user("你好", "greet"), user("嗯嗯啊啊", MISS)]))
    assert responses(messages) == ["utter_ask_rephrase"]
    assert events == []


def test_second_miss_in_a_row_offers_a_human() -> None:
    tracker = make_tracker([user("嗯嗯啊啊", MISS), bot("抱歉，我没有理解"), user("哦哦哦", MISS)])
    messages, events = run(ActionHandleNluFallback(), tracker)
    assert responses(messages) == ["utter_offer_handoff"]
    assert events == []


def test_an_understood_message_between_misses_asks_to_rephrase_again() -> None:
    tracker = make_tracker([user("嗯嗯啊啊", MISS), user("查电费", "query_bill"), user("哦哦哦", MISS)])
    messages, _ = run(ActionHandleNluFallback(), tracker)
    assert responses(messages) == ["utter_ask_rephrase"]


# --- hand-off ------------------------------------------------------------------------


@pytest.fixture
def action_services(migrated_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """The action server's own dependencies (bot.container), pointed at the test database."""
    with services_on(migrated_database_url, monkeypatch) as deps:
        yield deps


def _stored(session_factory: SessionFactory) -> list[Handoff]:
    with session_factory.session_scope() as session:
        return list(session.scalars(select(Handoff).order_by(Handoff.id)))


def test_handoff_on_request_is_recorded_with_a_masked_transcript(
    action_services: Services, session_factory: SessionFactory
) -> None:
    tracker = make_tracker([
        user("我的手机号是13800000001", "inform", T0),
        bot("请问有什么可以帮您？", T0 + 1),
        user("转人工", "human_handoff", T0 + 5),
    ])
    messages, events = run(ActionHumanHandoff(), tracker)

    [handoff] = _stored(session_factory)
    assert events == []
    assert len(messages) == 1
    assert messages[0]["response"] == "utter_handoff"
    assert messages[0]["handoff_ref"] == f"HO{handoff.id:06d}"
    assert len(messages[0]["handoff_ref"]) == 8
    assert (handoff.channel, handoff.sender_id, handoff.user_id) == ("rest", "web-42", None)
    assert handoff.reason == "user_request"
    assert handoff.status == HandoffStatus.WAITING
    assert handoff.created_at == FIXED_NOW
    assert [(line["speaker"], line["text"]) for line in handoff.transcript] == [
        ("user", "我的手机号是138****0001"), ("bot", "请问有什么可以帮您？"), ("user", "转人工"),
    ]
    assert "13800000001" not in str(handoff.transcript)
    assert handoff.transcript[0]["at"] == datetime.fromtimestamp(T0, tz=timezone.utc).isoformat()


def test_handoff_after_two_misses_is_repeated_misunderstanding(
    action_services: Services, session_factory: SessionFactory
) -> None:
    tracker = make_tracker([
        user("嗯嗯啊啊", MISS), bot("抱歉，我没有理解"),
        user("哦哦哦", MISS), bot("需要转人工吗？"),
        user("好的", "affirm"),
    ])
    messages, _ = run(ActionHumanHandoff(), tracker)
    [handoff] = _stored(session_factory)
    assert handoff.reason == "repeated_misunderstanding"
    assert messages[0]["handoff_ref"] == f"HO{handoff.id:06d}"


def test_each_handoff_gets_its_own_reference(action_services: Services, session_factory: SessionFactory) -> None:
    tracker = make_tracker([user("转人工", "human_handoff")])
    refs = [run(ActionHumanHandoff(), tracker)[0][0]["handoff_ref"] for _ in range(2)]
    assert refs == [f"HO{handoff.id:06d}" for handoff in _stored(session_factory)]
    assert refs[0] != refs[1]


# --- cancel --------------------------------------------------------------------------


def test_cancel_without_a_form_has_nothing_to_cancel() -> None:
    messages, events = run(ActionCancel(), make_tracker([user("取消", "cancel")]))
    assert responses(messages) == ["utter_nothing_to_cancel"]
    assert events == []


def test_cancel_leaves_the_active_form() -> None:
    tracker = make_tracker([user("取消", "cancel")], active_loop={"name": "bill_query_form", "validate": True})
    domain = {"forms": {"bill_query_form": {"required_slots": ["account_number", "time"]}}}
    messages, events = run(ActionCancel(), tracker, domain)
    assert responses(messages) == ["utter_cancelled"]
    cleared = ["requested_slot", "pending_intent", "validation_failures", "account_number", "time"]
    assert events == [ActiveLoop(None), *(SlotSet(slot, None) for slot in cleared)]
