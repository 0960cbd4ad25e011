"""Slots in words: the label the chat shows, and finding the slot a customer typed."""
from __future__ import annotations

from datetime import date

import pytest

from bot.applications.appointments import SlotView, match_slot, slot_label
from bot.db.enums import HalfDay

AM, PM = HalfDay.MORNING, HalfDay.AFTERNOON
TODAY = date(2026, 11, 23)  # a Monday
# The seeded week: 24 November to 2 December, the weekend skipped; 24th morning full.
DAYS = [date(2026, 11, d) for d in (24, 25, 26, 27, 30)] + [date(2026, 12, 1), date(2026, 12, 2)]
VIEWS = [
    SlotView(index, day, half, 0 if (day, half) == (DAYS[0], AM) else 3, (day, half) == (DAYS[0], AM))
    for index, (day, half) in enumerate(((day, half) for day in DAYS for half in HalfDay), start=1)
]


def _view(day: date, half: HalfDay) -> SlotView:
    return next(view for view in VIEWS if (view.slot_date, view.half) == (day, half))


@pytest.mark.parametrize(
    ("day", "half", "label"),
    [
        (date(2026, 11, 26), AM, "11月26日(周四)上午"),
        (date(2026, 11, 29), PM, "11月29日(周日)下午"),
        (date(2026, 12, 1), PM, "12月1日(周二)下午"),
    ],
)
def test_labels(day: date, half: HalfDay, label: str) -> None:
    assert slot_label(SlotView(1, day, half, 3, False)) == label


@pytest.mark.parametrize(
    ("typed", "day", "half"),
    [
        ("11月26日上午", date(2026, 11, 26), AM),
        ("11月26号 上午", date(2026, 11, 26), AM),
        ("11.26 下午", date(2026, 11, 26), PM),
        ("11/26下午", date(2026, 11, 26), PM),
        ("2026-11-26 下午", date(2026, 11, 26), PM),
        ("2026年12月1日下午", date(2026, 12, 1), PM),
        ("十二月二日上午", date(2026, 12, 2), AM),
        ("26号上午", date(2026, 11, 26), AM),
        ("二十七号下午", date(2026, 11, 27), PM),
        ("1号上午", date(2026, 12, 1), AM),
        ("周四下午", date(2026, 11, 26), PM),
        ("星期五 上午", date(2026, 11, 27), AM),
        ("礼拜三下午", date(2026, 11, 25), PM),
        ("周二上午", date(2026, 11, 24), AM),  # the coming Tuesday, full or not
        ("下周二上午", date(2026, 12, 1), AM),
        ("下个星期一下午", date(2026, 11, 30), PM),
        ("本周五下午", date(2026, 11, 27), PM),
        ("明天上午", date(2026, 11, 24), AM),
        ("后天下午", date(2026, 11, 25), PM),
        ("大后天上午", date(2026, 11, 26), AM),
        ("我想约明天下午，可以吗", date(2026, 11, 24), PM),
        ("11月26日(周四)上午", date(2026, 11, 26), AM),
        ("１１月２６日（周四）上午", date(2026, 11, 26), AM),
        ("12月1日(周二)下午", date(2026, 12, 1), PM),
    ],
)
def test_typed_slots(typed: str, day: date, half: HalfDay) -> None:
    assert match_slot(typed, VIEWS, TODAY) == _view(day, half)


def test_every_label_finds_its_own_slot() -> None:
    for view in VIEWS:
        assert match_slot(slot_label(view), VIEWS, TODAY) == view


def test_a_full_slot_is_still_found() -> None:
    found = match_slot("明天上午", VIEWS, TODAY)
    assert found is not None and found.full


@pytest.mark.parametrize(
    "typed",
    [
        "11月26日",  # both halves offered
        "周四",
        "上午",  # no day
        "好的",
        "",
        "今天下午",  # not offered
        "11月28日上午",  # a Saturday, no slots
        "12月3日上午",  # beyond the window
        "2025年11月26日上午",  # another year
        "11月26日(周五)上午",  # the weekday contradicts the date
        "明天 11月26日上午",
        "13月40日上午",
        "下下周一上午",
        "这周一上午",  # today: not offered
    ],
)
def test_nothing_or_more_than_one(typed: str) -> None:
    assert match_slot(typed, VIEWS, TODAY) is None


def test_a_day_with_one_half_left_needs_no_half() -> None:
    afternoon_only = [view for view in VIEWS if view.half is PM]
    assert match_slot("11月26日", afternoon_only, TODAY) == _view(date(2026, 11, 26), PM)
    assert match_slot("11月26日上午", afternoon_only, TODAY) is None
    assert match_slot("周四", afternoon_only, TODAY) == _view(date(2026, 11, 26), PM)


def test_nothing_offered() -> None:
    assert match_slot("明天上午", [], TODAY) is None
