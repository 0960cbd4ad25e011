"""Rasa stores chosen by environment variables, so one ``endpoints.yml`` serves every deployment.

- Tracker store: Rasa's SQL tracker store on ``TRACKER_STORE_URL`` (default: the embedded
  SQLite file ``var/tracker.db``; a ``postgresql://`` URL moves it to PostgreSQL).
- Lock store: in memory, or Redis when ``REDIS_URL`` is set (required with several replicas).
- Event broker: none, or RabbitMQ when ``EVENT_BROKER_URL`` (``amqp://user:pass@host:port``) is set.
"""
from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.pika import PikaEventBroker
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot.settings import Settings


class ConfiguredSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store whose database URL comes from ``TRACKER_STORE_URL``."""

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        **kwargs: Any,
    ) -> None:
        url = Settings.from_env().tracker_store_url
        # SQLTrackerStore treats a host containing "://" as a complete database URL.
        dialect = urlsplit(url).scheme.split("+")[0]
        super().__init__(domain=domain, dialect=dialect, host=url, event_broker=event_broker, **kwargs)


class ConfiguredLockStore:
    """Factory: a Redis lock store when ``REDIS_URL`` is set, else an in-memory one."""

    def __new__(cls, endpoint_config: EndpointConfig | None = None) -> LockStore:  # type: ignore[misc]
        redis_url = Settings.from_env().redis_url
        if not redis_url:
            return InMemoryLockStore()
        parts = urlsplit(redis_url)
        db = int(parts.path.lstrip("/") or 1)
        return RedisLockStore(
            host=parts.hostname or "localhost",
            port=parts.port or 6379,
            db=db,
            username=parts.username,
            password=parts.password,
            use_ssl=parts.scheme == "rediss",
            key_prefix="assistant",
        )


class ConfiguredEventBroker:
    """Factory: a RabbitMQ (pika) event broker when ``EVENT_BROKER_URL`` is set, else none."""

    @classmethod
    async def from_endpoint_config(
        cls,
        broker_config: EndpointConfig,
        event_loop: asyncio.AbstractEventLoop | None = None,
    ) -> EventBroker | None:
        url = Settings.from_env().event_broker_url
        if not url:
            return None
        parts = urlsplit(url)
        config = EndpointConfig(
            url=parts.hostname,
            port=parts.port or 5672,
            username=parts.username or "guest",
            password=parts.password or "guest",
            queues=broker_config.kwargs.get("queues", ["rasa_events"]),
        )
        return await PikaEventBroker.from_endpoint_config(config, event_loop)
