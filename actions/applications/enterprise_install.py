"""企业新装 (网上国网 五(二) 企业新装) as the enterprise branch of new_install_form: the
materials notice with the 《授权委托书模板》 link, 是否安装变压器 (安装 = high voltage, offline
only), 用电设备 with the total capacity, the address, a survey appointment (full slots marked
已约满 and refused), 须知, 企业主体证明 with its upload and the 统一社会信用代码, 法人代表 or 经办人,
发票信息 (专票 asks four more fields), SMS code, an optional 备注, then the summary."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import call, deps, who_is_talking
from actions.forms.documents import document_answer
from actions.forms.fields import Answer, FormFields, text
from actions.forms.person import person_name_answer
from actions.forms.retrying import accept, reject
from bot.applications.appointments import SlotView, match_slot, slot_label, slots_for
from bot.applications.enterprise import (
    InvoiceInfo,
    InvoiceProblem,
    InvoiceProblemReason,
    InvoiceType,
    UsccRejected,
    UsccRejection,
    check_invoice_field,
    parse_invoice_type,
    validate_invoice_info,
    validate_uscc,
)
from bot.applications.equipment import (
    Equipment,
    EquipmentRejected,
    EquipmentRejection,
    kw_text,
    parse_equipment,
    total_capacity_kw,
)
from bot.applications.new_install_forms import (
    REMARK_MAX_CHARS,
    Applicant,
    EnterpriseRole,
    EntityProofType,
    applicant_details,
    enterprise_notice_text,
)
from bot.applications.templates import authorisation_template_url
from bot.conversation.payloads import button

FORM = "new_install_form"
INSTALL, NO_INSTALL = "安装", "不安装"
NO_REMARK = "无"
ENTERPRISE_SLOTS = (
    "ei_transformer", "ei_equipment", "ni_address", "ni_address_ok", "ei_slot", "ei_notice_read", "ei_proof_type",
    "entity_proof", "ei_uscc", "ei_role", "ei_legal_rep_name", "power_of_attorney", "legal_rep_id",
    "ei_invoice_type", "ei_company_name", "ei_invoice_address", "ei_invoice_phone", "ei_invoice_bank",
    "ei_bank_account", "ni_sms_code", "ei_remark", "ni_confirmed",
)
AGENT_ONLY = ("ei_legal_rep_name", "power_of_attorney", "legal_rep_id")
SPECIAL_INVOICE_ONLY = ("ei_invoice_address", "ei_invoice_phone", "ei_invoice_bank", "ei_bank_account")
# The invoice's fields (bot.applications.enterprise.validate_invoice_info) and the slots answering them.
INVOICE_FIELDS = FormFields({
    "invoice_type": Answer("ei_invoice_type", text), "company_name": Answer("ei_company_name", text),
    "tax_number": Answer("ei_uscc", text), "address": Answer("ei_invoice_address"),
    "phone": Answer("ei_invoice_phone"), "bank_name": Answer("ei_invoice_bank"),
    "bank_account": Answer("ei_bank_account"),
})
EQUIPMENT_REJECTIONS = {
    EquipmentRejection.NOTHING_RECOGNISED: "utter_ei_equipment_unrecognised",
    EquipmentRejection.NO_POWER: "utter_ei_equipment_no_power",
    EquipmentRejection.NO_NAME: "utter_ei_equipment_no_name",
    EquipmentRejection.NAME_TOO_LONG: "utter_ei_equipment_no_name",
    EquipmentRejection.NON_POSITIVE_POWER: "utter_ei_equipment_bad_power",
    EquipmentRejection.POWER_TOO_LARGE: "utter_ei_equipment_bad_power",
    EquipmentRejection.BAD_QUANTITY: "utter_ei_equipment_bad_quantity",
    EquipmentRejection.TOO_MANY_ITEMS: "utter_ei_equipment_too_many",
}
USCC_REJECTIONS = {
    UsccRejection.LENGTH: "utter_ei_uscc_length",
    UsccRejection.FORMAT: "utter_ei_uscc_format",
    UsccRejection.CHECKSUM: "utter_ei_uscc_checksum",
}
INVOICE_FIELD_REJECTIONS = {
    InvoiceProblemReason.ADDRESS_TOO_VAGUE: "utter_ei_invoice_address_vague",
    InvoiceProblemReason.BAD_PHONE: "utter_ei_invoice_phone_bad",
    InvoiceProblemReason.BAD_BANK_NAME: "utter_ei_invoice_bank_bad",
    InvoiceProblemReason.BAD_BANK_ACCOUNT: "utter_ei_bank_account_bad",
}
PROOF_TYPE_WORDS = {
    EntityProofType.BUSINESS_LICENCE: ("营业执照", "执照"),
    EntityProofType.INSTITUTION: ("事业单位",),
    EntityProofType.SOCIAL_ORGANISATION: ("社会团体", "社团"),
    EntityProofType.PRIVATE_NON_ENTERPRISE: ("民办非企业", "民非"),
}
ROLE_WORDS = {
    EnterpriseRole.LEGAL_REPRESENTATIVE: ("法人", "法定代表人"),
    EnterpriseRole.AGENT: ("经办", "代办", "委托", "代理"),
}
_NO_TRANSFORMER = re.compile(r"不|否|没有|无需|无")
_TRANSFORMER = re.compile(r"安装|需要|要装|是|有")
_WANTS_NOTICE = re.compile(r"看|查看|须知|内容|原文|全文")
_NOTHING_TO_ADD = re.compile(r"^(无|没有|不用|不需要|没了|跳过|不填)[。.!！]*$")


async def current_applicant(tracker: Tracker) -> Applicant | None:
    """The logged-in user's real-name details (name, phone; 不可修改), None when not verified."""
    user = await who_is_talking(tracker)
    return await call(applicant_details, deps().session_factory, user_id=user.user_id) if user else None


