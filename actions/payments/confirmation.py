"""The end of the pay_bill form: the summary, the SMS code when one is needed, and the payment.

The summary freezes what it shows (bot.payments.quotes) and "确认支付" pays that
frozen quote, never the slots. Anything changed after the summary — an entity in the
confirming or code turn, a typed ``/confirm_payment{"amount": …}`` or ``/inform{…}`` — voids
it, and a new summary is shown to confirm. Above PAYMENT_SMS_THRESHOLD_YUAN, or from a login
older than PAYMENT_SMS_LOGIN_AGE_MINUTES, the user must also enter a code sent to their phone
for that very quote (bot.payments.second_factor); it is asked and checked the way the
application forms do it (actions/forms/documents.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import call, chat_identity, deps, who_is_talking
from actions.forms import bound_account
from actions.forms.ending import end_form
from actions.forms.retrying import FAILURES_SLOT, RetryingFormValidation
from actions.forms.sms_code import CODE_ACCEPTED, ask_for_code, sms_code_answer
from actions.identity.login import CODE_REJECTIONS
from actions.payments import checkout
from actions.payments.checkout import (
    FORM,
    PAY_FIELDS,
    amount_fen_of,
    amount_owed,
    instrument_id_of,
    instruments_for,
    tell_outcome,
)
from actions.payments.records import publish_receipt
from bot.db.enums import PaymentStatus
from bot.identity.login import LoggedInUser
from bot.identity.verification import CodePurpose, CodeRejection
from bot.money import fen_to_yuan, format_yuan_symbol
from bot.payments.checkout import pay
from bot.payments.ledger import PaymentRecord
from bot.payments.options import InstrumentView, PaymentQuote, amount_answer
from bot.payments.quotes import (
    QUOTE_TTL,
    Quote,
    QuoteOwner,
    QuoteProblem,
    code_entered,
    find_quote,
    freeze_quote,
    payment_request,
    require_code,
    void_quote,
)
from bot.payments.second_factor import FactorPolicy, quote_code_purpose
from bot.text.amounts import AmountError

KEY_SLOT = "payment_key"  # the frozen quote's token
CODE_SLOT = "pay_sms_code"
# Cleared to show a new summary (which freezes a new quote, needing a new code).
RENEW = {"pay_confirmed": None, KEY_SLOT: None, CODE_SLOT: None}
AMOUNT_REJECTIONS = {
    "not_a_number": "utter_amount_not_a_number",
    "not_positive": "utter_amount_not_positive",
    "too_many_decimals": "utter_amount_too_many_decimals",
    "over_limit": "utter_amount_over_limit",
}
_TOKEN = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Payer:
    user: LoggedInUser
    owner: QuoteOwner  # the user in this chat: whom quotes are shown to


async def payer_of(tracker: Tracker) -> Payer | None:
    user = await who_is_talking(tracker)
    if user is None:
        return None
    return Payer(user, QuoteOwner(user.user_id, *chat_identity(tracker)))


async def shown_quote(payer: Payer, tracker: Tracker) -> Quote | QuoteProblem:
    """The quote this chat's summary froze (``payment_key``), if it still counts."""
    token = str(tracker.get_slot(KEY_SLOT) or "")
    if not _TOKEN.fullmatch(token):
        return QuoteProblem.MISSING
    d = deps()
    return await call(find_quote, d.session_factory, d.clock, owner=payer.owner, token=token)


async def payer_and_quote(tracker: Tracker) -> tuple[Payer, Quote] | None:
    """Who is paying and the quote this chat's summary froze; None without either."""
    payer = await payer_of(tracker)
    if payer is None:
        return None
    quote = await shown_quote(payer, tracker)
    return (payer, quote) if isinstance(quote, Quote) else None


