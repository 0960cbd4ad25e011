"""新装 (new connection): 个人新装 (低压居民) and 企业新装 (低压非居民).

The applicant is the logged-in, real-name verified user; their name, phone and masked
ID are shown read-only on the form (:func:`applicant_details`). A 个人新装 is applied
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

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.applications.addresses import AddressProblem, AddressProblemReason, ParsedAddress, parse_address
from bot.applications.appointments import Booked, SlotFull, book_in, offered_days
from bot.applications.enterprise import (
    InvoiceInfo,
    InvoiceProblem,
    InvoiceProblemReason,
    UsccRejected,
    UsccRejection,
    validate_invoice_info,
    validate_uscc,
)
from bot.applications.equipment import (
    Equipment,
    EquipmentRejected,
    EquipmentRejection,
    check_items,
    kw_text,
    parse_equipment,
    total_capacity_kw,
)
from bot.applications.notices import read_notice
from bot.applications.work_orders import (
    FINAL_STATUSES,
    TIME_LIMIT_WORKING_DAYS,
    AttachmentNotUsable,
    create_work_order,
    usable_attachment,
)
from bot.clock import Clock
from bot.db.enums import AccountCategory, StrEnum, WorkOrderKind, WorkOrderStatus
from bot.db.locks import lock_rows
from bot.db.models import RealNameRecord, Region, User, WorkOrder
from bot.db.session import SessionFactory
from bot.identity.phones import normalize_mobile
from bot.identity.real_name import NameRejected, NameRejection, validate_person_name
from bot.privacy.masking import mask_phone, redact

REMARK_MAX_CHARS = 200
ENTERPRISE_NOTICE_FILE = "enterprise_install.md"
ChoiceT = TypeVar("ChoiceT", bound=StrEnum)


class InstallType(StrEnum):
    """The two 新装 businesses, valued as their work-order kinds."""

    RESIDENTIAL = WorkOrderKind.RESIDENTIAL_INSTALL.value  # 个人新装
    ENTERPRISE = WorkOrderKind.ENTERPRISE_INSTALL.value  # 企业新装

    @property
    def kind(self) -> WorkOrderKind:
        return WorkOrderKind(self.value)


class ProofRole(StrEnum):
    """Who applies for a 个人新装."""

    OWNER = "产权人"
    AGENT = "经办人"


class EnterpriseRole(StrEnum):
    """Who applies for a 企业新装."""

    LEGAL_REPRESENTATIVE = "法人代表"
    AGENT = "经办人"


class EntityProofType(StrEnum):
    """主体资格证明: the document that proves the organisation exists."""

    BUSINESS_LICENCE = "营业执照"
    INSTITUTION = "事业单位法人证书"
    SOCIAL_ORGANISATION = "社会团体法人登记证书"
    PRIVATE_NON_ENTERPRISE = "民办非企业单位登记证书"


def enterprise_notice_text() -> str:
    """《低压非居民企业新装业务办理须知》 (Markdown, numbered points), read once."""
    return read_notice(ENTERPRISE_NOTICE_FILE)


# --- the applicant ---------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """The form's read-only applicant fields (不可修改)."""

    name: str
    phone_masked: str
    phone: str = field(repr=False)
    id_masked: str


def applicant_details(session_factory: SessionFactory, *, user_id: int) -> Applicant | None:
    """From the user's real-name record and login phone; None when not verified."""
    with session_factory.session_scope() as session:
        found = _applicant(session, user_id)
        return found[1] if found is not None else None


def _applicant(session: Session, user_id: int) -> tuple[RealNameRecord, Applicant] | None:
    row = session.execute(
        select(RealNameRecord, User.phone).join(User, User.id == RealNameRecord.user_id)
        .where(RealNameRecord.user_id == user_id)
    ).first()
    if row is None:
        return None
    record, phone = row
    return record, Applicant(record.name, mask_phone(phone), phone, record.id_number_masked)


# --- applications ----------------------------------------------------------------


@dataclass(frozen=True)
class PersonalInstall:
    """A 个人新装 as the form collected it. The owner's phone stays out of ``repr``."""

    region_code: str
    address: str
    proof_role: ProofRole | str
    property_certificate_id: int | None = None  # attachment; required unless documents_later
    owner_name: str | None = None  # 经办人 only
    owner_phone: str | None = field(default=None, repr=False)  # 经办人 only
    authorisation_id: int | None = None  # 经办人 only: 授权委托书 attachment
    documents_later: bool = False  # a channel without files: documents are handed in later


