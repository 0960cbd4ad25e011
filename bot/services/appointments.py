"""Appointment slots (预约时段) for on-site visits: what is offered, and booking one.

Offered are both halves of the next 7 working days from tomorrow on the official
calendar (holidays skipped, 调休 Saturdays included), as far as ``appointment_slots``
has a row for them: a day without a row is simply not offered (:mod:`bot.seed` lays out
10 working days). Booking is one conditional UPDATE that checks the capacity itself,
so concurrent bookings never overfill a slot, on SQLite or PostgreSQL.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.enums import HalfDay
from bot.db.models import AppointmentSlot
from bot.db.session import SessionFactory
from bot.services.work_orders import add_working_days

OFFERED_WORKING_DAYS = 7
_HALF_ORDER = {half: index for index, half in enumerate(HalfDay)}


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
    result = session.execute(
        update(AppointmentSlot)
        .where(*conditions, AppointmentSlot.booked < AppointmentSlot.capacity)
        .values(booked=AppointmentSlot.booked + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
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
    result = session.execute(
        update(AppointmentSlot)
        .where(
            AppointmentSlot.id == wanted,
            AppointmentSlot.region_code == str(region_code),
            AppointmentSlot.booked > 0,
        )
        .values(booked=AppointmentSlot.booked - 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _as_id(value: object) -> int | None:
    """Slot ids come from chat slots a client can forge: anything but a whole number is None."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if number > 0 else None
