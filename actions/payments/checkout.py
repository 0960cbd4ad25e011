"""缴费 (pay arrears or prepay): the pay_bill form's questions and telling how a payment went.

The form asks for the account (named → default → buttons), the amount (the whole amount
owed by default, or prepayment when nothing is owed), the method (电e宝 or a bank card)
and an explicit "确认支付" of a frozen summary, with an SMS code when one is needed
(actions/payments/confirmation.py). Users can set slots by typing ``/intent{...}``: what is
paid is the frozen summary, never the slots.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import call, deps, who_is_talking
from actions.forms.bound_account import ask_for_bound_account
from actions.forms.ending import end_form
from actions.forms.fields import FormFields
from actions.forms.retrying import accept, reject
from bot.conversation.payloads import button
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
# What is paid is the frozen quote (bot.payments.quotes), never the slots: the table clears the form.
PAY_FIELDS = FormFields(
    other_slots=("account_number", "pay_amount", "pay_method", "pay_confirmed", "payment_key", "pay_sms_code"),
)
PREPAY_SUGGESTIONS = ("50", "100", "200")
DECLINE_RESPONSES = {
    "insufficient_funds": "utter_payment_declined_insufficient_funds",
    "card_frozen": "utter_payment_declined_card_frozen",
}


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


async def pay_method_answer(value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """The way-to-pay step (缴费, 智能交费): one of the user's own 电e宝 or cards."""
    user = await who_is_talking(tracker)
    if user is None:
        return {"pay_method": None}
    chosen = choose_instrument(await instruments_for(user.user_id), str(value or ""))
    if chosen is None:
        return reject(
            dispatcher, tracker, "pay_method", "utter_method_not_available",
            method=str(value or "").removeprefix(INSTRUMENT_PREFIX),
        )
    return accept("pay_method", f"{INSTRUMENT_PREFIX}{chosen.id}")


async def validate_pay_method(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    """:func:`pay_method_answer` as a form's ``validate_pay_method`` (Rasa's signature)."""
    return await pay_method_answer(value, dispatcher, tracker)


class ActionAskPayAccount(Action):
    """Which account to pay for, as buttons; with none bound, binding comes first. Rasa asks
    with it in every form that has no account question of its own: pay_bill_form, autopay_form."""

    def name(self) -> str:
        return "action_ask_account_number"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_for_bound_account(
            dispatcher, tracker, question="utter_ask_account_for_payment", none_bound="utter_pay_no_accounts"
        )


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
                buttons=[button(f"全部缴清 {format_yuan_symbol(quote.total_due_fen)}", "inform", amount=due)],
            )
        else:
            dispatcher.utter_message(
                response="utter_pay_nothing_due", account_number=quote.account_number, holder=quote.holder_masked,
                prepaid=format_yuan_symbol(quote.prepaid_balance_fen),
                buttons=[button(f"预存{yuan}元", "inform", amount=yuan) for yuan in PREPAY_SUGGESTIONS],
            )
        return []


class ActionAskPayMethod(Action):
    """电e宝余额 (with what it holds, when the gateway says) or one of the user's cards. Rasa asks
    with it in every form that has no way-to-pay question of its own: pay_bill_form, autopay_form."""

    def name(self) -> str:
        return "action_ask_pay_method"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        user = await who_is_talking(tracker)
        instruments = await instruments_for(user.user_id) if user else []
        if not instruments:
            dispatcher.utter_message(response="utter_no_payment_methods")
            return end_form()
        buttons = [
            button(await self._title(i), "inform", payment_method=f"{INSTRUMENT_PREFIX}{i.id}") for i in instruments
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
        button("开具发票", "request_invoice", account_number=account_number),
        button("缴费记录", "query_payments", account_number=account_number),
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
        retry = button("换一种方式支付", "pay_bill",
                       account_number=outcome.account_number, amount=f"{fen_to_yuan(outcome.amount_fen)}")
        dispatcher.utter_message(
            response=DECLINE_RESPONSES.get(outcome.failure_reason or "", "utter_payment_declined_other"),
            buttons=[retry],
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
