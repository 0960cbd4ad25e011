"""智能交费 (auto-debit): sign up, change the card or cancel, each confirmed in chat; a sign-up or
card change then needs the SMS code sent to the user's phone. Only the mandate's signer sees or
changes it: another binder is told it is set up by someone else, and the signer hears of it."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import REQUEST_TEXT_SLOT, call, deps, who_is_talking
from actions.forms import bound_account
from actions.forms.fields import FormFields
from actions.forms.retrying import RetryingFormValidation
from actions.forms.sms_code import CODE_ACCEPTED, ask_for_code, sms_code_answer
from actions.payments import checkout
from actions.payments.checkout import instrument_id_of
from bot.accounts.binding import NotBound
from bot.conversation.payloads import button
from bot.identity.verification import CodePurpose
from bot.payments.autopay import AutopayChange, AutopayStatus, autopay_status, cancel, report_attempt, sign_up
from bot.payments.options import instruments_of
from bot.text.request_words import AUTOPAY_CANCEL, AUTOPAY_CHANGE_CARD, AUTOPAY_SIGN_UP, autopay_choice

FORM = "autopay_form"
CODE_SLOT = "autopay_sms_code"
# What is filed is read where it is used (the choice decides what); the table clears the form.
AUTOPAY_FIELDS = FormFields(
    other_slots=("account_number", "autopay_choice", "pay_method", "autopay_confirmed", CODE_SLOT),
)
OUTCOME_RESPONSES = {
    AutopayChange.SIGNED_UP: "utter_autopay_signed_up",
    AutopayChange.CARD_CHANGED: "utter_autopay_card_changed",
    AutopayChange.UNCHANGED: "utter_autopay_unchanged",
    AutopayChange.CANCELLED: "utter_autopay_cancelled",
    AutopayChange.NOT_SIGNED_UP: "utter_autopay_not_signed_up",
    AutopayChange.NOT_YOUR_INSTRUMENT: "utter_payment_failed",
    AutopayChange.HELD_BY_OTHER: "utter_autopay_held_by_other",
    AutopayChange.CODE_REQUIRED: "utter_autopay_code_required",
}
CONFIRM_QUESTIONS = {
    AUTOPAY_SIGN_UP: "utter_ask_autopay_sign_up",
    AUTOPAY_CHANGE_CARD: "utter_ask_autopay_change_card",
    AUTOPAY_CANCEL: "utter_ask_autopay_cancel",
}


async def _status(tracker: Tracker) -> AutopayStatus | None:
    user = await who_is_talking(tracker)
    account = tracker.get_slot("account_number")
    if user is None or not account:
        return None
    status = await call(autopay_status, deps().session_factory, user_id=user.user_id, account_number=account)
    return status if isinstance(status, AutopayStatus) else None


class ValidateAutopayForm(RetryingFormValidation):
    def name(self) -> str:
        return "validate_autopay_form"

    extract_account_number = staticmethod(bound_account.extract_account_number)
    validate_account_number = staticmethod(bound_account.validate_account_number)
    validate_pay_method = staticmethod(checkout.validate_pay_method)

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """Cancelling needs no card and no code; a change declined needs no code."""
        skipped: set[str] = set()
        if tracker.get_slot("autopay_choice") == AUTOPAY_CANCEL:
            skipped |= {"pay_method", CODE_SLOT}
        if tracker.get_slot("autopay_confirmed") is False:
            skipped.add(CODE_SLOT)
        return [slot for slot in domain_slots if slot not in skipped]

    async def extract_autopay_choice(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """On entry, the request's own words may already say it: "取消代扣", "代扣换卡"."""
        if tracker.get_slot("autopay_choice") or tracker.get_slot("requested_slot"):
            return {}
        choice = autopay_choice(tracker.get_slot(REQUEST_TEXT_SLOT))
        return {"autopay_choice": choice} if choice else {}

    async def validate_autopay_choice(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        choice = autopay_choice(str(value or ""))
        status = await _status(tracker)
        if status is None or status.held_by_other:
            return {"autopay_choice": None}  # the question says why (or asks once the account is known)
        if choice is None:
            return self.reject(dispatcher, tracker, "autopay_choice", "utter_autopay_choice_unclear")
        signed_up = status.instrument_id is not None
        if choice == AUTOPAY_CANCEL and not signed_up:
            dispatcher.utter_message(response="utter_autopay_not_signed_up", account_number=status.account_number)
            return {"autopay_choice": None}
        # Signing up what is signed up is changing its card, and the other way round.
        if choice != AUTOPAY_CANCEL:
            choice = AUTOPAY_CHANGE_CARD if signed_up else AUTOPAY_SIGN_UP
        return self.accept("autopay_choice", choice)

    async def validate_autopay_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # Each confirmation is followed by a code of its own, never one entered for an earlier one.
        return self.accept("autopay_confirmed", value is True, **{CODE_SLOT: None})

    async def validate_autopay_sms_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        user = await who_is_talking(tracker)
        return await sms_code_answer(CODE_SLOT, value, phone=user.phone if user else None, purpose=CodePurpose.AUTOPAY,
                                   dispatcher=dispatcher, tracker=tracker)


class ActionAskAutopayChoice(Action):
    """The account's auto-debit state, with what can be done about it as buttons."""

    def name(self) -> str:
        return "action_ask_autopay_form_autopay_choice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        status = await _status(tracker)
        if status is None:
            dispatcher.utter_message(response="utter_account_not_bound")
            return [SlotSet("account_number", None)]
        if status.held_by_other:
            dispatcher.utter_message(response="utter_autopay_held_by_other", account_number=status.account_number)
            user = await who_is_talking(tracker)
            if user is not None:
                d = deps()
                await call(report_attempt, d.session_factory, d.clock, user_id=user.user_id,
                           account_number=status.account_number)
            return [ActiveLoop(None), SlotSet("requested_slot", None), *AUTOPAY_FIELDS.reset_events(retry_count=False)]
        if status.instrument_id is None:
            dispatcher.utter_message(response="utter_autopay_status_off", account_number=status.account_number,
                                     buttons=[_choice_button("开通自动扣款", AUTOPAY_SIGN_UP)])
        else:
            dispatcher.utter_message(
                response="utter_autopay_status_on", account_number=status.account_number, method=status.method_label,
                buttons=[
                    _choice_button("更换扣款方式", AUTOPAY_CHANGE_CARD), _choice_button("取消自动扣款", AUTOPAY_CANCEL),
                ],
            )
        return []


def _choice_button(title: str, choice: str) -> dict[str, str]:
    return button(title, "inform", autopay_choice=choice)


class ActionAskAutopayConfirmed(Action):
    """What will change, to be confirmed."""

    def name(self) -> str:
        return "action_ask_autopay_form_autopay_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        status = await _status(tracker)
        user = await who_is_talking(tracker)
        instruments = await call(instruments_of, deps().session_factory, user.user_id) if user else []
        labels = {i.id: i.label for i in instruments}
        choice = tracker.get_slot("autopay_choice")
        method = labels.get(instrument_id_of(tracker.get_slot("pay_method")) or 0)
        if status is None or status.held_by_other or choice not in CONFIRM_QUESTIONS or (
            choice != AUTOPAY_CANCEL and method is None
        ):
            dispatcher.utter_message(response="utter_payment_failed")
            return AUTOPAY_FIELDS.reset_events(retry_count=False)
        dispatcher.utter_message(
            response=CONFIRM_QUESTIONS[choice], account_number=status.account_number, method=method or "",
            old_method=status.method_label or "",
        )
        return []


async def autopay_code_destination(tracker: Tracker) -> tuple[str | None, str]:
    """The user's own (login) phone."""
    user = await who_is_talking(tracker)
    return (user.phone if user else None), str(CodePurpose.AUTOPAY)


class ActionAskAutopayCode(Action):
    """The code goes to the user's own (login) phone."""

    def name(self) -> str:
        return f"action_ask_{FORM}_{CODE_SLOT}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_for_code(dispatcher, tracker, slot=CODE_SLOT, destination=autopay_code_destination,
                                  question="utter_ask_autopay_sms_code")


