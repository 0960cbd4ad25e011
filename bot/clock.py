"""Injectable clocks, so business rules and tests can fix "now" and "today".

All times are timezone-aware in China Standard Time (Asia/Shanghai).
"""
from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    """Anything that can tell the current time."""

    def now(self) -> datetime:
        """The current aware datetime in China Standard Time."""

    def today(self) -> date:
        """The current calendar date in China."""


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(CHINA_TZ)

    def today(self) -> date:
        return self.now().date()


class FixedClock:
    """A clock that stays where it is put; tests move it with :meth:`advance`."""

    def __init__(self, at: datetime | date) -> None:
        self._now = _as_china_datetime(at)

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.date()

    def advance(self, delta: timedelta) -> None:
        self._now = self._now + delta

    def set(self, at: datetime | date) -> None:
        self._now = _as_china_datetime(at)


def _as_china_datetime(at: datetime | date) -> datetime:
    if not isinstance(at, datetime):
        at = datetime(at.year, at.month, at.day, 9, 0)
    if at.tzinfo is None:
        at = at.replace(tzinfo=CHINA_TZ)
    return at.astimezone(CHINA_TZ)


def clock_from_env() -> Clock:
    """``BOT_FIXED_NOW`` (ISO date or datetime) pins the clock, e.g. for demos and tests."""
    fixed = os.environ.get("BOT_FIXED_NOW", "").strip()
    if fixed:
        return FixedClock(datetime.fromisoformat(fixed) if "T" in fixed else date.fromisoformat(fixed))
    return SystemClock()
