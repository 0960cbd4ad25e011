from __future__ import annotations

from datetime import date

import pytest

from bot.text.months import MonthQuery, MonthRejected, RejectReason, resolve_months, resolve_year

TODAY = date(2026, 11, 23)
NEW_YEAR = date(2027, 1, 5)


def _months(*pairs: tuple[int, int]) -> MonthQuery:
    return MonthQuery(months=tuple(date(y, m, 1) for y, m in pairs))


def _span(start: tuple[int, int], count: int) -> MonthQuery:
    year, month = start
    pairs = []
    for _ in range(count):
        pairs.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return _months(*pairs)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上个月", _months((2026, 10))),
        ("上月", _months((2026, 10))),
        ("上个月电费多少", _months((2026, 10))),
        ("这个月", _months((2026, 11))),
        ("本月", _months((2026, 11))),
        ("这月的电费", _months((2026, 11))),
        ("上上个月", _months((2026, 9))),
        ("10月", _months((2026, 10))),
        ("十月", _months((2026, 10))),
        ("十月份", _months((2026, 10))),
        ("10月份", _months((2026, 10))),
        ("１０月", _months((2026, 10))),  # full-width digits
        ("12月", _months((2025, 12))),
        ("十二月的账单", _months((2025, 12))),
        ("11月", _months((2026, 11))),
        ("2026年9月", _months((2026, 9))),
        ("二零二六年九月", _months((2026, 9))),
        ("二〇二六年九月", _months((2026, 9))),
        ("2026-09", _months((2026, 9))),
        ("2026/9", _months((2026, 9))),
        ("26年9月", _months((2026, 9))),
        ("我想查一下2026年9月的电费", _months((2026, 9))),
        ("2025年 12 月", _months((2025, 12))),
        ("2025年的9月", _months((2025, 9))),
        ("去年12月", _months((2025, 12))),
        ("去年十二月", _months((2025, 12))),
        ("今年三月", _months((2026, 3))),
        ("今年3月", _months((2026, 3))),
        ("前年5月", _months((2024, 5))),
        ("近半年", _span((2026, 5), 6)),
        ("最近半年的电费", _span((2026, 5), 6)),
        ("近6个月", _span((2026, 5), 6)),
        ("最近六个月", _span((2026, 5), 6)),
        ("近三个月", _span((2026, 8), 3)),
        ("最近三个月", _span((2026, 8), 3)),
        ("近一年", _span((2025, 11), 12)),
        ("最近一年", _span((2025, 11), 12)),
        ("最近一期", MonthQuery(months=(), latest=True)),
        ("最新一期", MonthQuery(months=(), latest=True)),
        ("最新账单", MonthQuery(months=(), latest=True)),
        ("本期电费", MonthQuery(months=(), latest=True)),
    ],
)
def test_resolves_months(text: str, expected: MonthQuery) -> None:
    assert resolve_months(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("13月", RejectReason.INVALID_MONTH),
        ("0月", RejectReason.INVALID_MONTH),
        ("十三月", RejectReason.INVALID_MONTH),
        ("2026年13月", RejectReason.INVALID_MONTH),
        ("2027年1月", RejectReason.FUTURE),
        ("今年12月", RejectReason.FUTURE),
        ("明年3月", RejectReason.FUTURE),
        ("下个月", RejectReason.FUTURE),
        ("去年", RejectReason.NOT_UNDERSTOOD),
        ("查电费", RejectReason.NOT_UNDERSTOOD),
        ("", RejectReason.NOT_UNDERSTOOD),
        ("近100个月", RejectReason.NOT_UNDERSTOOD),
    ],
)
def test_rejects(text: str, reason: RejectReason) -> None:
    assert resolve_months(text, TODAY) == MonthRejected(reason)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上个月", _months((2026, 12))),
        ("上上个月", _months((2026, 11))),
        ("12月", _months((2026, 12))),
        ("1月", _months((2027, 1))),
        ("去年12月", _months((2026, 12))),
        ("近三个月", _span((2026, 10), 3)),
        ("近半年", _span((2026, 7), 6)),
    ],
)
def test_resolves_across_year_boundary(text: str, expected: MonthQuery) -> None:
    assert resolve_months(text, NEW_YEAR) == expected


def test_reason_is_str() -> None:
    assert RejectReason.FUTURE == "future"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今年用了多少电", 2026),
        ("去年全年用电量", 2025),
        ("前年用电", 2024),
        ("2025年度用电情况", 2025),
        ("二零二五年用了多少度", 2025),
        ("2026年的用电", 2026),
        ("今年3月用电", None),  # a month: not a whole year
        ("2025年9月", None),
        ("去年十二月", None),
        ("上个月用电", None),
        ("用电量", None),
        ("2027年用电", MonthRejected(RejectReason.FUTURE)),
    ],
)
def test_resolves_whole_years(text: str, expected: int | MonthRejected | None) -> None:
    assert resolve_year(text, TODAY) == expected
