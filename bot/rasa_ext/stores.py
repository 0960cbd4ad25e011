"""Rasa stores chosen by environment variables, so one ``endpoints.yml`` serves every deployment.

- Tracker store: Rasa's SQL tracker store on ``TRACKER_STORE_URL`` (default: the embedded
  SQLite file ``var/tracker.db``; a ``postgresql://`` URL moves it to PostgreSQL).
- Lock store: in memory, or Redis when ``REDIS_URL`` is set (required with several replicas).
- Event broker: none, or RabbitMQ when ``EVENT_BROKER_URL`` (``amqp://user:pass@host:port``) is set.

Neither the tracker store nor the broker keeps raw personal data (bot.rasa_ext.redaction): the
store masks what users typed and the slots that hold it, keeping a slot's raw value for a short
while in the business database's slot vault when the dialogue reads it again, and deletes a
conversation when an erasure (注销) asks for it.
"""
from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.pika import PikaEventBroker
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.session import SessionFactory
from bot.privacy import conversations as privacy
from bot.rasa_ext.redaction import redact_event, restored_events, storable_events, vault_refs
from bot.settings import Settings

# The vault's expired rows and the erasures whose conversation never came back are cleared by
# a save at most this often: housekeeping for the whole table, not work every turn must do
# (expired vault values are never read back in any case: slot_values filters on expiry).
HOUSEKEEPING_INTERVAL = timedelta(minutes=1)


class ConfiguredSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store whose database URL comes from ``TRACKER_STORE_URL``, storing
    conversations without raw personal data and honouring queued erasures.

    ``session_factory`` and ``clock`` (the business database, where the slot vault and the
    erasure queue live) default to the process's services; tests pass their own.
    """

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        session_factory: SessionFactory | None = None,
        clock: Clock | None = None,
        **kwargs: Any,
    ) -> None:
        settings = Settings.from_env()
        url = settings.tracker_store_url
        # SQLTrackerStore treats a host containing "://" as a complete database URL.
        dialect = urlsplit(url).scheme.split("+")[0]
        super().__init__(domain=domain, dialect=dialect, host=url, event_broker=event_broker, **kwargs)
        self._business = session_factory
        self._clock = clock
        self._vault_time = timedelta(minutes=settings.slot_vault_minutes)
        self._next_housekeeping: datetime | None = None

    def _deps(self) -> tuple[SessionFactory, Clock]:
        if self._business is None or self._clock is None:
            from bot.container import services  # the Rasa process's services, built on first use

            self._business = self._business or services().session_factory
            self._clock = self._clock or services().clock
        return self._business, self._clock

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, with the new events made storable first (see bot.rasa_ext.redaction)."""
        business, clock = self._deps()
        if self._erase_if_requested(tracker.sender_id):
            return  # erased in this very turn: nothing of it is written back
        await self.stream_events(tracker)
        now = clock.now()
        sender_id = tracker.sender_id
        with self.session_scope() as session, business.session_scope() as vault:
            new_events = list(self._additional_events(session, tracker))
            held = privacy.kept_slots(vault, sender_id)

            def keep(slot: str, value: Any) -> str:
                held.add(slot)
                return privacy.keep_slot_value(
                    vault, sender_id=sender_id, slot=slot, value=value, expires_at=now + self._vault_time
                )

            def forget(slot: str) -> None:
                if slot in held:
                    held.discard(slot)
                    privacy.forget_slot_value(vault, sender_id=sender_id, slot=slot)

            stored = storable_events([event.as_dict() for event in new_events], keep=keep, forget=forget)
            vault.commit()  # the raw values first: a stored reference always finds its value
            for event, data in zip(new_events, stored, strict=True):
                session.add(self.SQLEvent(
                    sender_id=sender_id,
                    type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=(data.get("parse_data") or {}).get("intent", {}).get("name"),
                    action_name=data.get("name"),
                    data=json.dumps(data),
                ))
            session.commit()
            due = self._housekeeping(vault, now)
        for other in due:  # conversations of an erased user that have not come back
            self._erase_if_requested(other)

    def _housekeeping(self, vault: Session, now: datetime) -> list[str]:
        """At most once per HOUSEKEEPING_INTERVAL: drop expired vault values; the queued
        erasures that are due (their conversations are then deleted by the caller)."""
        if self._next_housekeeping is not None and now < self._next_housekeeping:
            return []
        self._next_housekeeping = now + HOUSEKEEPING_INTERVAL
        privacy.purge_expired_slot_values(vault, now)
        return privacy.erasures_due(vault, now)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        business, clock = self._deps()
        if self._erase_if_requested(sender_id):
            return None
        with self.session_scope() as session:
            rows = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
            ).all()
            events = [json.loads(row.data) for row in rows]
        if not (self.domain and events):
            return None
        with business.session_scope() as vault:
            values = privacy.slot_values(vault, sender_id=sender_id, refs=vault_refs(events), now=clock.now())
        return DialogueStateTracker.from_dict(sender_id, restored_events(events, values), self.domain.slots)

    def _erase_if_requested(self, sender_id: str) -> bool:
        """Delete ``sender_id``'s stored conversation if an erasure is queued for it."""
        business, _ = self._deps()
        with business.session_scope() as vault:
            if not privacy.erasure_pending(vault, sender_id):
                return False
            with self.session_scope() as session:
                self._delete_events(session, sender_id)
                session.commit()
            privacy.erasure_done(vault, sender_id)
        return True

    def redact_stored_events(self, batch: int = 500) -> int:
        """Redact conversations stored before this store redacted them (a one-off after the
        upgrade); how many events changed. Their slots keep only the masked value (no vault):
        run it while the assistant is stopped, so no form is waiting for a raw value."""
        changed, last_id = 0, 0
        with self.session_scope() as session:
            while rows := session.query(self.SQLEvent).filter(self.SQLEvent.id > last_id).order_by(
                self.SQLEvent.id
            ).limit(batch).all():
                for row in rows:
                    data = json.loads(row.data)
                    redacted = redact_event(data)
                    if redacted != data:
                        row.data = json.dumps(redacted)
                        changed += 1
                last_id = rows[-1].id
                session.commit()
        return changed

    def _delete_events(self, session: Session, sender_id: str) -> None:
        session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete(synchronize_session=False)


class ConfiguredLockStore:
    """Factory: a Redis lock store when ``REDIS_URL`` is set, else an in-memory one."""

    def __new__(cls, endpoint_config: EndpointConfig | None = None) -> LockStore:
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


class RedactingPikaEventBroker(PikaEventBroker):
    """Rasa's RabbitMQ broker publishing every event redacted (bot.rasa_ext.redaction)."""

    def publish(self, event: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().publish(redact_event(event), headers)


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
        return await RedactingPikaEventBroker.from_endpoint_config(config, event_loop)
