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
    current_applicant,
    equipment_list,
    invoice_of,
    offered_slots,
    remark_of,
)
from actions.common import call, chat_identity, deps, response_text
from actions.forms.documents import attachment_id_of
from actions.forms.frozen_summary import freeze
from bot.applications.appointments import slot_label
from bot.applications.enterprise import InvoiceInfo, InvoiceProblem, InvoiceType
from bot.applications.equipment import EquipmentRejected, kw_text, parse_equipment, total_capacity_kw
from bot.applications.new_install import (
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


def region_label(region: Region) -> str:
    return region.province + (region.city if region.city != region.province else "") + region.district


def personal_application(tracker: Tracker, later: bool) -> PersonalInstall:
    return PersonalInstall(
        region_code=str(tracker.get_slot("ni_region")), address=str(tracker.get_slot("ni_address") or ""),
        proof_role=str(tracker.get_slot("ni_proof_role") or ""),
        property_certificate_id=attachment_id_of(tracker.get_slot("property_certificate")),
        owner_name=tracker.get_slot("ni_owner_name"), owner_phone=tracker.get_slot("ni_owner_phone"),
        authorisation_id=attachment_id_of(tracker.get_slot("power_of_attorney")), documents_later=later,
    )


def enterprise_application(tracker: Tracker, later: bool) -> EnterpriseInstall | InstallProblem:
    invoice = invoice_of(tracker)
    if isinstance(invoice, InvoiceProblem):
        return InstallProblem(InstallProblemReason.BAD_INVOICE, f"invoice.{invoice.field}", invoice.reason)
    return EnterpriseInstall(
        region_code=str(tracker.get_slot("ni_region")), transformer=False,
        equipment=str(tracker.get_slot("ei_equipment") or ""), address=str(tracker.get_slot("ni_address") or ""),
        slot_id=tracker.get_slot("ei_slot"), notice_read=tracker.get_slot("ei_notice_read") == "read",
        entity_proof_type=str(tracker.get_slot("ei_proof_type") or ""),
        entity_proof_id=attachment_id_of(tracker.get_slot("entity_proof")), uscc=str(tracker.get_slot("ei_uscc") or ""),
        role=str(tracker.get_slot("ei_role") or ""), invoice=invoice,
        authorisation_id=attachment_id_of(tracker.get_slot("power_of_attorney")),
        legal_rep_id_id=attachment_id_of(tracker.get_slot("legal_rep_id")),
        legal_rep_name=tracker.get_slot("ei_legal_rep_name"), remark=remark_of(tracker), documents_later=later,
    )


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
