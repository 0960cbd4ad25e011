""""Seen once" marks for a channel whose platform retries: each delivery key (a WeChat
``MsgId``, an IVR activity id) reaches the dialogue once, whichever replica gets it.

The mark is a counter taken once (:class:`bot.limits.counters.Counters`, an atomic
check-and-count), so every replica shares it: in Redis when ``REDIS_URL`` is set, else in the
business database's ``limit_counters``. If Redis does not answer, the database decides.
Each channel passes its own ``prefix`` ("wechat:", "ivr:"), so their keys never meet.
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

__all__ = ["DEFAULT_SEEN_FOR", "SeenOnce"]

log = logging.getLogger(__name__)

# Platforms retry within seconds or a few minutes; a mark outlives that comfortably.
DEFAULT_SEEN_FOR = timedelta(minutes=10)


class SeenOnce:
    """Marks keys seen, under ``prefix``, for ``seen_for``."""

    def __init__(
        self, prefix: str, database: Counters, shared: Counters | None = None, seen_for: timedelta = DEFAULT_SEEN_FOR
    ) -> None:
        if not prefix:
            raise ValueError("a prefix keeps one channel's marks apart from another's")
        self._prefix = prefix
        self._database = database
        self._shared = shared
        self._seen_for = seen_for

    @classmethod
    def from_settings(
        cls, settings: Settings, session_factory: SessionFactory, clock: Clock, *, prefix: str,
        seen_for: timedelta = DEFAULT_SEEN_FOR,
    ) -> SeenOnce:
        shared = RedisCounters.from_url(settings.redis_url, prefix=prefix) if settings.redis_url else None
        return cls(prefix, DatabaseCounters(session_factory, clock), shared, seen_for)

    def first_time(self, key: str) -> bool:
        """Mark ``key`` seen; whether it was not seen before (blocking: run it off the loop)."""
        mark = f"{self._prefix}seen:{key}"
        if self._shared is not None:
            try:
                return self._shared.take(mark, 1, self._seen_for)
            except redis.RedisError as error:
                log.warning("%s retries are checked in the database: Redis does not answer (%s)",
                            self._prefix.rstrip(":"), type(error).__name__)
        return self._database.take(mark, 1, self._seen_for)