def enterprise_slots(tracker: Tracker, *, files: bool) -> list[str]:
    """What a 企业新装 asks, in order: nothing more once a transformer is wanted; the agent's
    extra fields only for an 经办人, the four extras only for a 专用发票, no uploads without files."""
    if tracker.get_slot("ei_transformer") == INSTALL:
        return []
    skipped: set[str] = set()
    if tracker.get_slot("ei_role") != EnterpriseRole.AGENT.value:
        skipped |= set(AGENT_ONLY)
    if tracker.get_slot("ei_invoice_type") != InvoiceType.SPECIAL.value:
        skipped |= set(SPECIAL_INVOICE_ONLY)
    if not files:
        skipped |= {"entity_proof", "power_of_attorney", "legal_rep_id"}
    return [slot for slot in ENTERPRISE_SLOTS if slot not in skipped]


def enterprise_materials(dispatcher: CollectingDispatcher, region: str) -> None:
    """准备材料提示 with the 《授权委托书模板》 as a download link."""
    d = deps()
    url = authorisation_template_url(d.settings.files_dir, d.settings.public_url)
    dispatcher.utter_message(response="utter_ei_materials", region=region, template_url=url)


async def offered_slots(tracker: Tracker) -> list[SlotView]:
    d = deps()
    return await call(slots_for, d.session_factory, d.clock, region_code=str(tracker.get_slot("ni_region") or ""))


def invoice_of(tracker: Tracker) -> InvoiceInfo | InvoiceProblem:
    """The invoice details the form collected; the tax number is the enterprise's USCC."""
    return validate_invoice_info(**INVOICE_FIELDS.request_from(tracker))


def equipment_list(items: Sequence[Equipment]) -> str:
    """"空调 5kW×3；电梯 15kW×1": the list as the replies show it."""
    return "；".join(f"{item.name} {kw_text(item.power_kw)}kW×{item.quantity}" for item in items)


def remark_text(remark: Any) -> str | None:
    """The 备注 slot as filed: none when the user had nothing to add."""
    return None if remark in (None, NO_REMARK) else str(remark)


def _chosen(text: str, words: dict[Any, tuple[str, ...]]) -> Any | None:
    return next((choice for choice, said in words.items() if any(w in text for w in said)), None)


# The enterprise questions' validators: new_install_form's validator lists them (one each).


