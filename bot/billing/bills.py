"""Balance and monthly bills of a bound account: stored bills, tier prices from the
tariff engine, late fees accrued to today (injected clock)."""
from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.accounts.binding import NotBound
from bot.billing.access import (
    NoBill,
    NoBillReason,
    bills_of,
    bound_account,
    is_residential,
    why_no_bill,
)
from bot.billing.late_fee import late_fee, overdue_days
from bot.billing.tariff import TariffBook
from bot.clock import CHINA_TZ, Clock
from bot.db.models import ElectricityAccount, MonthlyBill
from bot.db.session import SessionFactory
from bot.money import fen_to_yuan, round_yuan, yuan_to_fen

__all__ = [
    "BalanceView", "BillView", "NoBill", "NoBillReason", "TierLineView", "UnpaidBill", "balance", "bills_for_months",
]


@dataclass(frozen=True)
class TierLineView:
    tier: int
    kwh: int
    price: Decimal  # yuan per kWh
    amount_fen: int  # kwh × price, rounded half-up


@dataclass(frozen=True)
class BillView:
    account_number: str
    period: date  # first day of the billed month
    period_start: date
    period_end: date
    kwh: int
    amount_fen: int
    tier_lines: tuple[TierLineView, ...]
    peak_kwh: int | None
    valley_kwh: int | None
    peak_valley_adjustment_fen: int  # amount_fen - sum of the tier lines
    paid: bool
    paid_fen: int
    paid_on: date | None  # in China time
    issued_on: date
    due_date: date
    overdue_days: int
    late_fee_fen: int


@dataclass(frozen=True)
class UnpaidBill:
    period: date
    amount_due_fen: int
    due_date: date
    overdue_days: int
    late_fee_fen: int


@dataclass(frozen=True)
class BalanceView:
    account_number: str
    prepaid_balance_fen: int
    arrears_fen: int  # unpaid principal of all unpaid bills
    late_fee_fen: int  # accrued to today
    unpaid: tuple[UnpaidBill, ...]

    @property
    def total_due_fen(self) -> int:
        return self.arrears_fen + self.late_fee_fen


def bill_late_fee_fen(account: ElectricityAccount, bill: MonthlyBill, today: date) -> int:
    fee = late_fee(fen_to_yuan(bill.outstanding_fen), bill.due_date, today, residential=is_residential(account))
    return yuan_to_fen(fee)


def _tier_lines(tariffs: TariffBook, account: ElectricityAccount, bill: MonthlyBill) -> tuple[TierLineView, ...]:
    tariff = tariffs.get(account.region.tariff_key, account.category)
    prices = {tier.number: tier.price for tier in tariff.tiers}
    lines = []
    for tier, kwh in ((1, bill.tier1_kwh), (2, bill.tier2_kwh), (3, bill.tier3_kwh)):
        if kwh:
            lines.append(TierLineView(tier, kwh, prices[tier], yuan_to_fen(round_yuan(kwh * prices[tier]))))
    return tuple(lines)


def _paid_on(paid_at: datetime | None) -> date | None:
    return paid_at.astimezone(CHINA_TZ).date() if paid_at else None


def bill_view(tariffs: TariffBook, account: ElectricityAccount, bill: MonthlyBill, today: date) -> BillView:
    lines = _tier_lines(tariffs, account, bill)
    last_day = calendar.monthrange(bill.period.year, bill.period.month)[1]
    unpaid = bill.outstanding_fen > 0
    return BillView(
        account_number=account.account_number, period=bill.period, period_start=bill.period,
        period_end=bill.period.replace(day=last_day), kwh=bill.kwh, amount_fen=bill.amount_fen, tier_lines=lines,
        peak_kwh=bill.peak_kwh, valley_kwh=bill.valley_kwh,
        peak_valley_adjustment_fen=bill.amount_fen - sum(line.amount_fen for line in lines),
        paid=not unpaid, paid_fen=bill.paid_fen, paid_on=_paid_on(bill.paid_at), issued_on=bill.issued_on,
        due_date=bill.due_date, overdue_days=overdue_days(bill.due_date, today) if unpaid else 0,
        late_fee_fen=bill_late_fee_fen(account, bill, today) if unpaid else 0,
    )


def unpaid_bills(session: Session, account: ElectricityAccount, today: date) -> tuple[UnpaidBill, ...]:
    """The account's unpaid bills, oldest first, each with its late fee accrued to ``today``."""
    return tuple(
        UnpaidBill(
            bill.period, bill.outstanding_fen, bill.due_date, overdue_days(bill.due_date, today),
            bill_late_fee_fen(account, bill, today),
        )
        for bill in bills_of(session, account)
        if bill.outstanding_fen > 0
    )


def amount_due_fen(unpaid: tuple[UnpaidBill, ...]) -> int:
    """Everything owed: unpaid principal plus late fees."""
    return sum(bill.amount_due_fen + bill.late_fee_fen for bill in unpaid)


def balance(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, account_number: str
) -> BalanceView | NotBound:
    """Arrears with late fees accrued to today, and the prepaid balance."""
    today = clock.today()
    with session_factory.session_scope() as session:
        account = bound_account(session, user_id, account_number)
        if account is None:
            return NotBound()
        unpaid = unpaid_bills(session, account, today)
        return BalanceView(
            account_number=account.account_number, prepaid_balance_fen=account.prepaid_balance_fen,
            arrears_fen=sum(b.amount_due_fen for b in unpaid), late_fee_fen=sum(b.late_fee_fen for b in unpaid),
            unpaid=unpaid,
        )


def bills_for_months(
    session_factory: SessionFactory,
    clock: Clock,
    tariffs: TariffBook,
    *,
    user_id: int,
    account_number: str,
    months: Sequence[date] | None,
) -> tuple[BillView, ...] | NoBill | NotBound:
    """The bills of ``months`` (None: the latest bill), oldest first.

    For several months, the bills that exist are returned and the caller names the gaps;
    only when none exists is the reason for the first month given instead."""
    today = clock.today()
    with session_factory.session_scope() as session:
        account = bound_account(session, user_id, account_number)
        if account is None:
            return NotBound()
        every = bills_of(session, account)
        latest = every[-1].period if every else None
        if months is None:
            chosen = every[-1:]
        else:
            wanted = set(months)
            chosen = [bill for bill in every if bill.period in wanted]
        if not chosen:
            return why_no_bill(account, months[0] if months else None, today, latest)
        return tuple(bill_view(tariffs, account, bill, today) for bill in chosen)
