"""Submitting a 更名 (rename) or 过户 (ownership transfer) application.

Submission checks everything again on the server (eligibility as
:mod:`bot.applications.rename_transfer` decides it, then every field), inside one
transaction that holds the account's lock, so two submissions for one account cannot
both succeed. Work orders keep only masked ID and phone numbers.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from bot.accounts.binding import AccountNumberRejected, parse_account_number
from bot.applications.rename_transfer import (
    ApplicantRole,
    Eligible,
    RenameRefused,
    Settlement,
    SettlementProblem,
    assess,
    rename_or_transfer,
    role_of,
    settlement_problem,
)
from bot.applications.work_orders import TIME_LIMIT_WORKING_DAYS, create_work_order, usable_attachment
from bot.clock import Clock
from bot.db.enums import WorkOrderKind, WorkOrderStatus
from bot.db.id_hash import hash_id_number
from bot.db.locks import lock_account
from bot.db.models import RealNameRecord
from bot.db.session import SessionFactory
from bot.identity.phones import normalize_mobile
from bot.identity.real_name import (
    IdRejected,
    IdRejection,
    NameRejected,
    NameRejection,
    real_name_record,
    validate_id_number,
    validate_person_name,
)
from bot.privacy.masking import mask_id_number, mask_phone

# --- submitting ------------------------------------------------------------------


@dataclass(frozen=True)
class Application:
    """What the form collected. ID and phone numbers stay out of ``repr`` (and so out of logs)."""

    new_holder_name: str
    new_holder_id_number: str = field(repr=False)
    contact_phone: str = field(repr=False)
    settlement: Settlement | str | None = None  # 过户 only
    property_certificate_id: int | None = None  # attachment; required for 过户 unless documents_later
    agent_id_number: str | None = field(default=None, repr=False)  # required when an AGENT applies
    power_of_attorney_id: int | None = None  # attachment; required for an AGENT unless documents_later
    documents_later: bool = False  # a channel without files: documents are handed in later


class SubmitProblemReason(str, enum.Enum):
    NOT_VERIFIED = "NOT_VERIFIED"  # the applicant has no real-name record (field "applicant")
    BAD_NAME = "BAD_NAME"  # detail: NameRejection
    BAD_ID_NUMBER = "BAD_ID_NUMBER"  # detail: IdRejection
    BAD_PHONE = "BAD_PHONE"  # not a mainland mobile number
    NOT_APPLICABLE = "NOT_APPLICABLE"  # a settlement for 更名
    BAD_SETTLEMENT = "BAD_SETTLEMENT"  # detail: SettlementProblem
    MISSING = "MISSING"  # the agent's ID number
    AGENT_ID_MISMATCH = "AGENT_ID_MISMATCH"  # not the ID number the agent verified with
    DOCUMENT_MISSING = "DOCUMENT_MISSING"  # property certificate / power of attorney
    ATTACHMENT_NOT_FOUND = "ATTACHMENT_NOT_FOUND"  # not this user's upload, or already used


@dataclass(frozen=True)
class SubmitProblem:
    reason: SubmitProblemReason
    field: str  # the Application attribute at fault, or "applicant"
    detail: NameRejection | IdRejection | SettlementProblem | None = None


@dataclass(frozen=True)
class Submitted:
    order_no: str
    status: WorkOrderStatus
    promised_by: date | None  # None while documents are outstanding
    kind: WorkOrderKind


@dataclass(frozen=True)
class _Checked:
    """An application that passed every check, normalised."""

    name: str
    id_number: str
    phone: str
    settlement: Settlement | None
    agent_id_number: str | None
    attachment_ids: tuple[int, ...]
    documents_missing: tuple[str, ...]


def submit_application(
    session_factory: SessionFactory,
    clock: Clock,
    *,
    user_id: int,
    account_number: str,
    kind: WorkOrderKind,
    application: Application,
    note: str | None = None,
) -> Submitted | RenameRefused | SubmitProblem:
    """Check eligibility and the application again, then create the work order:
    已受理 with a promised date 5 working days on, or 待补充资料 without one when
    ``application.documents_later``. ``note`` goes on the first status event."""
    kind = rename_or_transfer(kind)
    today = clock.today()
    with session_factory.session_scope() as session:
        number = parse_account_number(str(account_number or ""))
        if not isinstance(number, AccountNumberRejected):
            lock_account(session, account_number=number)  # first: one application per account at a time
        verdict = assess(session, today, user_id, account_number, kind)
        if isinstance(verdict, RenameRefused):
            return verdict
        account, eligible = verdict
        record = real_name_record(session, user_id)
        if record is None:
            return SubmitProblem(SubmitProblemReason.NOT_VERIFIED, "applicant")
        role = role_of(account, record, user_id)
        checked = _check_application(session, today, user_id, kind, role, record, eligible, application)
        if isinstance(checked, SubmitProblem):
            return checked
        later = application.documents_later
        order = create_work_order(
            session, clock, kind=kind, account_id=account.id, user_id=user_id,
            form_data=_form_data(kind, role, record, eligible, checked),
            status=WorkOrderStatus.AWAITING_DOCUMENTS if later else WorkOrderStatus.ACCEPTED,
            note=note, promised_working_days=None if later else TIME_LIMIT_WORKING_DAYS[kind],
            attachment_ids=checked.attachment_ids,
        )
        return Submitted(order.order_no, order.status, order.promised_by, order.kind)


def _check_application(
    session: Session,
    today: date,
    user_id: int,
    kind: WorkOrderKind,
    role: ApplicantRole,
    record: RealNameRecord,
    eligible: Eligible,
    application: Application,
) -> _Checked | SubmitProblem:
    """The first problem in field order, or the normalised application."""
    name = validate_person_name(application.new_holder_name)
    if isinstance(name, NameRejected):
        return SubmitProblem(SubmitProblemReason.BAD_NAME, "new_holder_name", name.reason)
    id_number = validate_id_number(application.new_holder_id_number, today=today)
    if isinstance(id_number, IdRejected):
        return SubmitProblem(SubmitProblemReason.BAD_ID_NUMBER, "new_holder_id_number", id_number.reason)
    phone = normalize_mobile(application.contact_phone)
    if phone is None:
        return SubmitProblem(SubmitProblemReason.BAD_PHONE, "contact_phone")

    settlement: Settlement | None = None
    if kind is WorkOrderKind.TRANSFER:
        unsettled = settlement_problem(application.settlement, eligible.arrears_fen, eligible.prepaid_balance_fen)
        if unsettled is not None:
            return SubmitProblem(SubmitProblemReason.BAD_SETTLEMENT, "settlement", unsettled)
        settlement = Settlement(application.settlement)
    elif application.settlement not in (None, ""):
        return SubmitProblem(SubmitProblemReason.NOT_APPLICABLE, "settlement")

    later = application.documents_later
    attachment_ids: list[int] = []
    missing: list[str] = []
    problem = _take_document(
        session, user_id, "property_certificate_id", application.property_certificate_id,
        required=kind is WorkOrderKind.TRANSFER, later=later, ids=attachment_ids, missing=missing,
    )
    if problem is not None:
        return problem
    agent_id_number = None
    if role is ApplicantRole.AGENT:
        agent = _check_agent_id(application.agent_id_number, record, today)
        if isinstance(agent, SubmitProblem):
            return agent
        agent_id_number = agent
        problem = _take_document(
            session, user_id, "power_of_attorney_id", application.power_of_attorney_id,
            required=True, later=later, ids=attachment_ids, missing=missing,
        )
        if problem is not None:
            return problem
    return _Checked(name, id_number, phone, settlement, agent_id_number, tuple(attachment_ids), tuple(missing))


def _check_agent_id(text: str | None, record: RealNameRecord, today: date) -> str | SubmitProblem:
    """The agent's ID number: present, valid, and the one the logged-in agent verified with."""
    if not text:
        return SubmitProblem(SubmitProblemReason.MISSING, "agent_id_number")
    number = validate_id_number(text, today=today)
    if isinstance(number, IdRejected):
        return SubmitProblem(SubmitProblemReason.BAD_ID_NUMBER, "agent_id_number", number.reason)
    if hash_id_number(number) != record.id_number_hash:
        return SubmitProblem(SubmitProblemReason.AGENT_ID_MISMATCH, "agent_id_number")
    return number


