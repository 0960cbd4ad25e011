"""Login form, request router and logout actions, run with real rasa-sdk objects and a real database.

The helpers (trackers, running actions, logging a chat in through the SMS code flow) live in
action_harness.py, shared with the other action tests.
"""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from sqlalchemy import select

from actions.forms.retrying import FAILURES_SLOT
from actions.identity.login import (
    CLEARED_SLOTS,
    FRESH_SLOTS,
    ActionAfterLogin,
    ActionLogout,
    ActionRouteRequest,
    ValidateLoginForm,
)
from bot.container import Services
from bot.conversation.routing import NOTHING, ROUTE_SLOT
from bot.db.models import SmsMessage, User
from bot.identity.verification import CODE_TTL, CodePurpose
from tests.unit.action_harness import (
    T0,
    clock_of,
    log_in,
    logged_in_as,
    make_tracker,
    responses,
    run,
    sent_code,
    validate,
)
from tests.unit.conftest import FIXED_NOW

# --- fixtures ------------------------------------------------------------------------


def _sms_to(deps: Services, phone: str) -> list[SmsMessage]:
    with deps.session_factory.session_scope() as session:
        return list(session.scalars(select(SmsMessage).where(SmsMessage.phone == phone)))


def _phone_asked(failures: dict[str, Any] | None = None, **slots: Any) -> Tracker:
    return make_tracker(
        slots={"requested_slot": "phone_number", FAILURES_SLOT: failures, **slots}, active_loop="login_form"
    )


def _code_asked(phone: str | None, failures: dict[str, Any] | None = None) -> Tracker:
    return make_tracker(
        slots={"requested_slot": "verification_code", "phone_number": phone, FAILURES_SLOT: failures},
        active_loop="login_form",
    )


def _request_code(deps: Services, phone: str) -> str:
    messages, result = validate(ValidateLoginForm(), "phone_number", phone, _phone_asked())
    assert responses(messages) == ["utter_code_sent"], messages
    return str(result["phone_number"])


# --- the login form: phone number ------------------------------------------------------


def test_an_invalid_phone_is_rejected_and_counted(action_deps: Services) -> None:
    messages, result = validate(ValidateLoginForm(), "phone_number", "12345", _phone_asked())
    assert responses(messages) == ["utter_invalid_phone"]
    assert result == {"phone_number": None, FAILURES_SLOT: {"slot": "phone_number", "count": 1}}


def test_repeated_invalid_phones_explain_the_format_then_offer_to_cancel(action_deps: Services) -> None:
    form = ValidateLoginForm()
    failures = None
    said = []
    for _ in range(3):
        messages, result = validate(form, "phone_number", "138000", _phone_asked(failures))
        failures = result[FAILURES_SLOT]
        said.append(responses(messages))
    assert said == [
        ["utter_invalid_phone"],
        ["utter_invalid_phone", "utter_explain_phone_number"],
        ["utter_invalid_phone", "utter_explain_phone_number", "utter_offer_continue_or_cancel"],
    ]
    assert failures == {"slot": "phone_number", "count": 3}
    with action_deps.session_factory.session_scope() as session:
        assert session.scalars(select(SmsMessage)).first() is None


def test_failures_on_another_slot_do_not_count_for_the_phone(action_deps: Services) -> None:
    stale = {"slot": "verification_code", "count": 2}
    messages, result = validate(ValidateLoginForm(), "phone_number", "abc", _phone_asked(stale))
    assert responses(messages) == ["utter_invalid_phone"]
    assert result[FAILURES_SLOT] == {"slot": "phone_number", "count": 1}


def test_a_valid_phone_gets_a_code_and_is_only_ever_shown_masked(action_deps: Services) -> None:
    stale = {"slot": "phone_number", "count": 2}
    messages, result = validate(ValidateLoginForm(), "phone_number", "+86 138-0000-0002", _phone_asked(stale))

    assert result == {"phone_number": "13800000002", FAILURES_SLOT: None}
    assert responses(messages) == ["utter_code_sent"]
    assert messages[0]["masked_phone"] == "138****0002"
    assert "13800000002" not in str(messages)
    [sms] = _sms_to(action_deps, "13800000002")
    assert sms.purpose == CodePurpose.LOGIN
    assert sms.sent_at == FIXED_NOW
    assert re.search(r"\d{6}", sms.text)


