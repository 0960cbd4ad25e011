"""Appointment slots (预约时段) for on-site visits: what is offered, and booking one.

Offered are both halves of the next 7 working days from tomorrow on the official
calendar (holidays skipped, 调休 Saturdays included), as far as ``appointment_slots``
has a row for them: a day without a row is simply not offered (:mod:`bot.demo.seed` lays out
10 working days). Booking is one conditional UPDATE that checks the capacity itself,
so concurrent bookings never overfill a slot, on SQLite or PostgreSQL.

In the chat a slot is shown as :func:`slot_label` ("11月26日(周四)上午") and the
customer's typed choice is found among the offered ones with :func:`match_slot`.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.applications.working_days import add_working_days
from bot.clock import Clock
from bot.db.dml import execute_dml
from bot.db.enums import HalfDay
from bot.db.models import AppointmentSlot
from bot.db.session import SessionFactory

OFFERED_WORKING_DAYS = 7
_HALF_ORDER = {half: index for index, half in enumerate(HalfDay)}
WEEKDAY_NAMES = "一二三四五六日"  # 周一 .. 周日, by date.weekday()


@dataclass(frozen=True)
class SlotView:
    id: int
    slot_date: date
    half: HalfDay
    available: int
    full: bool


def offered_days(today: date, days: int = OFFERED_WORKING_DAYS) -> list[date]:
    """The first ``days`` working days after ``today``."""
    return [add_working_days(today, n) for n in range(1, days + 1)]


def slots_for(
    session_factory: SessionFactory, clock: Clock, *, region_code: str, days: int = OFFERED_WORKING_DAYS
) -> list[SlotView]:
    """The district's slots on the offered days, in date order, morning first; full ones
    included (marked ``full``) so the reply can say so."""
    wanted = offered_days(clock.today(), days)
    with session_factory.session_scope() as session:
        rows = session.scalars(
            select(AppointmentSlot).where(
                AppointmentSlot.region_code == str(region_code), AppointmentSlot.slot_date.in_(wanted)
            )
        ).all()
        views = [
            SlotView(row.id, row.slot_date, row.half, max(row.available, 0), row.available <= 0) for row in rows
        ]
    return sorted(views, key=lambda view: (view.slot_date, _HALF_ORDER[view.half]))


@dataclass(frozen=True)
class Booked:
    slot_id: int
    slot_date: date
    half: HalfDay


@dataclass(frozen=True)
class SlotFull:
    slot_id: int


@dataclass(frozen=True)
class SlotNotOffered:
    """No such slot in the district (or, with a window, not on an offered day)."""

    slot_id: int | None


def book_slot(
    session_factory: SessionFactory, *, slot_id: object, region_code: str, clock: Clock | None = None
) -> Booked | SlotFull | SlotNotOffered:
    """Take one place in the slot, atomically. With ``clock``, only slots on the days
    :func:`slots_for` offers today can be booked."""
    window = offered_days(clock.today()) if clock is not None else None
    with session_factory.session_scope() as session:
        return book_in(session, slot_id=slot_id, region_code=region_code, on_days=window)


def book_in(
    session: Session, *, slot_id: object, region_code: str, on_days: Collection[date] | None = None
) -> Booked | SlotFull | SlotNotOffered:
    """:func:`book_slot` inside the caller's transaction (rolled back with it).

    ``UPDATE ... SET booked = booked + 1 WHERE id = :id AND region_code = :r AND
    booked < capacity``: PostgreSQL re-checks the condition on the locked row after a
    concurrent update, SQLite runs writers one at a time, so the row count says who won.
    """
    wanted = _as_id(slot_id)
    if wanted is None:
        return SlotNotOffered(None)
    conditions = [AppointmentSlot.id == wanted, AppointmentSlot.region_code == str(region_code)]
    if on_days is not None:
        conditions.append(AppointmentSlot.slot_date.in_(list(on_days)))
    booked = execute_dml(
        session,
        update(AppointmentSlot)
        .where(*conditions, AppointmentSlot.booked < AppointmentSlot.capacity)
        .values(booked=AppointmentSlot.booked + 1)
        .execution_options(synchronize_session=False),
    )
    if booked == 1:
        slot_date, half = session.execute(
            select(AppointmentSlot.slot_date, AppointmentSlot.half).where(AppointmentSlot.id == wanted)
        ).one()
        return Booked(wanted, slot_date, half)
    exists = session.scalar(select(AppointmentSlot.id).where(*conditions))
    return SlotFull(wanted) if exists is not None else SlotNotOffered(wanted)


def release_slot(session_factory: SessionFactory, *, slot_id: object, region_code: str) -> bool:
    """Give a place back (a cancelled application); False when there was nothing to give back."""
    with session_factory.session_scope() as session:
        return release_in(session, slot_id=slot_id, region_code=region_code)


def release_in(session: Session, *, slot_id: object, region_code: str) -> bool:
    """:func:`release_slot` inside the caller's transaction; never below zero."""
    wanted = _as_id(slot_id)
    if wanted is None:
        return False
    released = execute_dml(
        session,
        update(AppointmentSlot)
        .where(
            AppointmentSlot.id == wanted,
            AppointmentSlot.region_code == str(region_code),
            AppointmentSlot.booked > 0,
        )
        .values(booked=AppointmentSlot.booked - 1)
        .execution_options(synchronize_session=False),
    )
    return released == 1


