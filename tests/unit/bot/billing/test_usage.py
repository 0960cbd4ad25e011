"""Usage, comparisons, the 30% warning and the annual tier position (history in bill_fixtures)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import update

from bot.accounts.binding import NotBound
from bot.billing.bills import NoBill, NoBillReason
from bot.billing.tariff import TariffBook
from bot.billing.usage import (
    MonthUsage,
    TierPosition,
    YearUsage,
    month_usage,
    percent_change,
    tier_position,
    usage_series,
    year_usage,
)
from bot.clock import FixedClock
from bot.db.models import MonthlyBill
from bot.db.session import SessionFactory
from tests.unit.bill_fixtures import ACCOUNT, Billed, make_billing_history


@pytest.fixture
def billed(session_factory: SessionFactory) -> Billed:
    return make_billing_history(session_factory)


def test_a_month_against_last_month_and_last_year(
    session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed
) -> None:
    usage = month_usage(session_factory, fixed_clock, user_id=billed.user_id, account_number=ACCOUNT, month=None)
    # 260 vs 300 last month (−13.3%); vs 200 a year ago exactly +30%: no warning yet.
    assert usage == MonthUsage(date(2026, 10, 1), 260, 300, 200, Decimal("-13.3"), Decimal("30.0"), False)


def test_more_than_30_percent_above_last_year_warns(
    session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed
) -> None:
    with session_factory.session_scope() as session:
        session.execute(update(MonthlyBill).where(MonthlyBill.period == date(2025, 10, 1)).values(
            kwh=199, tier1_kwh=199))
    usage = month_usage(session_factory, fixed_clock, user_id=billed.user_id, account_number=ACCOUNT,
                        month=date(2026, 10, 1))
    assert (usage.change_vs_last_year_pct, usage.jump_warning) == (Decimal("30.7"), True)


def test_without_a_month_to_compare_there_is_no_change(
    session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed
) -> None:
    usage = month_usage(session_factory, fixed_clock, user_id=billed.user_id, account_number=ACCOUNT,
                        month=date(2026, 1, 1))
    assert (usage.previous_month_kwh, usage.change_vs_previous_pct, usage.jump_warning) == (None, None, False)


@pytest.mark.parametrize(("now", "before", "change"), [(130, 100, "30.0"), (131, 100, "31.0"), (2, 3, "-33.3"),
                                                       (5, None, None), (5, 0, None)])
def test_percent_change(now: int, before: int | None, change: str | None) -> None:
    assert percent_change(now, before) == (Decimal(change) if change else None)


def test_a_month_not_billed_yet(session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed) -> None:
    usage = month_usage(session_factory, fixed_clock, user_id=billed.user_id, account_number=ACCOUNT,
                        month=date(2026, 11, 1))
    assert isinstance(usage, NoBill) and usage.reason is NoBillReason.NOT_ISSUED


def test_a_year(session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed) -> None:
    usage = year_usage(session_factory, fixed_clock, user_id=billed.user_id, account_number=ACCOUNT, year=2026)
    assert usage == YearUsage(2026, 2960, ((date(2026, 1, 1), 2300), (date(2026, 8, 1), 100),
                                           (date(2026, 9, 1), 300), (date(2026, 10, 1), 260)))
    before = year_usage(session_factory, fixed_clock, user_id=billed.user_id, account_number=ACCOUNT, year=2024)
    assert isinstance(before, NoBill) and before.reason is NoBillReason.BEFORE_OPENED


@pytest.mark.parametrize(
    ("january_kwh", "tier", "remaining"),
    # used = january + 660: 2759, exactly 2760 (tier 1 used up), 2761, and 4801 (top tier)
    [(2099, 1, 1), (2100, 2, 2040), (2101, 2, 2039), (4141, 3, None)],
)
def test_the_tier_position_at_the_boundaries(
    session_factory: SessionFactory, fixed_clock: FixedClock, tariffs: TariffBook, billed: Billed,
    january_kwh: int, tier: int, remaining: int | None,
) -> None:
    with session_factory.session_scope() as session:
        session.execute(update(MonthlyBill).where(MonthlyBill.period == date(2026, 1, 1)).values(
            kwh=january_kwh, tier1_kwh=january_kwh))
    position = tier_position(session_factory, fixed_clock, tariffs, user_id=billed.user_id, account_number=ACCOUNT)
    assert position == TierPosition(2026, january_kwh + 660, tier, remaining, (2760, 4800), False)


def test_the_series_is_oldest_first_with_monthly_thresholds(
    session_factory: SessionFactory, fixed_clock: FixedClock, tariffs: TariffBook, billed: Billed
) -> None:
    series = usage_series(session_factory, fixed_clock, tariffs, user_id=billed.user_id, account_number=ACCOUNT,
                          count=3)
    assert series.points == ((date(2026, 8, 1), 100), (date(2026, 9, 1), 300), (date(2026, 10, 1), 260))
    assert series.monthly_thresholds == ((2, 230), (3, 400))
    assert (series.position.used_kwh, series.position.tier, series.position.remaining_in_tier_kwh) == (2960, 2, 1840)
    empty = usage_series(session_factory, fixed_clock, tariffs, user_id=billed.user_id,
                         account_number=billed.empty_account)
    assert isinstance(empty, NoBill) and empty.reason is NoBillReason.NO_BILLS


def test_usage_of_an_unbound_account_reveals_nothing(
    session_factory: SessionFactory, fixed_clock: FixedClock, tariffs: TariffBook, billed: Billed
) -> None:
    who = {"user_id": billed.other_user_id, "account_number": ACCOUNT}
    assert isinstance(month_usage(session_factory, fixed_clock, month=None, **who), NotBound)
    assert isinstance(year_usage(session_factory, fixed_clock, year=2026, **who), NotBound)
    assert isinstance(tier_position(session_factory, fixed_clock, tariffs, **who), NotBound)
    assert isinstance(usage_series(session_factory, fixed_clock, tariffs, **who), NotBound)
