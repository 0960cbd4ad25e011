"""新装 (new connection) forms: what 个人新装 and 企业新装 collect, and what comes back.

The applicant is the logged-in, real-name verified user; their name, phone and masked
ID are shown read-only on the form (:func:`applicant_details`). Checking and filing an
application is :mod:`bot.applications.new_install`.
"""
from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.applications.addresses import AddressProblemReason
from bot.applications.appointments import Booked
from bot.applications.enterprise import InvoiceInfo, InvoiceProblemReason, UsccRejection
from bot.applications.equipment import Equipment, EquipmentRejection
from bot.applications.notices import read_notice
from bot.db.enums import StrEnum, WorkOrderKind, WorkOrderStatus
from bot.db.models import RealNameRecord, User
from bot.db.session import SessionFactory
from bot.identity.real_name import NameRejection
from bot.privacy.masking import mask_phone

REMARK_MAX_CHARS = 200
ENTERPRISE_NOTICE_FILE = "enterprise_install.md"


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
        found = find_applicant(session, user_id)
        return found[1] if found is not None else None


def find_applicant(session: Session, user_id: int) -> tuple[RealNameRecord, Applicant] | None:
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
