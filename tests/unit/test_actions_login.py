"""Login form, request router and logout actions, run with real rasa-sdk objects and a real database.

The helpers here (trackers, running actions, logging a chat in through the SMS code flow)
are shared with test_actions_accounts.py and test_actions_identity.py.
"""
from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.form_validation import FAILURES_SLOT
from actions.login import ActionAfterLogin, ActionLogout, ActionRouteRequest, ValidateLoginForm
from bot.clock import FixedClock
from bot.container import Services, services
from bot.db.models import SmsMessage, User
from bot.db.session import SessionFactory
from bot.services.login import LoggedIn, LoggedInUser, LoginStarted, complete_login, current_user, start_login
from bot.services.routing import NOTHING, ROUTE_SLOT
from bot.services.sms import last_message
from bot.services.verification import CODE_TTL, RESEND_INTERVAL, CodePurpose
from bot.settings import PROJECT_ROOT
from tests.unit.conftest import FIXED_NOW

# Not "rest", the fallback when a tracker has no channel: the channel is part of the chat identity.
CHANNEL = "socketio"
SENDER = "chat-1"
T0 = 1_795_000_000.0
DOMAIN: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


# --- shared helpers ------------------------------------------------------------------


@contextmanager
def services_on(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """bot.container.services() (what the actions use) on the test database, clock at FIXED_NOW."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOT_FIXED_NOW", FIXED_NOW.isoformat())
    monkeypatch.setenv("SMS_GATEWAY", "demo")
    monkeypatch.setenv("IDENTITY_REGISTRY", "demo")
    services.cache_clear()
    try:
        deps = services()
        assert deps.settings.database_url == database_url
        yield deps
    finally:
        services().session_factory.dispose()
        services.cache_clear()


def clock_of(deps: Services) -> FixedClock:
    """The services' clock, fixed by BOT_FIXED_NOW: tests move it on."""
    assert isinstance(deps.clock, FixedClock)
    return deps.clock


def user_event(
    text: str, intent: str | None, entities: list[dict[str, Any]] | None = None, channel: str = CHANNEL
) -> dict[str, Any]:
    return {
        "event": "user", "text": text, "timestamp": T0, "input_channel": channel,
        "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": entities or [], "text": text},
    }


def make_tracker(
    *,
    intent: str | None = "inform",
    text: str = "",
    entities: dict[str, str] | None = None,
    slots: dict[str, Any] | None = None,
    sender: str = SENDER,
    channel: str = CHANNEL,
    active_loop: str | None = None,
    after: list[dict[str, Any]] | None = None,
) -> Tracker:
    """A tracker whose latest user message is ``text`` / ``intent`` / ``entities`` on ``channel``,
    followed by the events in ``after`` (e.g. the slot candidates a form validates)."""
    entity_list = [{"entity": name, "value": value} for name, value in (entities or {}).items()]
    message = user_event(text, intent, entity_list, channel)
    return Tracker.from_dict({
        "sender_id": sender,
        "slots": dict(slots or {}),
        "latest_message": message["parse_data"],
        "events": [{"event": "action", "name": "action_listen", "timestamp": T0}, message, *(after or [])],
        "paused": False,
        "followup_action": None,
        "active_loop": {"name": active_loop, "validate": True} if active_loop else {},
        "latest_action_name": "action_listen",
    })


def run(action: Action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run ``action`` as the action server would: (messages uttered, events returned)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain=DOMAIN))
    return dispatcher.messages, events


def validate(
    validator: Action, slot: str, value: Any, tracker: Tracker
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Call ``validator.validate_<slot>`` directly: (messages uttered, slots returned)."""
    dispatcher = CollectingDispatcher()
    method = getattr(validator, f"validate_{slot}")
    result = asyncio.run(method(value, dispatcher, tracker, DOMAIN))
    return dispatcher.messages, result


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [message["response"] for message in messages]


def sent_code(deps: Services, phone: str) -> str:
    with deps.session_factory.session_scope() as session:
        message = last_message(session, phone)
        assert message is not None, f"no SMS to {phone}"
        return re.search(r"\d{6}", message.text).group()  # type: ignore[union-attr]


def log_in(deps: Services, phone: str, *, sender: str = SENDER, channel: str = CHANNEL) -> LoggedInUser:
    """Log a chat identity in the way the login form does (SMS code and all).

    The clock moves on past the resend interval afterwards, so the same phone can log in again."""
    started = start_login(deps.session_factory, deps.sms_gateway, deps.clock, phone_text=phone)
    assert isinstance(started, LoginStarted), started
    outcome = complete_login(
        deps.session_factory, deps.clock, channel=channel, sender_id=sender,
        phone=started.phone, code=sent_code(deps, started.phone),
    )
    assert isinstance(outcome, LoggedIn), outcome
    clock_of(deps).advance(RESEND_INTERVAL)
    return outcome.user


def logged_in_as(deps: Services, *, sender: str = SENDER, channel: str = CHANNEL) -> LoggedInUser | None:
    return current_user(deps.session_factory, channel=channel, sender_id=sender)


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture
def action_deps(
    demo_db: SessionFactory, migrated_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Services]:
    """The actions' dependencies on a database holding the demo data."""
    with services_on(migrated_database_url, monkeypatch) as deps:
        yield deps


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


def test_an_anonymous_account_request_logs_in_first(action_deps: Services) -> None:
    messages, events = run(ActionRouteRequest(), make_tracker(intent="bind_account", text="绑定户号"))
    assert responses(messages) == ["utter_login_required"]
    assert events == [
        SlotSet("account_number", None), SlotSet("pending_intent", "bind_account"), SlotSet(ROUTE_SLOT, "login_form"),
    ]


def test_a_logged_in_account_request_goes_straight_to_its_form(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    tracker = make_tracker(intent="bind_account", text="绑定户号3301000002", entities={"account_number": "3301000002"})
    messages, events = run(ActionRouteRequest(), tracker)
    assert messages == []
    assert events == [
        SlotSet("account_number", "3301000002"), SlotSet("pending_intent", None),
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
