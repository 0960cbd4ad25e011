"""新装 (网上国网 五(二)): the type first; 个人新装 as one guided form — service region, the
materials notice, the detailed address (parsed and shown back), 产权证明类型 (产权人 or 经办人; the
applicant's name and phone come from the real-name record and cannot be changed), documents,
the owner's name and phone for an 经办人, an SMS code, a summary and 提交."""
from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import call, chat_identity, deps, response_text, who_is_talking
from actions.documents import CODE_ACCEPTED, ActionAskSmsCode, DocumentValidation, attachment_id_of
from actions.form_validation import FAILURES_SLOT
from bot.channels.capabilities import shows_images
from bot.db.models import Region
from bot.privacy import mask_phone
from bot.services.addresses import AddressProblem, parse_address
from bot.services.identity import NameRejected, validate_person_name
from bot.services.new_install import (
    InstallProblem,
    InstallSubmitted,
    PersonalInstall,
    ProofRole,
    applicant_details,
    submit_personal_install,
)
from bot.services.phones import normalize_mobile
from bot.services.regions import district_named, district_with_code, served_districts
from bot.services.verification import CodePurpose
from bot.text.labels import day_label

FORM = "new_install_form"
PERSONAL, ENTERPRISE = "个人", "企业"
FORM_SLOTS = (
    "install_type", "ni_region", "ni_address", "ni_proof_role", "property_certificate", "ni_owner_name",
    "ni_owner_phone", "power_of_attorney", "ni_sms_code", "ni_confirmed",
)
AGENT_ONLY = ("ni_owner_name", "ni_owner_phone", "power_of_attorney")
UPLOAD_SLOTS = ("property_certificate", "power_of_attorney")


async def applicant_phone(tracker: Tracker) -> str | None:
    user = await who_is_talking(tracker)
    applicant = await call(applicant_details, deps().session_factory, user_id=user.user_id) if user else None
    return applicant.phone if applicant else None


def region_label(region: Region) -> str:
    return region.province + (region.city if region.city != region.province else "") + region.district


class ValidateNewInstallForm(DocumentValidation):
    def name(self) -> str:
        return "validate_new_install_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """企业新装 is not taken in chat yet; a 产权人 needs no owner details; no uploads without files."""
        if tracker.get_slot("install_type") == ENTERPRISE:
            return []
        skipped: set[str] = set()
        if tracker.get_slot("ni_proof_role") != ProofRole.AGENT.value:
            skipped |= set(AGENT_ONLY)
        if not shows_images(chat_identity(tracker)[0]):
            skipped |= set(UPLOAD_SLOTS)
        return [slot for slot in domain_slots if slot not in skipped]

    async def validate_install_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        if ENTERPRISE in text or "公司" in text:
            dispatcher.utter_message(response="utter_ni_enterprise_offline")
            return {"install_type": ENTERPRISE}
        if PERSONAL in text or "居民" in text:
            return self.accept("install_type", PERSONAL)
        return self.reject(dispatcher, tracker, "install_type", "utter_ni_type_unclear")

    async def validate_ni_region(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        region = await call(district_named, deps().session_factory, str(value or ""))
        if region is None:
            return self.reject(dispatcher, tracker, "ni_region", "utter_ni_region_unknown")
        dispatcher.utter_message(response="utter_ni_materials", region=region_label(region))
        return self.accept("ni_region", region.code)

    async def validate_ni_address(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        region = await call(district_with_code, deps().session_factory, tracker.get_slot("ni_region"))
        if region is None:
            return {"ni_address": None}
        parsed = parse_address(str(value or ""), region)
        if isinstance(parsed, AddressProblem) or not parsed.complete:
            return self.reject(dispatcher, tracker, "ni_address", "utter_ni_address_vague")
        dispatcher.utter_message(
            response="utter_ni_address_parsed", province=parsed.province, city=parsed.city,
            district=parsed.district, street=parsed.street_and_number,
        )
        return self.accept("ni_address", parsed.full_text)

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
        name = validate_person_name(str(value or ""))
        if isinstance(name, NameRejected):
            return self.reject(dispatcher, tracker, "ni_owner_name", "utter_invalid_person_name")
        return self.accept("ni_owner_name", name)

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
        return await self.sms_code("ni_sms_code", value, phone=await applicant_phone(tracker),
                                   purpose=CodePurpose.NEW_INSTALL, dispatcher=dispatcher, tracker=tracker)

    async def validate_ni_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.accept("ni_confirmed", value is True)


class ActionAskInstallRegion(Action):
    """The districts we serve, as buttons (typing one works too)."""

    def name(self) -> str:
        return f"action_ask_{FORM}_ni_region"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        regions = await call(served_districts, deps().session_factory)
        dispatcher.utter_message(response="utter_ask_ni_region", buttons=[
            {"title": region_label(r), "payload": "/inform" + json.dumps({"region": r.code})} for r in regions
        ])
        return []


class ActionAskProofRole(Action):
    """产权人 or 经办人, with the applicant's own name and phone shown as they will be used."""

    def name(self) -> str:
        return f"action_ask_{FORM}_ni_proof_role"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        user = await who_is_talking(tracker)
        applicant = await call(applicant_details, deps().session_factory, user_id=user.user_id) if user else None
        dispatcher.utter_message(
            response="utter_ask_ni_proof_role", name=applicant.name if applicant else "",
            masked_phone=applicant.phone_masked if applicant else "",
        )
        return []


