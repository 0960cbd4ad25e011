"""新装 (网上国网 五(二)) as one guided form: the type first, then 个人新装 — service region, the
materials notice, the detailed address (parsed, shown back and confirmed), 产权证明类型 (产权人 or
经办人; the applicant's name and phone come from the real-name record and cannot be changed),
documents, the owner's name and phone for an 经办人, an SMS code, a summary and 提交 — or
企业新装, whose questions live in :mod:`actions.applications.enterprise_install`."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.applications import enterprise_install as enterprise
from actions.applications.enterprise_install import (
    INSTALL,
    ask_with_applicant,
    current_applicant,
    enterprise_materials,
    enterprise_slots,
)
from actions.applications.new_install_summary import ENTERPRISE, FIELDS, PERSONAL, filed_content, region_label
from actions.common import call, chat_identity, deps, request_text, response_text, who_is_talking
from actions.forms import documents
from actions.forms.frozen_summary import back_to_summary, confirmed_answer, discard, take
from actions.forms.person import person_name_answer
from actions.forms.retrying import RetryingFormValidation
from actions.forms.sms_code import CODE_ACCEPTED, ask_for_code, sms_code_answer
from bot.applications.addresses import AddressProblem, ParsedAddress, parse_address
from bot.applications.business_system import forward_pre_application
from bot.applications.form_summaries import SummaryCheck
from bot.applications.new_install import submit_enterprise_install, submit_personal_install
from bot.applications.new_install_forms import InstallProblem, InstallProblemReason, InstallSubmitted, ProofRole
from bot.applications.regions import district_named, district_with_code, district_within, served_districts
from bot.channels.capabilities import shows_images
from bot.conversation.payloads import button
from bot.db.models import Region
from bot.identity.phones import normalize_mobile
from bot.identity.verification import CodePurpose
from bot.text.labels import day_label

FORM = "new_install_form"
PERSONAL_SLOTS = (
    "ni_address", "ni_address_ok", "ni_proof_role", "property_certificate", "ni_owner_name",
    "ni_owner_phone", "power_of_attorney", "ni_sms_code", "ni_confirmed",
)
AGENT_ONLY = ("ni_owner_name", "ni_owner_phone", "power_of_attorney")
UPLOAD_SLOTS = ("property_certificate", "power_of_attorney")
FINAL_PROBLEMS = (InstallProblemReason.ORDER_IN_PROGRESS, InstallProblemReason.NOT_VERIFIED,
                  InstallProblemReason.HIGH_VOLTAGE_OFFLINE)


async def applicant_phone(tracker: Tracker) -> str | None:
    applicant = await current_applicant(tracker)
    return applicant.phone if applicant else None


def show_parsed(dispatcher: CollectingDispatcher, parsed: ParsedAddress) -> None:
    """The address as understood, for the user to confirm (ni_address_ok)."""
    dispatcher.utter_message(
        response="utter_ni_address_parsed", province=parsed.province, city=parsed.city,
        district=parsed.district, street=parsed.street_and_number,
    )


async def _content_now(tracker: Tracker) -> tuple[dict[str, Any], str]:
    applicant = await current_applicant(tracker)
    return filed_content(tracker, applicant), applicant.phone if applicant else ""


async def _code_destination(tracker: Tracker) -> tuple[str | None, str]:
    """The applicant's own phone (from the real-name record, 不可修改)."""
    return await applicant_phone(tracker), str(CodePurpose.NEW_INSTALL)


def _complete_address(text: str, region: Region) -> ParsedAddress | None:
    parsed = parse_address(text, region)
    return None if isinstance(parsed, AddressProblem) or not parsed.complete else parsed


def _typed(tracker: Tracker) -> str:
    """The whole message: the address entity the model cut out of it can miss an end
    ("解放路88" of "解放路88号"), and an address question is answered by the whole message."""
    return str((tracker.latest_message or {}).get("text") or "")


