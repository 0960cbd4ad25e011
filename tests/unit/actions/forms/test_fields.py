"""A form's table of fields and slots: the request read from the slots, a refused field mapped
back to its question, and every slot cleared at the end."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.forms.fields import Answer, FormFields, attachment, text
from actions.forms.retrying import FAILURES_SLOT
from tests.unit.action_harness import make_tracker

TABLE = FormFields(
    {"name": Answer("holder_name", text), "document_id": Answer("document", attachment), "note": Answer("note")},
    other_slots=("confirmed", "holder_name"),
)


def test_the_request_reads_each_field_from_its_slot() -> None:
    tracker = make_tracker(slots={"holder_name": "张伟", "document": "17", "note": None})
    assert TABLE.request_from(tracker) == {"name": "张伟", "document_id": 17, "note": None}


def test_an_unanswered_field_reads_as_its_empty_value() -> None:
    assert TABLE.request_from(make_tracker()) == {"name": "", "document_id": None, "note": None}


def test_a_refused_field_names_the_slot_to_ask_again() -> None:
    assert TABLE.slot_for("document_id") == "document"
    assert TABLE.slot_for("applicant") is None


def test_the_end_of_the_form_clears_each_slot_once_and_the_retry_count() -> None:
    assert TABLE.slots == ("holder_name", "document", "note", "confirmed")
    assert TABLE.reset_events() == [SlotSet(s, None) for s in ("holder_name", "document", "note", "confirmed",
                                                                FAILURES_SLOT)]
    assert TABLE.reset_events(retry_count=False) == [SlotSet(s, None) for s in TABLE.slots]
    assert TABLE.cleared() == {"holder_name": None, "document": None, "note": None, "confirmed": None}


def test_a_part_of_the_request_is_named_by_its_prefix() -> None:
    merged = TABLE.merged(FormFields({"phone": Answer("phone")}).nested("contact"), other_slots=("code",))
    assert merged.slot_for("contact.phone") == "phone"
    assert merged.slot_for("name") == "holder_name"
    assert merged.slots == ("holder_name", "document", "note", "phone", "confirmed", "code")


def test_two_slots_cannot_answer_one_field() -> None:
    with pytest.raises(ValueError, match="name"):
        TABLE.merged(FormFields({"name": Answer("other_name")}))
