"""Balance and bills of a bound account, against the hand-worked history in bill_fixtures."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.accounts.binding import NotBound
from bot.billing.bills import BalanceView, NoBill, NoBillReason, TierLineView, UnpaidBill, balance, bills_for_months
from bot.billing.tariff import TariffBook
from bot.clock import FixedClock
from bot.db.session import SessionFactory
from tests.unit.bill_fixtures import ACCOUNT, Billed, make_billing_history


@pytest.fixture
def billed(session_factory: SessionFactory) -> Billed:
    return make_billing_history(session_factory)


def _bills(sf: SessionFactory, clock: FixedClock, tariffs: TariffBook, user_id: int, months: list[date] | None,
           account: str = ACCOUNT) -> object:
    return bills_for_months(sf, clock, tariffs, user_id=user_id, account_number=account, months=months)


def test_balance_adds_the_late_fee_accrued_to_today(
    session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed
) -> None:
    view = balance(session_factory, fixed_clock, user_id=billed.user_id, account_number=ACCOUNT)
    assert view == BalanceView(
        account_number=ACCOUNT, prepaid_balance_fen=0, arrears_fen=5380 + 12856, late_fee_fen=291,
        unpaid=(
            UnpaidBill(date(2026, 8, 1), 5380, date(2026, 9, 30), 54, 291),
            UnpaidBill(date(2026, 10, 1), 12856, date(2026, 11, 30), 0, 0),
        ),
    )
    assert view.total_due_fen == 18527


def test_on_the_due_date_there_is_no_fee_and_the_next_day_there_is_the_minimum(
    session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed
) -> None:
    fixed_clock.set(date(2026, 9, 30))
    assert balance(session_factory, fixed_clock, user_id=billed.user_id, account_number=ACCOUNT).late_fee_fen == 0
    fixed_clock.set(date(2026, 10, 1))  # day 1: 0.0538 yuan, raised to the 1-yuan minimum
    assert balance(session_factory, fixed_clock, user_id=billed.user_id, account_number=ACCOUNT).late_fee_fen == 100


def test_the_latest_bill_shows_tiers_and_peak_valley_adding_up_to_the_stored_amount(
    session_factory: SessionFactory, fixed_clock: FixedClock, tariffs: TariffBook, billed: Billed
) -> None:
    (bill,) = _bills(session_factory, fixed_clock, tariffs, billed.user_id, None)
    october = (date(2026, 10, 1), date(2026, 10, 1), date(2026, 10, 31))
    assert (bill.period, bill.period_start, bill.period_end) == october
    assert bill.tier_lines == (
        TierLineView(1, 60, Decimal("0.538"), 3228), TierLineView(2, 200, Decimal("0.588"), 11760),
    )
    assert (bill.peak_kwh, bill.valley_kwh, bill.peak_valley_adjustment_fen) == (156, 104, -2132)
    assert bill.amount_fen == 12856 == sum(line.amount_fen for line in bill.tier_lines) - 2132
    assert (bill.paid, bill.due_date, bill.overdue_days, bill.late_fee_fen) == (False, date(2026, 11, 30), 0, 0)


def test_a_paid_month(
    session_factory: SessionFactory, fixed_clock: FixedClock, tariffs: TariffBook, billed: Billed
) -> None:
    (bill,) = _bills(session_factory, fixed_clock, tariffs, billed.user_id, [date(2026, 9, 1)])
    assert (bill.kwh, bill.amount_fen, bill.paid, bill.paid_fen, bill.paid_on) == (300, 16140, True, 16140,
                                                                                   date(2026, 10, 5))
    assert bill.peak_valley_adjustment_fen == 0


def test_a_range_returns_the_bills_it_has(
    session_factory: SessionFactory, fixed_clock: FixedClock, tariffs: TariffBook, billed: Billed
) -> None:
    months = [date(2026, m, 1) for m in range(5, 11)]
    bills = _bills(session_factory, fixed_clock, tariffs, billed.user_id, months)
    assert [b.period.month for b in bills] == [8, 9, 10]
    overdue = bills[0]
    assert (overdue.overdue_days, overdue.late_fee_fen) == (54, 291)


@pytest.mark.parametrize(
    ("month", "reason"),
    [
        (date(2026, 12, 1), NoBillReason.FUTURE),
        (date(2026, 11, 1), NoBillReason.NOT_ISSUED),
        (date(2025, 1, 1), NoBillReason.BEFORE_OPENED),
        (date(2026, 6, 1), NoBillReason.MISSING),
    ],
)
def test_a_month_without_a_bill_says_why(
    session_factory: SessionFactory, fixed_clock: FixedClock, tariffs: TariffBook, billed: Billed, month: date,
    reason: NoBillReason,
) -> None:
    missing = _bills(session_factory, fixed_clock, tariffs, billed.user_id, [month])
    assert missing == NoBill(reason, month, date(2025, 3, 1), date(2026, 10, 1))


def test_an_account_without_bills(
    session_factory: SessionFactory, fixed_clock: FixedClock, tariffs: TariffBook, billed: Billed
) -> None:
    missing = _bills(session_factory, fixed_clock, tariffs, billed.user_id, None, billed.empty_account)
    assert isinstance(missing, NoBill) and missing.reason is NoBillReason.NO_BILLS


@pytest.mark.parametrize("account", [ACCOUNT, "3301000001", "33010000AB", ""])
def test_nothing_is_revealed_about_an_account_the_user_has_not_bound(
    session_factory: SessionFactory, fixed_clock: FixedClock, tariffs: TariffBook, billed: Billed, account: str
) -> None:
    assert isinstance(balance(session_factory, fixed_clock, user_id=billed.other_user_id, account_number=account),
                      NotBound)
    assert isinstance(_bills(session_factory, fixed_clock, tariffs, billed.other_user_id, None, account), NotBound)
