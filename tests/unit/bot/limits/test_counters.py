"""The counters behind the limits, on every store: memory, the real Redis, and the
database (SQLite and PostgreSQL); atomic under concurrency."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.db.session import SessionFactory
from bot.limits.counters import Counters, MemoryCounters, RedisCounters
from bot.limits.db_counters import DatabaseCounters
from bot.limits.windows import chat_key, china_day, minute_window
from tests.unit.conftest import FIXED_NOW
from tests.unit.limits_fixtures import memory_or_redis, redis_prefix  # noqa: F401 - a fixture

TTL = timedelta(minutes=2)


@pytest.fixture(params=["memory", "redis"])
def fast_counters(request: pytest.FixtureRequest, fixed_clock: FixedClock) -> Counters:
    return memory_or_redis(request.param, fixed_clock, request)


@pytest.fixture
def db_counters(session_factory: SessionFactory, fixed_clock: FixedClock) -> Counters:
    return DatabaseCounters(session_factory, fixed_clock)


def test_take_stops_at_the_limit_and_add_counts_on(fast_counters: Counters) -> None:
    _take_stops_at_the_limit_and_add_counts_on(fast_counters)


def test_database_take_stops_at_the_limit_and_add_counts_on(db_counters: Counters) -> None:
    _take_stops_at_the_limit_and_add_counts_on(db_counters)


def test_concurrent_takes_never_pass_the_limit(fast_counters: Counters) -> None:
    _concurrent_takes_never_pass_the_limit(fast_counters)


def test_concurrent_database_takes_never_pass_the_limit(db_counters: Counters) -> None:
    _concurrent_takes_never_pass_the_limit(db_counters)


def _take_stops_at_the_limit_and_add_counts_on(counters: Counters) -> None:
    assert [counters.take("k", 3, TTL) for _ in range(5)] == [True, True, True, False, False]
    assert counters.count("k") == 3
    assert counters.add("k", TTL) == 4
    assert counters.count("other") == 0
    assert counters.take("other", 1, TTL)


def _concurrent_takes_never_pass_the_limit(counters: Counters) -> None:
    threads_count, limit = 20, 5
    barrier = threading.Barrier(threads_count)
    results: list[bool] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def take() -> None:
        try:
            barrier.wait()
            taken = counters.take("race", limit, TTL)
            with lock:
                results.append(taken)
        except BaseException as error:  # reported in the test's thread
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=take) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == [False] * (threads_count - limit) + [True] * limit
    assert counters.count("race") == limit


def test_a_count_ends_with_its_time_to_live_in_memory(fixed_clock: FixedClock) -> None:
    _a_count_ends_with_its_time_to_live(MemoryCounters(fixed_clock), fixed_clock)


def test_a_count_ends_with_its_time_to_live_in_the_database(db_counters: Counters, fixed_clock: FixedClock) -> None:
    _a_count_ends_with_its_time_to_live(db_counters, fixed_clock)


def _a_count_ends_with_its_time_to_live(counters: Counters, fixed_clock: FixedClock) -> None:
    assert counters.take("k", 1, TTL) and not counters.take("k", 1, TTL)
    fixed_clock.advance(TTL + timedelta(seconds=1))
    assert counters.count("k") == 0
    assert counters.take("k", 1, TTL)


def test_redis_counts_are_shared_by_replicas(redis_prefix: tuple[object, str]) -> None:  # noqa: F811
    client, prefix = redis_prefix
    first, second = RedisCounters(client, prefix), RedisCounters(client, prefix)  # type: ignore[arg-type]
    assert first.take("k", 2, TTL) and second.take("k", 2, TTL)
    assert not first.take("k", 2, TTL)
    assert 0 < client.pttl(f"{prefix}k") <= TTL.total_seconds() * 1000  # type: ignore[attr-defined]


def test_database_counters_survive_a_restart(session_factory: SessionFactory, fixed_clock: FixedClock) -> None:
    assert DatabaseCounters(session_factory, fixed_clock).add("day", timedelta(days=2)) == 1
    assert DatabaseCounters(session_factory, fixed_clock).count("day") == 1  # a new process, the same count


def test_window_labels_follow_the_clock() -> None:
    assert china_day(FIXED_NOW) == "2026-11-23"
    before_midnight = FIXED_NOW.replace(hour=23, minute=59)  # Beijing time: days turn at midnight there
    assert china_day(before_midnight) == "2026-11-23"
    assert china_day(before_midnight + timedelta(minutes=1)) == "2026-11-24"
    assert minute_window(FIXED_NOW) == minute_window(FIXED_NOW + timedelta(seconds=59))
    assert minute_window(FIXED_NOW) != minute_window(FIXED_NOW + timedelta(seconds=60))
    assert chat_key("rest", "a:b") == "rest:a:b"
