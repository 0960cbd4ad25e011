"""WeChat retries a message it got no answer to within 5 s, up to three times: each message
(``MsgId``; for events the sender and ``CreateTime``) reaches the dialogue once.

The "seen" mark is a counter taken once (:class:`bot.limits.counters.Counters`, an atomic
check-and-count), so every replica shares it: in Redis when ``REDIS_URL`` is set, else in the
business database's ``limit_counters``. If Redis does not answer, the database decides.
"""
from __future__ import annotations

import logging
from datetime import timedelta

import redis

from bot.clock import Clock
from bot.db.session import SessionFactory
from bot.limits.counters import Counters, RedisCounters
from bot.limits.db_counters import DatabaseCounters
from bot.settings import Settings

log = logging.getLogger(__name__)

# WeChat's three retries are over within about 15 s; a mark outlives them comfortably.
SEEN_FOR = timedelta(minutes=10)


class Deduplicator:
    def __init__(self, database: Counters, shared: Counters | None = None) -> None:
        self._database = database
        self._shared = shared

    @classmethod
    def from_settings(cls, settings: Settings, session_factory: SessionFactory, clock: Clock) -> Deduplicator:
        shared = RedisCounters.from_url(settings.redis_url, prefix="wechat:") if settings.redis_url else None
        return cls(DatabaseCounters(session_factory, clock), shared)

    def first_time(self, key: str) -> bool:
        """Mark ``key`` seen; whether it was not seen before (blocking: run it off the loop)."""
        mark = f"wechat:seen:{key}"
        if self._shared is not None:
            try:
                return self._shared.take(mark, 1, SEEN_FOR)
            except redis.RedisError as error:
                log.warning("WeChat retries are checked in the database: Redis does not answer (%s)",
                            type(error).__name__)
        return self._database.take(mark, 1, SEEN_FOR)
