"""Appointment slots: 7 working days offered (holidays skipped, 调休 Saturdays kept), full
slots marked, atomic booking under a race, release."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.applications.appointments import (
    Booked,
    SlotFull,
    SlotNotOffered,
    SlotView,
    book_slot,
    offered_days,
    release_slot,
    slots_for,
)
from bot.billing.tariff import TariffBook
from bot.clock import CHINA_TZ, FixedClock
from bot.db.enums import HalfDay
from bot.db.models import AppointmentSlot
from bot.db.session import SessionFactory
from bot.demo.seed import FULL_SLOT_REGION, SLOT_CAPACITY, seed_demo_data
from tests.unit.db_factories import add_region

BEFORE_NATIONAL_DAY = datetime(2026, 9, 28, 9, 0, tzinfo=CHINA_TZ)  # a Monday
# From 29 September: 国庆 1-7 October off, Saturday 10 October a 调休 working day, Sunday 11th not.
NATIONAL_DAY_WINDOW = [
    date(2026, 9, 29), date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 9),
    date(2026, 10, 10), date(2026, 10, 12), date(2026, 10, 13),
]
SEEDED_WINDOW = [
    date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27),
    date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2),
]


def _slots_every_day(sf: SessionFactory, first: date, days: int, *, region_code: str = "330106",
                     capacity: int = 3) -> dict[tuple[date, HalfDay], int]:
    """Rows for every calendar day, weekends and holidays included: the service must skip them."""
    ids = {}
    with sf.session_scope() as session:
        add_region(session, region_code)
        for offset in range(days):
            for half in HalfDay:
                slot = AppointmentSlot(region_code=region_code, slot_date=first + timedelta(days=offset),
                                       half=half, capacity=capacity, booked=0)
                session.add(slot)
                session.flush()
                ids[slot.slot_date, half] = slot.id
    return ids


def _booked(sf: SessionFactory, slot_id: int) -> int:
    with sf.session_scope() as session:
        slot = session.get(AppointmentSlot, slot_id)
        assert slot is not None
        return slot.booked


def test_offered_days_follow_the_official_calendar() -> None:
    assert offered_days(BEFORE_NATIONAL_DAY.date()) == NATIONAL_DAY_WINDOW
    assert offered_days(date(2026, 11, 23)) == SEEDED_WINDOW
    assert offered_days(date(2026, 11, 23), 2) == SEEDED_WINDOW[:2]


def test_seven_working_days_from_tomorrow_skipping_weekends_and_holidays(session_factory: SessionFactory) -> None:
    _slots_every_day(session_factory, date(2026, 9, 27), 25)
    clock = FixedClock(BEFORE_NATIONAL_DAY)
    slots = slots_for(session_factory, clock, region_code="330106")
    assert [(s.slot_date, s.half) for s in slots] == [(d, h) for d in NATIONAL_DAY_WINDOW for h in HalfDay]
    assert all((s.available, s.full) == (3, False) for s in slots)
    assert slots_for(session_factory, clock, region_code="330102") == []
    assert len(slots_for(session_factory, clock, region_code="330106", days=3)) == 6


def test_a_day_without_a_row_is_not_offered(session_factory: SessionFactory) -> None:
    ids = _slots_every_day(session_factory, date(2026, 9, 29), 20)
    with session_factory.session_scope() as session:
        for half in HalfDay:
            session.delete(session.get(AppointmentSlot, ids[date(2026, 9, 30), half]))
        session.get(AppointmentSlot, ids[date(2026, 10, 8), HalfDay.AFTERNOON]).booked = 3
    slots = slots_for(session_factory, FixedClock(BEFORE_NATIONAL_DAY), region_code="330106")
    assert sorted({s.slot_date for s in slots}) == [d for d in NATIONAL_DAY_WINDOW if d != date(2026, 9, 30)]
    assert [s for s in slots if s.full] == [
        SlotView(ids[date(2026, 10, 8), HalfDay.AFTERNOON], date(2026, 10, 8), HalfDay.AFTERNOON, 0, True)
    ]


def test_demo_data_offers_a_week_with_the_full_morning(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    slots = slots_for(demo_db, fixed_clock, region_code=FULL_SLOT_REGION)
    assert [(s.slot_date, s.half) for s in slots] == [(d, h) for d in SEEDED_WINDOW for h in HalfDay]
    assert [(s.slot_date, s.half, s.available) for s in slots if s.full] == [
        (date(2026, 11, 24), HalfDay.MORNING, 0)
    ]
    assert all(s.available == SLOT_CAPACITY for s in slots if not s.full)
    assert len(slots_for(demo_db, fixed_clock, region_code="110108")) == 14
    assert slots_for(demo_db, fixed_clock, region_code="650102") == []  # 乌鲁木齐: no on-site slots


def test_the_seed_covers_a_week_across_national_day(session_factory: SessionFactory, tariffs: TariffBook) -> None:
    clock = FixedClock(BEFORE_NATIONAL_DAY)
    seed_demo_data(session_factory, tariffs, clock)
    slots = slots_for(session_factory, clock, region_code="330102")
    assert sorted({s.slot_date for s in slots}) == NATIONAL_DAY_WINDOW
    with session_factory.session_scope() as session:
        seeded_days = set(session.scalars(select(AppointmentSlot.slot_date)))
    assert not seeded_days & {date(2026, 10, d) for d in range(1, 8)}  # no slots on the holiday


def test_booking_and_releasing(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    slots = slots_for(demo_db, fixed_clock, region_code=FULL_SLOT_REGION)
    full, afternoon = slots[0], slots[1]
    assert book_slot(demo_db, slot_id=afternoon.id, region_code=FULL_SLOT_REGION) == Booked(
        afternoon.id, date(2026, 11, 24), HalfDay.AFTERNOON
    )
    assert _booked(demo_db, afternoon.id) == 1
    assert book_slot(demo_db, slot_id=str(afternoon.id), region_code=FULL_SLOT_REGION, clock=fixed_clock) == Booked(
        afternoon.id, date(2026, 11, 24), HalfDay.AFTERNOON
    )
    assert book_slot(demo_db, slot_id=full.id, region_code=FULL_SLOT_REGION) == SlotFull(full.id)
    assert book_slot(demo_db, slot_id=afternoon.id, region_code="330102") == SlotNotOffered(afternoon.id)
    for forged in (999_999, "abc", None, -1, True, ""):
        assert isinstance(book_slot(demo_db, slot_id=forged, region_code=FULL_SLOT_REGION), SlotNotOffered)

    assert release_slot(demo_db, slot_id=afternoon.id, region_code=FULL_SLOT_REGION)
    assert release_slot(demo_db, slot_id=afternoon.id, region_code=FULL_SLOT_REGION)
    assert not release_slot(demo_db, slot_id=afternoon.id, region_code=FULL_SLOT_REGION)  # never below zero
    assert not release_slot(demo_db, slot_id=full.id, region_code="330102")
    assert _booked(demo_db, afternoon.id) == 0


def test_with_a_clock_only_offered_days_can_be_booked(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    with demo_db.session_scope() as session:
        eighth_day = session.scalar(select(AppointmentSlot.id).where(
            AppointmentSlot.region_code == "330102", AppointmentSlot.slot_date == date(2026, 12, 3)
        ).limit(1))
    assert eighth_day is not None
    assert book_slot(demo_db, slot_id=eighth_day, region_code="330102", clock=fixed_clock) == SlotNotOffered(eighth_day)
    fixed_clock.set(date(2026, 11, 24))
    assert isinstance(book_slot(demo_db, slot_id=eighth_day, region_code="330102", clock=fixed_clock), Booked)


def test_twenty_racing_for_three_places(session_factory: SessionFactory) -> None:
    with session_factory.session_scope() as session:
        add_region(session)
        slot = AppointmentSlot(region_code="330106", slot_date=date(2026, 11, 24), half=HalfDay.MORNING,
                               capacity=5, booked=2)
        session.add(slot)
        session.flush()
        slot_id = slot.id
    start = threading.Barrier(20)

    def book(_: int) -> Booked | SlotFull | SlotNotOffered:
        start.wait(timeout=30)
        return book_slot(session_factory, slot_id=slot_id, region_code="330106")

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(book, range(20)))
    assert sum(isinstance(o, Booked) for o in outcomes) == 3
    assert sum(isinstance(o, SlotFull) for o in outcomes) == 17
    assert _booked(session_factory, slot_id) == 5


@pytest.mark.parametrize("days", [1, 7])
def test_days_parameter_limits_the_window(demo_db: SessionFactory, fixed_clock: FixedClock, days: int) -> None:
    slots = slots_for(demo_db, fixed_clock, region_code="330102", days=days)
    assert sorted({s.slot_date for s in slots}) == SEEDED_WINDOW[:days]
