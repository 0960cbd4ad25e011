"""更名 (rename) and 过户 (ownership transfer) of low-voltage individual accounts: who may apply.

Only 低压居民 / 低压非居民 accounts of individuals qualify online; 高压 and enterprise
accounts are refused with their category and holder kind, so the reply can send them
to a service counter. The two are one business in the app: an unfinished order of
either kind blocks both. 过户 also settles the account: overdue arrears refuse it, and
the applicant says what happens to the money (:class:`Settlement`). Submitting is in
:mod:`bot.applications.rename_transfer_filing`.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.applications.notices import read_notice
from bot.applications.work_orders import open_order
from bot.billing.access import bound_account
from bot.billing.bills import amount_due_fen, unpaid_bills
from bot.clock import Clock
from bot.db.enums import AccountCategory, HolderKind, StrEnum, WorkOrderKind, WorkOrderStatus
from bot.db.models import ElectricityAccount, RealNameRecord
from bot.db.session import SessionFactory
from bot.identity.holder import holds_account
from bot.identity.real_name import real_name_record
from bot.privacy.masking import mask_name

KINDS = (WorkOrderKind.RENAME, WorkOrderKind.TRANSFER)
ELIGIBLE_CATEGORIES = frozenset({AccountCategory.RESIDENTIAL, AccountCategory.NON_RESIDENTIAL})
NOTICE_FILES = {WorkOrderKind.RENAME: "rename.md", WorkOrderKind.TRANSFER: "transfer.md"}


def rename_or_transfer(kind: WorkOrderKind) -> WorkOrderKind:
    """``kind`` when it is 更名 or 过户 (ValueError otherwise)."""
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
    kind = rename_or_transfer(kind)
    with session_factory.session_scope() as session:
        verdict = assess(session, clock.today(), user_id, account_number, kind)
        return verdict if isinstance(verdict, RenameRefused) else verdict[1]


def assess(
    session: Session, today: date, user_id: int, account_number: str, kind: WorkOrderKind
) -> tuple[ElectricityAccount, Eligible] | RenameRefused:
    """:func:`check_eligibility` inside the caller's transaction, with the account it is about."""
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
        return role_of(account, record, user_id)


def role_of(account: ElectricityAccount, record: RealNameRecord, user_id: int) -> ApplicantRole:
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
    return read_notice(NOTICE_FILES[rename_or_transfer(kind)])
