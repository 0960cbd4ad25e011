"""实名认证 actions: the verify_identity form's validators, the masked confirmation, resuming after it."""
from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from sqlalchemy import select

from actions.forms.retrying import FAILURES_SLOT
from actions.identity.real_name import ActionAfterVerification, ActionAskIdentityConfirmed, ValidateVerifyIdentityForm
from bot.container import Services
from bot.conversation.routing import ROUTE_SLOT
from bot.db.models import RealNameRecord
from tests.unit.action_harness import (
    SENDER,
    T0,
    log_in,
    logged_in_as,
    make_tracker,
    responses,
    run,
    validate,
)

# Registry people no demo user is verified as (bot.demo.seed.CITIZENS).
WANG = ("王小明", "110105199003078510")
ZHOU_MIN_ID = "330106198709094523"
MA_LI_ID = "650102199204041227"
NOT_REGISTERED_ID = "330106199505051235"  # well-formed, checksum right, nobody in the registry
ZHANG_WEI = ("张伟", "33010619900101123X")  # the registry person demo user 13800000001 is verified as
UNVERIFIED_PHONE = "13800000003"
CLEARED = {"person_name": None, "id_number": None, "identity_confirmed": None}


def _asked(slot: str, failures: dict[str, Any] | None = None, **slots: Any) -> Tracker:
    return make_tracker(
        slots={"requested_slot": slot, FAILURES_SLOT: failures, **slots}, active_loop="verify_identity_form"
    )


def _confirming(name: str, id_number: str, intent: str = "affirm") -> Tracker:
    return make_tracker(
        intent=intent,
        slots={"requested_slot": "identity_confirmed", "person_name": name, "id_number": id_number},
        active_loop="verify_identity_form",
    )


def _real_names(deps: Services) -> dict[int, str]:
    with deps.session_factory.session_scope() as session:
        return {r.user_id: r.name for r in session.scalars(select(RealNameRecord))}


# --- name ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Tom", "王", "王小明2", "", "王" * 21])
def test_a_name_that_cannot_be_on_an_id_card_is_rejected(action_deps: Services, typed: str) -> None:
    messages, result = validate(ValidateVerifyIdentityForm(), "person_name", typed, _asked("person_name"))
    assert responses(messages) == ["utter_invalid_person_name"]
    assert result == {"person_name": None, FAILURES_SLOT: {"slot": "person_name", "count": 1}}


def test_a_second_bad_name_shows_an_example(action_deps: Services) -> None:
    failures = {"slot": "person_name", "count": 1}
    messages, _ = validate(ValidateVerifyIdentityForm(), "person_name", "abc", _asked("person_name", failures))
    assert responses(messages) == ["utter_invalid_person_name", "utter_explain_person_name"]


@pytest.mark.parametrize(("typed", "stored"), [(" 王 小明 ", "王小明"), ("买买提•艾力", "买买提·艾力")])
def test_a_name_is_normalised(action_deps: Services, typed: str, stored: str) -> None:
    messages, result = validate(ValidateVerifyIdentityForm(), "person_name", typed, _asked("person_name"))
    assert messages == []
    assert result == {"person_name": stored, FAILURES_SLOT: None}


# --- ID number -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "response"),
    [
        ("11010519900307851", "utter_id_bad_length"),
        ("1101051990030785100", "utter_id_bad_length"),
        ("11010519900307851A", "utter_id_bad_format"),
        ("110105199013078510", "utter_id_bad_birth_date"),  # month 13
        ("110105189901018510", "utter_id_bad_birth_date"),  # before 1900
        ("110105202701010016", "utter_id_bad_birth_date"),  # 2027: after the clock's today, checksum right
        ("110105199003078511", "utter_id_bad_checksum"),
    ],
)
def test_a_bad_id_number_says_what_is_wrong(action_deps: Services, typed: str, response: str) -> None:
    messages, result = validate(ValidateVerifyIdentityForm(), "id_number", typed, _asked("id_number"))
    assert responses(messages) == [response]
    assert result == {"id_number": None, FAILURES_SLOT: {"slot": "id_number", "count": 1}}


