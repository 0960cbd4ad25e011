"""Demo bills and the payments that settled them.

Bills cover the 13 full months before today's month, with usage from a fixed
seasonal profile (plus a small hash-derived wobble, no RNG) billed by the tariff
engine, the annual tier position carried across the months of each calendar year.
"""
from __future__ import annotations

import calendar
import zlib
from datetime import date, datetime, timedelta

from bot.billing.tariff import BillComputation, Tariff
from bot.db.enums import BillStatus, PaymentStatus
from bot.db.models import ElectricityAccount, MonthlyBill, Payment, User
from bot.demo.accounts import DEMO_ACCOUNTS_BY_NUMBER, DemoAccount
from bot.demo.writer import SeedWriter, china_time, stable_pick
from bot.money import yuan_to_fen

BILL_MONTHS = 13
PAYMENT_METHODS = ("dianebao", "wechat", "alipay")

# Share of a year's consumption per calendar month, in percent of an average month:
# air conditioning in summer, heating in winter.
SEASONAL_PERCENT = (120, 110, 85, 75, 80, 105, 145, 150, 110, 80, 85, 110)
PEAK_SHARE_PERCENT = 60


def bill_periods(today: date) -> list[date]:
    """The first days of the 13 full months before ``today``'s month, oldest first."""
    latest = _add_months(today.replace(day=1), -1)
    return [_add_months(latest, -back) for back in range(BILL_MONTHS - 1, -1, -1)]


def demo_monthly_kwh(account_number: str, year: int, month: int) -> int:
    """The seeded consumption of a demo account in one month (any month, billed or not)."""
    average = DEMO_ACCOUNTS_BY_NUMBER[account_number].average_monthly_kwh
    wobble = zlib.crc32(f"{account_number}:{year:04d}-{month:02d}".encode()) % 11 - 5  # -5..+5 %
    return (average * SEASONAL_PERCENT[month - 1] * (100 + wobble) + 5000) // 10000


def demo_used_earlier_in_year(account_number: str, period: date) -> int:
    """kWh consumed in the calendar year before ``period``'s month: the tier position."""
    return sum(demo_monthly_kwh(account_number, period.year, m) for m in range(1, period.month))


def peak_valley_split(kwh: int) -> tuple[int, int]:
    peak = (kwh * PEAK_SHARE_PERCENT + 50) // 100
    return peak, kwh - peak


def tier_kwh(bill: BillComputation) -> tuple[int, int, int]:
    """kWh in tiers 1, 2 and 3 (a flat tariff has only tier 1)."""
    split = [0, 0, 0]
    for line in bill.tier_lines:
        split[line.tier - 1] += line.kwh
    return split[0], split[1], split[2]


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _last_day_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def seed_bills(
    db: SeedWriter,
    demo: DemoAccount,
    account: ElectricityAccount,
    tariff: Tariff,
    payer: User | None,
    now: datetime,
) -> None:
    periods = bill_periods(now.date())
    first_unpaid = len(periods) - demo.unpaid_latest_months
    for index, period in enumerate(periods):
        kwh = demo_monthly_kwh(demo.number, period.year, period.month)
        peak, valley = peak_valley_split(kwh) if demo.peak_valley else (None, None)
        bill = tariff.compute(
            kwh,
            used_earlier_this_year=demo_used_earlier_in_year(demo.number, period),
            peak_kwh=peak,
            valley_kwh=valley,
        )
        amount_fen = yuan_to_fen(bill.amount)
        issued_on = _add_months(period, 1)
        paid_at = None
        if index < first_unpaid:
            day = issued_on + timedelta(days=3 + stable_pick(f"{demo.number}{period}", 10))
            paid_at = min(china_time(day, "10:30"), now)
        tiers = tier_kwh(bill)
        db.upsert(
            MonthlyBill,
            {"account_id": account.id, "period": period},
            kwh=kwh,
            tier1_kwh=tiers[0],
            tier2_kwh=tiers[1],
            tier3_kwh=tiers[2],
            peak_kwh=peak,
            valley_kwh=valley,
            amount_fen=amount_fen,
            issued_on=issued_on,
            due_date=_last_day_of_month(issued_on),
            paid_fen=amount_fen if paid_at else 0,
            paid_at=paid_at,
            status=BillStatus.PAID if paid_at else BillStatus.UNPAID,
        )
        if paid_at is not None and amount_fen > 0:
            _seed_payment(db, account, period, amount_fen, paid_at, payer)


def _seed_payment(
    db: SeedWriter,
    account: ElectricityAccount,
    period: date,
    amount_fen: int,
    paid_at: datetime,
    payer: User | None,
) -> None:
    account_number, month = account.account_number, f"{period:%Y%m}"
    db.upsert(
        Payment,
        {"order_id": f"SD{account_number}{month}"},
        idempotency_key=f"seed:{account_number}:{month}",
        account_id=account.id,
        user_id=payer.id if payer else None,
        amount_fen=amount_fen,
        method=PAYMENT_METHODS[stable_pick(f"{account_number}{month}", len(PAYMENT_METHODS))],
        status=PaymentStatus.SUCCEEDED,
        receipt_no=f"RC{account_number}{month}",
        failure_reason=None,
        created_at=paid_at,
        updated_at=paid_at,
    )
