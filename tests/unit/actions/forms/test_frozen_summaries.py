"""更名, 过户, 个人新装 and 企业新装 file exactly what the confirmed summary showed.

A value the summary showed is changed afterwards — by an entity or a typed ``/inform{...}`` in
the SMS-code turn, in the confirming turn, or in the slots the submission reads — and the form
must show a new summary to confirm (a new code when the code no longer fits) before anything
is filed. Each case runs the real actions on the seeded database (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from rasa_sdk.events import FollowupAction, SlotSet

from bot.applications.form_summaries import SUMMARY_VALID_FOR
from bot.container import Services
from bot.identity.verification import RESEND_INTERVAL
from tests.unit.action_harness import clock_of, log_in, responses
from tests.unit.application_flow import (
    CASES,
    LI_NA,
    ZHANG_WEI,
    Case,
    applied,
    bookings,
    code_entered,
    confirm,
    new_orders,
    orders,
    personal,
    rename,
    submit,
    submitted_response,
    summarised,
    summary,
)


@pytest.fixture(params=list(CASES))
def case(request: pytest.FixtureRequest, action_deps: Services) -> Case:
    phone, build = CASES[request.param]
    log_in(action_deps, phone)
    return build(action_deps)


# --- every form --------------------------------------------------------------------


def test_unchanged_answers_are_filed_as_the_summary_showed(action_deps: Services, case: Case) -> None:
    before = orders(action_deps)
    slots = summarised(action_deps, case)
    messages, events = confirm(case, slots)
    assert responses(messages) == [] and SlotSet(case.form.confirmed_slot, True) in events

    submitted, _ = submit(case, applied(slots, events))

    filed = new_orders(action_deps, before)
    assert responses(submitted)[0] == submitted_response(case)
    assert len(filed) == 1 and case.filed(filed[0]) == case.original


def test_a_change_in_the_confirming_turn_brings_a_new_summary_first(action_deps: Services, case: Case) -> None:
    before = orders(action_deps)
    slots = summarised(action_deps, case)

    messages, events = confirm(case, slots, case.changed, case.entities)

    assert "utter_form_summary_changed" in responses(messages)
    assert SlotSet(case.form.confirmed_slot, None) in events
    assert SlotSet("requested_slot", None) not in events  # the form goes on: nothing is submitted
    assert new_orders(action_deps, before) == []
    slots = applied(slots, events)
    assert case.shown in summary(case, slots)  # the new summary shows the new value
    again, events = confirm(case, slots)
    assert responses(again) == [] and SlotSet(case.form.confirmed_slot, True) in events
    submitted, _ = submit(case, applied(slots, events))
    filed = new_orders(action_deps, before)
    assert responses(submitted)[0] == submitted_response(case)
    assert len(filed) == 1 and case.filed(filed[0]) == case.filed_changed


def test_a_change_reaching_the_submission_files_nothing(action_deps: Services, case: Case) -> None:
    """Slots the submission reads that differ from the summary (set past the validators): nothing
    is filed or booked, and the form shows a new summary."""
    before, booked = orders(action_deps), bookings(action_deps)
    confirmed = {case.form.confirmed_slot: True}
    slots = summarised(action_deps, case)

    messages, events = submit(case, slots | case.changed | confirmed)

    assert responses(messages) == ["utter_form_summary_changed"]
    assert events == [SlotSet(case.form.confirmed_slot, None), FollowupAction(case.form.name)]
    assert new_orders(action_deps, before) == [] and bookings(action_deps) == booked
    assert case.shown in summary(case, slots | case.changed)
    submitted, _ = submit(case, slots | case.changed | confirmed)
    filed = new_orders(action_deps, before)
    assert responses(submitted)[0] == submitted_response(case)
    assert len(filed) == 1 and case.filed(filed[0]) == case.filed_changed


def test_a_change_in_the_code_turn_after_the_summary_files_nothing(action_deps: Services, case: Case) -> None:
    """The code asked again after the summary was confirmed (a typed ``accepted`` is refused):
    the code turn's entities change an answer. The form asks for the summary again, and even
    with 提交 still set the submission refuses what the summary did not show."""
    before = orders(action_deps)
    slots = summarised(action_deps, case) | {case.form.confirmed_slot: True, case.form.code_slot: None}
    clock_of(action_deps).advance(RESEND_INTERVAL)
    slots = code_entered(action_deps, case, slots, **case.changed)
    assert all(slots[name] is not None for name in case.changed)
    assert slots[case.form.confirmed_slot] is None  # a new code: the summary is shown again

    messages, events = submit(case, slots | {case.form.confirmed_slot: True})

    assert responses(messages) == ["utter_form_summary_changed"]
    assert events == [SlotSet(case.form.confirmed_slot, None), FollowupAction(case.form.name)]
    assert new_orders(action_deps, before) == []


def test_one_confirmation_files_one_order(action_deps: Services, case: Case) -> None:
    before = orders(action_deps)
    slots = summarised(action_deps, case) | {case.form.confirmed_slot: True}

    first, _ = submit(case, slots)
    second, events = submit(case, slots)  # a replayed submission of the same confirmation

    assert responses(first)[0] == submitted_response(case)
    assert responses(second) == ["utter_form_summary_recheck"] and FollowupAction(case.form.name) in events
    assert len(new_orders(action_deps, before)) == 1


# --- the SMS code, staleness, declining -----------------------------------------------


def test_a_code_sent_to_another_phone_asks_for_a_new_code(action_deps: Services) -> None:
    """更名: the code went to one contact phone, the slots now name another (code slot forged)."""
    log_in(action_deps, ZHANG_WEI)
    case = rename(action_deps)
    before = orders(action_deps)
    slots = code_entered(action_deps, case, dict(case.slots)) | {"contact_phone": "13900000007"}
    assert "联系电话：139****0007" in summary(case, slots)

    confirmed, events = confirm(case, slots)
    submitted, submit_events = submit(case, slots | {"rt_confirmed": True})

    assert responses(confirmed) == ["utter_form_code_again"]
    assert SlotSet("rt_sms_code", None) in events and SlotSet("rt_confirmed", None) in events
    assert responses(submitted) == ["utter_form_code_again"]
    assert submit_events == [SlotSet("rt_confirmed", None), SlotSet("rt_sms_code", None),
                             FollowupAction(case.form.name)]
    assert new_orders(action_deps, before) == []
    clock_of(action_deps).advance(RESEND_INTERVAL)
    fresh = Case(**{**case.__dict__, "code_phone": "13900000007"})
    slots = code_entered(action_deps, fresh, {**slots, "rt_sms_code": None})
    summary(fresh, slots)
    filed_now, _ = submit(fresh, slots | {"rt_confirmed": True})
    filed = new_orders(action_deps, before)
    assert responses(filed_now)[0] == "utter_rt_submitted"
    assert [order.form_data["contact_phone_masked"] for order in filed] == ["139****0007"]


def test_a_summary_left_too_long_is_shown_again(action_deps: Services) -> None:
    log_in(action_deps, LI_NA)
    case = personal(action_deps)
    slots = summarised(action_deps, case)
    clock_of(action_deps).advance(SUMMARY_VALID_FOR + timedelta(minutes=1))

    messages, events = confirm(case, slots)

    assert responses(messages) == ["utter_form_summary_expired"] and messages[0]["minutes"] == 30
    assert SlotSet("ni_confirmed", None) in events


def test_a_declined_summary_cannot_be_submitted_later(action_deps: Services) -> None:
    log_in(action_deps, LI_NA)
    case = personal(action_deps)
    before = orders(action_deps)
    slots = summarised(action_deps, case)

    declined, _ = submit(case, slots | {"ni_confirmed": False})
    replayed, _ = submit(case, slots | {"ni_confirmed": True})

    assert responses(declined) == ["utter_application_not_submitted"]
    assert responses(replayed) == ["utter_form_summary_recheck"]
    assert new_orders(action_deps, before) == []