def _take_document(
    session: Session,
    user_id: int,
    name: str,
    attachment_id: int | None,
    *,
    required: bool,
    later: bool,
    ids: list[int],
    missing: list[str],
) -> SubmitProblem | None:
    """Add the document's attachment to ``ids`` (or its name to ``missing`` when it comes
    later), or say what is wrong with it."""
    if attachment_id is None:
        if required and not later:
            return SubmitProblem(SubmitProblemReason.DOCUMENT_MISSING, name)
        if required:
            missing.append(name)
        return None
    attachment = usable_attachment(session, user_id, attachment_id)
    if attachment is None or attachment.id in ids:
        return SubmitProblem(SubmitProblemReason.ATTACHMENT_NOT_FOUND, name)
    ids.append(attachment.id)
    return None


def _form_data(
    kind: WorkOrderKind, role: ApplicantRole, record: RealNameRecord, eligible: Eligible, checked: _Checked
) -> dict[str, object]:
    """What the back office needs, with every ID and phone number masked."""
    data: dict[str, object] = {
        "applicant_name": record.name,
        "applicant_role": role.value,
        "new_holder_name": checked.name,
        "new_holder_id_masked": mask_id_number(checked.id_number),
        "contact_phone_masked": mask_phone(checked.phone),
        "settlement": checked.settlement.value if checked.settlement else None,
        "documents_missing": list(checked.documents_missing),
    }
    if checked.agent_id_number is not None:
        data["agent_id_masked"] = mask_id_number(checked.agent_id_number)
    if kind is WorkOrderKind.TRANSFER:
        data["arrears_fen"] = eligible.arrears_fen
        data["prepaid_balance_fen"] = eligible.prepaid_balance_fen
    return data
