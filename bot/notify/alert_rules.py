"""Which facts of one bound account are a notice today (用能预警), as plain functions of what the
services already answer: unpaid bills with their late fee (:mod:`bot.billing.bills`), the latest
month's usage against the same month last year (:mod:`bot.billing.usage`), the prepaid balance, and
the outages that cover the account (:mod:`bot.outages.matching`).

Each event carries a key that names it for good, so the run that finds it again creates nothing:

- 欠费: a bill still unpaid ``DUE_SOON_DAYS`` (3) days or fewer before its due date
  (``<户号>:<YYYY-MM>:due``), and again once it is overdue (``<户号>:<YYYY-MM>:overdue``, with the
  late fee accrued so far); a bill first seen overdue gets the overdue notice only;
- 余额不足: a prepaid balance above zero and below the threshold; one notice until the account is
  topped up again (``<户号>:low:<the last prepayment's id, or 0>``);
- 用电异常: the latest billed month, when it is last month, more than 30 % above the same month last
  year (``<户号>:<YYYY-MM>:spike``);
- 停电: an open outage that is not a fault repair (计划检修, 临时检修), covering the account, that has
  not begun and begins by the end of tomorrow, China time (``<户号>:outage:<id>``).

Nothing here reads the clock or the database: the caller passes today and what it read.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.billing.bills import UnpaidBill
from bot.billing.usage import MonthUsage
from bot.clock import CHINA_TZ
from bot.db.enums import NoticeKind, OutageKind
from bot.outages.matching import OutageView

__all__ = [
    "DUE_SOON_DAYS", "AlertEvent", "arrears_events", "low_balance_event", "outage_events", "outage_window",
    "usage_spike_event",
]

DUE_SOON_DAYS = 3
ANNOUNCED_KINDS = frozenset(OutageKind) - {OutageKind.FAULT}  # known the day before; faults are not


@dataclass(frozen=True)
class AlertEvent:
    """One event of one account; ``details`` are JSON values (amounts in fen, ISO dates and times)."""

    kind: NoticeKind
    event_key: str
    account_number: str
    details: dict[str, Any] = field(default_factory=dict)


def _month_key(month: date) -> str:
    return f"{month:%Y-%m}"


def arrears_events(account_number: str, unpaid: Iterable[UnpaidBill], today: date) -> list[AlertEvent]:
    """A notice per unpaid bill due within ``DUE_SOON_DAYS`` days, or overdue."""
    events = []
    for bill in unpaid:
        days_left = (bill.due_date - today).days
        if bill.overdue_days > 0:
            stage = "overdue"
        elif days_left <= DUE_SOON_DAYS:
            stage = "due"
        else:
            continue
        events.append(AlertEvent(
            NoticeKind.ARREARS, f"{account_number}:{_month_key(bill.period)}:{stage}", account_number,
            {
                "stage": stage, "period": bill.period.isoformat(), "amount_fen": bill.amount_due_fen,
                "due_date": bill.due_date.isoformat(), "days_left": max(days_left, 0),
                "overdue_days": bill.overdue_days, "late_fee_fen": bill.late_fee_fen, "as_of": today.isoformat(),
            },
        ))
    return events


def low_balance_event(
    account_number: str, *, prepaid_fen: int, threshold_fen: int, last_prepayment_id: int | None
) -> AlertEvent | None:
    """A notice when the prepaid balance is above zero and below ``threshold_fen``: one per
    top-up (a balance that was never topped up counts as top-up 0)."""
    if not 0 < prepaid_fen < threshold_fen:
        return None
    return AlertEvent(
        NoticeKind.LOW_BALANCE, f"{account_number}:low:{last_prepayment_id or 0}", account_number,
        {"balance_fen": prepaid_fen, "threshold_fen": threshold_fen},
    )


def _previous_month(today: date) -> date:
    first = today.replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def usage_spike_event(account_number: str, usage: MonthUsage, today: date) -> AlertEvent | None:
    """A notice when last month's usage jumped (bot.billing.usage's 30 % warning); an older month
    (no bill for last month yet, or an account bound long after) is no news any more."""
    if not usage.jump_warning or usage.month < _previous_month(today) or usage.same_month_last_year_kwh is None:
        return None
    return AlertEvent(
        NoticeKind.USAGE_SPIKE, f"{account_number}:{_month_key(usage.month)}:spike", account_number,
        {
            "period": usage.month.isoformat(), "kwh": usage.kwh, "last_year_kwh": usage.same_month_last_year_kwh,
            "change_pct": str(usage.change_vs_last_year_pct),
        },
    )


def outage_window(now: datetime) -> tuple[datetime, datetime]:
    """From now to the end of tomorrow, China time: the outages to announce on this run."""
    day_after_tomorrow = now.astimezone(CHINA_TZ).date() + timedelta(days=2)
    return now, datetime.combine(day_after_tomorrow, time(0), tzinfo=CHINA_TZ)


def outage_events(account_number: str, outages: Iterable[OutageView], now: datetime) -> list[AlertEvent]:
    """A notice per announced outage of the account that begins after ``now`` and by the end of tomorrow."""
    _, end = outage_window(now)
    return [
        AlertEvent(
            NoticeKind.OUTAGE, f"{account_number}:outage:{outage.id}", account_number,
            {
                "outage_id": outage.id, "outage_kind": outage.kind.value, "reason": outage.reason,
                "area": outage.area_label, "starts_at": outage.starts_at.isoformat(),
                "ends_at": outage.ends_at.isoformat(),
            },
        )
        for outage in outages
        if outage.kind in ANNOUNCED_KINDS and not outage.closed and now < outage.starts_at < end
    ]
