"""Day expressions in outage questions: "今天", "明天", "后天", "这周", "下周一", "周末", "12月5日".

:func:`resolve_days` reads the first day expression in a customer's message and resolves it
against ``today`` (the caller passes ``clock.today()``, a China date). It returns a
:class:`DayRange` of calendar days (first and last, inclusive) or a :class:`DayRejected`;
:meth:`DayRange.window` turns it into the half-open China-time window ``[first 00:00,
day after last 00:00)`` the outage queries take.

Rules:

* weeks run Monday to Sunday: "这周"/"本周" is the week containing today (past days
  included), "下周" the next one, "上周" the one before; "周末" is that week's Saturday
  and Sunday ("下周末": next week's);
* "下周一"…"下周日" is that day of next week and "这周三"/"本周三" of this week; a bare
  "周三"/"星期三"/"礼拜三" is the next such day, today included;
* a date without a year ("12月5日", "十二月五号") is the closest such date to today among last
  year, this year and next year ("1月3日" on 30 December is next January); a day alone
  ("5号") is the closest such day among last, this and next month;
* "昨天"/"前天" and "上周" name past days too (an outage query shows only what is still open);
* "最近"/"这几天"/"近期"/"未来几天" are today and the next six days;
  "这个月"/"本月"/"下个月" are calendar months;
* an impossible date ("2月30日", "13月1日") is ``INVALID_DATE``; text without any day
  expression is ``NOT_UNDERSTOOD``: callers decide defaults.

Numerals ("十二月五日", "二零二六年") are converted by cn2an, as in :mod:`bot.text.months`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

import cn2an

from bot.clock import CHINA_TZ

_CN_NUM = "零〇一二两三四五六七八九十"
_CN_DIGIT = "零〇一二三四五六七八九"
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": -1}
_WEEK = r"(?:周|星期|礼拜)"
_NUM = rf"(?:\d{{1,2}}|[{_CN_NUM}]{{1,3}})"

# Longest first: "大后天" must not be read as "后天", "今天" before "天".
_RELATIVE_DAYS = (
    ("大后天", 3),
    ("大前天", -3),
    ("后天", 2),
    ("後天", 2),
    ("前天", -2),
    ("明天", 1),
    ("明日", 1),
    ("明儿", 1),
    ("今天", 0),
    ("今日", 0),
    ("今儿", 0),
    ("今晚", 0),
    ("今早", 0),
    ("昨天", -1),
    ("昨日", -1),
)
_UPCOMING_RE = re.compile(r"最近|近期|这几天|近几天|这两天|未来几天|接下来几天|近日")
_MONTH_RE = re.compile(r"(?P<which>这个|本|下个|下)月(?!\d|[" + _CN_NUM + r"])")
_DATE_RE = re.compile(
    rf"(?:(?P<year>(?<!\d)\d{{4}}|[{_CN_DIGIT}]{{4}}|今|明|去)年)?"
    rf"(?P<month>(?<!\d)\d{{1,2}}|[{_CN_NUM}]{{1,3}})月(?:份)?"
    rf"(?P<day>\d{{1,2}}|[{_CN_NUM}]{{1,3}})(?:日|号|號)?"
)
_SLASHED_RE = re.compile(r"(?<![\d/.-])(?:(?P<year>\d{4})[-/.])?(?P<month>\d{1,2})[/.-](?P<day>\d{1,2})(?![\d/.-])")
_DAY_ONLY_RE = re.compile(rf"(?<![月\d{_CN_NUM}])(?P<day>{_NUM})(?:号|號|日)(?![楼樓院门線线房栋幢室])")
_WEEK_DAY_RE = re.compile(
    rf"(?P<which>下下个?|下个?|这个?|本|上个?)?{_WEEK}(?P<day>[一二三四五六日天末])"
    rf"|(?P<which2>下下个?|下个?|这个?|本|上个?)一?{_WEEK}(?!几)"
)
_YEAR_WORDS = {"今": 0, "明": 1, "去": -1}
_WEEK_OFFSETS = {"下下": 2, "下": 1, "这": 0, "本": 0, "上": -1}


class DayRejectReason(str, Enum):
    """Why a day expression could not be resolved."""

    NOT_UNDERSTOOD = "not_understood"
    INVALID_DATE = "invalid_date"


@dataclass(frozen=True)
class DayRange:
    """Calendar days in China, ``first`` to ``last`` inclusive."""

    first: date
    last: date

    def window(self) -> tuple[datetime, datetime]:
        """``[first 00:00, the day after last 00:00)`` in China time."""
        return (
            datetime.combine(self.first, time(), CHINA_TZ),
            datetime.combine(self.last + timedelta(days=1), time(), CHINA_TZ),
        )

    def label(self, today: date) -> str:
        """ "12月5日", or "11月30日至12月6日"; the year only when it is not today's."""
        first = _date_label(self.first, today)
        if self.first == self.last:
            return first
        return f"{first}至{_date_label(self.last, today)}"