def test_asking_for_another_code_too_soon_says_how_long_to_wait(action_deps: Services) -> None:
    _request_code(action_deps, "13800000002")
    clock_of(action_deps).advance(timedelta(seconds=20))
    messages, result = validate(ValidateLoginForm(), "phone_number", "13800000002", _phone_asked())
    assert result == {"phone_number": None}  # not the user's mistake: not counted
    assert responses(messages) == ["utter_code_resend_too_soon"]
    assert messages[0]["seconds_left"] == 40
    assert len(_sms_to(action_deps, "13800000002")) == 1


def test_the_whole_validation_run_fills_the_phone_slot(action_deps: Services) -> None:
    candidate = {"event": "slot", "name": "phone_number", "value": "13800000002", "timestamp": T0}
    tracker = make_tracker(
        text="13800000002", slots={"requested_slot": "phone_number", "phone_number": "13800000002"},
        active_loop="login_form", after=[candidate],
    )
    messages, events = run(ValidateLoginForm(), tracker)
    assert events == [SlotSet("phone_number", "13800000002"), SlotSet(FAILURES_SLOT, None)]
    assert responses(messages) == ["utter_code_sent"]


# --- the login form: verification code -------------------------------------------------


def test_a_wrong_code_says_how_many_tries_are_left(action_deps: Services) -> None:
    phone = _request_code(action_deps, "13800000002")
    wrong = f"{(int(sent_code(action_deps, phone)) + 1) % 1_000_000:06d}"

    messages, result = validate(ValidateLoginForm(), "verification_code", wrong, _code_asked(phone))
    assert responses(messages) == ["utter_code_wrong"]
    assert messages[0]["tries_left"] == 4
    assert result == {"verification_code": None, FAILURES_SLOT: {"slot": "verification_code", "count": 1}}
    assert logged_in_as(action_deps) is None

    messages, result = validate(
        ValidateLoginForm(), "verification_code", wrong, _code_asked(phone, result[FAILURES_SLOT])
    )
    assert responses(messages) == ["utter_code_wrong", "utter_explain_verification_code"]
    assert messages[0]["tries_left"] == 3


def test_a_code_that_is_not_six_digits_is_a_format_error(action_deps: Services) -> None:
    phone = _request_code(action_deps, "13800000002")
    messages, result = validate(ValidateLoginForm(), "verification_code", "12ab", _code_asked(phone))
    assert responses(messages) == ["utter_code_bad_format"]
    assert result["verification_code"] is None
    assert result[FAILURES_SLOT] == {"slot": "verification_code", "count": 1}


def test_the_right_code_logs_the_chat_in(action_deps: Services) -> None:
    phone = _request_code(action_deps, "13800000002")
    code = sent_code(action_deps, phone)

    messages, result = validate(ValidateLoginForm(), "verification_code", f" {code} ", _code_asked(phone))
    assert responses(messages) == ["utter_login_success"]
    assert messages[0]["masked_phone"] == "138****0002"
    assert "13800000002" not in str(messages)
    assert result == {"verification_code": "accepted", FAILURES_SLOT: None}

    user = logged_in_as(action_deps)
    assert user is not None and user.phone == "13800000002" and user.real_name_verified
    # The chat identity is channel + sender: the same sender id on another channel is someone else.
    assert logged_in_as(action_deps, channel="rest") is None
    assert logged_in_as(action_deps, sender="chat-2") is None


def test_an_unknown_phone_is_registered_by_its_first_login(action_deps: Services) -> None:
    phone = _request_code(action_deps, "13912345678")
    messages, _ = validate(ValidateLoginForm(), "verification_code", sent_code(action_deps, phone), _code_asked(phone))
    assert responses(messages) == ["utter_registered_and_logged_in"]
    assert messages[0]["masked_phone"] == "139****5678"
    user = logged_in_as(action_deps)
    assert user is not None and user.phone == "13912345678" and not user.real_name_verified
    with action_deps.session_factory.session_scope() as session:
        assert session.scalar(select(User.registered_at).where(User.phone == phone)) == FIXED_NOW