def test_the_third_bad_id_number_offers_to_cancel(action_deps: Services) -> None:
    failures = {"slot": "id_number", "count": 2}
    messages, result = validate(
        ValidateVerifyIdentityForm(), "id_number", "110105199003078511", _asked("id_number", failures)
    )
    assert responses(messages) == [
        "utter_id_bad_checksum", "utter_explain_id_number", "utter_offer_continue_or_cancel",
    ]
    assert result[FAILURES_SLOT] == {"slot": "id_number", "count": 3}


@pytest.mark.parametrize(
    "typed", ["33010619900101123x", "330106 19900101 123X", "３３０１０６１９９００１０１１２３Ｘ"]
)
def test_an_id_number_is_normalised(action_deps: Services, typed: str) -> None:
    messages, result = validate(ValidateVerifyIdentityForm(), "id_number", typed, _asked("id_number"))
    assert messages == []
    assert result == {"id_number": "33010619900101123X", FAILURES_SLOT: None}


def test_the_whole_validation_run_fills_the_name(action_deps: Services) -> None:
    candidate = {"event": "slot", "name": "person_name", "value": " 王小明", "timestamp": T0}
    tracker = make_tracker(
        text=" 王小明", slots={"requested_slot": "person_name", "person_name": " 王小明"},
        active_loop="verify_identity_form", after=[candidate],
    )
    messages, events = run(ValidateVerifyIdentityForm(), tracker)
    assert messages == []
    assert events == [SlotSet("person_name", "王小明"), SlotSet(FAILURES_SLOT, None)]


# --- confirmation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "masked_name", "masked_id"),
    [(WANG, "王*明", "1101**********8510"), (ZHANG_WEI, "张*", "3301**********123X")],
)
def test_the_confirmation_shows_name_and_id_masked(
    action_deps: Services, person: tuple[str, str], masked_name: str, masked_id: str
) -> None:
    name, id_number = person
    messages, events = run(ActionAskIdentityConfirmed(), _confirming(name, id_number))
    assert events == []
    assert responses(messages) == ["utter_ask_verify_identity_form_identity_confirmed"]
    assert (messages[0]["masked_name"], messages[0]["masked_id"]) == (masked_name, masked_id)
    assert id_number not in str(messages)
    assert id_number[6:14] not in str(messages)  # not even the birth date
    assert name not in str(messages)


def test_affirming_a_registry_match_verifies_the_user(action_deps: Services) -> None:
    user = log_in(action_deps, UNVERIFIED_PHONE)
    assert not user.real_name_verified

    messages, result = validate(ValidateVerifyIdentityForm(), "identity_confirmed", True, _confirming(*WANG))
    assert responses(messages) == ["utter_identity_verified"]
    assert (messages[0]["masked_name"], messages[0]["masked_id"]) == ("王*明", "1101**********8510")
    assert WANG[1] not in str(messages)
    assert result == {"identity_confirmed": True}

    now = logged_in_as(action_deps)
    assert now is not None and now.real_name_verified
    assert _real_names(action_deps)[user.user_id] == "王小明"


def test_denying_asks_for_everything_again(action_deps: Services) -> None:
    user = log_in(action_deps, UNVERIFIED_PHONE)
    messages, result = validate(
        ValidateVerifyIdentityForm(), "identity_confirmed", False, _confirming(*WANG, intent="deny")
    )
    assert responses(messages) == ["utter_identity_reenter"]
    assert result == CLEARED
    assert user.user_id not in _real_names(action_deps)


