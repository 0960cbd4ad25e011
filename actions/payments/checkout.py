"""缴费 (pay arrears or prepay): the pay_bill form's questions and telling how a payment went.

The form asks for the account (named → default → buttons), the amount (the whole amount
owed by default, or prepayment when nothing is owed), the method (电e宝 or a bank card)
and an explicit "确认支付" of a frozen summary, with an SMS code when one is needed
(actions/payments/confirmation.py). Users can set slots by typing ``/intent{...}``: what is
paid is the frozen summary, never the slots.
"""
from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import call, deps, who_is_talking
from actions.forms.retrying import RetryingFormValidation
from bot.accounts.binding import Resolution, ResolutionKind, resolve_account
from bot.db.enums import InstrumentKind, PaymentStatus
from bot.money import fen_to_yuan, format_yuan_symbol, yuan_to_fen
from bot.payments.gateway import GatewayError, GatewayOutcomeUnknown
from bot.payments.ledger import PaymentRecord, PaymentRefused
from bot.payments.options import (
    INSTRUMENT_PREFIX,
    InstrumentView,
    PaymentQuote,
    choose_instrument,
    instruments_of,
    payment_quote,
)
from bot.text.request_words import confirms_an_action

FORM = "pay_bill_form"
PAY_SLOTS = ("account_number", "pay_amount", "pay_method", "pay_confirmed", "payment_key", "pay_sms_code")
PREPAY_SUGGESTIONS = ("50", "100", "200")
DECLINE_RESPONSES = {
    "insufficient_funds": "utter_payment_declined_insufficient_funds",
    "card_frozen": "utter_payment_declined_card_frozen",
}


def _payload(intent: str, **entities: str) -> str:
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"


def end_form() -> list[EventType]:
    """Ends the form at once (its question found nothing to ask)."""
    return [ActiveLoop(None), SlotSet("requested_slot", None)]


async def amount_owed(user_id: int, account_number: str) -> PaymentQuote | None:
    """What the account owes (and its holder, masked) if the user has bound it."""
    d = deps()
    quote = await call(payment_quote, d.session_factory, d.clock, user_id=user_id, account_number=account_number)
    return quote if isinstance(quote, PaymentQuote) else None


async def instruments_for(user_id: int) -> list[InstrumentView]:
    return await call(instruments_of, deps().session_factory, user_id)


def amount_fen_of(slot_value: Any) -> int | None:
    """The validated amount slot ("128.58") in fen; None if it is not a payable amount."""
    try:
        return yuan_to_fen(Decimal(str(slot_value)))
    except (InvalidOperation, ValueError, TypeError):
        return None


def instrument_id_of(slot_value: Any) -> int | None:
    """The instrument id in a validated method slot ("instrument:12"), else None."""
    text = str(slot_value or "")
    wanted = text.removeprefix(INSTRUMENT_PREFIX)
    return int(wanted) if text.startswith(INSTRUMENT_PREFIX) and wanted.isdigit() else None


