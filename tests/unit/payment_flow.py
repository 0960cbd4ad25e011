"""Driving the pay_bill form turn by turn the way Rasa does, for the payment action tests.

A user turn inside the form: the domain's mappings turn the message into slot candidates,
``validate_pay_bill_form`` validates them, and the form then asks the first required slot
still empty (or the one the validator names); when none is left, ``action_submit_payment``
runs. :func:`form_turn` does exactly that with the real actions.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from actions.payments.confirmation import (
    ActionAskPayCode,
    ActionAskPayConfirmed,
    ActionSubmitPayment,
    ValidatePayBillForm,
)
from bot.container import Services
from bot.db.models import PaymentInstrument
from tests.unit.action_harness import CHANNEL, DOMAIN, SENDER, T0, clock_of, make_tracker, responses, run
from tests.unit.gateway_fixtures import DemoGateway

FORM = "pay_bill_form"
ASKS = {"pay_confirmed": ActionAskPayConfirmed, "pay_sms_code": ActionAskPayCode}


def advance(deps: Services, gateway: DemoGateway, delta: timedelta) -> None:
    """Move "now" on for the actions and the gateway alike (its answers are signed with its time)."""
    clock_of(deps).advance(delta)
    gateway.clock.advance(delta)


def instrument_slot(deps: Services, token: str) -> str:
    with deps.session_factory.session_scope() as session:
        return f"instrument:{session.scalar(select(PaymentInstrument.id).where(PaymentInstrument.token == token))}"


@dataclass
class Turn:
    """What one turn did: the replies (validation, question or payment) and the slots after it."""

    messages: list[dict[str, Any]]
    slots: dict[str, Any]
    asked: str | None  # the slot asked next; None when the form was done and the payment ran

    @property
    def responses(self) -> list[str]:
        return responses(self.messages)


def _slot_events(values: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"event": "slot", "name": name, "value": value, "timestamp": T0} for name, value in values.items()]


def _apply(slots: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    return {**slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}


def ask(slot: str, slots: dict[str, Any], *, sender: str = SENDER, channel: str = CHANNEL) -> Turn:
    """The form asks ``slot`` (its action_ask_… runs)."""
    slots = {**slots, "requested_slot": slot}
    tracker = make_tracker(intent=None, slots=slots, active_loop=FORM, sender=sender, channel=channel)
    messages, events = run(ASKS[slot](), tracker)
    return Turn(messages, _apply(slots, events), slot)


def summary(deps: Services, *, amount: str, token: str = "zw-card", account: str = "3301000001",
            sender: str = SENDER, channel: str = CHANNEL) -> Turn:
    """The form filled up to the summary, which is shown (and frozen)."""
    slots = {"account_number": account, "pay_amount": amount, "pay_method": instrument_slot(deps, token)}
    return ask("pay_confirmed", slots, sender=sender, channel=channel)


def form_turn(
    before: Turn, *, intent: str = "inform", text: str = "", entities: dict[str, str] | None = None,
    candidates: dict[str, Any], sender: str = SENDER, channel: str = CHANNEL,
) -> Turn:
    """The user answers ``before``'s question; ``candidates`` are the slots the domain's mappings
    extract from the message. Then the next question is asked, or the payment is made."""
    slots = {**before.slots, **candidates}
    tracker = make_tracker(intent=intent, text=text, entities=entities, slots=slots, active_loop=FORM,
                           sender=sender, channel=channel, after=_slot_events(candidates))
    messages, events = run(ValidatePayBillForm(), tracker)
    slots = _apply(slots, events)
    named = [e["value"] for e in events if e.get("name") == "requested_slot"]
    asked = named[0] if named else _first_empty(slots)
    if asked is None:
        tracker = make_tracker(intent=intent, text=text, entities=entities, slots={**slots, "requested_slot": None},
                               sender=sender, channel=channel)
        paid, events = run(ActionSubmitPayment(), tracker)
        return Turn(messages + paid, _apply(slots, events), None)
    question = ask(asked, slots, sender=sender, channel=channel)
    return Turn(messages + question.messages, question.slots, asked)


def _first_empty(slots: dict[str, Any]) -> str | None:
    """Rasa's choice when the validator names no slot: the first empty one the domain lists."""
    return next((slot for slot in DOMAIN["forms"][FORM]["required_slots"] if slots.get(slot) is None), None)


def confirm(before: Turn, **entities: str) -> Turn:
    """"确认支付" (or ``/confirm_payment{...}`` with ``entities``): pay_confirmed, plus what the
    entities fill (amount → pay_amount, account_number, payment_method → pay_method)."""
    candidates: dict[str, Any] = {"pay_confirmed": True}
    names = {"amount": "pay_amount", "account_number": "account_number", "payment_method": "pay_method"}
    candidates.update({names[entity]: value for entity, value in entities.items()})
    return form_turn(before, intent="confirm_payment", entities=entities or None, candidates=candidates)


def enter_code(before: Turn, code: str) -> Turn:
    return form_turn(before, text=code, entities={"verification_code": code}, candidates={"pay_sms_code": code})