@dataclass(frozen=True)
class EnterpriseInstall:
    """A 企业新装 as the form collected it."""

    region_code: str
    transformer: bool  # needs its own transformer: high voltage, offline only
    equipment: str | Sequence[Equipment]  # as typed, or parsed by the chat
    address: str
    slot_id: int | str | None  # the appointment for the site survey
    notice_read: bool  # 《企业新装办理须知》 read and accepted
    entity_proof_type: EntityProofType | str
    entity_proof_id: int | None  # attachment; required unless documents_later
    uscc: str
    role: EnterpriseRole | str
    invoice: InvoiceInfo | None
    legal_rep_name: str | None = None  # 经办人 only: the legal representative's name
    authorisation_id: int | None = None  # 经办人 only: 授权委托书 attachment
    legal_rep_id_id: int | None = None  # 经办人 only: the legal representative's ID card attachment
    remark: str | None = None  # at most 200 characters
    documents_later: bool = False


class InstallProblemReason(str, enum.Enum):
    HIGH_VOLTAGE_OFFLINE = "HIGH_VOLTAGE_OFFLINE"  # a transformer is needed: service counter only
    NOT_VERIFIED = "NOT_VERIFIED"  # no real-name record (field "applicant")
    UNKNOWN_REGION = "UNKNOWN_REGION"  # not a district we serve
    NOTICE_NOT_READ = "NOTICE_NOT_READ"
    BAD_EQUIPMENT = "BAD_EQUIPMENT"  # detail: EquipmentRejection
    BAD_ADDRESS = "BAD_ADDRESS"  # detail: AddressProblemReason
    MISSING = "MISSING"  # a required field is empty
    UNKNOWN_CHOICE = "UNKNOWN_CHOICE"  # not one of the role / proof type values
    BAD_NAME = "BAD_NAME"  # detail: NameRejection
    BAD_PHONE = "BAD_PHONE"  # not a mainland mobile number
    BAD_USCC = "BAD_USCC"  # detail: UsccRejection
    BAD_INVOICE = "BAD_INVOICE"  # field "invoice.<name>", detail: InvoiceProblemReason
    TAX_NUMBER_MISMATCH = "TAX_NUMBER_MISMATCH"  # the invoice is not for the applying enterprise
    REMARK_TOO_LONG = "REMARK_TOO_LONG"
    NOT_APPLICABLE = "NOT_APPLICABLE"  # an agent's field for an owner / legal representative
    DOCUMENT_MISSING = "DOCUMENT_MISSING"
    ATTACHMENT_NOT_FOUND = "ATTACHMENT_NOT_FOUND"  # not this user's upload, or already used
    SLOT_NOT_OFFERED = "SLOT_NOT_OFFERED"  # not a slot of the district on an offered day
    SLOT_FULL = "SLOT_FULL"
    ORDER_IN_PROGRESS = "ORDER_IN_PROGRESS"  # the same application is already open (order_no)


ProblemDetail = (
    EquipmentRejection | AddressProblemReason | NameRejection | UsccRejection | InvoiceProblemReason | None
)


@dataclass(frozen=True)
class InstallProblem:
    reason: InstallProblemReason
    field: str  # the application attribute at fault, or "applicant"
    detail: ProblemDetail = None
    order_no: str | None = None  # ORDER_IN_PROGRESS


@dataclass(frozen=True)
class InstallSubmitted:
    order_no: str
    kind: WorkOrderKind
    status: WorkOrderStatus
    promised_by: date | None  # None while documents are outstanding
    appointment: Booked | None = None  # 企业新装


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
            _lock_user(session, user_id)
            checked = _check_personal(session, user_id, application)
            if isinstance(checked, InstallProblem):
                return checked
            form_data, attachment_ids = checked
            return _file(session, clock, WorkOrderKind.RESIDENTIAL_INSTALL, user_id, form_data,
                         attachment_ids, application.documents_later, note)
    except AttachmentNotUsable:  # used by a concurrent submission after the check
        return InstallProblem(InstallProblemReason.ATTACHMENT_NOT_FOUND, "attachments")


def _applicant_in_region(
    session: Session, user_id: int, region_code: str
) -> tuple[Applicant, Region] | InstallProblem:
    """The verified applicant and a region we serve, or the problem with either."""
    found = _applicant(session, user_id)
    if found is None:
        return InstallProblem(InstallProblemReason.NOT_VERIFIED, "applicant")
    region = _served_region(session, region_code)
    if region is None:
        return InstallProblem(InstallProblemReason.UNKNOWN_REGION, "region_code")
    return found[1], region


