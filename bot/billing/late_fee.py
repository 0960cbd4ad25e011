"""违约金 (late-payment fee) on overdue electricity bills.

Modelled on the Supply Business Rules (供电营业规则): the fee accrues per overdue day,
counted from the day after the due date up to and including ``today``;

* residential customers: 0.1% of the arrears per day;
* other customers: 0.2% per overdue day in the current calendar year (the year of
  ``today``) and 0.3% per overdue day that fell in an earlier year;
* whenever any fee is due it is at least 1.00 yuan.

The fee is computed exactly and rounded half-up to 0.01 yuan once, at the end.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bot.money import round_yuan

RESIDENTIAL_DAILY_RATE = Decimal("0.001")
NON_RESIDENTIAL_CURRENT_YEAR_DAILY_RATE = Decimal("0.002")
NON_RESIDENTIAL_EARLIER_YEARS_DAILY_RATE = Decimal("0.003")
MINIMUM_FEE = Decimal("1.00")
NO_FEE = Decimal("0.00")


def overdue_days(due_date: date, today: date) -> int:
    """Days after the due date up to and including today; 0 on or before the due date."""
    return max(0, (today - due_date).days)


def _overdue_days_in_year(due_date: date, today: date, year: int) -> int:
    first_overdue = max(due_date + timedelta(days=1), date(year, 1, 1))
    last_overdue = min(today, date(year, 12, 31))
    return max(0, (last_overdue - first_overdue).days + 1)


def late_fee(arrears: Decimal, due_date: date, today: date, *, residential: bool) -> Decimal:
    """The fee owed on ``arrears`` unpaid since ``due_date``, as of ``today``."""
    if not isinstance(arrears, Decimal):
        raise TypeError(f"arrears must be a Decimal, got {type(arrears).__name__}")
    days = overdue_days(due_date, today)
    if arrears <= 0 or days == 0:
        return NO_FEE
    if residential:
        fee = arrears * RESIDENTIAL_DAILY_RATE * days
    else:
        this_year = _overdue_days_in_year(due_date, today, today.year)
        earlier = days - this_year
        fee = arrears * (
            NON_RESIDENTIAL_CURRENT_YEAR_DAILY_RATE * this_year + NON_RESIDENTIAL_EARLIER_YEARS_DAILY_RATE * earlier
        )
    return max(round_yuan(fee), MINIMUM_FEE)
