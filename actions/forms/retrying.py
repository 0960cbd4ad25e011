"""Form validation that helps after repeated mistakes (after financial-demo's CustomFormValidationAction).

A validator that rejects an answer calls :func:`reject`: the first miss
explains what was wrong; the second adds the expected format with an example
(``utter_explain_<slot>``); the third and later also offer to cancel or talk to a person.
Everything already valid in the form is kept.
"""
from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.conversation.dialogue import RetryGuidance, retry_guidance

FAILURES_SLOT = "validation_failures"


def failures_so_far(tracker: Tracker, slot: str) -> int:
    record = tracker.get_slot(FAILURES_SLOT) or {}
    return int(record.get("count", 0)) if isinstance(record, dict) and record.get("slot") == slot else 0


def reject(
    dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, response: str, **values: Any
) -> dict[str, Any]:
    """``response`` (with ``values``), then more help the more often this slot was missed; the
    slot is asked again."""
    failures = failures_so_far(tracker, slot) + 1
    dispatcher.utter_message(response=response, **values)
    guidance = retry_guidance(failures)
    if guidance in (RetryGuidance.EXPLAIN_FORMAT, RetryGuidance.OFFER_CANCEL):
        dispatcher.utter_message(response=f"utter_explain_{slot}")
    if guidance is RetryGuidance.OFFER_CANCEL:
        dispatcher.utter_message(response="utter_offer_continue_or_cancel")
    return {slot: None, FAILURES_SLOT: {"slot": slot, "count": failures}}


def accept(slot: str, value: Any, **other_slots: Any) -> dict[str, Any]:
    """``value`` for ``slot`` (and ``other_slots``); the count of misses starts over."""
    return {slot: value, FAILURES_SLOT: None, **other_slots}


class RetryingFormValidation(FormValidationAction):
    """The one base of every form's validator: its ``validate_<slot>`` methods call
    :meth:`reject` and :meth:`accept`, and the shared steps in ``actions.forms``."""

    reject = staticmethod(reject)
    accept = staticmethod(accept)

    @abstractmethod
    def name(self) -> str:
        """Abstract, so the action server does not register the base class itself."""
