"""Logins end: 30 minutes without use, 7 days after they began (configurable); use keeps them
alive. The sender id is all that names a REST chat, so a leaked id must not stay logged in."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from rasa_sdk.events import SlotSet
from sqlalchemy import select

from actions.identity.login import ActionRouteRequest
from bot.clock import FixedClock
from bot.container import Services
from bot.conversation.routing import ROUTE_SLOT
from bot.db.models import ChatIdentity, User
from bot.db.session import SessionFactory
from bot.identity.login import (
    SEEN_WRITE_INTERVAL,
    LoggedIn,
    LoggedInUser,
    LoginExpired,
    LoginLifetime,
    LoginStarted,
    complete_login,
    current_user,
    login_state,
    logout,
    start_login,
)
from bot.identity.sms import RecordingSmsGateway, last_message
from bot.identity.verification import RESEND_INTERVAL
from bot.settings import Settings
from tests.unit.action_harness import clock_of, log_in, make_tracker, responses, run

PHONE = "13800000001"
CHAT = {"channel": "rest", "sender_id": "chat-expiry"}


def _log_in(session_factory: SessionFactory, clock: FixedClock) -> LoggedInUser:
    gateway = RecordingSmsGateway(session_factory, clock)
    started = start_login(session_factory, gateway, clock, phone_text=PHONE)
    assert isinstance(started, LoginStarted), started
    with session_factory.session_scope() as session:
        code = re.search(r"\d{6}", last_message(session, PHONE).text).group()  # type: ignore[union-attr]
    outcome = complete_login(session_factory, clock, phone=PHONE, code=code, **CHAT)
    assert isinstance(outcome, LoggedIn), outcome
    return outcome.user


def _identity(session_factory: SessionFactory) -> tuple[int | None, object, object]:
    with session_factory.session_scope() as session:
        identity = session.scalars(select(ChatIdentity).filter_by(**CHAT)).one()
        return identity.user_id, identity.last_seen_at, identity.logged_in_at


def test_a_login_unused_for_30_minutes_ends(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    user = _log_in(session_factory, fixed_clock)
    fixed_clock.advance(timedelta(minutes=30))
    assert current_user(session_factory, fixed_clock, **CHAT) == user  # exactly 30 minutes: still on
    fixed_clock.advance(timedelta(minutes=30, seconds=1))
    assert login_state(session_factory, fixed_clock, **CHAT) == LoginExpired(user.user_id)
    assert _identity(session_factory)[0] is None and _identity(session_factory)[2] is None  # unlinked, as logout
    assert login_state(session_factory, fixed_clock, **CHAT) is None  # said once; now simply anonymous
    with session_factory.session_scope() as session:  # the user and their phone stay
        assert session.get(User, user.user_id).phone == PHONE


def test_using_a_login_keeps_it_alive(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    user = _log_in(session_factory, fixed_clock)
    for _ in range(12):  # six hours, a message every 29 minutes
        fixed_clock.advance(timedelta(minutes=29))
        assert current_user(session_factory, fixed_clock, **CHAT) == user
    assert _identity(session_factory)[1] == fixed_clock.now()


def test_last_seen_is_written_at_most_once_a_minute(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    _log_in(session_factory, fixed_clock)
    logged_in_at = fixed_clock.now()
    fixed_clock.advance(SEEN_WRITE_INTERVAL - timedelta(seconds=1))
    assert current_user(session_factory, fixed_clock, **CHAT) is not None
    assert _identity(session_factory)[1] == logged_in_at
    fixed_clock.advance(timedelta(seconds=1))
    assert current_user(session_factory, fixed_clock, **CHAT) is not None
    assert _identity(session_factory)[1] == fixed_clock.now()


def test_a_login_ends_7_days_after_it_began_however_busy(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    # Idle time stretched to a day, so that a week of daily use is "busy" in few steps.
    lifetime = LoginLifetime(idle=timedelta(days=1), max_age=timedelta(days=7))
    user = _log_in(session_factory, fixed_clock)
    for _ in range(7):
        fixed_clock.advance(timedelta(days=1))
        assert current_user(session_factory, fixed_clock, lifetime=lifetime, **CHAT) == user
    fixed_clock.advance(timedelta(seconds=1))
    assert login_state(session_factory, fixed_clock, lifetime=lifetime, **CHAT) == LoginExpired(user.user_id)
    assert current_user(session_factory, fixed_clock, lifetime=lifetime, **CHAT) is None


def test_logging_in_again_after_expiry_starts_a_new_login(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    _log_in(session_factory, fixed_clock)
    fixed_clock.advance(timedelta(hours=1))
    assert current_user(session_factory, fixed_clock, **CHAT) is None
    fixed_clock.advance(RESEND_INTERVAL)
    again = _log_in(session_factory, fixed_clock)
    assert again.logged_in_at == fixed_clock.now()
    assert current_user(session_factory, fixed_clock, **CHAT) == again


def test_logout_still_ends_a_login_at_once(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    _log_in(session_factory, fixed_clock)
    assert logout(session_factory, **CHAT)
    assert login_state(session_factory, fixed_clock, **CHAT) is None


def test_a_login_without_a_recorded_start_counts_from_the_chat_s_creation(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    """Rows from before logged_in_at existed: the login began no earlier than the chat identity."""
    user = _log_in(session_factory, fixed_clock)
    created = fixed_clock.now()
    with session_factory.session_scope() as session:
        identity = session.scalars(select(ChatIdentity).filter_by(**CHAT)).one()
        identity.logged_in_at = None
        identity.created_at = created - timedelta(days=7)
    assert login_state(session_factory, fixed_clock, **CHAT) == replace(user, logged_in_at=None)
    fixed_clock.advance(timedelta(seconds=1))
    assert login_state(session_factory, fixed_clock, **CHAT) == LoginExpired(user.user_id)


@pytest.mark.parametrize(("idle_minutes", "max_days", "unused", "expired"), [
    (5, 7, timedelta(minutes=5), False),
    (5, 7, timedelta(minutes=6), True),
    (600, 1, timedelta(hours=9), False),
])
def test_the_lifetime_is_configurable(
    session_factory: SessionFactory, fixed_clock: FixedClock, idle_minutes: int, max_days: int,
    unused: timedelta, expired: bool,
) -> None:
    lifetime = LoginLifetime.from_settings(Settings(login_idle_minutes=idle_minutes, login_max_age_days=max_days))
    assert lifetime == LoginLifetime(timedelta(minutes=idle_minutes), timedelta(days=max_days))
    _log_in(session_factory, fixed_clock)
    fixed_clock.advance(unused)
    state = login_state(session_factory, fixed_clock, lifetime=lifetime, **CHAT)
    assert isinstance(state, LoginExpired) is expired and isinstance(state, LoggedInUser) is not expired


def test_the_defaults_are_30_minutes_and_7_days() -> None:
    assert LoginLifetime() == LoginLifetime.from_settings(Settings()) == LoginLifetime(
        timedelta(minutes=30), timedelta(days=7))


def test_a_request_right_after_expiry_says_the_login_timed_out_then_logs_in_again(
    action_deps: Services,
) -> None:
    log_in(action_deps, "13800000002")
    clock_of(action_deps).advance(timedelta(minutes=31))
    messages, events = run(ActionRouteRequest(), make_tracker(intent="list_accounts", text="我的户号"))
    assert responses(messages) == ["utter_login_expired"]
    assert events[-2:] == [SlotSet("pending_intent", "list_accounts"), SlotSet(ROUTE_SLOT, "login_form")]
    messages, events = run(ActionRouteRequest(), make_tracker(intent="list_accounts", text="我的户号"))
    assert responses(messages) == ["utter_login_required"]  # told once; now simply anonymous


def test_a_login_used_within_the_idle_time_goes_straight_on(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    clock_of(action_deps).advance(timedelta(minutes=29))
    messages, events = run(ActionRouteRequest(), make_tracker(intent="list_accounts", text="我的户号"))
    assert "utter_login_expired" not in responses(messages) and events[-1] != SlotSet(ROUTE_SLOT, "login_form")