class ActionAskInstallCode(ActionAskSmsCode):
    """The code goes to the applicant's own phone (from the real-name record, 不可修改)."""

    slot, purpose = "ni_sms_code", CodePurpose.NEW_INSTALL

    def name(self) -> str:
        return f"action_ask_{FORM}_ni_sms_code"

    async def phone(self, tracker: Tracker) -> str | None:
        return await applicant_phone(tracker)


class ActionAskInstallConfirmed(Action):
    def name(self) -> str:
        return f"action_ask_{FORM}_ni_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        region = await call(district_with_code, deps().session_factory, tracker.get_slot("ni_region"))
        lines = [
            response_text(domain, "utter_ni_summary_line", label="业务", value="个人新装"),
            response_text(domain, "utter_ni_summary_line", label="服务地区",
                          value=region_label(region) if region else ""),
            response_text(domain, "utter_ni_summary_line", label="用电地址", value=tracker.get_slot("ni_address")),
            response_text(domain, "utter_ni_summary_line", label="申请人身份", value=tracker.get_slot("ni_proof_role")),
        ]
        if tracker.get_slot("ni_proof_role") == ProofRole.AGENT.value:
            owner = f"{tracker.get_slot('ni_owner_name')} {mask_phone(str(tracker.get_slot('ni_owner_phone') or ''))}"
            lines.append(response_text(domain, "utter_ni_summary_line", label="产权人", value=owner))
        dispatcher.utter_message(response="utter_ask_ni_confirmed", summary="\n".join(lines))
        return []


class ActionSubmitNewInstall(Action):
    def name(self) -> str:
        return "action_submit_new_install"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        reset: list[EventType] = [SlotSet(slot, None) for slot in (*FORM_SLOTS, FAILURES_SLOT)]
        user = await who_is_talking(tracker)
        if user is None or tracker.get_slot("install_type") != PERSONAL or not tracker.get_slot("ni_region"):
            return reset
        if tracker.get_slot("ni_confirmed") is not True or tracker.get_slot("ni_sms_code") != CODE_ACCEPTED:
            dispatcher.utter_message(response="utter_rt_not_submitted")
            return reset
        later = not shows_images(chat_identity(tracker)[0])
        application = PersonalInstall(
            region_code=str(tracker.get_slot("ni_region")), address=str(tracker.get_slot("ni_address") or ""),
            proof_role=str(tracker.get_slot("ni_proof_role") or ""),
            property_certificate_id=attachment_id_of(tracker.get_slot("property_certificate")),
            owner_name=tracker.get_slot("ni_owner_name"), owner_phone=tracker.get_slot("ni_owner_phone"),
            authorisation_id=attachment_id_of(tracker.get_slot("power_of_attorney")), documents_later=later,
        )
        d = deps()
        outcome = await call(submit_personal_install, d.session_factory, d.clock, user_id=user.user_id,
                             application=application, note=response_text(domain, "utter_rt_order_note"))
        if isinstance(outcome, InstallSubmitted):
            dispatcher.utter_message(
                response="utter_ni_submitted", order_no=outcome.order_no, status=outcome.status.value,
                promised=day_label(outcome.promised_by) if outcome.promised_by else "补齐材料后",
            )
        elif isinstance(outcome, InstallProblem):
            dispatcher.utter_message(response="utter_ni_submit_failed", order_no=outcome.order_no or "")
        return reset