class AccountAndMethodValidation(RetryingFormValidation):
    """What the payment and auto-debit forms share: a bound account (the default when none is
    named) and one of the user's own ways to pay."""

    async def extract_account_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """On entry without a named account, use the default (or the only) bound account."""
        if tracker.get_slot("account_number") or tracker.get_slot("requested_slot"):
            return {}
        user = await who_is_talking(tracker)
        if user is None:
            return {}
        resolved = await call(resolve_account, deps().session_factory, user_id=user.user_id, named=None)
        return {} if isinstance(resolved, Resolution) else {"account_number": resolved}

    async def validate_account_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        user = await who_is_talking(tracker)
        if user is None:
            return {"account_number": None}
        resolved = await call(resolve_account, deps().session_factory, user_id=user.user_id, named=str(value or ""))
        if isinstance(resolved, Resolution):
            return self.reject(dispatcher, tracker, "account_number", "utter_account_not_bound")
        return self.accept("account_number", resolved)

    async def validate_pay_method(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        user = await who_is_talking(tracker)
        if user is None:
            return {"pay_method": None}
        chosen = choose_instrument(await instruments_for(user.user_id), str(value or ""))
        if chosen is None:
            return self.reject(
                dispatcher, tracker, "pay_method", "utter_method_not_available",
                method=str(value or "").removeprefix(INSTRUMENT_PREFIX),
            )
        return self.accept("pay_method", f"{INSTRUMENT_PREFIX}{chosen.id}")


class ActionAskPayAccount(Action):
    """Which account: buttons of the bound accounts; with none, binding comes first."""

    form = FORM
    ask_response = "utter_ask_account_for_payment"

    def name(self) -> str:
        return f"action_ask_{self.form}_account_number"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        user = await who_is_talking(tracker)
        if user is None:
            return end_form()
        resolved = await call(resolve_account, deps().session_factory, user_id=user.user_id, named=None)
        if isinstance(resolved, Resolution) and resolved.kind is ResolutionKind.NONE_BOUND:
            dispatcher.utter_message(response="utter_pay_no_accounts")
            return end_form()
        choices = resolved.choices if isinstance(resolved, Resolution) else ()
        numbers = [c.account_number for c in choices] or [str(resolved)]
        dispatcher.utter_message(response=self.ask_response, buttons=[
            {"title": number, "payload": _payload("inform", account_number=number)} for number in numbers
        ])
        return []


class ActionAskPayAmount(Action):
    """How much: the whole amount owed as a button, or prepayment suggestions when nothing is owed."""

    def name(self) -> str:
        return "action_ask_pay_bill_form_pay_amount"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        user = await who_is_talking(tracker)
        quote = await amount_owed(user.user_id, tracker.get_slot("account_number")) if user else None
        if quote is None:
            dispatcher.utter_message(response="utter_account_not_bound")
            return [*end_form(), SlotSet("account_number", None)]
        if quote.total_due_fen > 0:
            due = f"{fen_to_yuan(quote.total_due_fen)}"
            dispatcher.utter_message(
                response="utter_pay_amount_due", account_number=quote.account_number, holder=quote.holder_masked,
                due=format_yuan_symbol(quote.total_due_fen), late_fee=format_yuan_symbol(quote.late_fee_fen),
                buttons=[{"title": f"全部缴清 {format_yuan_symbol(quote.total_due_fen)}",
                          "payload": _payload("inform", amount=due)}],
            )
        else:
            dispatcher.utter_message(
                response="utter_pay_nothing_due", account_number=quote.account_number, holder=quote.holder_masked,
                prepaid=format_yuan_symbol(quote.prepaid_balance_fen),
                buttons=[{"title": f"预存{yuan}元", "payload": _payload("inform", amount=yuan)}
                         for yuan in PREPAY_SUGGESTIONS],
            )
        return []


class ActionAskPayMethod(Action):
    """电e宝余额 (with what it holds, when the gateway says) or one of the user's cards."""

    form = FORM

    def name(self) -> str:
        return f"action_ask_{self.form}_pay_method"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        user = await who_is_talking(tracker)
        instruments = await instruments_for(user.user_id) if user else []
        if not instruments:
            dispatcher.utter_message(response="utter_no_payment_methods")
            return end_form()
        buttons = [
            {"title": await self._title(i), "payload": _payload("inform", payment_method=f"{INSTRUMENT_PREFIX}{i.id}")}
            for i in instruments
        ]
        dispatcher.utter_message(response="utter_ask_pay_method", buttons=buttons)
        return []

    @staticmethod
    async def _title(instrument: InstrumentView) -> str:
        if instrument.kind is not InstrumentKind.WALLET:
            return instrument.label
        try:
            held = await deps().payment_gateway.balance(instrument.token)
        except (GatewayOutcomeUnknown, GatewayError):
            return instrument.label
        return f"{instrument.label}（可用{format_yuan_symbol(held)}）"


def _after_payment_buttons(account_number: str) -> list[dict[str, str]]:
    return [
        {"title": "开具发票", "payload": _payload("request_invoice", account_number=account_number)},
        {"title": "缴费记录", "payload": _payload("query_payments", account_number=account_number)},
    ]


def tell_outcome(dispatcher: CollectingDispatcher, outcome: PaymentRecord | PaymentRefused) -> None:
    """Success with the new balance, pending, or the decline and another way to pay."""
    if isinstance(outcome, PaymentRefused):
        dispatcher.utter_message(response="utter_payment_failed")
        return
    if outcome.existing and outcome.status is not PaymentStatus.PENDING:
        dispatcher.utter_message(response="utter_payment_already_done")
    if outcome.status is PaymentStatus.SUCCEEDED:
        dispatcher.utter_message(
            response="utter_payment_succeeded", account_number=outcome.account_number,
            amount=format_yuan_symbol(outcome.amount_fen), receipt_no=outcome.receipt_no,
            due=format_yuan_symbol(outcome.account_due_fen), prepaid=format_yuan_symbol(outcome.prepaid_balance_fen),
            buttons=_after_payment_buttons(outcome.account_number),
        )
    elif outcome.status is PaymentStatus.PENDING:
        dispatcher.utter_message(response="utter_payment_pending")
    else:
        retry = _payload("pay_bill", account_number=outcome.account_number, amount=f"{fen_to_yuan(outcome.amount_fen)}")
        dispatcher.utter_message(
            response=DECLINE_RESPONSES.get(outcome.failure_reason or "", "utter_payment_declined_other"),
            buttons=[{"title": "换一种方式支付", "payload": retry}],
        )


class ActionAffirmWithoutQuestion(Action):
    """A yes with nothing asked. "确认" or "确定支付" is told plainly that nothing is waiting to be
    confirmed and nothing is charged; a plain "好的" just gets "anything else?"."""

    def name(self) -> str:
        return "action_affirm_without_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = (tracker.latest_message or {}).get("text")
        dispatcher.utter_message(
            response="utter_no_payment_to_confirm" if confirms_an_action(text) else "utter_anything_else"
        )
        return []