def test_an_expired_code_asks_for_the_phone_again(action_deps: Services) -> None:
    phone = _request_code(action_deps, "13800000002")
    code = sent_code(action_deps, phone)
    clock_of(action_deps).advance(CODE_TTL + timedelta(seconds=1))

    messages, result = validate(ValidateLoginForm(), "verification_code", code, _code_asked(phone))
    assert responses(messages) == ["utter_code_expired"]
    assert result == {"verification_code": None, "phone_number": None}
    assert logged_in_as(action_deps) is None

    # Asking again sends a fresh code that works.
    phone = _request_code(action_deps, "13800000002")
    messages, _ = validate(ValidateLoginForm(), "verification_code", sent_code(action_deps, phone), _code_asked(phone))
    assert responses(messages) == ["utter_login_success"]


def test_a_code_without_a_phone_is_ignored(action_deps: Services) -> None:
    messages, result = validate(ValidateLoginForm(), "verification_code", "123456", _code_asked(None))
    assert messages == []
    assert result == {"verification_code": None}


def test_a_code_for_a_phone_that_was_never_sent_one_asks_for_the_phone_again(action_deps: Services) -> None:
    messages, result = validate(ValidateLoginForm(), "verification_code", "123456", _code_asked("13800000002"))
    assert responses(messages) == ["utter_code_missing"]
    assert result == {"verification_code": None, "phone_number": None}


# --- the router ------------------------------------------------------------------------


def _fresh(**named: str) -> list[SlotSet]:
    """What the router sets from the request's own message: its entities, the rest cleared."""
    return [SlotSet(slot, named.get(slot)) for slot in FRESH_SLOTS] + [SlotSet(slot, None) for slot in CLEARED_SLOTS]


def test_an_anonymous_account_request_logs_in_first(action_deps: Services) -> None:
    messages, events = run(ActionRouteRequest(), make_tracker(intent="bind_account", text="绑定户号"))
    assert responses(messages) == ["utter_login_required"]
    assert events == [
        *_fresh(), SlotSet("request_text", "绑定户号"),
        SlotSet("pending_intent", "bind_account"), SlotSet(ROUTE_SLOT, "login_form"),
    ]


