"""The Bot API's JSON read strictly (anything off-contract is a BadRequest, answered 400) and written."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from bot.channels.ivr.activities import (
    Activity,
    BadRequest,
    conversation_id,
    hangup_event,
    mainland_mobile,
    message_activity,
    parse_activities,
    transfer_event,
)

CONV = "c-0001"


def body(*activities: Any) -> dict[str, Any]:
    return {"conversation": CONV, "activities": list(activities)}


def test_a_message_an_event_and_keys_are_read() -> None:
    parsed = parse_activities(body(
        {"id": "a1", "type": "message", "text": "查电费", "parameters": {"confidence": 0.42}},
        {"id": "a2", "type": "event", "name": "start", "parameters": {"caller": "+8613800000001"}},
        {"id": "a3", "type": "event", "name": "DTMF", "value": "3301#"},
        {"id": "a4", "type": "event", "name": "DTMF", "value": 5},
        {"id": "a5", "type": "event", "name": "noUserInput"},
        {"id": "a6", "type": "message", "text": "你好"},
    ), CONV)
    assert parsed == [
        Activity("a1", "message", text="查电费", confidence=0.42, parameters={"confidence": 0.42}),
        Activity("a2", "event", name="start", parameters={"caller": "+8613800000001"}),
        Activity("a3", "event", name="DTMF", value="3301#"),
        Activity("a4", "event", name="DTMF", value="5"),
        Activity("a5", "event", name="noUserInput"),
        Activity("a6", "message", text="你好", confidence=None),
    ]


@pytest.mark.parametrize("bad", [
    [],
    "activities",
    {"conversation": "another", "activities": [{"id": "a", "type": "message", "text": "x"}]},
    {"conversation": CONV},
    {"conversation": CONV, "activities": []},
    {"conversation": CONV, "activities": [{"id": str(i), "type": "event", "name": "x"} for i in range(21)]},
    body("not an object"),
    body({"type": "message", "text": "no id"}),
    body({"id": "a b", "type": "message", "text": "id with a space"}),
    body({"id": "x" * 101, "type": "message", "text": "id too long"}),
    body({"id": "a", "type": "message"}),
    body({"id": "a", "type": "message", "text": 7}),
    body({"id": "a", "type": "message", "text": "x" * 4001}),
    body({"id": "a", "type": "message", "text": "x", "parameters": {"confidence": 1.5}}),
    body({"id": "a", "type": "message", "text": "x", "parameters": {"confidence": "high"}}),
    body({"id": "a", "type": "message", "text": "x", "parameters": {"confidence": True}}),
    body({"id": "a", "type": "message", "text": "x", "parameters": ["not", "an", "object"]}),
    body({"id": "a", "type": "event"}),
    body({"id": "a", "type": "event", "name": ""}),
    body({"id": "a", "type": "event", "name": "DTMF"}),
    body({"id": "a", "type": "event", "name": "DTMF", "value": "12a"}),
    body({"id": "a", "type": "event", "name": "DTMF", "value": "1" * 33}),
    body({"id": "a", "type": "event", "name": "DTMF", "value": True}),
    body({"id": "a", "type": "typing"}),
])
def test_anything_off_contract_is_a_bad_request(bad: Any) -> None:
    with pytest.raises(BadRequest):
        parse_activities(bad, CONV)


@pytest.mark.parametrize("value", ["c-1", "3f2b8c1e-9d4a-4b7e-8f00-123456789abc", "abc.DEF_1:2", "a" * 100])
def test_valid_conversation_ids(value: str) -> None:
    assert conversation_id(value) == value


@pytest.mark.parametrize("value", [None, 7, "", "-starts-with-dash", "a" * 101, "has space", "中文", "a/b", "a\n"])
def test_invalid_conversation_ids(value: Any) -> None:
    with pytest.raises(BadRequest):
        conversation_id(value)


@pytest.mark.parametrize(("caller", "phone"), [
    ("13800000001", "13800000001"),
    ("+8613800000001", "13800000001"),
    ("8613800000001", "13800000001"),
    ("008613800000001", "13800000001"),
    ("tel:+86 138-0000-0001", "13800000001"),
    ("sip:13800000001@gw.example;user=phone", "13800000001"),
    ("057188888888", None),  # a landline
    ("12800000001", None),  # not a mobile prefix
    ("+14155550100", None),  # abroad
    ("anonymous", None),
    ("", None),
    (None, None),
    (13800000001, None),
])
def test_the_caller_is_offered_only_when_a_mainland_mobile(caller: Any, phone: str | None) -> None:
    assert mainland_mobile(caller) == phone


def test_what_the_ivr_is_sent() -> None:
    now = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
    said = message_activity("您好", now)
    assert {k: said[k] for k in ("type", "text", "timestamp")} == {
        "type": "message", "text": "您好", "timestamp": "2026-11-23T02:00:00.000Z"
    }
    transfer = transfer_event("tel:95598", now)
    assert (transfer["type"], transfer["name"], transfer["activityParams"]) == (
        "event", "transfer", {"transferTarget": "tel:95598"}
    )
    assert hangup_event(now)["name"] == "hangup"
    assert len({said["id"], transfer["id"], hangup_event(now)["id"]}) == 3
