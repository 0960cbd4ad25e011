"""The report_fault form: where (a bound account, or an address parsed as in 新装), a known outage
there (shown, with the offer to stop), the fault type (buttons), a short description, a photo
(logged in, on a channel that carries files; may be skipped), the contact phone (the logged-in
user's by default; another number, and always an anonymous reporter's, confirmed by SMS code),
then a summary to confirm."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import call, chat_identity, deps, latest_intent, who_is_talking
from actions.files.uploads import FILE_INTENT
from actions.forms.documents import document_answer
from actions.forms.retrying import RetryingFormValidation
from actions.forms.sms_code import ask_for_code, sms_code_answer
from bot.accounts.binding import Resolution, resolve_account
from bot.channels.capabilities import shows_images
from bot.conversation.payloads import button
from bot.identity.phones import normalize_mobile
from bot.repairs.places import (
    FaultPlace,
    PlaceProblem,
    PlaceProblemReason,
    outages_now,
    place_from_text,
    place_of_account,
)
from bot.repairs.reports import description_ok, fault_type_named

FORM = "report_fault_form"
CODE_PURPOSE = "fault_report"  # what the SMS code confirms (bot.identity.verification: any string)
MINE = "mine"  # rf_phone from the "use my number" button
SKIPPED = "skip"  # rf_photo without a photo
_SKIP_WORDS = ("跳过", "没有", "不用", "不发", "无", "算了", "不拍")
_PLACE_PROBLEMS = {
    PlaceProblemReason.EMPTY: "utter_rf_place_vague",
    PlaceProblemReason.TOO_VAGUE: "utter_rf_place_vague",
    PlaceProblemReason.NO_DISTRICT: "utter_rf_place_no_district",
    PlaceProblemReason.OUTSIDE_REGION: "utter_rf_place_outside",
}


def typed(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


async def bound_place(tracker: Tracker, value: str, user_id: int | None) -> str | None:
    """The 户号 of the user's bound account ``value`` names, else None."""
    if user_id is None or not value.strip():
        return None
    resolved = await call(resolve_account, deps().session_factory, user_id=user_id, named=value)
    return None if isinstance(resolved, Resolution) else str(resolved)


async def contact_phone(tracker: Tracker) -> str | None:
    """The phone in rf_phone: the logged-in user's for "mine", else the number typed."""
    value = str(tracker.get_slot("rf_phone") or "")
    if value == MINE:
        user = await who_is_talking(tracker)
        return user.phone if user else None
    return normalize_mobile(value)


async def code_needed(tracker: Tracker) -> bool:
    """An SMS code confirms any phone but the logged-in user's own."""
    user = await who_is_talking(tracker)
    phone = await contact_phone(tracker)
    return user is None or phone is None or phone != user.phone


def show_outages(dispatcher: CollectingDispatcher, outages: list[Any]) -> None:
    for outage in outages:
        dispatcher.utter_message(
            response="utter_rf_known_outage", kind=outage.kind.value, area=outage.area_label, reason=outage.reason,
            starts=f"{outage.starts_at:%m月%d日 %H:%M}", ends=f"{outage.ends_at:%m月%d日 %H:%M}",
        )


