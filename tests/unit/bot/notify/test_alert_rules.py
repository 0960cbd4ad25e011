"""Which facts of an account are a notice today (bot.notify.alert_rules): the 3 days before a due
date and the overdue days, a low prepaid balance per top-up, last month's usage spike only, and
announced outages that begin by the end of tomorrow — across midnight and the end of a month."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from bot.billing.bills import UnpaidBill
from bot.billing.usage import MonthUsage
from bot.clock import CHINA_TZ
from bot.db.enums import NoticeKind, OutageKind
from bot.notify.alert_rules import (
    arrears_events,
    low_balance_event,
    outage_events,
    outage_window,
    usage_spike_event,
)
from bot.outages.matching import OutageView

NUMBER = "3301000001"
DUE = date(2026, 11, 30)


def _bill(today: date, *, late_fee_fen: int = 0) -> UnpaidBill:
    return UnpaidBill(date(2026, 10, 1), 10770, DUE, max(0, (today - DUE).days), late_fee_fen)


@pytest.mark.parametrize(("today", "key"), [
    (date(2026, 11, 26), None),  # 4 days before
    (date(2026, 11, 27), "3301000001:2026-10:due"),  # 3 days before
    (date(2026, 11, 30), "3301000001:2026-10:due"),  # the due date itself
    (date(2026, 12, 1), "3301000001:2026-10:overdue"),  # the day after, across the month's end
    (date(2027, 1, 15), "3301000001:2026-10:overdue"),  # long after: still the same event
])
def test_a_bill_is_news_three_days_before_its_due_date_and_again_once_overdue(today: date, key: str | None) -> None:
    events = arrears_events(NUMBER, [_bill(today)], today)
    assert [event.event_key for event in events] == ([key] if key else [])
    assert all(event.kind is NoticeKind.ARREARS for event in events)


def test_the_overdue_notice_names_the_late_fee_so_far() -> None:
    today = date(2026, 12, 2)
    [event] = arrears_events(NUMBER, [_bill(today, late_fee_fen=100)], today)
    assert event.details == {
        "stage": "overdue", "period": "2026-10-01", "amount_fen": 10770, "due_date": "2026-11-30", "days_left": 0,
        "overdue_days": 2, "late_fee_fen": 100, "as_of": "2026-12-02",
    }


@pytest.mark.parametrize(("balance", "news"), [(0, False), (1, True), (2999, True), (3000, False), (5600, False)])
def test_a_prepaid_balance_is_low_above_zero_and_below_the_threshold(balance: int, news: bool) -> None:
    event = low_balance_event(NUMBER, prepaid_fen=balance, threshold_fen=3000, last_prepayment_id=None)
    assert (event is not None) is news


def test_each_top_up_starts_a_new_low_balance_event() -> None:
    before = low_balance_event(NUMBER, prepaid_fen=1000, threshold_fen=3000, last_prepayment_id=None)
    after = low_balance_event(NUMBER, prepaid_fen=1000, threshold_fen=3000, last_prepayment_id=42)
    assert before is not None and after is not None
    assert (before.event_key, after.event_key) == ("3301000001:low:0", "3301000001:low:42")
    assert after.details == {"balance_fen": 1000, "threshold_fen": 3000}


def _usage(month: date, kwh: int, last_year: int | None, jump: bool) -> MonthUsage:
    return MonthUsage(month, kwh, None, last_year, None, Decimal("35.0") if jump else Decimal("5.0"), jump)


def test_last_months_spike_is_news_and_an_older_one_is_not() -> None:
    today = date(2026, 11, 23)
    spike = usage_spike_event(NUMBER, _usage(date(2026, 10, 1), 405, 300, True), today)
    assert spike is not None and spike.event_key == "3301000001:2026-10:spike"
    assert spike.details == {"period": "2026-10-01", "kwh": 405, "last_year_kwh": 300, "change_pct": "35.0"}
    assert usage_spike_event(NUMBER, _usage(date(2026, 9, 1), 405, 300, True), today) is None
    assert usage_spike_event(NUMBER, _usage(date(2026, 10, 1), 315, 300, False), today) is None
    # January's news is December's bill: across the year's end.
    assert usage_spike_event(NUMBER, _usage(date(2026, 12, 1), 405, 300, True), date(2027, 1, 2)) is not None


def _outage(outage_id: int, kind: OutageKind, starts_at: datetime, *, closed: bool = False) -> OutageView:
    ends_at = starts_at + timedelta(hours=8)
    return OutageView(outage_id, kind, "线路检修", "杭州市西湖区文三路", starts_at, ends_at, closed)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHINA_TZ)


def test_outages_beginning_by_the_end_of_tomorrow_are_announced_across_midnight_and_the_months_end() -> None:
    now = _at(date(2026, 11, 30), 22, 0)  # the last evening of November
    outages = [
        _outage(1, OutageKind.PLANNED, _at(date(2026, 12, 1), 8)),  # tomorrow, in the next month
        _outage(2, OutageKind.TEMPORARY, _at(date(2026, 12, 1), 23, 59)),  # the last minute of tomorrow
        _outage(3, OutageKind.PLANNED, _at(date(2026, 12, 2), 0, 0)),  # the day after tomorrow
        _outage(4, OutageKind.FAULT, _at(date(2026, 12, 1), 9)),  # a fault is not announced
        _outage(5, OutageKind.PLANNED, _at(date(2026, 11, 30), 20)),  # already begun
        _outage(6, OutageKind.PLANNED, _at(date(2026, 12, 1), 10), closed=True),  # called off
    ]
    events = outage_events(NUMBER, outages, now)
    assert [event.event_key for event in events] == ["3301000001:outage:1", "3301000001:outage:2"]
    assert events[0].details == {
        "outage_id": 1, "outage_kind": "计划检修", "reason": "线路检修", "area": "杭州市西湖区文三路",
        "starts_at": "2026-12-01T08:00:00+08:00", "ends_at": "2026-12-01T16:00:00+08:00",
    }
    assert outage_window(now) == (now, _at(date(2026, 12, 2), 0))


def test_the_window_is_in_china_time_whatever_the_clocks_zone() -> None:
    utc_now = _at(date(2026, 12, 1), 0, 30).astimezone(timezone.utc)  # still 30 November in UTC
    assert outage_window(utc_now)[1] == _at(date(2026, 12, 3), 0)
