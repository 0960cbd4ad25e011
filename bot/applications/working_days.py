"""Working days (工作日) on the official Chinese calendar (``chinese_calendar``).

Weekends and public holidays are skipped, adjusted working weekends (调休上班) count.
Promised dates of work orders and the days appointment slots are offered on both count
them here.
"""
from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def is_working_day(day: date) -> bool:
    """A working day by the State Council holiday schedule; Monday–Friday for years the
    installed ``chinese_calendar`` has no schedule for yet."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself when ``count`` is 0)."""
    if count < 0:
        raise ValueError("count must not be negative")
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
