"""更名 (rename) and 过户 (ownership transfer) of low-voltage individual accounts.

Only 低压居民 / 低压非居民 accounts of individuals qualify online; 高压 and enterprise
accounts are refused with their category and holder kind, so the reply can send them
to a service counter. The two are one business in the app: an unfinished order of
either kind blocks both. 过户 also settles the account: overdue arrears refuse it, and
the applicant says what happens to the money (:class:`Settlement`).

Submission checks everything again on the server, inside one transaction that holds
the account's lock, so two submissions for one account cannot both succeed. Work
orders keep only masked ID and phone numbers.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from bot.accounts.binding import AccountNumberRejected, parse_account_number
from bot.applications.notices import read_notice
from bot.applications.work_orders import create_work_order, open_order, usable_attachment
from bot.billing.access import bound_account
from bot.billing.bills import amount_due_fen, unpaid_bills
from bot.clock import Clock
from bot.db.enums import AccountCategory, HolderKind, StrEnum, WorkOrderKind, WorkOrderStatus
from bot.db.id_hash import hash_id_number
from bot.db.locks import lock_rows
from bot.db.models import ElectricityAccount, RealNameRecord
from bot.db.session import SessionFactory
from bot.identity.holder import holds_account
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
from bot.privacy.masking import mask_id_number, mask_name, mask_phone

KINDS = (WorkOrderKind.RENAME, WorkOrderKind.TRANSFER)
ELIGIBLE_CATEGORIES = frozenset({AccountCategory.RESIDENTIAL, AccountCategory.NON_RESIDENTIAL})
PROMISED_WORKING_DAYS = 5  # both businesses, counted once the documents are complete
NOTICE_FILES = {WorkOrderKind.RENAME: "rename.md", WorkOrderKind.TRANSFER: "transfer.md"}


def _check_kind(kind: WorkOrderKind) -> WorkOrderKind:
    if kind not in KINDS:
        raise ValueError(f"not a rename or transfer: {kind!r}")
    return WorkOrderKind(kind)


# --- eligibility -----------------------------------------------------------------


class RenameRefusal(str, enum.Enum):
    NOT_BOUND = "NOT_BOUND"  # not bound by this user (nothing else is revealed)
    CATEGORY = "CATEGORY"  # 高压 or an enterprise: offline only
    ORDER_IN_PROGRESS = "ORDER_IN_PROGRESS"  # an unfinished 更名 or 过户 order on the account
    OVERDUE_ARREARS = "OVERDUE_ARREARS"  # 过户 only: a bill is past its due date


@dataclass(frozen=True)
class RenameRefused:
    reason: RenameRefusal
    category: AccountCategory | None = None  # CATEGORY
    holder_kind: HolderKind | None = None  # CATEGORY
    order_no: str | None = None  # ORDER_IN_PROGRESS
    order_kind: WorkOrderKind | None = None  # ORDER_IN_PROGRESS
    order_status: WorkOrderStatus | None = None  # ORDER_IN_PROGRESS
    amount_due_fen: int | None = None  # OVERDUE_ARREARS: all unpaid bills plus late fees


@dataclass(frozen=True)
class Eligible:
    account_number: str
    holder_masked: str
    category: AccountCategory
    arrears_fen: int  # everything unpaid, late fees accrued to today included
    prepaid_balance_fen: int


def check_eligibility(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, account_number: str, kind: WorkOrderKind
) -> Eligible | RenameRefused:
    """Whether the user may apply for ``kind`` on the account, checked in the order
    binding, category, unfinished orders, overdue arrears (过户 only)."""
    kind = _check_kind(kind)
    with session_factory.session_scope() as session:
        verdict = _assess(session, clock.today(), user_id, account_number, kind)
        return verdict if isinstance(verdict, RenameRefused) else verdict[1]


def _assess(
    session: Session, today: date, user_id: int, account_number: str, kind: WorkOrderKind
) -> tuple[ElectricityAccount, Eligible] | RenameRefused:
    account = bound_account(session, user_id, account_number)
    if account is None:
        return RenameRefused(RenameRefusal.NOT_BOUND)
    if account.category not in ELIGIBLE_CATEGORIES or account.holder_kind is not HolderKind.INDIVIDUAL:
        return RenameRefused(RenameRefusal.CATEGORY, category=account.category, holder_kind=account.holder_kind)
    pending = open_order(session, account.id, KINDS)
    if pending is not None:
        return RenameRefused(
            RenameRefusal.ORDER_IN_PROGRESS,
            order_no=pending.order_no, order_kind=pending.kind, order_status=pending.status,
        )
    due_fen, overdue = _dues(session, account, today)
    if kind is WorkOrderKind.TRANSFER and overdue:
        return RenameRefused(RenameRefusal.OVERDUE_ARREARS, amount_due_fen=due_fen)
    return account, Eligible(
        account_number=account.account_number, holder_masked=mask_name(account.holder_name),
        category=account.category, arrears_fen=due_fen, prepaid_balance_fen=account.prepaid_balance_fen,
    )


def _dues(session: Session, account: ElectricityAccount, today: date) -> tuple[int, bool]:
    """(everything unpaid incl. late fees, whether any unpaid bill is past its due date)."""
    unpaid = unpaid_bills(session, account, today)
    return amount_due_fen(unpaid), any(bill.overdue_days > 0 for bill in unpaid)


# --- who applies -----------------------------------------------------------------


class ApplicantRole(StrEnum):
    HOLDER = "户主本人"
    AGENT = "经办人"


def applicant_role(session_factory: SessionFactory, *, user_id: int, account_number: str) -> ApplicantRole | None:
    """HOLDER when the user's verified ID number is the holder's (or the user is the
    account's certified owner), else AGENT; None without a real-name record, or when
    the account is not bound by the user."""
    with session_factory.session_scope() as session:
        account = bound_account(session, user_id, account_number)
        record = real_name_record(session, user_id)
        if account is None or record is None:
            return None
        return _role(account, record, user_id)


def _role(account: ElectricityAccount, record: RealNameRecord, user_id: int) -> ApplicantRole:
    """户主本人 is the holder by ID number (or the certified owner); a namesake is 经办人."""
    return ApplicantRole.HOLDER if holds_account(account, record, user_id) else ApplicantRole.AGENT


# --- settlement (过户) ------------------------------------------------------------


class Settlement(StrEnum):
    PAY_OFF = "结清后过户"
    BALANCE_TO_NEW_HOLDER = "余额转新户主"
    REFUND_TO_OLD_HOLDER = "余额退原户主"


class SettlementProblem(str, enum.Enum):
    MISSING = "MISSING"  # no choice made
    UNKNOWN = "UNKNOWN"  # not one of the Settlement values
    PAY_ARREARS_FIRST = "PAY_ARREARS_FIRST"  # money is owed: only 结清后过户
    CHOOSE_BALANCE = "CHOOSE_BALANCE"  # a prepaid balance and nothing owed: say where it goes
    NO_BALANCE = "NO_BALANCE"  # nothing owed and no balance to move: only 结清后过户


def settlement_options(arrears_fen: int, prepaid_fen: int) -> tuple[Settlement, ...]:
    """Money owed: pay first (结清后过户). A prepaid balance and nothing owed: the balance
    goes to the new holder or back to the old one. Neither: 结清后过户, nothing to move."""
    if arrears_fen <= 0 and prepaid_fen > 0:
        return (Settlement.BALANCE_TO_NEW_HOLDER, Settlement.REFUND_TO_OLD_HOLDER)
    return (Settlement.PAY_OFF,)


def settlement_problem(
    choice: Settlement | str | None, arrears_fen: int, prepaid_fen: int
) -> SettlementProblem | None:
    """Why ``choice`` is not one of :func:`settlement_options`; None when it is."""
    if choice is None or choice == "":
        return SettlementProblem.MISSING
    try:
        chosen = Settlement(choice)
    except ValueError:
        return SettlementProblem.UNKNOWN
    if chosen in settlement_options(arrears_fen, prepaid_fen):
        return None
    if arrears_fen > 0:
        return SettlementProblem.PAY_ARREARS_FIRST
    if prepaid_fen > 0:
        return SettlementProblem.CHOOSE_BALANCE
    return SettlementProblem.NO_BALANCE


# --- the notices -----------------------------------------------------------------


def notice_text(kind: WorkOrderKind) -> str:
    """《低压更名业务办理须知》 or 《低压过户业务办理须知》 (Markdown, numbered points)."""
    return read_notice(NOTICE_FILES[_check_kind(kind)])


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
    kind = _check_kind(kind)
    today = clock.today()
    with session_factory.session_scope() as session:
        _lock_account(session, account_number)
        verdict = _assess(session, today, user_id, account_number, kind)
        if isinstance(verdict, RenameRefused):
            return verdict
        account, eligible = verdict
        record = real_name_record(session, user_id)
        if record is None:
            return SubmitProblem(SubmitProblemReason.NOT_VERIFIED, "applicant")
        role = _role(account, record, user_id)
        checked = _check_application(session, today, user_id, kind, role, record, eligible, application)
        if isinstance(checked, SubmitProblem):
            return checked
        later = application.documents_later
        order = create_work_order(
            session, clock, kind=kind, account_id=account.id, user_id=user_id,
            form_data=_form_data(kind, role, record, eligible, checked),
            status=WorkOrderStatus.AWAITING_DOCUMENTS if later else WorkOrderStatus.ACCEPTED,
            note=note, promised_working_days=None if later else PROMISED_WORKING_DAYS,
            attachment_ids=checked.attachment_ids,
        )
        return Submitted(order.order_no, order.status, order.promised_by, order.kind)


def _lock_account(session: Session, account_number: str) -> None:
    """Serialise applications on one account until this transaction ends (runs first)."""
    number = parse_account_number(str(account_number or ""))
    if not isinstance(number, AccountNumberRejected):
        lock_rows(session, ElectricityAccount.holder_name, ElectricityAccount.account_number == number)


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
