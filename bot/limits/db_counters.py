"""Counters in the business database, for the daily limits: shared by every replica and
kept across restarts. The ``*_in`` functions count inside the caller's transaction, so
a limit and what it limits commit (or roll back) together.

``take_in`` is one conditional UPDATE (``used < limit``): PostgreSQL re-checks the
condition after waiting for the row lock and SQLite has one writer at a time, so two
requests cannot both take the last unit.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.dml import execute_dml
from bot.db.models import LimitCounter
from bot.db.session import SessionFactory

_TABLE = LimitCounter.__table__
CLEAN_UP_AT_ONCE = 100


def count_in(session: Session, key: str, now: datetime) -> int:
    used = session.scalar(
        select(LimitCounter.used).where(LimitCounter.key == key, LimitCounter.expires_at > now)
    )
    return used or 0


def take_in(session: Session, key: str, limit: int, ttl: timedelta, now: datetime) -> bool:
    _ensure_row(session, key, ttl, now)
    taken = execute_dml(
        session, update(_TABLE).where(_TABLE.c.key == key, _TABLE.c.used < limit).values(used=_TABLE.c.used + 1)
    )
    return taken == 1


def add_in(session: Session, key: str, ttl: timedelta, now: datetime) -> int:
    _ensure_row(session, key, ttl, now)
    session.execute(update(_TABLE).where(_TABLE.c.key == key).values(used=_TABLE.c.used + 1))
    return count_in(session, key, now)


def _ensure_row(session: Session, key: str, ttl: timedelta, now: datetime) -> None:
    """The key's row, created at 0 if missing. A few expired rows go on the way; rows
    another transaction holds are skipped (PostgreSQL), so cleaning never waits or deadlocks."""
    stale = (
        select(_TABLE.c.key).where(_TABLE.c.expires_at <= now).limit(CLEAN_UP_AT_ONCE)
        .with_for_update(skip_locked=True)
    )
    session.execute(delete(_TABLE).where(_TABLE.c.key.in_(stale.scalar_subquery())))
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(_TABLE).values(key=key, used=0, expires_at=now + ttl).on_conflict_do_nothing(index_elements=["key"])
    )


class DatabaseCounters:
    """:class:`bot.limits.counters.Counters` over the ``limit_counters`` table, each call
    its own unit of work."""

    def __init__(self, session_factory: SessionFactory, clock: Clock) -> None:
        self._session_factory = session_factory
        self._clock = clock

    def count(self, key: str) -> int:
        with self._session_factory.session_scope() as session:
            return count_in(session, key, self._clock.now())

    def take(self, key: str, limit: int, ttl: timedelta) -> bool:
        with self._session_factory.session_scope() as session:
            return take_in(session, key, limit, ttl, self._clock.now())

    def add(self, key: str, ttl: timedelta) -> int:
        with self._session_factory.session_scope() as session:
            return add_in(session, key, ttl, self._clock.now())