class ValidateReportFaultForm(RetryingFormValidation):
    def name(self) -> str:
        return "validate_report_fault_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """rf_go_on only after a known outage (and nothing more once the user stops); a photo only
        logged in on a channel that carries files; a code only for a phone not the user's own."""
        slots = ["rf_place"]
        if tracker.get_slot("rf_outage_known"):
            slots.append("rf_go_on")
            if tracker.get_slot("rf_go_on") is False:
                return slots
        slots += ["rf_fault_type", "rf_description"]
        user = await who_is_talking(tracker)
        if user is not None and shows_images(chat_identity(tracker)[0]):
            slots.append("rf_photo")
        slots.append("rf_phone")
        if tracker.get_slot("rf_phone") and await code_needed(tracker):
            slots.append("rf_sms_code")
        slots.append("rf_confirmed")
        return slots

    async def validate_rf_place(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        user = await who_is_talking(tracker)
        d = deps()
        account = await bound_place(tracker, str(value or ""), user.user_id if user else None)
        place: FaultPlace | PlaceProblem | None
        if account is not None:
            place = await call(place_of_account, d.session_factory, account)
        else:
            place = place_from_text(str(value or "")) if str(value or "").strip() else None
            whole = typed(tracker)  # the entity cut out of the message can miss an end
            if not isinstance(place, FaultPlace) and whole.strip() and whole != str(value or ""):
                place = place_from_text(whole)
        if place is None:
            return self.reject(dispatcher, tracker, "rf_place", "utter_rf_place_vague")
        if isinstance(place, PlaceProblem):
            if user is not None and str(value or "").strip().isdigit():
                return self.reject(dispatcher, tracker, "rf_place", "utter_rf_place_not_bound")
            return self.reject(dispatcher, tracker, "rf_place", _PLACE_PROBLEMS[place.reason], named=place.named or "")
        dispatcher.utter_message(response="utter_rf_place_taken", address=place.address)
        outages = await call(outages_now, d.session_factory, d.clock, place)
        show_outages(dispatcher, outages)
        place_value = place.account_number or place.address
        return self.accept("rf_place", place_value, rf_outage_known=bool(outages),
                           rf_outage_ids=[o.id for o in outages], rf_go_on=None)

    async def validate_rf_go_on(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is True or value is False:
            return self.accept("rf_go_on", value)
        return self.reject(dispatcher, tracker, "rf_go_on", "utter_explain_rf_go_on")

    async def validate_rf_fault_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        kind = fault_type_named(str(value or ""))
        if kind is None:
            return self.reject(dispatcher, tracker, "rf_fault_type", "utter_rf_fault_type_unclear")
        return self.accept("rf_fault_type", kind.value)

    async def validate_rf_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if text.startswith("/") or not description_ok(text):
            return self.reject(dispatcher, tracker, "rf_description", "utter_rf_description_invalid")
        return self.accept("rf_description", text)

    async def validate_rf_photo(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if latest_intent(tracker) == FILE_INTENT:
            return await document_answer("rf_photo", dispatcher, tracker)
        text = str(value or "")
        if text == SKIPPED or any(word in text for word in _SKIP_WORDS):
            return self.accept("rf_photo", SKIPPED)
        return self.reject(dispatcher, tracker, "rf_photo", "utter_rf_photo_needed")

    async def validate_rf_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == MINE:
            if await who_is_talking(tracker) is None:
                return self.reject(dispatcher, tracker, "rf_phone", "utter_invalid_phone")
            return self.accept("rf_phone", MINE, rf_sms_code=None)
        phone = normalize_mobile(str(value or ""))
        if phone is None:
            return self.reject(dispatcher, tracker, "rf_phone", "utter_invalid_phone")
        return self.accept("rf_phone", phone, rf_sms_code=None)

    async def validate_rf_sms_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await sms_code_answer("rf_sms_code", value, phone=await contact_phone(tracker), purpose=CODE_PURPOSE,
                                     dispatcher=dispatcher, tracker=tracker)

    async def validate_rf_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is True or value is False:
            return self.accept("rf_confirmed", value)
        return self.reject(dispatcher, tracker, "rf_confirmed", "utter_explain_rf_confirmed")


class ActionAskFaultPlace(Action):
    """The bound accounts as buttons (logged in), or the address question."""

    def name(self) -> str:
        return f"action_ask_{FORM}_rf_place"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        user = await who_is_talking(tracker)
        numbers: list[str] = []
        if user is not None:
            resolved = await call(resolve_account, deps().session_factory, user_id=user.user_id, named=None)
            if isinstance(resolved, Resolution):
                numbers = [choice.account_number for choice in resolved.choices]
            else:
                numbers = [str(resolved)]
        if not numbers:
            dispatcher.utter_message(response="utter_ask_rf_place")
            return []
        dispatcher.utter_message(response="utter_rf_place_with_accounts", buttons=[
            button(number, "inform", account_number=number) for number in numbers
        ])
        return []


class ActionAskFaultPhone(Action):
    """The logged-in user's phone offered (masked), or the question for a phone."""

    def name(self) -> str:
        return f"action_ask_{FORM}_rf_phone"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        user = await who_is_talking(tracker)
        if user is None:
            dispatcher.utter_message(response="utter_ask_rf_phone")
        else:
            dispatcher.utter_message(response="utter_rf_phone_mine", masked_phone=user.masked_phone)
        return []


async def _code_destination(tracker: Tracker) -> tuple[str | None, str]:
    return await contact_phone(tracker), CODE_PURPOSE


class ActionAskFaultCode(Action):
    """The code goes to the contact phone given in the form."""

    def name(self) -> str:
        return f"action_ask_{FORM}_rf_sms_code"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return await ask_for_code(dispatcher, tracker, slot="rf_sms_code", destination=_code_destination)

