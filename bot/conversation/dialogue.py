"""Conversation-level rules that do not depend on Rasa: when to escalate to a human."""
from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

FALLBACK_INTENT = "nlu_fallback"
MISSES_BEFORE_HANDOFF_OFFER = 2


class HandoffReason(str, Enum):
    """Why a conversation was handed to a human agent (stored with the hand-off)."""

    USER_REQUEST = "user_request"
    REPEATED_MISUNDERSTANDING = "repeated_misunderstanding"


def consecutive_misses(user_intents_newest_first: Sequence[str | None]) -> int:
    """How many of the most recent user messages in a row were not understood."""
    misses = 0
    for intent in user_intents_newest_first:
        if intent != FALLBACK_INTENT:
            break
        misses += 1
    return misses


def should_offer_handoff(user_intents_newest_first: Sequence[str | None]) -> bool:
    """The second miss in a row offers a human instead of asking to rephrase again."""
    return consecutive_misses(user_intents_newest_first) >= MISSES_BEFORE_HANDOFF_OFFER


def handoff_reason(user_intents_newest_first: Sequence[str | None]) -> HandoffReason:
    """Classify a hand-off by what came right before the request for a human."""
    before_request = user_intents_newest_first[1:]
    if consecutive_misses(before_request) >= MISSES_BEFORE_HANDOFF_OFFER:
        return HandoffReason.REPEATED_MISUNDERSTANDING
    return HandoffReason.USER_REQUEST


class RetryGuidance(str, Enum):
    """What to add after a rejected form answer (financial-demo's CustomFormValidationAction pattern)."""

    NONE = "none"
    EXPLAIN_FORMAT = "explain_format"  # 2nd miss on the same slot: the expected format, with an example
    OFFER_CANCEL = "offer_cancel"  # 3rd miss and later: continue or cancel?


def retry_guidance(failures_on_slot: int) -> RetryGuidance:
    if failures_on_slot >= 3:
        return RetryGuidance.OFFER_CANCEL
    if failures_on_slot == 2:
        return RetryGuidance.EXPLAIN_FORMAT
    return RetryGuidance.NONE