@dataclass(frozen=True)
class DayRejected:
    """A message whose day expression cannot be resolved."""

    reason: DayRejectReason


def upcoming(today: date, days: int = 7) -> DayRange:
    """Today and the ``days - 1`` days after it (the default when nothing is named)."""
    return DayRange(today, today + timedelta(days=days - 1))


def resolve_days(text: str, today: date) -> DayRange | DayRejected:
    """Resolve the day expression in ``text`` against ``today``."""
    normalized = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    for resolver in (_explicit_date, _slashed_date, _week_expression, _relative_day):
        found = resolver(normalized, today)
        if found is not None:
            return found
    if _UPCOMING_RE.search(normalized):
        return upcoming(today)
    month = _MONTH_RE.search(normalized)
    if month:
        first = _month_start(today, 1 if month["which"].startswith("下") else 0)
        return DayRange(first, _month_start(first, 1) - timedelta(days=1))
    day_only = _DAY_ONLY_RE.search(normalized)
    if day_only:
        return _closest_day_of_month(_number(day_only["day"]), today)
    return DayRejected(DayRejectReason.NOT_UNDERSTOOD)


def _explicit_date(text: str, today: date) -> DayRange | DayRejected | None:
    match = _DATE_RE.search(text)
    if match is None:
        return None
    year_token = match["year"]
    year = _year(year_token, today)
    if year_token is not None and year is None:
        return DayRejected(DayRejectReason.NOT_UNDERSTOOD)
    return _month_day(year, _number(match["month"]), _number(match["day"]), today)


def _slashed_date(text: str, today: date) -> DayRange | DayRejected | None:
    match = _SLASHED_RE.search(text)
    if match is None:
        return None
    year = int(match["year"]) if match["year"] else None
    return _month_day(year, int(match["month"]), int(match["day"]), today)


def _week_expression(text: str, today: date) -> DayRange | None:
    match = _WEEK_DAY_RE.search(text)
    if match is None:
        return None
    which = (match["which"] or match["which2"] or "").rstrip("个")
    monday = today - timedelta(days=today.weekday())
    if match["day"] is None:  # a whole week: "这周", "下周", "下个星期"
        start = monday + timedelta(weeks=_WEEK_OFFSETS[which])
        return DayRange(start, start + timedelta(days=6))
    weekday = _WEEKDAYS[match["day"]]
    if which:
        week = monday + timedelta(weeks=_WEEK_OFFSETS[which])
        if weekday < 0:
            return DayRange(week + timedelta(days=5), week + timedelta(days=6))
        return _one(week + timedelta(days=weekday))
    if weekday < 0:  # "周末": this week's Saturday and Sunday
        return DayRange(monday + timedelta(days=5), monday + timedelta(days=6))
    return _one(today + timedelta(days=(weekday - today.weekday()) % 7))


def _relative_day(text: str, today: date) -> DayRange | None:
    if "今明" in text:  # "今明两天"
        return DayRange(today, today + timedelta(days=1))
    for phrase, delta in _RELATIVE_DAYS:
        if phrase in text:
            return _one(today + timedelta(days=delta))
    return None


def _month_day(
    year: int | None, month: int | None, day: int | None, today: date
) -> DayRange | DayRejected:
    if month is None or day is None:
        return DayRejected(DayRejectReason.NOT_UNDERSTOOD)
    if year is not None:
        return _valid(year, month, day) or DayRejected(DayRejectReason.INVALID_DATE)
    candidates = [d for y in (today.year - 1, today.year, today.year + 1) if (d := _valid(y, month, day))]
    if not candidates:
        return DayRejected(DayRejectReason.INVALID_DATE)
    return min(candidates, key=lambda r: abs((r.first - today).days))


def _closest_day_of_month(day: int | None, today: date) -> DayRange | DayRejected:
    if day is None or not 1 <= day <= 31:
        return DayRejected(DayRejectReason.INVALID_DATE)
    months = (_month_start(today, delta) for delta in (-1, 0, 1))
    candidates = [found for m in months if (found := _valid(m.year, m.month, day))]
    if not candidates:
        return DayRejected(DayRejectReason.INVALID_DATE)
    return min(candidates, key=lambda r: abs((r.first - today).days))


def _valid(year: int, month: int, day: int) -> DayRange | None:
    try:
        return _one(date(year, month, day))
    except ValueError:
        return None


def _one(day: date) -> DayRange:
    return DayRange(day, day)


def _month_start(day: date, delta: int) -> date:
    index = day.year * 12 + day.month - 1 + delta
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


def _year(token: str | None, today: date) -> int | None:
    if token is None:
        return None
    if token in _YEAR_WORDS:
        return today.year + _YEAR_WORDS[token]
    return _number(token)


def _date_label(day: date, today: date) -> str:
    if day.year == today.year:
        return f"{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"