class ValidatePayBillForm(RetryingFormValidation):
    """The payment form's answers; after them, whether the confirmation still holds (:meth:`hold`)."""

    def name(self) -> str:
        return "validate_pay_bill_form"

    extract_account_number = staticmethod(bound_account.extract_account_number)
    validate_account_number = staticmethod(bound_account.validate_account_number)
    validate_pay_method = staticmethod(checkout.validate_pay_method)

    async def validate_pay_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        user = await who_is_talking(tracker)
        account = tracker.get_slot("account_number")
        if user is None or not account:
            return {"pay_amount": None}  # asked again once the account is known
        owed = await amount_owed(user.user_id, account)
        if owed is None:
            return {"pay_amount": None}
        try:
            fen = amount_answer(str(value or ""), owed.total_due_fen)
        except AmountError as error:
            return self.reject(dispatcher, tracker, "pay_amount", AMOUNT_REJECTIONS[error.reason])
        return self.accept("pay_amount", f"{fen_to_yuan(fen)}")

    async def validate_pay_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.accept("pay_confirmed", value is True)

    async def validate_pay_sms_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The code sent for the quote shown; accepted, it is recorded on that quote."""
        shown = await payer_and_quote(tracker)
        if shown is None:
            return {CODE_SLOT: None}  # :meth:`hold` shows a new summary
        payer, quote = shown
        answer = await sms_code_answer(CODE_SLOT, value, phone=payer.user.phone,
                                       purpose=quote_code_purpose(quote.quote_id), dispatcher=dispatcher,
                                       tracker=tracker, when_gone=self.code_gone)
        if answer.get(CODE_SLOT) == CODE_ACCEPTED:
            d = deps()
            await call(code_entered, d.session_factory, d.clock, owner=payer.owner, token=quote.token)
        return answer

    async def code_gone(
        self, slot: str, reason: CodeRejection, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """An expired code: a new one is sent. Mistyped too often: this payment is void, and a
        new summary (with a new code) is the only way on."""
        if reason in (CodeRejection.EXPIRED, CodeRejection.NO_CODE):
            dispatcher.utter_message(response="utter_payment_code_gone")
            return {slot: None, FAILURES_SLOT: None}
        payer = await payer_of(tracker)
        if payer is not None and tracker.get_slot(KEY_SLOT):
            d = deps()
            await call(void_quote, d.session_factory, d.clock, owner=payer.owner, token=str(tracker.get_slot(KEY_SLOT)))
        too_many = reason is CodeRejection.TOO_MANY_ATTEMPTS
        dispatcher.utter_message(response="utter_payment_code_too_many" if too_many else CODE_REJECTIONS[reason])
        return {**RENEW, FAILURES_SLOT: None}

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """The code is asked only after "确认支付" of a quote that needs one."""
        if await self._code_needed(tracker):
            return domain_slots
        return [slot for slot in domain_slots if slot != CODE_SLOT]

    async def _code_needed(self, tracker: Tracker) -> bool:
        if tracker.get_slot("pay_confirmed") is not True:
            return False
        shown = await payer_and_quote(tracker)
        return shown is not None and shown[1].needs_code and not shown[1].paid

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        held = await self.hold(dispatcher, tracker)
        tracker.slots.update(held)
        return [*events, *(SlotSet(slot, value) for slot, value in held.items())]

    async def hold(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """The slots to set so that a confirmation (and a code) counts only for the summary as
        it was shown: changed or expired, a new summary is shown; with no summary, one is."""
        confirmed = tracker.get_slot("pay_confirmed")
        if confirmed is False:
            return {}  # 取消: nothing will be paid
        payer = await payer_of(tracker)
        if payer is None:
            return {}  # the form's questions end it
        quote = await shown_quote(payer, tracker)
        if isinstance(quote, QuoteProblem):
            if quote is QuoteProblem.EXPIRED and confirmed:
                dispatcher.utter_message(response="utter_payment_summary_expired",
                                         minutes=int(QUOTE_TTL.total_seconds() // 60))
            return {slot: None for slot in RENEW if tracker.get_slot(slot) is not None}
        if quote.paid:
            return {}  # confirmed twice: the payment made answers for itself
        if not _shows(quote, tracker):
            d = deps()
            await call(void_quote, d.session_factory, d.clock, owner=payer.owner, token=quote.token)
            dispatcher.utter_message(response="utter_payment_summary_changed")
            return dict(RENEW)
        if confirmed is not True:
            return {}
        d = deps()
        now = d.clock.now()
        if not quote.needs_code and FactorPolicy.from_settings(d.settings).code_required(
            quote.amount_fen, logged_in_at=payer.user.logged_in_at, now=now
        ):  # the login grew old since the summary
            await call(require_code, d.session_factory, owner=payer.owner, token=quote.token)
        if tracker.get_slot(CODE_SLOT) is not None and not quote.code_verified:
            return {CODE_SLOT: None}  # only a code checked for this quote counts
        return {}


def _shows(quote: Quote, tracker: Tracker) -> bool:
    """Whether the slots still say what the quote froze."""
    return (
        tracker.get_slot("account_number") == quote.account_number
        and amount_fen_of(tracker.get_slot("pay_amount")) == quote.amount_fen
        and instrument_id_of(tracker.get_slot("pay_method")) == quote.instrument_id
    )


class ActionAskPayConfirmed(Action):
    """The summary to confirm; freezes what it shows as this chat's quote."""

    def name(self) -> str:
        return "action_ask_pay_bill_form_pay_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        payer = await payer_of(tracker)
        summary = await _freeze_summary(payer, tracker) if payer else None
        if summary is None:
            dispatcher.utter_message(response="utter_payment_failed")
            return [*end_form(), *PAY_FIELDS.reset_events(retry_count=False)]
        frozen, owed, instrument = summary
        dispatcher.utter_message(
            response="utter_ask_pay_bill_form_pay_confirmed", account_number=owed.account_number,
            holder=owed.holder_masked, amount=format_yuan_symbol(frozen.amount_fen), method=instrument.label,
        )
        return [SlotSet(KEY_SLOT, frozen.token), SlotSet(CODE_SLOT, None)]


