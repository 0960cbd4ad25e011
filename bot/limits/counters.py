"""Counters shared by the limits: in process memory, or in Redis for several replicas.

Both implement :class:`Counters`. ``take`` is the atomic check-and-count a limit needs
(two replicas cannot both take the last unit): Redis runs it as one Lua script.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Protocol

import redis

from bot.clock import Clock

# Memory counters sweep expired keys once they hold this many (senders may be invented).
SWEEP_AT = 10_000

_TAKE = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
"""
_ADD = """
local used = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return used
"""


class Counters(Protocol):
    def count(self, key: str) -> int:
        """How many units ``key`` has used."""

    def take(self, key: str, limit: int, ttl: timedelta) -> bool:
        """Use one unit of ``key`` if fewer than ``limit`` are used; whether it was."""

    def add(self, key: str, ttl: timedelta) -> int:
        """Use one unit of ``key`` whatever the limit; the units used now."""


class MemoryCounters:
    """One process's counters (a single replica, or tests)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[int, datetime]] = {}

    def count(self, key: str) -> int:
        with self._lock:
            return self._live(key, self._clock.now())

    def take(self, key: str, limit: int, ttl: timedelta) -> bool:
        with self._lock:
            now = self._clock.now()
            used = self._live(key, now)
            if used >= limit:
                return False
            self._store(key, used + 1, now, ttl)
            return True

    def add(self, key: str, ttl: timedelta) -> int:
        with self._lock:
            now = self._clock.now()
            used = self._live(key, now) + 1
            self._store(key, used, now, ttl)
            return used

    def _live(self, key: str, now: datetime) -> int:
        entry = self._entries.get(key)
        return entry[0] if entry is not None and entry[1] > now else 0

    def _store(self, key: str, used: int, now: datetime, ttl: timedelta) -> None:
        expires = self._entries[key][1] if used > 1 and key in self._entries else now + ttl
        self._entries[key] = (used, expires)
        if len(self._entries) >= SWEEP_AT:
            self._entries = {k: v for k, v in self._entries.items() if v[1] > now}


class RedisCounters:
    """Counters every replica shares; keys are ``prefix`` + key."""

    def __init__(self, client: redis.Redis, prefix: str = "limits:") -> None:
        self._client = client
        self._prefix = prefix
        self._take = client.register_script(_TAKE)
        self._add = client.register_script(_ADD)

    @classmethod
    def from_url(cls, url: str, prefix: str = "limits:", timeout_s: float = 1.0) -> RedisCounters:
        client = redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
        return cls(client, prefix)

    def count(self, key: str) -> int:
        return int(self._client.get(self._prefix + key) or 0)

    def take(self, key: str, limit: int, ttl: timedelta) -> bool:
        return bool(self._take(keys=[self._prefix + key], args=[limit, _ms(ttl)]))

    def add(self, key: str, ttl: timedelta) -> int:
        return int(self._add(keys=[self._prefix + key], args=[_ms(ttl)]))


def _ms(ttl: timedelta) -> int:
    return max(1, int(ttl.total_seconds() * 1000))