def _check_personal(
    session: Session, user_id: int, application: PersonalInstall
) -> tuple[dict[str, Any], list[int]] | InstallProblem:
    """The form data and attachments, or the first problem in field order."""
    who_where = _applicant_in_region(session, user_id, application.region_code)
    if isinstance(who_where, InstallProblem):
        return who_where
    applicant, region = who_where
    address = _address(application.address, region)
    if isinstance(address, InstallProblem):
        return address
    role = _choice(ProofRole, application.proof_role, "proof_role")
    if isinstance(role, InstallProblem):
        return role

    documents = _Documents(session, user_id, application.documents_later)
    problem = documents.take("property_certificate_id", application.property_certificate_id)
    data: dict[str, Any] = {}
    if problem is None and role is ProofRole.AGENT:
        problem = _owner(application, data) or documents.take("authorisation_id", application.authorisation_id)
    elif problem is None:
        problem = _not_applicable(owner_name=application.owner_name, owner_phone=application.owner_phone,
                                  authorisation_id=application.authorisation_id)
    if problem is not None:
        return problem
    duplicate = _open_duplicate(session, user_id, WorkOrderKind.RESIDENTIAL_INSTALL, address=address.full_text)
    if duplicate is not None:
        return InstallProblem(InstallProblemReason.ORDER_IN_PROGRESS, "address", order_no=duplicate)
    return {
        "install_type": InstallType.RESIDENTIAL.value,
        "category": AccountCategory.RESIDENTIAL.value,
        **_applicant_data(applicant),
        "proof_role": role.value,
        **data,
        **_address_data(region, address),
        "time_limit_working_days": TIME_LIMIT_WORKING_DAYS[WorkOrderKind.RESIDENTIAL_INSTALL],
        "documents_missing": documents.missing,
    }, documents.ids


