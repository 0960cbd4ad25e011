"""Who is talking is looked up once per action run, and a login or logout in that run is seen."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.common
from actions.common import login_state_of, who_is_talking
from actions.identity.login import ActionLogout, ValidateLoginForm
from actions.payments.confirmation import ValidatePayBillForm
from bot.container import Services
from bot.identity.login import LoggedInUser, LoginStarted, start_login
from tests.unit.action_harness import T0, log_in, make_tracker, run, sent_code, validate


@pytest.fixture
def look_ups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The chats whose login state the actions read from the database, one entry per read."""
    seen: list[str] = []
    real: Callable[..., Any] = actions.common.login_state

    def counting(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["sender_id"])
        return real(*args, **kwargs)

    monkeypatch.setattr(actions.common, "login_state", counting)
    return seen


def _talking(tracker: Tracker) -> LoggedInUser | None:
    return asyncio.run(who_is_talking(tracker))


def test_one_tracker_reads_the_login_once(action_deps: Services, look_ups: list[str]) -> None:
    user = log_in(action_deps, "13800000001")
    tracker = make_tracker()

    assert _talking(tracker) == user
    assert _talking(tracker) == user
    assert asyncio.run(login_state_of(tracker)) == user
    assert len(look_ups) == 1

    assert _talking(make_tracker()) == user  # the next request brings a new tracker: read afresh
    assert len(look_ups) == 2


def test_a_form_validating_several_slots_reads_the_login_once(action_deps: Services, look_ups: list[str]) -> None:
    log_in(action_deps, "13800000001")
    candidates = {"account_number": "3301000001", "pay_amount": "50"}
    tracker = make_tracker(
        slots={"requested_slot": "pay_amount", **candidates}, active_loop="pay_bill_form",
        after=[{"event": "slot", "name": name, "value": value, "timestamp": T0} for name, value in candidates.items()],
    )

    form_only = {"forms": {"pay_bill_form": {"required_slots": list(candidates)}}}
    events = asyncio.run(ValidatePayBillForm().run(CollectingDispatcher(), tracker, form_only))

    validated = {event["name"]: event["value"] for event in events if event["event"] == "slot"}
    assert validated["account_number"] == "3301000001"
    assert validated["pay_amount"] == "50.00"  # both validators needed the user
    assert len(look_ups) == 1


def test_a_logout_in_the_run_is_seen(action_deps: Services, look_ups: list[str]) -> None:
    user = log_in(action_deps, "13800000001")
    tracker = make_tracker(intent="logout")
    assert _talking(tracker) == user

    run(ActionLogout(), tracker)

    assert _talking(tracker) is None
    assert len(look_ups) == 2


def test_a_login_in_the_run_is_seen(action_deps: Services, look_ups: list[str]) -> None:
    started = start_login(action_deps.session_factory, action_deps.sms_gateway, action_deps.clock,
                          phone_text="13800000001")
    assert isinstance(started, LoginStarted)
    tracker = make_tracker(slots={"requested_slot": "verification_code", "phone_number": started.phone},
                           active_loop="login_form")
    assert _talking(tracker) is None

    _, result = validate(ValidateLoginForm(), "verification_code", sent_code(action_deps, started.phone), tracker)

    assert result["verification_code"] == "accepted"
    talking = _talking(tracker)
    assert talking is not None and talking.phone == started.phone
    assert len(look_ups) == 2
