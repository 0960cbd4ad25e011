"""The 新装 application as the form collected it (个人 or 企业): what its summary shows and
freezes (:mod:`actions.forms.frozen_summary`), and what submission checks against it and files."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.applications.enterprise_install import (
    FORM,
    INVOICE_FIELDS,
    current_applicant,
    equipment_list,
    invoice_of,
    offered_slots,
    remark_text,
)
from actions.common import call, chat_identity, deps, response_text
from actions.forms.fields import Answer, FormFields, attachment, text
from actions.forms.frozen_summary import freeze
from bot.applications.appointments import slot_label
from bot.applications.enterprise import InvoiceInfo, InvoiceProblem, InvoiceType
from bot.applications.equipment import EquipmentRejected, kw_text, parse_equipment, total_capacity_kw
from bot.applications.new_install_forms import (
    Applicant,
    EnterpriseInstall,
    EnterpriseRole,
    InstallProblem,
    InstallProblemReason,
    PersonalInstall,
    ProofRole,
)
from bot.applications.regions import district_with_code
from bot.channels.capabilities import shows_images
from bot.db.models import Region
from bot.privacy.masking import mask_phone

PERSONAL, ENTERPRISE = "个人", "企业"
# The fields of each application and the slots answering them (bot.applications.new_install_forms).
PERSONAL_FIELDS = FormFields({
    "region_code": Answer("ni_region", str), "address": Answer("ni_address", text),
    "proof_role": Answer("ni_proof_role", text), "property_certificate_id": Answer("property_certificate", attachment),
    "owner_name": Answer("ni_owner_name"), "owner_phone": Answer("ni_owner_phone"),
    "authorisation_id": Answer("power_of_attorney", attachment),
})
ENTERPRISE_FIELDS = FormFields({
    "region_code": Answer("ni_region", str), "equipment": Answer("ei_equipment", text),
    "address": Answer("ni_address", text), "slot_id": Answer("ei_slot"),
    "notice_read": Answer("ei_notice_read", lambda answer: answer == "read"),
    "entity_proof_type": Answer("ei_proof_type", text), "entity_proof_id": Answer("entity_proof", attachment),
    "uscc": Answer("ei_uscc", text), "role": Answer("ei_role", text),
    "authorisation_id": Answer("power_of_attorney", attachment), "legal_rep_id_id": Answer("legal_rep_id", attachment),
    "legal_rep_name": Answer("ei_legal_rep_name"), "remark": Answer("ei_remark", remark_text),
})
# The whole form: either application's fields (the invoice's as "invoice.<field>"), and the rest.
FIELDS = PERSONAL_FIELDS.merged(
    ENTERPRISE_FIELDS, INVOICE_FIELDS.nested("invoice"),
    other_slots=("install_type", "ni_address_ok", "ni_sms_code", "ni_confirmed", "ei_transformer"),
)


def region_label(region: Region) -> str:
    return region.province + (region.city if region.city != region.province else "") + region.district


def personal_application(tracker: Tracker, later: bool) -> PersonalInstall:
    return PersonalInstall(**PERSONAL_FIELDS.request_from(tracker), documents_later=later)


def enterprise_application(tracker: Tracker, later: bool) -> EnterpriseInstall | InstallProblem:
    invoice = invoice_of(tracker)
    if isinstance(invoice, InvoiceProblem):
        return InstallProblem(InstallProblemReason.BAD_INVOICE, f"invoice.{invoice.field}", invoice.reason)
    # No transformer: with one the form ended when it was asked (high voltage is offline only).
    return EnterpriseInstall(**ENTERPRISE_FIELDS.request_from(tracker), transformer=False, invoice=invoice,
                             documents_later=later)


def filed_content(tracker: Tracker, applicant: Applicant | None) -> dict[str, Any]:
    """Everything the summary stands for: the applicant (from the real-name record), the type
    and the application as it would be filed now."""
    later = not shows_images(chat_identity(tracker)[0])
    kind = tracker.get_slot("install_type")
    application = enterprise_application(tracker, later) if kind == ENTERPRISE else personal_application(tracker, later)
    return {"applicant": applicant, "install_type": kind, "application": application}


class ActionAskInstallConfirmed(Action):
    """The summary of either application, masked, then 提交 / 暂不提交; what it shows is frozen until then."""

    def name(self) -> str:
        return f"action_ask_{FORM}_ni_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        region = await call(district_with_code, deps().session_factory, tracker.get_slot("ni_region"))
        where = region_label(region) if region else ""
        if tracker.get_slot("install_type") == ENTERPRISE:
            summary = await enterprise_summary(tracker, domain, where)
        else:
            summary = personal_summary(tracker, domain, where)
        await freeze(tracker, FORM, filed_content(tracker, await current_applicant(tracker)))
        dispatcher.utter_message(response="utter_ask_ni_confirmed", summary=summary)
        return []


def personal_summary(tracker: Tracker, domain: DomainDict, region: str) -> str:
    owner = ""
    if tracker.get_slot("ni_proof_role") == ProofRole.AGENT.value:
        owner = response_text(domain, "utter_ni_summary_owner", owner_name=tracker.get_slot("ni_owner_name"),
                              masked_phone=mask_phone(str(tracker.get_slot("ni_owner_phone") or "")))
    return response_text(domain, "utter_ni_summary", region=region, address=tracker.get_slot("ni_address"),
                         role=tracker.get_slot("ni_proof_role"), owner=owner)


async def enterprise_summary(tracker: Tracker, domain: DomainDict, region: str) -> str:
    items = parse_equipment(str(tracker.get_slot("ei_equipment") or ""))
    listed = "" if isinstance(items, EquipmentRejected) else equipment_list(items)
    total = "" if isinstance(items, EquipmentRejected) else kw_text(total_capacity_kw(items))
    views = await offered_slots(tracker)
    slot = next((slot_label(v) for v in views if str(v.id) == str(tracker.get_slot("ei_slot"))), "")
    applicant = await current_applicant(tracker)
    agent = ""
    if tracker.get_slot("ei_role") == EnterpriseRole.AGENT.value:
        agent = response_text(domain, "utter_ei_summary_agent", legal_rep=tracker.get_slot("ei_legal_rep_name"))
    invoice = invoice_of(tracker)
    special = ""
    if isinstance(invoice, InvoiceInfo) and invoice.invoice_type is InvoiceType.SPECIAL:
        shown = invoice.masked()
        special = response_text(domain, "utter_ei_summary_special", address=shown["address"],
                                phone=shown["phone_masked"], bank=shown["bank_name"],
                                account=shown["bank_account_masked"])
    return response_text(
        domain, "utter_ei_summary", region=region, address=tracker.get_slot("ni_address"), equipment=listed,
        total=total, slot=slot, proof_type=tracker.get_slot("ei_proof_type"), uscc=tracker.get_slot("ei_uscc"),
        applicant=f"{applicant.name} {applicant.phone_masked}" if applicant else "", role=tracker.get_slot("ei_role"),
        agent=agent, invoice_type=tracker.get_slot("ei_invoice_type"), company=tracker.get_slot("ei_company_name"),
        special=special, remark=tracker.get_slot("ei_remark") or "",
    )
