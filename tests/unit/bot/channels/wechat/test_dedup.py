"""A message's retries are seen once, in the database or in Redis; when Redis does not
answer, the database decides."""
from __future__ import annotations

from bot.channels.wechat.dedup import Deduplicator
from bot.clock import FixedClock
from bot.db.session import SessionFactory
from bot.limits.counters import RedisCounters
from bot.limits.db_counters import DatabaseCounters


def test_a_key_is_new_once(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    dedup = Deduplicator(DatabaseCounters(session_factory, fixed_clock))
    assert [dedup.first_time("id:1"), dedup.first_time("id:1"), dedup.first_time("id:2")] == [True, False, True]


def test_the_database_decides_when_redis_does_not_answer(
    session_factory: SessionFactory, fixed_clock: FixedClock
) -> None:
    unreachable = RedisCounters.from_url("redis://127.0.0.1:1/0", timeout_s=0.5)
    dedup = Deduplicator(DatabaseCounters(session_factory, fixed_clock), unreachable)
    assert [dedup.first_time("ev:o:1"), dedup.first_time("ev:o:1")] == [True, False]