def _as_id(value: object) -> int | None:
    """Slot ids come from chat slots a client can forge: anything but a whole number is None."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if number > 0 else None


# --- slots in words --------------------------------------------------------------


def slot_label(view: SlotView) -> str:
    """How the chat shows a slot: ``11月26日(周四)上午``."""
    day = view.slot_date
    return f"{day.month}月{day.day}日(周{WEEKDAY_NAMES[day.weekday()]}){view.half.value}"


_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"\d{1,2}|[一二两三四五六七八九十]{1,3}"
_RELATIVE = (("大后天", 3), ("后天", 2), ("明天", 1), ("明日", 1), ("今天", 0), ("今日", 0))
_HALVES = (("上午", HalfDay.MORNING), ("早上", HalfDay.MORNING), ("下午", HalfDay.AFTERNOON))
_MONTH_DAY = re.compile(
    rf"(?:(\d{{4}})年)?({_NUMBER})月({_NUMBER})[日号]?|(?:(\d{{4}})[./-])?(\d{{1,2}})[./-](\d{{1,2}})(?!\d)"
)
_DAY_ONLY = re.compile(rf"({_NUMBER})[日号]")
_WEEKDAY = re.compile(r"(下下个?|下个?|这个?|本)?(?:周|星期|礼拜)([一二三四五六日天1-7])")
_WEEKS_AHEAD = {"下下": 2, "下下个": 2, "下": 1, "下个": 1, "这": 0, "这个": 0, "本": 0}


def match_slot(text: str, views: Sequence[SlotView], today: date) -> SlotView | None:
    """The slot among ``views`` the customer typed: "11月26日上午", "11.26 下午", "26号上午",
    "周四下午", "下周二上午", "明天上午", "后天下午" (``today`` anchors the relative words)
    or a :func:`slot_label`. A full slot is returned too (the reply says 已约满).

    None when no day is named, the words contradict each other, or more than one slot
    fits (a day without 上午/下午 that has both halves offered)."""
    compact = "".join(unicodedata.normalize("NFKC", text or "").split())
    days = _named_days(compact, sorted({view.slot_date for view in views}), today)
    if days is None:
        return None
    half = next((value for word, value in _HALVES if word in compact), None)
    fits = [view for view in views if view.slot_date in days and half in (None, view.half)]
    return fits[0] if len(fits) == 1 else None


def _named_days(text: str, offered: list[date], today: date) -> set[date] | None:
    """The offered days the text's date words allow (all of them must hold); None when it names none."""
    named: list[set[date]] = []
    relative = next((offset for word, offset in _RELATIVE if word in text), None)
    if relative is not None:
        named.append({today + timedelta(days=relative)})
    month_day = _MONTH_DAY.search(text)
    day_only = None if month_day else _DAY_ONLY.search(text)
    if month_day:
        year = month_day.group(1) or month_day.group(4)
        month = _number(month_day.group(2) or month_day.group(5))
        day_of_month = _number(month_day.group(3) or month_day.group(6))
        named.append({d for d in offered if (d.month, d.day) == (month, day_of_month)
                      and (year is None or d.year == int(year))})
    elif day_only:
        named.append({d for d in offered if d.day == _number(day_only.group(1))})
    weekday = _WEEKDAY.search(text)
    if weekday:
        same_weekday = [d for d in offered if d.weekday() == _weekday_index(weekday.group(2))]
        week_offset = _WEEKS_AHEAD.get(weekday.group(1) or "")
        if week_offset is not None:
            monday = today - timedelta(days=today.weekday()) + timedelta(weeks=week_offset)
            same_weekday = [d for d in same_weekday if monday <= d < monday + timedelta(weeks=1)]
        if named or week_offset is not None:
            named.append(set(same_weekday))
        else:  # a bare 周四 is the coming one
            named.append(set(same_weekday[:1]))
    if not named:
        return None
    return set.intersection(*named)


def _weekday_index(word: str) -> int:
    return 6 if word in "日天7" else (int(word) - 1 if word.isdigit() else WEEKDAY_NAMES.index(word))


def _number(token: str) -> int | None:
    """1-2 digits, or a Chinese numeral up to 三十一 (十, 十一, 二十六)."""
    if token.isdigit():
        return int(token)
    tens, ten, ones = token.partition("十")
    if not ten:
        return _CN_DIGITS.get(token) if len(token) == 1 else None
    tens_value = _CN_DIGITS.get(tens) if tens else 1
    ones_value = _CN_DIGITS.get(ones) if ones else 0
    return None if tens_value is None or ones_value is None else tens_value * 10 + ones_value