class ValidateNewInstallForm(RetryingFormValidation):
    def name(self) -> str:
        return "validate_new_install_form"

    # 企业新装's questions (actions.applications.enterprise_install).
    validate_ei_transformer = staticmethod(enterprise.validate_ei_transformer)
    validate_ei_equipment = staticmethod(enterprise.validate_ei_equipment)
    validate_ei_slot = staticmethod(enterprise.validate_ei_slot)
    validate_ei_notice_read = staticmethod(enterprise.validate_ei_notice_read)
    validate_ei_proof_type = staticmethod(enterprise.validate_ei_proof_type)
    validate_entity_proof = staticmethod(enterprise.validate_entity_proof)
    validate_legal_rep_id = staticmethod(enterprise.validate_legal_rep_id)
    validate_ei_uscc = staticmethod(enterprise.validate_ei_uscc)
    validate_ei_role = staticmethod(enterprise.validate_ei_role)
    validate_ei_legal_rep_name = staticmethod(enterprise.validate_ei_legal_rep_name)
    validate_ei_invoice_type = staticmethod(enterprise.validate_ei_invoice_type)
    validate_ei_company_name = staticmethod(enterprise.validate_ei_company_name)
    validate_ei_invoice_address = staticmethod(enterprise.validate_ei_invoice_address)
    validate_ei_invoice_phone = staticmethod(enterprise.validate_ei_invoice_phone)
    validate_ei_invoice_bank = staticmethod(enterprise.validate_ei_invoice_bank)
    validate_ei_bank_account = staticmethod(enterprise.validate_ei_bank_account)
    validate_ei_remark = staticmethod(enterprise.validate_ei_remark)
    validate_ni_address_ok = staticmethod(enterprise.validate_ni_address_ok)

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """The type and region, then the 个人 or 企业 questions: a 产权人 needs no owner details;
        no uploads without files."""
        files = shows_images(chat_identity(tracker)[0])
        if tracker.get_slot("install_type") == ENTERPRISE:
            return ["install_type", "ni_region", *enterprise_slots(tracker, files=files)]
        skipped: set[str] = set()
        if tracker.get_slot("ni_proof_role") != ProofRole.AGENT.value:
            skipped |= set(AGENT_ONLY)
        if not files:
            skipped |= set(UPLOAD_SLOTS)
        return ["install_type", "ni_region", *(slot for slot in PERSONAL_SLOTS if slot not in skipped)]

    async def validate_install_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        if ENTERPRISE in text or "公司" in text or "单位" in text:
            return self.accept("install_type", ENTERPRISE)
        if PERSONAL in text or "居民" in text:
            return self.accept("install_type", PERSONAL)
        return self.reject(dispatcher, tracker, "install_type", "utter_ni_type_unclear")

    async def validate_ni_region(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        region = await call(district_named, deps().session_factory, str(value or ""))
        typed = request_text(tracker) or ""
        if region is None and typed:
            region = await call(district_within, deps().session_factory, typed)
        if region is None:
            return self.reject(dispatcher, tracker, "ni_region", "utter_ni_region_unknown")
        if tracker.get_slot("install_type") == ENTERPRISE:
            enterprise_materials(dispatcher, region_label(region))
        else:
            dispatcher.utter_message(response="utter_ni_materials", region=region_label(region))
        return self.accept("ni_region", region.code, **self._address_too(dispatcher, typed, region))

    @staticmethod
    def _address_too(dispatcher: CollectingDispatcher, typed: str, region: Region) -> dict[str, Any]:
        """"西湖区文三路100号" answers the region and the address at once: the address is taken
        (and shown back for confirmation) when it is complete on its own."""
        if region.district not in typed or typed.endswith(region.district):
            return {}
        parsed = parse_address(typed, region)
        if isinstance(parsed, AddressProblem) or not parsed.complete:
            return {}
        show_parsed(dispatcher, parsed)
        return {"ni_address": parsed.full_text, "ni_address_ok": None}

    async def validate_ni_address(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        region = await call(district_with_code, deps().session_factory, tracker.get_slot("ni_region"))
        if region is None:
            return {"ni_address": None}
        parsed = _complete_address(str(value or ""), region) or _complete_address(_typed(tracker), region)
        if parsed is None:
            return self.reject(dispatcher, tracker, "ni_address", "utter_ni_address_vague")
        show_parsed(dispatcher, parsed)
        return self.accept("ni_address", parsed.full_text, ni_address_ok=None)

    async def validate_ni_proof_role(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        role = next((r.value for r in ProofRole if r.value in str(value or "")), None)
        if role is None:
            return self.reject(dispatcher, tracker, "ni_proof_role", "utter_ni_role_unclear")
        return self.accept("ni_proof_role", role)

    async def validate_ni_owner_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return person_name_answer("ni_owner_name", value, dispatcher, tracker)

    async def validate_ni_owner_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        phone = normalize_mobile(str(value or ""))
        if phone is None:
            return self.reject(dispatcher, tracker, "ni_owner_phone", "utter_invalid_phone")
        return self.accept("ni_owner_phone", phone)

    async def validate_ni_sms_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await sms_code_answer("ni_sms_code", value, phone=await applicant_phone(tracker),
                                     purpose=CodePurpose.NEW_INSTALL, dispatcher=dispatcher, tracker=tracker,
                                     confirmed_slot="ni_confirmed")

    async def validate_ni_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await confirmed_answer(value, dispatcher, tracker, form=FORM, slot="ni_confirmed",
                                      code_slot="ni_sms_code", content_now=_content_now)

    validate_property_certificate = staticmethod(documents.validate_property_certificate)
    validate_power_of_attorney = staticmethod(documents.validate_power_of_attorney)


class ActionAskInstallRegion(Action):
    """The districts we serve, as buttons (typing one works too)."""

    def name(self) -> str:
        return f"action_ask_{FORM}_ni_region"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        regions = await call(served_districts, deps().session_factory)
        dispatcher.utter_message(response="utter_ask_ni_region", buttons=[
            button(region_label(r), "inform", region=r.code) for r in regions
        ])
        return []


class ActionAskProofRole(Action):
    """产权人 or 经办人."""

    def name(self) -> str:
        return f"action_ask_{FORM}_ni_proof_role"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return await ask_with_applicant(dispatcher, tracker, "utter_ask_ni_proof_role")


class ActionAskInstallCode(Action):
    """The code goes to the applicant's own phone (from the real-name record, 不可修改)."""

    def name(self) -> str:
        return f"action_ask_{FORM}_ni_sms_code"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return await ask_for_code(dispatcher, tracker, slot="ni_sms_code", destination=_code_destination)


class ActionSubmitNewInstall(Action):
    """Files the work order (every field checked again by the service) and hands the pre-application
    to the business system; a refused field is asked again, everything else is kept."""

    def name(self) -> str:
        return "action_submit_new_install"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        reset = FIELDS.reset_events()
        user = await who_is_talking(tracker)
        kind = tracker.get_slot("install_type")
        if user is None or kind not in (PERSONAL, ENTERPRISE) or not tracker.get_slot("ni_region"):
            await discard(tracker, FORM)
            return reset
        if kind == ENTERPRISE and tracker.get_slot("ei_transformer") == INSTALL:
            await discard(tracker, FORM)
            return reset  # the high-voltage route was explained when the question was answered
        if tracker.get_slot("ni_confirmed") is not True or tracker.get_slot("ni_sms_code") != CODE_ACCEPTED:
            await discard(tracker, FORM)
            dispatcher.utter_message(response="utter_application_not_submitted")
            return reset
        applicant = await current_applicant(tracker)
        content = filed_content(tracker, applicant)
        check = await take(tracker, FORM, content, phone=applicant.phone if applicant else "")
        if check is not SummaryCheck.HOLDS:  # filed only as the confirmed summary showed it
            return back_to_summary(dispatcher, check, form=FORM, confirmed_slot="ni_confirmed",
                                   code_slot="ni_sms_code")
        application = content["application"]
        later = application.documents_later if not isinstance(application, InstallProblem) else False
        d = deps()
        note = response_text(domain, "utter_application_order_note")
        outcome: InstallSubmitted | InstallProblem
        if isinstance(application, InstallProblem):
            outcome = application
        elif kind == ENTERPRISE:
            outcome = await call(submit_enterprise_install, d.session_factory, d.clock, user_id=user.user_id,
                                 application=application, note=note)
        else:
            outcome = await call(submit_personal_install, d.session_factory, d.clock, user_id=user.user_id,
                                 application=application, note=note)
        if isinstance(outcome, InstallProblem):
            events = retry(dispatcher, outcome, reset)
            if events is reset:  # the form ends: its code no longer counts
                await discard(tracker, FORM)
            return events
        await discard(tracker, FORM)
        await call(forward_pre_application, d.session_factory, d.business_system, d.clock, order_no=outcome.order_no)
        promised = day_label(outcome.promised_by) if outcome.promised_by else "补齐材料后"
        booked = outcome.appointment
        if booked is not None:
            dispatcher.utter_message(
                response="utter_ei_submitted", order_no=outcome.order_no, status=outcome.status.value,
                promised=promised, appointment=day_label(booked.slot_date) + booked.half.value,
            )
        else:
            dispatcher.utter_message(response="utter_ni_submitted", order_no=outcome.order_no,
                                     status=outcome.status.value, promised=promised)
        if later:
            upload_url = f"{d.settings.public_url}/webhooks/rest/upload"
            dispatcher.utter_message(response="utter_doc_upload_later", url=upload_url)
        return reset


def retry(dispatcher: CollectingDispatcher, problem: InstallProblem, reset: list[EventType]) -> list[EventType]:
    """提交失败: a field the user can answer again is asked again (the rest kept); otherwise the
    reason and the form ends."""
    slot = FIELDS.slot_for(problem.field)  # only that question is asked again
    if slot is None or problem.reason in FINAL_PROBLEMS:
        dispatcher.utter_message(response="utter_ni_submit_failed", order_no=problem.order_no or "")
        return reset
    if problem.reason is InstallProblemReason.SLOT_FULL:
        dispatcher.utter_message(response="utter_ei_slot_taken")
    elif problem.reason in (InstallProblemReason.ATTACHMENT_NOT_FOUND, InstallProblemReason.DOCUMENT_MISSING):
        dispatcher.utter_message(response="utter_doc_attachment_not_found")
    else:
        dispatcher.utter_message(response="utter_ni_submit_recheck")
    cleared = [SlotSet(slot, None), SlotSet("ni_confirmed", None)]
    if slot == "ni_address":
        cleared.append(SlotSet("ni_address_ok", None))
    return [*cleared, FollowupAction(FORM)]
