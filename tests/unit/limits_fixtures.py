"""Counters for the limit tests: in memory, in the real Redis on 127.0.0.1:6379 (db 5, a
key prefix of each test's own; skipped when Redis is down unless REQUIRE_REDIS=1), or in
the database (SQLite and PostgreSQL)."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis

from bot.clock import FixedClock
from bot.limits.counters import Counters, MemoryCounters, RedisCounters

REDIS_URL = "redis://127.0.0.1:6379/5"


def redis_client() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=3, socket_connect_timeout=3)
    try:
        client.ping()
    except (OSError, redis.RedisError) as error:
        reason = f"Redis at 127.0.0.1:6379 not reachable: {error}"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but {reason}")
        pytest.skip(reason)
    return client


@pytest.fixture
def redis_prefix() -> Iterator[tuple[redis.Redis, str]]:
    """A Redis client and a key prefix no other test uses; its keys are deleted afterwards."""
    client = redis_client()
    prefix = f"test-limits:{uuid.uuid4().hex}:"
    try:
        yield client, prefix
    finally:
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


def memory_or_redis(kind: str, clock: FixedClock, request: pytest.FixtureRequest) -> Counters:
    if kind == "memory":
        return MemoryCounters(clock)
    client, prefix = request.getfixturevalue("redis_prefix")
    return RedisCounters(client, prefix)
