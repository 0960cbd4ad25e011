"""用电量 of a bound account from its bills: a month with comparisons, a year, the annual
tier position ("本年度已用 X 度，第一档剩余 Y 度") and the series behind the trend chart."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from bot.accounts.binding import NotBound
from bot.billing.access import NoBill, bills_of, bound_account, why_no_bill
from bot.billing.tariff import Tariff, TariffBook
from bot.clock import Clock
from bot.db.models import ElectricityAccount, MonthlyBill
from bot.db.session import SessionFactory

JUMP_WARNING_PERCENT = Decimal(30)  # more than this above the same month last year: warn
MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class MonthUsage:
    month: date
    kwh: int
    previous_month_kwh: int | None
    same_month_last_year_kwh: int | None
    change_vs_previous_pct: Decimal | None  # one decimal place
    change_vs_last_year_pct: Decimal | None
    jump_warning: bool  # more than 30% above the same month last year


@dataclass(frozen=True)
class YearUsage:
    year: int
    kwh: int
    months: tuple[tuple[date, int], ...]


@dataclass(frozen=True)
class TierPosition:
    year: int
    used_kwh: int
    tier: int
    remaining_in_tier_kwh: int | None  # None in the open top tier
    tier_limits: tuple[int, ...]  # annual boundaries, e.g. (2760, 4800)
    flat: bool


@dataclass(frozen=True)
class UsageSeries:
    account_number: str
    points: tuple[tuple[date, int], ...]  # oldest first
    monthly_thresholds: tuple[tuple[int, int], ...]  # (tier starting above it, annual boundary / 12)
    position: TierPosition


def percent_change(now: int, before: int | None) -> Decimal | None:
    if not before:
        return None
    return (Decimal(now - before) * 100 / before).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _shift(month: date, delta: int) -> date:
    index = month.year * 12 + month.month - 1 + delta
    return date(index // 12, index % 12 + 1, 1)


def _tariff(tariffs: TariffBook, account: ElectricityAccount) -> Tariff:
    return tariffs.get(account.region.tariff_key, account.category)


def _position(tariff: Tariff, year: int, used: int) -> TierPosition:
    tier, remaining = tariff.annual_position(used)
    limits = tuple(t.up_to_kwh for t in tariff.tiers if t.up_to_kwh is not None)
    return TierPosition(year, used, tier, remaining, limits, tariff.is_flat)


def _year_used(bills: list[MonthlyBill], year: int) -> int:
    return sum(bill.kwh for bill in bills if bill.period.year == year)


def month_usage(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, account_number: str, month: date | None
) -> MonthUsage | NoBill | NotBound:
    """One month's kWh (None: the latest billed month), against last month and last year."""
    with session_factory.session_scope() as session:
        account = bound_account(session, user_id, account_number)
        if account is None:
            return NotBound()
        by_month = {bill.period: bill.kwh for bill in bills_of(session, account)}
        latest = max(by_month, default=None)
        wanted = month or latest
        if wanted is None or wanted not in by_month:
            return why_no_bill(account, month, clock.today(), latest)
        kwh = by_month[wanted]
        previous = by_month.get(_shift(wanted, -1))
        last_year = by_month.get(_shift(wanted, -MONTHS_PER_YEAR))
        vs_last_year = percent_change(kwh, last_year)
        return MonthUsage(
            month=wanted, kwh=kwh, previous_month_kwh=previous, same_month_last_year_kwh=last_year,
            change_vs_previous_pct=percent_change(kwh, previous), change_vs_last_year_pct=vs_last_year,
            jump_warning=last_year is not None and kwh * 100 > last_year * (100 + JUMP_WARNING_PERCENT),
        )


def year_usage(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, account_number: str, year: int
) -> YearUsage | NoBill | NotBound:
    with session_factory.session_scope() as session:
        account = bound_account(session, user_id, account_number)
        if account is None:
            return NotBound()
        bills = bills_of(session, account)
        months = tuple((bill.period, bill.kwh) for bill in bills if bill.period.year == year)
        if not months:
            latest = bills[-1].period if bills else None
            return why_no_bill(account, date(year, 1, 1), clock.today(), latest)
        return YearUsage(year, sum(kwh for _, kwh in months), months)


def tier_position(
    session_factory: SessionFactory,
    clock: Clock,
    tariffs: TariffBook,
    *,
    user_id: int,
    account_number: str,
    year: int | None = None,
) -> TierPosition | NotBound:
    """Where the year's billed kWh stand in the annual tiers (this year by default)."""
    year = year or clock.today().year
    with session_factory.session_scope() as session:
        account = bound_account(session, user_id, account_number)
        if account is None:
            return NotBound()
        return _position(_tariff(tariffs, account), year, _year_used(bills_of(session, account), year))


def usage_series(
    session_factory: SessionFactory,
    clock: Clock,
    tariffs: TariffBook,
    *,
    user_id: int,
    account_number: str,
    count: int = MONTHS_PER_YEAR,
) -> UsageSeries | NoBill | NotBound:
    """The last ``count`` billed months, with the tier boundaries as monthly averages."""
    with session_factory.session_scope() as session:
        account = bound_account(session, user_id, account_number)
        if account is None:
            return NotBound()
        bills = bills_of(session, account)
        if not bills:
            return why_no_bill(account, None, clock.today(), None)
        tariff = _tariff(tariffs, account)
        thresholds = tuple(
            (tier.number + 1, (tier.up_to_kwh + MONTHS_PER_YEAR // 2) // MONTHS_PER_YEAR)
            for tier in tariff.tiers
            if tier.up_to_kwh is not None
        )
        year = clock.today().year
        return UsageSeries(
            account_number=account.account_number,
            points=tuple((bill.period, bill.kwh) for bill in bills[-count:]),
            monthly_thresholds=thresholds,
            position=_position(tariff, year, _year_used(bills, year)),
        )
