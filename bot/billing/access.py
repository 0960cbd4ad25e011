"""Reading an account's bills for a user who has bound it, and nothing for anyone else."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot.accounts.binding import AccountNumberRejected, binding_of, find_account, parse_account_number
from bot.db.enums import AccountCategory
from bot.db.models import ElectricityAccount, MonthlyBill


class NoBillReason(str, Enum):
    FUTURE = "future"  # a month after the current one
    NOT_ISSUED = "not_issued"  # this month, or last month before its bill is issued
    BEFORE_OPENED = "before_opened"  # before the account existed
    NO_BILLS = "no_bills"  # the account has no bills at all yet
    MISSING = "missing"  # none of the above, yet no bill


@dataclass(frozen=True)
class NoBill:
    reason: NoBillReason
    month: date | None  # the month asked for (None: "the latest")
    opened_on: date | None = None
    latest_period: date | None = None


def bound_account(session: Session, user_id: int, account_number: str) -> ElectricityAccount | None:
    """The account if ``user_id`` has bound it; None otherwise (however it fails)."""
    number = parse_account_number(str(account_number or ""))
    if isinstance(number, AccountNumberRejected):
        return None
    account = find_account(session, number)
    if account is None or binding_of(session, user_id, account.id) is None:
        return None
    return session.scalar(
        select(ElectricityAccount).options(joinedload(ElectricityAccount.region))
        .where(ElectricityAccount.id == account.id)
    )


def bills_of(session: Session, account: ElectricityAccount, months: list[date] | None = None) -> list[MonthlyBill]:
    """The account's bills, oldest first; only ``months`` when given."""
    query = select(MonthlyBill).where(MonthlyBill.account_id == account.id)
    if months is not None:
        query = query.where(MonthlyBill.period.in_(months))
    return list(session.scalars(query.order_by(MonthlyBill.period)))


def why_no_bill(account: ElectricityAccount, month: date | None, today: date, latest: date | None) -> NoBill:
    """Why ``month`` (None: the latest) has no bill for ``account``."""
    current = today.replace(day=1)
    opened = account.opened_on.replace(day=1)
    if month is not None and month > current:
        reason = NoBillReason.FUTURE
    elif month is not None and month < opened:
        reason = NoBillReason.BEFORE_OPENED
    elif latest is None:
        reason = NoBillReason.NO_BILLS
    elif month is not None and month > latest:
        reason = NoBillReason.NOT_ISSUED
    else:
        reason = NoBillReason.MISSING
    return NoBill(reason, month, account.opened_on, latest)


def is_residential(account: ElectricityAccount) -> bool:
    return account.category is AccountCategory.RESIDENTIAL
