from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.clock import CHINA_TZ, FixedClock
from bot.text.days import DayRange, DayRejected, DayRejectReason, resolve_days, upcoming

WEDNESDAY = date(2026, 12, 2)  # a Wednesday: this week is 11月30日 (Mon) to 12月6日 (Sun)


def _day(y: int, m: int, d: int) -> DayRange:
    return DayRange(date(y, m, d), date(y, m, d))


def _span(first: tuple[int, int, int], last: tuple[int, int, int]) -> DayRange:
    return DayRange(date(*first), date(*last))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天停电吗", _day(2026, 12, 2)),
        ("今晚会停电吗", _day(2026, 12, 2)),
        ("明天", _day(2026, 12, 3)),
        ("明日停电吗", _day(2026, 12, 3)),
        ("后天停不停电", _day(2026, 12, 4)),
        ("大后天", _day(2026, 12, 5)),
        ("昨天为什么停电", _day(2026, 12, 1)),
        ("今明两天", _span((2026, 12, 2), (2026, 12, 3))),
        ("这周", _span((2026, 11, 30), (2026, 12, 6))),
        ("本周有停电吗", _span((2026, 11, 30), (2026, 12, 6))),
        ("这个星期", _span((2026, 11, 30), (2026, 12, 6))),
        ("这一周", _span((2026, 11, 30), (2026, 12, 6))),
        ("下周", _span((2026, 12, 7), (2026, 12, 13))),
        ("下个礼拜", _span((2026, 12, 7), (2026, 12, 13))),
        ("下下周", _span((2026, 12, 14), (2026, 12, 20))),
        ("上周", _span((2026, 11, 23), (2026, 11, 29))),
        ("下周一", _day(2026, 12, 7)),
        ("下个星期三", _day(2026, 12, 9)),
        ("下礼拜天", _day(2026, 12, 13)),
        ("这周五", _day(2026, 12, 4)),
        ("本周一", _day(2026, 11, 30)),  # this week's, though it is past
        ("周三", _day(2026, 12, 2)),  # a bare weekday: the next one, today included
        ("周一", _day(2026, 12, 7)),
        ("星期六", _day(2026, 12, 5)),
        ("礼拜日", _day(2026, 12, 6)),
        ("周末", _span((2026, 12, 5), (2026, 12, 6))),
        ("这周末", _span((2026, 12, 5), (2026, 12, 6))),
        ("下周末", _span((2026, 12, 12), (2026, 12, 13))),
        ("12月5日", _day(2026, 12, 5)),
        ("12月5号停电吗", _day(2026, 12, 5)),
        ("十二月五日", _day(2026, 12, 5)),
        ("１２月５日", _day(2026, 12, 5)),  # full-width digits
        ("2026年12月5日", _day(2026, 12, 5)),
        ("二零二七年一月三日", _day(2027, 1, 3)),
        ("明年1月3日", _day(2027, 1, 3)),
        ("1月3日", _day(2027, 1, 3)),  # the closest 1月3日: next January
        ("11月28日", _day(2026, 11, 28)),
        ("12/5", _day(2026, 12, 5)),
        ("2026-12-05", _day(2026, 12, 5)),
        ("5号", _day(2026, 12, 5)),
        ("30号", _day(2026, 11, 30)),  # closer than 12月30日
        ("最近有停电吗", _span((2026, 12, 2), (2026, 12, 8))),
        ("这几天", _span((2026, 12, 2), (2026, 12, 8))),
        ("这个月", _span((2026, 12, 1), (2026, 12, 31))),
        ("下个月", _span((2027, 1, 1), (2027, 1, 31))),
    ],
)
def test_day_expressions(text: str, expected: DayRange) -> None:
    assert resolve_days(text, WEDNESDAY) == expected


@pytest.mark.parametrize("text", ["2月30日", "13月1日", "2026年2月29日", "32号", "0号"])
def test_impossible_dates(text: str) -> None:
    assert resolve_days(text, WEDNESDAY) == DayRejected(DayRejectReason.INVALID_DATE)


@pytest.mark.parametrize("text", ["停电了吗", "西湖区停电吗", "文三路100号停电吗", "3号楼停电了", "你好"])
def test_no_day_expression(text: str) -> None:
    assert resolve_days(text, WEDNESDAY) == DayRejected(DayRejectReason.NOT_UNDERSTOOD)


def test_across_midnight_the_clock_decides_which_day_is_tomorrow() -> None:
    clock = FixedClock(datetime(2026, 12, 2, 23, 59, 59, tzinfo=CHINA_TZ))
    assert resolve_days("明天", clock.today()) == _day(2026, 12, 3)
    clock.advance(timedelta(seconds=1))
    assert resolve_days("明天", clock.today()) == _day(2026, 12, 4)
    assert resolve_days("今天", clock.today()) == _day(2026, 12, 3)


def test_at_a_month_end() -> None:
    last = date(2026, 11, 30)  # a Monday
    assert resolve_days("明天", last) == _day(2026, 12, 1)
    assert resolve_days("后天", last) == _day(2026, 12, 2)
    assert resolve_days("这周", last) == _span((2026, 11, 30), (2026, 12, 6))
    assert resolve_days("1号", last) == _day(2026, 12, 1)  # closer than 11月1日
    assert resolve_days("31号", last) == _day(2026, 10, 31)  # November has none; October's is closer
    assert resolve_days("明天", date(2028, 2, 28)) == _day(2028, 2, 29)  # a leap year
    assert resolve_days("明天", date(2027, 2, 28)) == _day(2027, 3, 1)


def test_at_a_year_end() -> None:
    eve = date(2026, 12, 31)  # a Thursday
    assert resolve_days("明天", eve) == _day(2027, 1, 1)
    assert resolve_days("下周一", eve) == _day(2027, 1, 4)
    assert resolve_days("这周", eve) == _span((2026, 12, 28), (2027, 1, 3))
    assert resolve_days("1月2日", eve) == _day(2027, 1, 2)
    assert resolve_days("下个月", eve) == _span((2027, 1, 1), (2027, 1, 31))
    new_year = date(2027, 1, 1)
    assert resolve_days("昨天", new_year) == _day(2026, 12, 31)
    assert resolve_days("12月30日", new_year) == _day(2026, 12, 30)  # last year's: the closest
    assert resolve_days("上周", new_year) == _span((2026, 12, 21), (2026, 12, 27))


def test_the_window_is_china_midnight_to_the_midnight_after_the_last_day() -> None:
    start, end = _span((2026, 12, 31), (2027, 1, 1)).window()
    assert start == datetime(2026, 12, 31, tzinfo=CHINA_TZ)
    assert end == datetime(2027, 1, 2, tzinfo=CHINA_TZ)
    assert start.utcoffset() == timedelta(hours=8)


def test_labels_name_the_year_only_when_it_is_not_todays() -> None:
    assert _day(2026, 12, 5).label(WEDNESDAY) == "12月5日"
    assert _span((2026, 11, 30), (2026, 12, 6)).label(WEDNESDAY) == "11月30日至12月6日"
    assert _span((2026, 12, 28), (2027, 1, 3)).label(WEDNESDAY) == "12月28日至2027年1月3日"


def test_upcoming_is_today_and_the_next_six_days() -> None:
    assert upcoming(date(2026, 12, 30)) == _span((2026, 12, 30), (2027, 1, 5))