async def _freeze_summary(payer: Payer, tracker: Tracker) -> tuple[Quote, PaymentQuote, InstrumentView] | None:
    """Freeze what the slots say as this chat's quote, with what the summary shows of it;
    None when the account, amount or method is missing or no longer holds."""
    account = tracker.get_slot("account_number")
    amount_fen = amount_fen_of(tracker.get_slot("pay_amount"))
    owed = await amount_owed(payer.user.user_id, account) if account else None
    method = instrument_id_of(tracker.get_slot("pay_method"))
    mine = await instruments_for(payer.user.user_id)
    instrument = next((i for i in mine if i.id == method), None)
    if owed is None or amount_fen is None or instrument is None:
        return None
    d = deps()
    needs_code = FactorPolicy.from_settings(d.settings).code_required(
        amount_fen, logged_in_at=payer.user.logged_in_at, now=d.clock.now())
    frozen = await call(freeze_quote, d.session_factory, d.clock, owner=payer.owner,
                        account_number=owed.account_number, amount_fen=amount_fen,
                        instrument_id=instrument.id, needs_code=needs_code)
    return (frozen, owed, instrument) if isinstance(frozen, Quote) else None


async def payment_code_destination(tracker: Tracker) -> tuple[str | None, str]:
    """The user's own phone and the quote shown: no quote, no code."""
    shown = await payer_and_quote(tracker)
    if shown is None:
        return None, str(CodePurpose.PAYMENT)
    payer, quote = shown
    return payer.user.phone, quote_code_purpose(quote.quote_id)


class ActionAskPayCode(Action):
    """"验证码已发送至138****0001": a code for the quote shown, to the user's own phone."""

    def name(self) -> str:
        return f"action_ask_{FORM}_{CODE_SLOT}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_for_code(dispatcher, tracker, slot=CODE_SLOT, destination=payment_code_destination,
                                  question="utter_ask_pay_sms_code")


class ActionSubmitPayment(Action):
    """Pays the quote confirmed: exactly it, once, whatever is retried; the truth about the outcome."""

    def name(self) -> str:
        return "action_submit_payment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        reset = PAY_FIELDS.reset_events()
        payer = await payer_of(tracker)
        if payer is None:
            return reset
        token = str(tracker.get_slot(KEY_SLOT) or "")
        d = deps()
        if tracker.get_slot("pay_confirmed") is not True:
            if _TOKEN.fullmatch(token):
                await call(void_quote, d.session_factory, d.clock, owner=payer.owner, token=token)
            dispatcher.utter_message(response="utter_payment_not_confirmed")
            return reset
        request = (await call(payment_request, d.session_factory, d.clock, owner=payer.owner, token=token)
                   if _TOKEN.fullmatch(token) else QuoteProblem.MISSING)
        if isinstance(request, QuoteProblem):
            dispatcher.utter_message(response="utter_payment_failed")
            return reset
        outcome = await pay(d.session_factory, d.clock, d.payment_gateway, request)
        tell_outcome(dispatcher, outcome)
        if isinstance(outcome, PaymentRecord) and outcome.status is PaymentStatus.SUCCEEDED and outcome.receipt_no:
            url = await publish_receipt(domain, payer.user.user_id, outcome.receipt_no)
            if url:
                dispatcher.utter_message(response="utter_receipt_ready", receipt_no=outcome.receipt_no, url=url)
        return reset

