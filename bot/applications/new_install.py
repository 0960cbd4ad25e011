"""新装 (new connection): 个人新装 (低压居民) and 企业新装 (低压非居民).

The applicant is the logged-in, real-name verified user; their name, phone and masked
ID are shown read-only on the form (:func:`bot.applications.new_install_forms.applicant_details`). A 个人新装 is applied
for by the property owner (产权人) or someone on their behalf (经办人, with the owner's
name and phone and a letter of authorisation); a 企业新装 by the legal representative
(法人代表) or an agent (经办人, with the legal representative's name and ID and a
letter of authorisation, for which :mod:`bot.applications.templates` offers a template). An
enterprise that needs its own transformer (专变) is a high-voltage connection, handled
at a service counter only.

Time limits (``TIME_LIMIT_WORKING_DAYS`` in :mod:`bot.applications.work_orders`): 个人新装
is done within 5 working days, 企业新装 (低压非居民) within 15, both counted on the
official calendar from the day the documents are complete. An application whose
documents come later is 待补充资料 with no date until an operator moves it on.

Submission checks every field again on the server: the chat's slots can be forged.
Everything runs in one transaction that first locks the user's row (so a retried
message cannot file the same application twice) and books the appointment last, so a
failure after booking rolls the booking back with the order. Work orders keep phone,
ID and bank account numbers masked only.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.applications.appointments import Booked, SlotFull, book_in, offered_days
from bot.applications.enterprise import InvoiceInfo, InvoiceProblem, UsccRejected, validate_invoice_info, validate_uscc
from bot.applications.equipment import EquipmentRejected, check_items, kw_text, parse_equipment, total_capacity_kw
from bot.applications.new_install_checks import (
    Documents,
    address_data,
    applicant_data,
    applicant_in_region,
    checked_address,
    choice,
    not_applicable,
    open_duplicate,
    person_name,
)
from bot.applications.new_install_forms import (
    REMARK_MAX_CHARS,
    EnterpriseInstall,
    EnterpriseRole,
    EntityProofType,
    InstallProblem,
    InstallProblemReason,
    InstallSubmitted,
    InstallType,
    PersonalInstall,
    ProofRole,
)
from bot.applications.work_orders import TIME_LIMIT_WORKING_DAYS, AttachmentNotUsable, create_work_order
from bot.clock import Clock
from bot.db.enums import AccountCategory, WorkOrderKind, WorkOrderStatus
from bot.db.locks import lock_user
from bot.db.models import Region
from bot.db.session import SessionFactory
from bot.identity.phones import normalize_mobile
from bot.privacy.masking import mask_phone, redact

# --- 个人新装 ---------------------------------------------------------------------


def submit_personal_install(
    session_factory: SessionFactory,
    clock: Clock,
    *,
    user_id: int,
    application: PersonalInstall,
    note: str | None = None,
) -> InstallSubmitted | InstallProblem:
    """Check the application again and file a 个人新装: 已受理 with a promised date 5
    working days on, or 待补充资料 without one when ``documents_later``."""
    try:
        with session_factory.session_scope() as session:
            lock_user(session, user_id)
            checked = _check_personal(session, user_id, application)
            if isinstance(checked, InstallProblem):
                return checked
            form_data, attachment_ids = checked
            return _file(session, clock, WorkOrderKind.RESIDENTIAL_INSTALL, user_id, form_data,
                         attachment_ids, application.documents_later, note)
    except AttachmentNotUsable:  # used by a concurrent submission after the check
        return InstallProblem(InstallProblemReason.ATTACHMENT_NOT_FOUND, "attachments")


def _check_personal(
    session: Session, user_id: int, application: PersonalInstall
) -> tuple[dict[str, Any], list[int]] | InstallProblem:
    """The form data and attachments, or the first problem in field order."""
    who_where = applicant_in_region(session, user_id, application.region_code)
    if isinstance(who_where, InstallProblem):
        return who_where
    applicant, region = who_where
    address = checked_address(application.address, region)
    if isinstance(address, InstallProblem):
        return address
    role = choice(ProofRole, application.proof_role, "proof_role")
    if isinstance(role, InstallProblem):
        return role

    documents = Documents(session, user_id, application.documents_later)
    problem = documents.take("property_certificate_id", application.property_certificate_id)
    data: dict[str, Any] = {}
    if problem is None and role is ProofRole.AGENT:
        problem = _owner(application, data) or documents.take("authorisation_id", application.authorisation_id)
    elif problem is None:
        problem = not_applicable(owner_name=application.owner_name, owner_phone=application.owner_phone,
                                  authorisation_id=application.authorisation_id)
    if problem is not None:
        return problem
    duplicate = open_duplicate(session, user_id, WorkOrderKind.RESIDENTIAL_INSTALL, address=address.full_text)
    if duplicate is not None:
        return InstallProblem(InstallProblemReason.ORDER_IN_PROGRESS, "address", order_no=duplicate)
    return {
        "install_type": InstallType.RESIDENTIAL.value,
        "category": AccountCategory.RESIDENTIAL.value,
        **applicant_data(applicant),
        "proof_role": role.value,
        **data,
        **address_data(region, address),
        "time_limit_working_days": TIME_LIMIT_WORKING_DAYS[WorkOrderKind.RESIDENTIAL_INSTALL],
        "documents_missing": documents.missing,
    }, documents.ids


def _owner(application: PersonalInstall, data: dict[str, Any]) -> InstallProblem | None:
    """The property owner an agent applies for: a valid name and mobile number."""
    problem = person_name(application.owner_name, "owner_name", data)
    if problem is not None:
        return problem
    if not application.owner_phone:
        return InstallProblem(InstallProblemReason.MISSING, "owner_phone")
    phone = normalize_mobile(application.owner_phone)
    if phone is None:
        return InstallProblem(InstallProblemReason.BAD_PHONE, "owner_phone")
    data.update(owner_phone_masked=mask_phone(phone))
    return None


# --- 企业新装 ---------------------------------------------------------------------


def submit_enterprise_install(
    session_factory: SessionFactory,
    clock: Clock,
    *,
    user_id: int,
    application: EnterpriseInstall,
    note: str | None = None,
) -> InstallSubmitted | InstallProblem:
    """Check the application again, book the appointment and file a 企业新装: 已受理
    with a promised date 15 working days on, or 待补充资料 without one when
    ``documents_later``. A transformer refuses it (HIGH_VOLTAGE_OFFLINE)."""
    if application.transformer:
        return InstallProblem(InstallProblemReason.HIGH_VOLTAGE_OFFLINE, "transformer")
    try:
        with session_factory.session_scope() as session:
            lock_user(session, user_id)
            checked = _check_enterprise(session, user_id, application)
            if isinstance(checked, InstallProblem):
                return checked
            form_data, attachment_ids, region = checked
            booked = book_in(session, slot_id=application.slot_id, region_code=region.code,
                             on_days=offered_days(clock.today()))
            if not isinstance(booked, Booked):
                reason = (InstallProblemReason.SLOT_FULL if isinstance(booked, SlotFull)
                          else InstallProblemReason.SLOT_NOT_OFFERED)
                return InstallProblem(reason, "slot_id")
            form_data["appointment"] = {
                "slot_id": booked.slot_id, "region_code": region.code,
                "date": booked.slot_date.isoformat(), "half": booked.half.value,
            }
            submitted = _file(session, clock, WorkOrderKind.ENTERPRISE_INSTALL, user_id, form_data,
                              attachment_ids, application.documents_later, note)
            return InstallSubmitted(submitted.order_no, submitted.kind, submitted.status,
                                    submitted.promised_by, booked)
    except AttachmentNotUsable:  # the booking was rolled back with the order
        return InstallProblem(InstallProblemReason.ATTACHMENT_NOT_FOUND, "attachments")


def _check_enterprise(
    session: Session, user_id: int, application: EnterpriseInstall
) -> tuple[dict[str, Any], list[int], Region] | InstallProblem:
    """The form data (without the appointment), attachments and region, or the first
    problem in field order; the slot is checked by booking it."""
    who_where = applicant_in_region(session, user_id, application.region_code)
    if isinstance(who_where, InstallProblem):
        return who_where
    applicant, region = who_where
    if application.notice_read is not True:
        return InstallProblem(InstallProblemReason.NOTICE_NOT_READ, "notice_read")
    items = (parse_equipment(application.equipment) if isinstance(application.equipment, str)
             else check_items(list(application.equipment or ())))
    if isinstance(items, EquipmentRejected):
        return InstallProblem(InstallProblemReason.BAD_EQUIPMENT, "equipment", items.reason)
    address = checked_address(application.address, region)
    if isinstance(address, InstallProblem):
        return address
    if application.slot_id in (None, ""):
        return InstallProblem(InstallProblemReason.MISSING, "slot_id")
    proof_type = choice(EntityProofType, application.entity_proof_type, "entity_proof_type")
    if isinstance(proof_type, InstallProblem):
        return proof_type
    documents = Documents(session, user_id, application.documents_later)
    problem = documents.take("entity_proof_id", application.entity_proof_id)
    if problem is not None:
        return problem
    if not (application.uscc or "").strip():
        return InstallProblem(InstallProblemReason.MISSING, "uscc")
    uscc = validate_uscc(application.uscc)
    if isinstance(uscc, UsccRejected):
        return InstallProblem(InstallProblemReason.BAD_USCC, "uscc", uscc.reason)
    role = choice(EnterpriseRole, application.role, "role")
    if isinstance(role, InstallProblem):
        return role
    agent_data: dict[str, Any] = {}
    if role is EnterpriseRole.AGENT:
        problem = (person_name(application.legal_rep_name, "legal_rep_name", agent_data)
                   or documents.take("authorisation_id", application.authorisation_id)
                   or documents.take("legal_rep_id_id", application.legal_rep_id_id))
    else:
        problem = not_applicable(legal_rep_name=application.legal_rep_name,
                                  authorisation_id=application.authorisation_id,
                                  legal_rep_id_id=application.legal_rep_id_id)
    if problem is not None:
        return problem
    invoice = _invoice(application.invoice, uscc)
    if isinstance(invoice, InstallProblem):
        return invoice
    remark = " ".join((application.remark or "").split())
    if len(remark) > REMARK_MAX_CHARS:
        return InstallProblem(InstallProblemReason.REMARK_TOO_LONG, "remark")
    duplicate = open_duplicate(session, user_id, WorkOrderKind.ENTERPRISE_INSTALL,
                                uscc=uscc, address=address.full_text)
    if duplicate is not None:
        return InstallProblem(InstallProblemReason.ORDER_IN_PROGRESS, "uscc", order_no=duplicate)
    return {
        "install_type": InstallType.ENTERPRISE.value,
        "category": AccountCategory.NON_RESIDENTIAL.value,
        **applicant_data(applicant),
        "role": role.value,
        **agent_data,
        "company_name": invoice.company_name,
        "uscc": uscc,
        "entity_proof_type": proof_type.value,
        "equipment": [
            {"name": item.name, "power_kw": kw_text(item.power_kw), "quantity": item.quantity} for item in items
        ],
        "total_capacity_kw": kw_text(total_capacity_kw(items)),
        **address_data(region, address),
        "invoice": invoice.masked(),
        "remark": redact(remark) if remark else None,
        "time_limit_working_days": TIME_LIMIT_WORKING_DAYS[WorkOrderKind.ENTERPRISE_INSTALL],
        "documents_missing": documents.missing,
    }, documents.ids, region


def _invoice(invoice: InvoiceInfo | None, uscc: str) -> InvoiceInfo | InstallProblem:
    """The invoice details checked again (they may not come from validate_invoice_info),
    made out to the applying enterprise."""
    if invoice is None:
        return InstallProblem(InstallProblemReason.MISSING, "invoice")
    again = validate_invoice_info(
        invoice.invoice_type, company_name=invoice.company_name, tax_number=invoice.tax_number,
        address=invoice.address, phone=invoice.phone, bank_name=invoice.bank_name,
        bank_account=invoice.bank_account,
    )
    if isinstance(again, InvoiceProblem):
        return InstallProblem(InstallProblemReason.BAD_INVOICE, f"invoice.{again.field}", again.reason)
    if again.tax_number != uscc:
        return InstallProblem(InstallProblemReason.TAX_NUMBER_MISMATCH, "invoice.tax_number")
    return again


def _file(
    session: Session,
    clock: Clock,
    kind: WorkOrderKind,
    user_id: int,
    form_data: dict[str, Any],
    attachment_ids: list[int],
    later: bool,
    note: str | None,
) -> InstallSubmitted:
    order = create_work_order(
        session, clock, kind=kind, account_id=None, user_id=user_id, form_data=form_data,
        status=WorkOrderStatus.AWAITING_DOCUMENTS if later else WorkOrderStatus.ACCEPTED,
        note=note, promised_working_days=None if later else TIME_LIMIT_WORKING_DAYS[kind],
        attachment_ids=attachment_ids,
    )
    return InstallSubmitted(order.order_no, order.kind, order.status, order.promised_by)