def test_a_logged_in_account_request_goes_straight_to_its_form(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    tracker = make_tracker(intent="bind_account", text="绑定户号3301000002", entities={"account_number": "3301000002"})
    messages, events = run(ActionRouteRequest(), tracker)
    assert messages == []
    assert events == [
        *_fresh(account_number="3301000002"),
        SlotSet("request_text", "绑定户号3301000002"), SlotSet("pending_intent", None),
        SlotSet(ROUTE_SLOT, "bind_account_form"),
    ]


def test_forged_slots_do_not_pass_for_a_login(action_deps: Services) -> None:
    # Logged in, but as another chat; this tracker only *claims* a login in its slots.
    log_in(action_deps, "13800000001", sender="someone-else")
    forged = {"phone_number": "13800000001", "verification_code": "accepted", "pending_intent": None}
    messages, events = run(ActionRouteRequest(), make_tracker(intent="bind_account", slots=forged))
    assert responses(messages) == ["utter_login_required"]
    assert events[-2:] == [SlotSet("pending_intent", "bind_account"), SlotSet(ROUTE_SLOT, "login_form")]


def test_a_login_on_another_channel_does_not_count(action_deps: Services) -> None:
    log_in(action_deps, "13800000001", channel="rest")
    _, events = run(ActionRouteRequest(), make_tracker(intent="list_accounts"))
    assert events[-1] == SlotSet(ROUTE_SLOT, "login_form")


def test_a_request_needing_verification_detours_through_it(action_deps: Services) -> None:
    log_in(action_deps, "13800000003")  # logged in, not real-name verified
    messages, events = run(ActionRouteRequest(), make_tracker(intent="certify_owner"))
    assert responses(messages) == ["utter_verification_required"]
    assert events[-2:] == [SlotSet("pending_intent", "certify_owner"), SlotSet(ROUTE_SLOT, "verify_identity_form")]


def test_logging_in_again_says_who_is_logged_in(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    messages, events = run(ActionRouteRequest(), make_tracker(intent="login"))
    assert responses(messages) == ["utter_already_logged_in"]
    assert messages[0]["masked_phone"] == "138****0002"
    assert events[-1] == SlotSet(ROUTE_SLOT, NOTHING)


def test_a_message_that_is_no_request_shows_the_menu(action_deps: Services) -> None:
    messages, events = run(ActionRouteRequest(), make_tracker(intent="greet"))
    assert responses(messages) == ["utter_menu"]
    assert events == [SlotSet(ROUTE_SLOT, NOTHING)]


# --- after the login, logout -----------------------------------------------------------


def test_after_login_the_pending_request_is_resumed(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    slots = {"pending_intent": "bind_account", "phone_number": "13800000002", "verification_code": "accepted"}
    messages, events = run(ActionAfterLogin(), make_tracker(slots=slots))
    assert messages == []
    assert events == [
        SlotSet("phone_number", None), SlotSet("verification_code", None),
        SlotSet("pending_intent", None),
        SlotSet("pending_intent", None), SlotSet(ROUTE_SLOT, "bind_account_form"),
    ]


def test_after_a_plain_login_nothing_else_runs(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    messages, events = run(ActionAfterLogin(), make_tracker(slots={"pending_intent": None}))
    assert messages == []
    assert events == [
        SlotSet("phone_number", None), SlotSet("verification_code", None),
        SlotSet("pending_intent", None), SlotSet(ROUTE_SLOT, NOTHING),
    ]


def test_logout_unlinks_the_chat(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    log_in(action_deps, "13800000002", sender="other-chat")

    messages, events = run(ActionLogout(), make_tracker(intent="logout"))
    assert responses(messages) == ["utter_logged_out"]
    assert events == [SlotSet("pending_intent", None)]
    assert logged_in_as(action_deps) is None
    assert logged_in_as(action_deps, sender="other-chat") is not None  # only this chat logs out

    messages, _ = run(ActionLogout(), make_tracker(intent="logout"))
    assert responses(messages) == ["utter_not_logged_in"]


def test_a_request_needing_an_account_binds_one_first(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")  # verified, nothing bound
    messages, events = run(ActionRouteRequest(), make_tracker(intent="rename_transfer", text="我要更名"))
    assert responses(messages) == ["utter_bind_required"]
    assert events[-2:] == [SlotSet("pending_intent", "rename_transfer"), SlotSet(ROUTE_SLOT, "bind_account_form")]


# --- limits per chat across phones ------------------------------------------------------


def test_one_chat_asking_codes_for_a_sixth_phone_is_refused(action_deps: Services) -> None:
    for n in range(5):
        _, result = validate(ValidateLoginForm(), "phone_number", f"1390000000{n}", _phone_asked())
        assert result["phone_number"] == f"1390000000{n}"
    messages, result = validate(ValidateLoginForm(), "phone_number", "13900000005", _phone_asked())
    assert responses(messages) == ["utter_code_too_many_phones"]
    assert result == {"phone_number": None}
    assert _sms_to(action_deps, "13900000005") == []
    # Another chat is not affected.
    other_chat = make_tracker(sender="another-chat", slots={"requested_slot": "phone_number"}, active_loop="login_form")
    messages, _ = validate(ValidateLoginForm(), "phone_number", "13900000005", other_chat)
    assert responses(messages) == ["utter_code_sent"]


def test_twenty_wrong_codes_in_one_chat_stop_its_logins_for_the_day(action_deps: Services) -> None:
    for n in range(5):  # 4 wrong codes each for 5 phones
        phone = _request_code(action_deps, f"1390000000{n}")
        wrong = f"{(int(sent_code(action_deps, phone)) + 1) % 1_000_000:06d}"
        for _ in range(4):
            messages, _ = validate(ValidateLoginForm(), "verification_code", wrong, _code_asked(phone))
            assert responses(messages)[0] == "utter_code_wrong"
    phone = "13900000000"
    messages, result = validate(ValidateLoginForm(), "verification_code", sent_code(action_deps, phone),
                                _code_asked(phone))
    assert responses(messages) == ["utter_code_guess_limit"]
    assert result == {"verification_code": None, "phone_number": None}
    assert logged_in_as(action_deps) is None
