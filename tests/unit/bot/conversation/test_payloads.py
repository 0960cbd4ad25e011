"""Payloads are the strings buttons have always sent, and Rasa reads their intent and entities back."""
from __future__ import annotations

import pytest
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message

from bot.channels.payloads import defuse_system_payload
from bot.conversation.payloads import button, payload


def test_a_payload_without_entities_is_the_bare_intent() -> None:
    assert payload("affirm") == "/affirm"


@pytest.mark.parametrize(("built", "expected"), [
    (payload("pay_bill", account_number="3301000001"), '/pay_bill{"account_number": "3301000001"}'),
    (payload("pay_bill", account_number="3301000001", amount="40.00"),
     '/pay_bill{"account_number": "3301000001", "amount": "40.00"}'),
    (payload("query_bill", account_number="3301000001", time="上个月电费多少"),
     '/query_bill{"account_number": "3301000001", "time": "上个月电费多少"}'),
])
def test_entities_follow_as_json_in_their_order_chinese_unescaped(built: str, expected: str) -> None:
    assert built == expected


def test_a_button_sends_its_payload() -> None:
    assert button("去缴费", "pay_bill", account_number="3301000001") == {
        "title": "去缴费", "payload": '/pay_bill{"account_number": "3301000001"}',
    }


@pytest.mark.parametrize("entities", [
    {}, {"account_number": "3301000001"}, {"account_number": "3301000001", "time": "2026年3月"},
    {"settlement": "结清后过户", "note": 'a "quoted" \\ word'},
])
def test_rasa_reads_the_intent_and_entities_back(entities: dict[str, str]) -> None:
    text = payload("inform", **entities)
    message = YAMLStoryReader.unpack_regex_message(Message(data={"text": text}))
    assert message.get("intent")["name"] == "inform"
    assert {e["entity"]: e["value"] for e in message.get("entities") or []} == entities
    assert defuse_system_payload(text) == text  # a user's intent: channels pass it on unchanged
