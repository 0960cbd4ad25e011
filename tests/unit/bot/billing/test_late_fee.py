"""违约金: residential 0.1%/day; others 0.2%/day this year, 0.3%/day in earlier years; min 1.00."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.billing.late_fee import late_fee, overdue_days

D = Decimal
DUE = date(2026, 3, 15)


@pytest.mark.parametrize("residential", [True, False])
def test_nothing_on_the_due_date_or_before(residential: bool) -> None:
    assert overdue_days(DUE, DUE) == 0
    assert late_fee(D("2000.00"), DUE, DUE, residential=residential) == D("0.00")
    assert overdue_days(DUE, DUE - timedelta(days=3)) == 0
    assert late_fee(D("2000.00"), DUE, DUE - timedelta(days=3), residential=residential) == D("0.00")


def test_day_one() -> None:
    day_one = date(2026, 3, 16)
    assert overdue_days(DUE, day_one) == 1
    # residential: 2000.00 × 0.001 × 1 = 2.00
    assert late_fee(D("2000.00"), DUE, day_one, residential=True) == D("2.00")
    # non-residential: 2000.00 × 0.002 × 1 = 4.00
    assert late_fee(D("2000.00"), DUE, day_one, residential=False) == D("4.00")


def test_day_400_residential_has_one_rate() -> None:
    due = date(2024, 12, 15)
    today = due + timedelta(days=400)
    assert today == date(2026, 1, 19)
    assert overdue_days(due, today) == 400
    # 1000.00 × 0.001 × 400 = 400.00
    assert late_fee(D("1000.00"), due, today, residential=True) == D("400.00")


def test_day_400_non_residential_spanning_two_year_boundaries() -> None:
    due = date(2024, 12, 15)
    today = date(2026, 1, 19)
    # overdue days: 2024-12-16..12-31 = 16, all of 2025 = 365, 2026-01-01..01-19 = 19; 400 in all
    # this year (2026): 19 × 0.2%; earlier years: 16 + 365 = 381 × 0.3%
    # 1000.00 × (0.002 × 19 + 0.003 × 381) = 1000.00 × (0.038 + 1.143) = 1181.00
    assert late_fee(D("1000.00"), due, today, residential=False) == D("1181.00")


def test_non_residential_across_one_new_year() -> None:
    due = date(2025, 12, 20)
    today = date(2026, 1, 10)
    # 2025-12-21..12-31 = 11 days at 0.3%, 2026-01-01..01-10 = 10 days at 0.2%
    # 500.00 × 0.003 × 11 + 500.00 × 0.002 × 10 = 16.50 + 10.00 = 26.50
    assert overdue_days(due, today) == 21
    assert late_fee(D("500.00"), due, today, residential=False) == D("26.50")


def test_non_residential_due_on_new_years_eve() -> None:
    # due 2025-12-31: every overdue day is in 2026, so all at 0.2%
    # 1000.00 × 0.002 × 5 = 10.00
    assert late_fee(D("1000.00"), date(2025, 12, 31), date(2026, 1, 5), residential=False) == D("10.00")


@pytest.mark.parametrize(
    ("arrears", "days", "fee"),
    [
        ("100.00", 1, "1.00"),  # 100 × 0.001 × 1 = 0.10 -> minimum 1.00
        ("100.00", 9, "1.00"),  # 0.90 -> minimum 1.00
        ("100.00", 10, "1.00"),  # exactly 1.00
        ("100.00", 11, "1.10"),
        ("0.01", 1, "1.00"),  # any fee due is at least 1.00
    ],
)
def test_one_yuan_minimum(arrears: str, days: int, fee: str) -> None:
    assert late_fee(D(arrears), DUE, DUE + timedelta(days=days), residential=True) == D(fee)


def test_rounded_half_up() -> None:
    # 1005.00 × 0.001 × 1 = 1.005 -> 1.01 (banker's rounding would give 1.00)
    assert late_fee(D("1005.00"), DUE, DUE + timedelta(days=1), residential=True) == D("1.01")
    # 1234.56 × 0.002 × 3 = 7.40736 -> 7.41
    assert late_fee(D("1234.56"), DUE, DUE + timedelta(days=3), residential=False) == D("7.41")


def test_leap_day_counts() -> None:
    # due 2024-02-28: 02-29 and 03-01 are overdue; 5000.00 × 0.001 × 2 = 10.00
    assert overdue_days(date(2024, 2, 28), date(2024, 3, 1)) == 2
    assert late_fee(D("5000.00"), date(2024, 2, 28), date(2024, 3, 1), residential=True) == D("10.00")


def test_no_arrears_no_fee() -> None:
    assert late_fee(D("0"), DUE, DUE + timedelta(days=30), residential=False) == D("0.00")


def test_float_arrears_are_refused() -> None:
    with pytest.raises(TypeError):
        late_fee(100.0, DUE, DUE + timedelta(days=30), residential=True)  # type: ignore[arg-type]
