"""bot.channels.seen_once: a key is new once per prefix, in the database or in Redis; when Redis
does not answer, the database decides."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.channels.seen_once import DEFAULT_SEEN_FOR, SeenOnce
from bot.clock import FixedClock
from bot.db.session import SessionFactory
from bot.limits.counters import MemoryCounters, RedisCounters
from bot.limits.db_counters import DatabaseCounters
from bot.settings import Settings


def test_a_key_is_new_once_per_prefix(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    database = DatabaseCounters(session_factory, fixed_clock)
    ivr, other = SeenOnce("ivr:", database), SeenOnce("wechat:", database)
    assert [ivr.first_time("c:1"), ivr.first_time("c:1"), ivr.first_time("c:2")] == [True, False, True]
    assert other.first_time("c:1") is True  # another channel's marks are apart


def test_a_mark_lasts_its_period(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    seen = SeenOnce.from_settings(
        Settings(), session_factory, fixed_clock, prefix="ivr:", seen_for=timedelta(minutes=1)
    )
    assert seen.first_time("k") is True
    fixed_clock.advance(timedelta(seconds=59))
    assert seen.first_time("k") is False
    fixed_clock.advance(timedelta(seconds=1))
    assert seen.first_time("k") is True
    assert timedelta(minutes=5) <= DEFAULT_SEEN_FOR


def test_the_shared_counters_decide_when_they_answer(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    shared = MemoryCounters(fixed_clock)
    seen = SeenOnce("ivr:", DatabaseCounters(session_factory, fixed_clock), shared)
    assert [seen.first_time("k"), seen.first_time("k")] == [True, False]
    assert shared.count("ivr:seen:k") == 1


def test_the_database_decides_when_redis_does_not_answer(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    unreachable = RedisCounters.from_url("redis://127.0.0.1:1/0", prefix="ivr:", timeout_s=0.5)
    seen = SeenOnce("ivr:", DatabaseCounters(session_factory, fixed_clock), unreachable)
    assert [seen.first_time("c:9"), seen.first_time("c:9")] == [True, False]


def test_a_prefix_is_required(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    with pytest.raises(ValueError, match="prefix"):
        SeenOnce("", DatabaseCounters(session_factory, fixed_clock))
