"""Injectable clocks, so business rules and tests can fix "now" and "today".

All times are timezone-aware in China Standard Time (Asia/Shanghai).
"""
from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path
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


class FileClock:
    """A clock several processes share through a file holding an ISO datetime: the
    end-to-end tests move "now" for the Rasa, action and gateway servers at once (e.g.
    past the 60 s between two SMS codes). The file is re-read only when it changes."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._seen: tuple[int, int] | None = None
        self._now = _as_china_datetime(datetime(2000, 1, 1))

    def now(self) -> datetime:
        stat = self._path.stat()
        if (stat.st_mtime_ns, stat.st_size) != self._seen:
            self._now = _parse_instant(self._path.read_text(encoding="utf-8"))
            self._seen = (stat.st_mtime_ns, stat.st_size)
        return self._now

    def today(self) -> date:
        return self.now().date()

    @staticmethod
    def write(path: Path, at: datetime | date) -> None:
        """Set the shared "now" (atomically, so a reader never sees half a line)."""
        partial = path.with_name(path.name + ".part")
        partial.write_text(_as_china_datetime(at).isoformat(), encoding="utf-8")
        os.replace(partial, path)


def _parse_instant(text: str) -> datetime:
    text = text.strip()
    return _as_china_datetime(datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text))


def _as_china_datetime(at: datetime | date) -> datetime:
    if not isinstance(at, datetime):
        at = datetime(at.year, at.month, at.day, 9, 0)
    if at.tzinfo is None:
        at = at.replace(tzinfo=CHINA_TZ)
    return at.astimezone(CHINA_TZ)


def clock_from_env() -> Clock:
    """``BOT_CLOCK_FILE`` (a file with an ISO datetime, shared by processes) or
    ``BOT_FIXED_NOW`` (ISO date or datetime) pins the clock, e.g. for demos and tests."""
    shared = os.environ.get("BOT_CLOCK_FILE", "").strip()
    if shared:
        return FileClock(Path(shared))
    fixed = os.environ.get("BOT_FIXED_NOW", "").strip()
    if fixed:
        return FixedClock(_parse_instant(fixed))
    return SystemClock()
