"""When the assistant offers a human, and why a hand-off happened."""
from __future__ import annotations

import pytest

from bot.conversation.dialogue import (
    FALLBACK_INTENT,
    HandoffReason,
    consecutive_misses,
    handoff_reason,
    should_offer_handoff,
)

MISS = FALLBACK_INTENT


@pytest.mark.parametrize(
    ("intents_newest_first", "misses"),
    [
        ([], 0),
        (["greet"], 0),
        ([MISS], 1),
        ([MISS, MISS], 2),
        ([MISS, MISS, MISS, "greet", MISS], 3),
        (["greet", MISS, MISS], 0),
        ([MISS, None, MISS], 1),  # a message without an intent is not a miss
    ],
)
def test_consecutive_misses_count_from_the_newest_message(
    intents_newest_first: list[str | None], misses: int
) -> None:
    assert consecutive_misses(intents_newest_first) == misses


def test_first_miss_does_not_offer_a_human() -> None:
    assert should_offer_handoff([MISS]) is False
    assert should_offer_handoff([MISS, "greet"]) is False


def test_second_miss_in_a_row_offers_a_human() -> None:
    assert should_offer_handoff([MISS, MISS]) is True
    assert should_offer_handoff([MISS, MISS, "query_bill"]) is True


def test_an_understood_message_in_between_resets_the_count() -> None:
    assert should_offer_handoff([MISS, "query_bill", MISS]) is False


def test_nothing_said_yet_offers_nothing() -> None:
    assert should_offer_handoff([]) is False


@pytest.mark.parametrize(
    "intents_newest_first",
    [
        ["human_handoff"],
        ["human_handoff", "query_bill"],
        ["human_handoff", MISS],
        ["human_handoff", MISS, "query_bill", MISS],
    ],
)
def test_asking_for_a_human_directly_is_a_user_request(intents_newest_first: list[str | None]) -> None:
    assert handoff_reason(intents_newest_first) is HandoffReason.USER_REQUEST


@pytest.mark.parametrize(
    "intents_newest_first",
    [
        ["affirm", MISS, MISS],
        ["human_handoff", MISS, MISS, "greet"],
        ["affirm", MISS, MISS, MISS],
    ],
)
def test_a_request_after_two_misses_is_repeated_misunderstanding(intents_newest_first: list[str | None]) -> None:
    assert handoff_reason(intents_newest_first) is HandoffReason.REPEATED_MISUNDERSTANDING


def test_reasons_are_stored_as_plain_strings() -> None:
    assert HandoffReason.USER_REQUEST.value == "user_request"
    assert HandoffReason.REPEATED_MISUNDERSTANDING.value == "repeated_misunderstanding"


def test_handoff_reason_with_no_history_is_a_user_request() -> None:
    assert handoff_reason([]) is HandoffReason.USER_REQUEST
