"""Working days on the official calendar: holidays skipped, 调休 Saturdays counted."""
from __future__ import annotations

from datetime import date

import pytest

from bot.applications.working_days import add_working_days, is_working_day


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # 国庆 1-7 October skipped
        (date(2026, 9, 30), 3, date(2026, 10, 10)),  # ... and Saturday 10 October is a 调休 working day
        (date(2026, 10, 9), 2, date(2026, 10, 12)),  # Sunday 11 October is not
        (date(2026, 9, 24), 1, date(2026, 9, 28)),  # 中秋 Friday 25 September and the weekend
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # an ordinary weekend
        (date(2026, 11, 23), 5, date(2026, 11, 30)),
        (date(2026, 11, 21), 0, date(2026, 11, 21)),
    ],
)
def test_add_working_days_follows_the_official_calendar(start: date, count: int, expected: date) -> None:
    assert add_working_days(start, count) == expected


def test_years_without_a_schedule_fall_back_to_monday_to_friday() -> None:
    assert is_working_day(date(2035, 3, 5))  # a Monday
    assert not is_working_day(date(2035, 3, 3))  # a Saturday
    assert add_working_days(date(2035, 3, 2), 1) == date(2035, 3, 5)  # Friday -> Monday


def test_a_negative_count_is_a_mistake() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 23), -1)