class ActionSubmitAutopay(Action):
    """Carries out the confirmed change; the service checks account, instrument, ownership and
    (for a sign-up or card change) the SMS code again."""

    def name(self) -> str:
        return "action_submit_autopay"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        reset = AUTOPAY_FIELDS.reset_events()
        user = await who_is_talking(tracker)
        account, choice = tracker.get_slot("account_number"), tracker.get_slot("autopay_choice")
        if user is None or not account or choice not in CONFIRM_QUESTIONS:
            return reset
        if tracker.get_slot("autopay_confirmed") is not True:
            dispatcher.utter_message(response="utter_autopay_not_confirmed")
            return reset
        d = deps()
        if choice == AUTOPAY_CANCEL:
            outcome = await call(cancel, d.session_factory, d.clock, user_id=user.user_id, account_number=account)
        else:
            instrument = instrument_id_of(tracker.get_slot("pay_method"))
            if instrument is None:
                dispatcher.utter_message(response="utter_payment_failed")
                return reset
            if tracker.get_slot(CODE_SLOT) != CODE_ACCEPTED:
                dispatcher.utter_message(response="utter_autopay_code_required")
                return reset
            outcome = await call(
                sign_up, d.session_factory, d.clock,
                user_id=user.user_id, account_number=account, instrument_id=instrument,
            )
        if isinstance(outcome, NotBound):
            dispatcher.utter_message(response="utter_account_not_bound")
        else:
            dispatcher.utter_message(response=OUTCOME_RESPONSES[outcome], account_number=account)
        return reset
