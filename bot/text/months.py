"""Month expressions in bill queries: "上个月", "十月份", "2026年9月", "去年12月", "近半年", "最新一期".

:func:`resolve_months` reads the first month expression in a customer's message and
resolves it against ``today`` (the caller passes ``clock.today()``). It returns a
:class:`MonthQuery` of first-of-month dates, oldest first, or a :class:`MonthRejected`.

Rules:

* a month without a year is the most recent such month not after today's month
  ("12月" in November 2026 is December 2025);
* ranges ("近半年", "近三个月", "最近一年") end with last month, because the current
  month has not been billed yet;
* "最近一期"/"最新一期"/"最新账单"/"本期" give ``MonthQuery(months=(), latest=True)``;
* text without any month expression is ``NOT_UNDERSTOOD``: callers decide defaults.

Numerals (also digit-by-digit years like "二零二六") are converted by cn2an.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import Enum

import cn2an

MAX_RANGE_MONTHS = 24

_CN_NUM = "零〇一二两三四五六七八九十"
_CN_DIGIT = "零〇一二三四五六七八九"

_LATEST_RE = re.compile(r"最近的?一期|最新的?一期|最新的?账单|本期")
_RANGE_RE = re.compile(
    rf"(?:最近|近|过去)的?(?:(?P<half>半年)|(?P<years>\d{{1,2}}|[{_CN_NUM}]{{1,3}})年|"
    rf"(?P<months>\d{{1,2}}|[{_CN_NUM}]{{1,3}})个?月)"
)
_DASHED_RE = re.compile(r"(?<!\d)(?P<year>\d{4})[-/.](?P<month>\d{1,2})(?!\d)")
_YEAR_MONTH_RE = re.compile(
    rf"(?:(?P<year>(?<!\d)\d{{4}}|(?<!\d)\d{{2}}|[{_CN_DIGIT}]{{4}}|[{_CN_DIGIT}]{{2}}|今|去|大前|前|明)年的?)?"
    rf"(?P<month>(?<!\d)\d{{1,2}}|[{_CN_NUM}]{{1,3}})月"
)
# Longest first: "上上个月" must not be read as "上个月".
_RELATIVE = (
    ("上上个月", -2),
    ("上上月", -2),
    ("上一个月", -1),
    ("上个月", -1),
    ("上月", -1),
    ("这一个月", 0),
    ("这个月", 0),
    ("这月", 0),
    ("本月", 0),
    ("当月", 0),
    ("下一个月", 1),
    ("下个月", 1),
    ("下月", 1),
)
_YEAR_WORDS = {"今": 0, "去": -1, "前": -2, "大前": -3, "明": 1}


class RejectReason(str, Enum):
    """Why a month expression could not be resolved."""

    NOT_UNDERSTOOD = "not_understood"
    INVALID_MONTH = "invalid_month"
    FUTURE = "future"


@dataclass(frozen=True)
class MonthQuery:
    """Months to query (first-of-month dates, oldest first); ``latest`` asks for the newest bill."""

    months: tuple[date, ...]
    latest: bool = False


@dataclass(frozen=True)
class MonthRejected:
    """A message whose month expression cannot be queried."""

    reason: RejectReason


def _shift(month: date, delta: int) -> date:
    """First of the month ``delta`` months from ``month``."""
    index = month.year * 12 + month.month - 1 + delta
    return date(index // 12, index % 12 + 1, 1)


def _number(token: str) -> int | None:
    """Arabic or Chinese numeral as an int, or None if cn2an cannot read it."""
    if token.isdigit():
        return int(token)
    try:
        value = cn2an.cn2an(token, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return int(value) if float(value).is_integer() else None


def _single(year: int | None, month: int | None, today: date) -> MonthQuery | MonthRejected:
    """One month; without a year, the most recent such month not after today's month."""
    if month is None:
        return MonthRejected(RejectReason.NOT_UNDERSTOOD)
    if not 1 <= month <= 12:
        return MonthRejected(RejectReason.INVALID_MONTH)
    current = today.replace(day=1)
    if year is None:
        year = today.year if month <= today.month else today.year - 1
    if not 1 <= year <= 9999:
        return MonthRejected(RejectReason.NOT_UNDERSTOOD)
    resolved = date(year, month, 1)
    if resolved > current:
        return MonthRejected(RejectReason.FUTURE)
    return MonthQuery(months=(resolved,))


def _year(token: str | None, today: date) -> int | None:
    """Year from "2026", "26", "二零二六", "去" etc.; None when absent or unreadable."""
    if token is None:
        return None
    if token in _YEAR_WORDS:
        return today.year + _YEAR_WORDS[token]
    value = _number(token)
    if value is None:
        return None
    return 2000 + value if len(token) == 2 else value


def resolve_months(text: str, today: date) -> MonthQuery | MonthRejected:
    """Resolve the month expression in ``text`` against ``today``."""
    normalized = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    current = today.replace(day=1)

    if _LATEST_RE.search(normalized):
        return MonthQuery(months=(), latest=True)

    match = _RANGE_RE.search(normalized)
    if match:
        if match["half"]:
            count: int | None = 6
        elif match["years"]:
            years = _number(match["years"])
            count = None if years is None else years * 12
        else:
            count = _number(match["months"])
        if count is None or not 1 <= count <= MAX_RANGE_MONTHS:
            return MonthRejected(RejectReason.NOT_UNDERSTOOD)
        last = _shift(current, -1)
        return MonthQuery(months=tuple(_shift(last, k - count + 1) for k in range(count)))

    match = _DASHED_RE.search(normalized)
    if match:
        return _single(int(match["year"]), int(match["month"]), today)

    for phrase, delta in _RELATIVE:
        if phrase in normalized:
            if delta > 0:
                return MonthRejected(RejectReason.FUTURE)
            return MonthQuery(months=(_shift(current, delta),))

    match = _YEAR_MONTH_RE.search(normalized)
    if match:
        year = _year(match["year"], today)
        if match["year"] is not None and year is None:
            return MonthRejected(RejectReason.NOT_UNDERSTOOD)
        return _single(year, _number(match["month"]), today)

    return MonthRejected(RejectReason.NOT_UNDERSTOOD)


_YEAR_ONLY_RE = re.compile(
    rf"(?P<year>(?<!\d)\d{{4}}|[{_CN_DIGIT}]{{4}}|今|去|大前|前)年(?:度|全年|一整年|整年)?"
    rf"(?!\d|[{_CN_NUM}]{{1,3}}月|\d{{1,2}}月)"
)


def resolve_year(text: str, today: date) -> int | MonthRejected | None:
    """A whole year named without a month ("今年", "去年全年", "2025年度"): the year, a
    rejection for a future year, or None when no such year is named."""
    normalized = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    match = _YEAR_ONLY_RE.search(normalized)
    if match is None:
        return None
    year = _year(match["year"], today)
    if year is None:
        return MonthRejected(RejectReason.NOT_UNDERSTOOD)
    if year > today.year:
        return MonthRejected(RejectReason.FUTURE)
    return year