def _owner(application: PersonalInstall, data: dict[str, Any]) -> InstallProblem | None:
    """The property owner an agent applies for: a valid name and mobile number."""
    problem = _person_name(application.owner_name, "owner_name", data)
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
            _lock_user(session, user_id)
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
    who_where = _applicant_in_region(session, user_id, application.region_code)
    if isinstance(who_where, InstallProblem):
        return who_where
    applicant, region = who_where
    if application.notice_read is not True:
        return InstallProblem(InstallProblemReason.NOTICE_NOT_READ, "notice_read")
    items = (parse_equipment(application.equipment) if isinstance(application.equipment, str)
             else check_items(list(application.equipment or ())))
    if isinstance(items, EquipmentRejected):
        return InstallProblem(InstallProblemReason.BAD_EQUIPMENT, "equipment", items.reason)
    address = _address(application.address, region)
    if isinstance(address, InstallProblem):
        return address
    if application.slot_id in (None, ""):
        return InstallProblem(InstallProblemReason.MISSING, "slot_id")
    proof_type = _choice(EntityProofType, application.entity_proof_type, "entity_proof_type")
    if isinstance(proof_type, InstallProblem):
        return proof_type
    documents = _Documents(session, user_id, application.documents_later)
    problem = documents.take("entity_proof_id", application.entity_proof_id)
    if problem is not None:
        return problem
    if not (application.uscc or "").strip():
        return InstallProblem(InstallProblemReason.MISSING, "uscc")
    uscc = validate_uscc(application.uscc)
    if isinstance(uscc, UsccRejected):
        return InstallProblem(InstallProblemReason.BAD_USCC, "uscc", uscc.reason)
    role = _choice(EnterpriseRole, application.role, "role")
    if isinstance(role, InstallProblem):
        return role
    agent_data: dict[str, Any] = {}
    if role is EnterpriseRole.AGENT:
        problem = (_person_name(application.legal_rep_name, "legal_rep_name", agent_data)
                   or documents.take("authorisation_id", application.authorisation_id)
                   or documents.take("legal_rep_id_id", application.legal_rep_id_id))
    else:
        problem = _not_applicable(legal_rep_name=application.legal_rep_name,
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
    duplicate = _open_duplicate(session, user_id, WorkOrderKind.ENTERPRISE_INSTALL,
                                uscc=uscc, address=address.full_text)
    if duplicate is not None:
        return InstallProblem(InstallProblemReason.ORDER_IN_PROGRESS, "uscc", order_no=duplicate)
    return {
        "install_type": InstallType.ENTERPRISE.value,
        "category": AccountCategory.NON_RESIDENTIAL.value,
        **_applicant_data(applicant),
        "role": role.value,
        **agent_data,
        "company_name": invoice.company_name,
        "uscc": uscc,
        "entity_proof_type": proof_type.value,
        "equipment": [
            {"name": item.name, "power_kw": kw_text(item.power_kw), "quantity": item.quantity} for item in items
        ],
        "total_capacity_kw": kw_text(total_capacity_kw(items)),
        **_address_data(region, address),
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


# --- shared ----------------------------------------------------------------------


def _lock_user(session: Session, user_id: int) -> None:
    """Serialise one user's submissions until this transaction ends (runs first)."""
    lock_rows(session, User.phone, User.id == user_id)


def _served_region(session: Session, code: object) -> Region | None:
    return session.get(Region, str(code or "").strip()) if str(code or "").strip() else None


def _address(text: str, region: Region) -> ParsedAddress | InstallProblem:
    parsed = parse_address(text, region)
    if isinstance(parsed, AddressProblem):
        return InstallProblem(InstallProblemReason.BAD_ADDRESS, "address", parsed.reason)
    return parsed


def _person_name(text: str | None, name: str, data: dict[str, Any]) -> InstallProblem | None:
    """A required person's name (as on the ID card) into ``data[name]``, or MISSING / BAD_NAME."""
    if not (text or "").strip():
        return InstallProblem(InstallProblemReason.MISSING, name)
    checked = validate_person_name(text or "")
    if isinstance(checked, NameRejected):
        return InstallProblem(InstallProblemReason.BAD_NAME, name, checked.reason)
    data[name] = checked
    return None


def _choice(enum_class: type[ChoiceT], value: object, name: str) -> ChoiceT | InstallProblem:
    """The enum member ``value`` names, or MISSING / UNKNOWN_CHOICE for ``name``."""
    if value in (None, ""):
        return InstallProblem(InstallProblemReason.MISSING, name)
    try:
        return enum_class(value)
    except ValueError:
        return InstallProblem(InstallProblemReason.UNKNOWN_CHOICE, name)


def _not_applicable(**fields: object) -> InstallProblem | None:
    """An agent's field filled in for someone applying in person."""
    for name, value in fields.items():
        if value not in (None, ""):
            return InstallProblem(InstallProblemReason.NOT_APPLICABLE, name)
    return None


class _Documents:
    """The attachments an application brings, and the documents it still owes."""

    def __init__(self, session: Session, user_id: int, later: bool) -> None:
        self._session, self._user_id, self._later = session, user_id, later
        self.ids: list[int] = []
        self.missing: list[str] = []

    def take(self, name: str, attachment_id: object) -> InstallProblem | None:
        """Add a required document: the user's own unused upload, or (documents later)
        its name to ``missing``."""
        if attachment_id in (None, ""):
            if not self._later:
                return InstallProblem(InstallProblemReason.DOCUMENT_MISSING, name)
            self.missing.append(name)
            return None
        attachment = usable_attachment(self._session, self._user_id, attachment_id)
        if attachment is None or attachment.id in self.ids:
            return InstallProblem(InstallProblemReason.ATTACHMENT_NOT_FOUND, name)
        self.ids.append(attachment.id)
        return None


def _open_duplicate(session: Session, user_id: int, kind: WorkOrderKind, **same: str) -> str | None:
    """The number of the user's unfinished order of ``kind`` whose form data has the
    same values for ``same``."""
    orders = session.scalars(
        select(WorkOrder).where(
            WorkOrder.user_id == user_id, WorkOrder.kind == kind, WorkOrder.status.not_in(list(FINAL_STATUSES))
        )
    )
    for order in orders:
        data = order.form_data if isinstance(order.form_data, dict) else {}
        if all(data.get(key) == value for key, value in same.items()):
            return order.order_no
    return None


def _applicant_data(applicant: Applicant) -> dict[str, str]:
    return {
        "applicant_name": applicant.name,
        "applicant_id_masked": applicant.id_masked,
        "applicant_phone_masked": applicant.phone_masked,
    }


def _address_data(region: Region, address: ParsedAddress) -> dict[str, Any]:
    return {
        "region_code": region.code,
        "supply_company": region.supply_company,
        "address": address.full_text,
        "address_complete": address.complete,
    }


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