@pytest.mark.parametrize(
    ("name", "id_number"),
    [("周敏", MA_LI_ID), ("马丽", ZHOU_MIN_ID), ("王小明", NOT_REGISTERED_ID)],
)
def test_a_name_and_id_the_registry_does_not_pair_are_not_matched(
    action_deps: Services, name: str, id_number: str
) -> None:
    user = log_in(action_deps, UNVERIFIED_PHONE)
    messages, result = validate(ValidateVerifyIdentityForm(), "identity_confirmed", True, _confirming(name, id_number))
    assert responses(messages) == ["utter_identity_not_matched"]
    assert result == CLEARED
    assert user.user_id not in _real_names(action_deps)
    now = logged_in_as(action_deps)
    assert now is not None and not now.real_name_verified


def test_an_id_verified_by_another_user_gets_the_reply_of_a_mismatch(action_deps: Services) -> None:
    """"Verified by another account" would confirm that a guessed name and ID number belong together."""
    user = log_in(action_deps, UNVERIFIED_PHONE)
    genuine, result = validate(ValidateVerifyIdentityForm(), "identity_confirmed", True, _confirming(*ZHANG_WEI))
    guessed, _ = validate(ValidateVerifyIdentityForm(), "identity_confirmed", True, _confirming("张三", ZHANG_WEI[1]))
    assert genuine == guessed == [{**genuine[0], "response": "utter_identity_not_matched"}]
    assert result == CLEARED
    assert user.user_id not in _real_names(action_deps)


def test_after_five_attempts_a_day_the_form_ends_and_resumes_nothing(action_deps: Services) -> None:
    user = log_in(action_deps, UNVERIFIED_PHONE)
    for _ in range(5):
        validate(ValidateVerifyIdentityForm(), "identity_confirmed", True, _confirming("马丽", ZHOU_MIN_ID))
    messages, result = validate(ValidateVerifyIdentityForm(), "identity_confirmed", True, _confirming(*WANG))
    assert responses(messages) == ["utter_identity_too_many_attempts"]
    assert result == {"identity_confirmed": True, "pending_intent": None}
    assert user.user_id not in _real_names(action_deps)


def test_a_user_verified_as_someone_else_is_told_so(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000001")  # verified as 张伟
    messages, result = validate(ValidateVerifyIdentityForm(), "identity_confirmed", True, _confirming(*WANG))
    assert responses(messages) == ["utter_already_verified"]
    assert result == {"identity_confirmed": True}
    assert _real_names(action_deps)[user.user_id] == "张伟"


def test_verifying_again_as_the_same_person_succeeds(action_deps: Services) -> None:
    log_in(action_deps, "13800000001")
    messages, result = validate(
        ValidateVerifyIdentityForm(), "identity_confirmed", True, _confirming(*ZHANG_WEI)
    )
    assert responses(messages) == ["utter_identity_verified"]
    assert messages[0]["masked_id"] == "3301**********123X"
    assert result == {"identity_confirmed": True}


def test_a_chat_logged_out_meanwhile_ends_the_form_without_verifying(action_deps: Services) -> None:
    messages, result = validate(ValidateVerifyIdentityForm(), "identity_confirmed", True, _confirming(*WANG))
    assert messages == []
    assert result == {"identity_confirmed": True}
    assert len(_real_names(action_deps)) == 3  # the seeded demo users only


# --- after verification ----------------------------------------------------------------


def test_after_verification_the_pending_request_is_resumed(action_deps: Services) -> None:
    log_in(action_deps, UNVERIFIED_PHONE)
    validate(ValidateVerifyIdentityForm(), "identity_confirmed", True, _confirming(*WANG))
    tracker = make_tracker(
        intent="affirm",
        slots={"pending_intent": "certify_owner", "person_name": WANG[0], "id_number": WANG[1],
               "identity_confirmed": True},
        sender=SENDER,
    )
    messages, events = run(ActionAfterVerification(), tracker)
    assert messages == []
    assert events == [
        SlotSet("person_name", None), SlotSet("id_number", None), SlotSet("identity_confirmed", None),
        SlotSet("pending_intent", None),
        SlotSet("pending_intent", None), SlotSet(ROUTE_SLOT, "action_certify_owner"),
    ]
