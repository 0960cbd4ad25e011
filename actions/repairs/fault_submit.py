"""The end of the report_fault form: the summary to confirm, and filing the report as a repair
work order (every answer checked again by the service) with the on-site commitment in the reply."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import call, deps, response_text, who_is_talking
from actions.forms.documents import attachment_id_of
from actions.forms.sms_code import CODE_ACCEPTED
from actions.repairs.fault_form import FORM, bound_place, code_needed, contact_phone
from bot.privacy.masking import mask_phone
from bot.repairs.commitments import duration_label
from bot.repairs.places import FaultPlace, place_from_text, place_of_account
from bot.repairs.reports import FaultReport, FaultReportFiled, file_fault_report

FORM_SLOTS = ("rf_place", "rf_outage_known", "rf_outage_ids", "rf_go_on", "rf_fault_type", "rf_description",
              "rf_photo", "rf_phone", "rf_sms_code", "rf_confirmed", "validation_failures")


def reset_events() -> list[EventType]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS]


async def place_of(tracker: Tracker) -> FaultPlace | None:
    """The place in rf_place again: one of the user's bound accounts, or a served address."""
    value = str(tracker.get_slot("rf_place") or "")
    user = await who_is_talking(tracker)
    account = await bound_place(tracker, value, user.user_id if user else None)
    if account is not None:
        return await call(place_of_account, deps().session_factory, account)
    place = place_from_text(value)
    return place if isinstance(place, FaultPlace) else None


class ActionAskFaultConfirmed(Action):
    """The report as it will be filed, with 确认提交 / 取消报修."""

    def name(self) -> str:
        return f"action_ask_{FORM}_rf_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        place = await place_of(tracker)
        phone = await contact_phone(tracker)
        where = (f"户号{place.account_number}" if place and place.account_number else place.address if place else "—")
        photo = "utter_rf_photo_attached" if attachment_id_of(tracker.get_slot("rf_photo")) else "utter_rf_photo_none"
        dispatcher.utter_message(
            response="utter_rf_summary", place=where, fault_type=tracker.get_slot("rf_fault_type") or "—",
            description=tracker.get_slot("rf_description") or "—", photo=response_text(domain, photo),
            phone=mask_phone(phone) if phone else "—",
        )
        return []


class ActionSubmitFaultReport(Action):
    """Files the report (or says why not: stopped after a known outage, not confirmed, the code
    missing, an answer refused by the service) and empties the form."""

    def name(self) -> str:
        return "action_submit_fault_report"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        reset = reset_events()
        if tracker.get_slot("rf_outage_known") and tracker.get_slot("rf_go_on") is False:
            dispatcher.utter_message(response="utter_rf_stopped")
            return reset
        confirmed = tracker.get_slot("rf_confirmed") is True
        if not confirmed or (await code_needed(tracker) and tracker.get_slot("rf_sms_code") != CODE_ACCEPTED):
            dispatcher.utter_message(response="utter_rf_not_submitted")
            return reset
        place = await place_of(tracker)
        phone = await contact_phone(tracker)
        if place is None or phone is None:
            dispatcher.utter_message(response="utter_rf_submit_failed")
            return reset
        user = await who_is_talking(tracker)
        outage_ids = tracker.get_slot("rf_outage_ids") or []
        report = FaultReport(
            place=place, fault_type=str(tracker.get_slot("rf_fault_type") or ""),
            description=str(tracker.get_slot("rf_description") or ""), contact_phone=phone,
            photo_id=attachment_id_of(tracker.get_slot("rf_photo")),
            known_outage_ids=tuple(int(i) for i in outage_ids if str(i).isdigit()),
        )
        d = deps()
        filed = await call(file_fault_report, d.session_factory, d.clock, user_id=user.user_id if user else None,
                           report=report, note=response_text(domain, "utter_rf_order_note"))
        if not isinstance(filed, FaultReportFiled):
            dispatcher.utter_message(response="utter_rf_submit_failed")
            return reset
        dispatcher.utter_message(
            response="utter_rf_submitted", order_no=filed.order_no, status=filed.status.value,
            duration=duration_label(filed.on_site_minutes), area=filed.area_label, masked_phone=mask_phone(phone),
        )
        dispatcher.utter_message(response="utter_rf_progress_logged_in" if user else "utter_rf_progress_anonymous")
        return reset
