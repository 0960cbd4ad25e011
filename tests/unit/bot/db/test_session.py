"""Engines and units of work: commit/rollback, SQLite tuning, concurrent threads."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from bot.db.enums import HalfDay
from bot.db.models import AppointmentSlot, User
from bot.db.session import SessionFactory, make_engine
from tests.unit.conftest import FIXED_NOW
from tests.unit.db_factories import add_region, add_user


def test_session_scope_commits(session_factory: SessionFactory) -> None:
    with session_factory.session_scope() as session:
        add_user(session, "13900000001")
    with session_factory.session_scope() as session:
        assert session.scalar(select(User.phone)) == "13900000001"


def test_session_scope_rolls_back_on_error(session_factory: SessionFactory) -> None:
    with pytest.raises(RuntimeError), session_factory.session_scope() as session:
        add_user(session, "13900000001")
        raise RuntimeError("boom")
    with session_factory.session_scope() as session:
        assert session.scalar(select(User.id)) is None


def test_loaded_rows_stay_readable_after_commit(session_factory: SessionFactory) -> None:
    with session_factory.session_scope() as session:
        user = add_user(session, "13900000001")
    assert user.phone == "13900000001" and user.registered_at == FIXED_NOW


def test_sqlite_connections_are_tuned(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'app.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    finally:
        engine.dispose()
    assert (tmp_path / "nested" / "app.db").exists()


def test_concurrent_writers_all_succeed(session_factory: SessionFactory) -> None:
    """Threads writing at once wait for each other instead of failing (SQLite: WAL +
    busy timeout), and atomic updates lose nothing."""
    with session_factory.session_scope() as session:
        add_region(session, "330106")
        session.add(AppointmentSlot(region_code="330106", slot_date=date(2026, 11, 24),
                                    half=HalfDay.MORNING, capacity=1000, booked=0))
    threads, rounds = 8, 15

    def book(worker: int) -> None:
        for n in range(rounds):
            with session_factory.session_scope() as session:
                session.execute(
                    update(AppointmentSlot)
                    .where(AppointmentSlot.booked < AppointmentSlot.capacity)
                    .values(booked=AppointmentSlot.booked + 1)
                )
                add_user(session, f"139{worker:04d}{n:04d}")

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(book, range(threads)))

    with session_factory.session_scope() as session:
        assert session.scalar(select(AppointmentSlot.booked)) == threads * rounds
        assert len(session.scalars(select(User.id)).all()) == threads * rounds