async def validate_ei_transformer(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    text = str(value or "")
    if text == NO_INSTALL or (text != INSTALL and _NO_TRANSFORMER.search(text)):
        return accept("ei_transformer", NO_INSTALL)
    if text == INSTALL or _TRANSFORMER.search(text):
        dispatcher.utter_message(response="utter_ei_high_voltage_offline")
        return accept("ei_transformer", INSTALL)
    return reject(dispatcher, tracker, "ei_transformer", "utter_ei_transformer_unclear")

async def validate_ei_equipment(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    items = parse_equipment(str(value or ""))
    if isinstance(items, EquipmentRejected):
        return reject(dispatcher, tracker, "ei_equipment", EQUIPMENT_REJECTIONS[items.reason],
                           item=items.item or "")
    dispatcher.utter_message(response="utter_ei_equipment_total", items=equipment_list(items),
                             total=kw_text(total_capacity_kw(items)))
    return accept("ei_equipment", str(value))

async def validate_ni_address_ok(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    if value is True:
        return accept("ni_address_ok", True)
    dispatcher.utter_message(response="utter_ni_address_retype")
    return {"ni_address": None, "ni_address_ok": None}

async def validate_ei_slot(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    views = await offered_slots(tracker)
    text = str(value or "").strip()
    view = next((v for v in views if str(v.id) == text), None) or match_slot(text, views, deps().clock.today())
    if view is None:
        return reject(dispatcher, tracker, "ei_slot", "utter_ei_slot_unclear")
    if view.full:
        return reject(dispatcher, tracker, "ei_slot", "utter_ei_slot_full", when=slot_label(view))
    return accept("ei_slot", str(view.id))

async def validate_ei_notice_read(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    if value == "read":
        return accept("ei_notice_read", "read")
    if value != "declined" and _WANTS_NOTICE.search(str(value or "")):
        dispatcher.utter_message(text=enterprise_notice_text())
        return {"ei_notice_read": None}
    return reject(dispatcher, tracker, "ei_notice_read", "utter_ei_notice_required")

async def validate_ei_proof_type(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    chosen = _chosen(str(value or ""), PROOF_TYPE_WORDS)
    if chosen is None:
        return reject(dispatcher, tracker, "ei_proof_type", "utter_ei_proof_type_unclear")
    return accept("ei_proof_type", chosen.value)

async def validate_entity_proof(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    return await document_answer("entity_proof", dispatcher, tracker)

async def validate_legal_rep_id(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    return await document_answer("legal_rep_id", dispatcher, tracker)

async def validate_ei_uscc(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    code = validate_uscc(str(value or ""))
    if isinstance(code, UsccRejected):
        return reject(dispatcher, tracker, "ei_uscc", USCC_REJECTIONS[code.reason])
    return accept("ei_uscc", code)

async def validate_ei_role(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    chosen = _chosen(str(value or ""), ROLE_WORDS)
    if chosen is None:
        return reject(dispatcher, tracker, "ei_role", "utter_ei_role_unclear")
    return accept("ei_role", chosen.value)

async def validate_ei_legal_rep_name(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    return person_name_answer("ei_legal_rep_name", value, dispatcher, tracker)

async def validate_ei_invoice_type(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    kind = parse_invoice_type(str(value or ""))
    if kind is None:
        return reject(dispatcher, tracker, "ei_invoice_type", "utter_ei_invoice_type_unclear")
    return accept("ei_invoice_type", kind.value)

async def validate_ei_company_name(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    checked = validate_invoice_info(InvoiceType.ORDINARY, company_name=str(value or ""),
                                    tax_number=str(tracker.get_slot("ei_uscc") or ""))
    if isinstance(checked, InvoiceProblem) and checked.field == "company_name":
        return reject(dispatcher, tracker, "ei_company_name", "utter_ei_company_name_bad")
    return accept("ei_company_name", checked.company_name if isinstance(checked, InvoiceInfo) else value)

async def validate_ei_invoice_address(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    return _invoice_field("address", value, dispatcher, tracker)

async def validate_ei_invoice_phone(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    return _invoice_field("phone", value, dispatcher, tracker)

async def validate_ei_invoice_bank(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    return _invoice_field("bank_name", value, dispatcher, tracker)

async def validate_ei_bank_account(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    return _invoice_field("bank_account", value, dispatcher, tracker)

async def validate_ei_remark(
    value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    text = " ".join(str(value or "").split())
    if not text or _NOTHING_TO_ADD.match(text):
        return accept("ei_remark", NO_REMARK)
    if len(text) > REMARK_MAX_CHARS:
        return reject(dispatcher, tracker, "ei_remark", "utter_ei_remark_too_long")
    return accept("ei_remark", text)

def _invoice_field(
    field: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
) -> dict[str, Any]:
    slot = INVOICE_FIELDS.fields[field].slot
    checked = check_invoice_field(field, str(value or ""))
    if isinstance(checked, InvoiceProblemReason):
        response = INVOICE_FIELD_REJECTIONS.get(checked, f"utter_explain_{slot}")
        return reject(dispatcher, tracker, slot, response)
    return accept(slot, checked)




class ActionAskAppointment(Action):
    """The next 7 working days' half-day slots: free ones as buttons, full ones named 已约满."""

    def name(self) -> str:
        return f"action_ask_{FORM}_ei_slot"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        views = await offered_slots(tracker)
        free = [view for view in views if not view.full]
        if not free:
            dispatcher.utter_message(response="utter_ei_no_slots")
            return []
        full = [slot_label(view) for view in views if view.full]
        dispatcher.utter_message(response="utter_ask_ei_slot", buttons=[
            button(slot_label(view), "inform", appointment_slot=str(view.id)) for view in free
        ])
        if full:
            dispatcher.utter_message(response="utter_ei_slots_full", slots="、".join(full))
        return []


class ActionAskEnterpriseNotice(Action):
    """《低压非居民企业新装业务办理须知》, then 已阅读并确认."""

    def name(self) -> str:
        return f"action_ask_{FORM}_ei_notice_read"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=enterprise_notice_text())
        dispatcher.utter_message(response="utter_ask_ei_notice_read")
        return []


async def ask_with_applicant(dispatcher: CollectingDispatcher, tracker: Tracker, response: str) -> list[EventType]:
    """A question that shows the applicant's name and registered phone as the real-name record
    has them (不可修改): 产权证明类型 (个人新装) and 申请人身份 (企业新装)."""
    applicant = await current_applicant(tracker)
    dispatcher.utter_message(
        response=response, name=applicant.name if applicant else "",
        masked_phone=applicant.phone_masked if applicant else "",
    )
    return []


class ActionAskEnterpriseRole(Action):
    """法人代表 or 经办人."""

    def name(self) -> str:
        return f"action_ask_{FORM}_ei_role"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return await ask_with_applicant(dispatcher, tracker, "utter_ask_ei_role")


class ActionAskCompanyName(Action):
    """The invoice's company name; its tax number is the USCC already given."""

    def name(self) -> str:
        return f"action_ask_{FORM}_ei_company_name"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_ask_ei_company_name", uscc=tracker.get_slot("ei_uscc") or "")
        return []
