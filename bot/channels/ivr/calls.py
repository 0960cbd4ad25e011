"""The state of each IVR call between its requests, in the business database (``ivr_calls``),
so any replica can take any request of a call.

A call is opened by ``POST /webhooks/ivr/webhook`` and lives :data:`CALL_EXPIRES` after its last
request (activities and ``refreshURL`` extend it); ``disconnectURL`` ends it. An ended or
expired call is refused (410) and its caller number cleared at once: the number is personal data
and only needed while the call is live. Rows are deleted :data:`KEPT_AFTER_END` later (until
then a reused conversation id is refused too). Every ``open`` sweeps a few expired rows.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from bot.clock import Clock
from bot.db.models import IvrCall
from bot.db.session import SessionFactory
from bot.privacy.retention import IVR_CALLS_KEPT_AFTER_END as KEPT_AFTER_END
from bot.privacy.retention import purge_ivr_calls

__all__ = ["CALL_EXPIRES", "KEPT_AFTER_END", "CallState", "CallStatus", "Calls"]

CALL_EXPIRES = timedelta(minutes=5)
_TABLE = IvrCall.__table__


class CallStatus(str, enum.Enum):
    LIVE = "live"
    GONE = "gone"  # disconnected or expired: 410
    UNKNOWN = "unknown"  # never opened (or deleted long after its end): 404


@dataclass(frozen=True)
class CallState:
    """A live call, as one request reads it."""

    conversation_id: str
    caller: str | None
    misses: int
    pending_text: str | None
    digits: str


class Calls:
    """The calls, shared by every replica (each method is one unit of work; blocking)."""

    def __init__(self, session_factory: SessionFactory, clock: Clock, expires: timedelta = CALL_EXPIRES) -> None:
        self._session_factory = session_factory
        self._clock = clock
        self.expires = expires

    def open(self, conversation_id: str) -> CallStatus:
        """Open a call (LIVE; again for a live one: the gateway retried), or GONE for an id
        whose call has ended."""
        now = self._clock.now()
        self.purge(now)
        with self._session_factory.session_scope() as session:
            call = session.get(IvrCall, conversation_id, with_for_update=True)
            if call is None:
                session.add(IvrCall(
                    conversation_id=conversation_id, caller=None, started_at=now, expires_at=now + self.expires,
                    ended_at=None, misses=0, pending_text=None, digits="",
                ))
                return CallStatus.LIVE
            if call.ended_at is not None or call.expires_at <= now:
                return CallStatus.GONE
            call.expires_at = now + self.expires
            return CallStatus.LIVE

    def touch(self, conversation_id: str) -> CallState | CallStatus:
        """The live call, kept alive for another :attr:`expires`; else GONE or UNKNOWN (an
        expired call's caller number is cleared on the way)."""
        now = self._clock.now()
        with self._session_factory.session_scope() as session:
            call = session.get(IvrCall, conversation_id)
            if call is None:
                return CallStatus.UNKNOWN
            if call.ended_at is not None or call.expires_at <= now:
                call.caller = None
                call.pending_text = None
                return CallStatus.GONE
            call.expires_at = now + self.expires
            return CallState(call.conversation_id, call.caller, call.misses, call.pending_text, call.digits)

    def end(self, conversation_id: str) -> CallStatus:
        """Disconnect the call: its caller number and pending text are cleared."""
        now = self._clock.now()
        with self._session_factory.session_scope() as session:
            call = session.get(IvrCall, conversation_id)
            if call is None:
                return CallStatus.UNKNOWN
            was_live = call.ended_at is None and call.expires_at > now
            call.caller = None
            call.pending_text = None
            call.digits = ""
            if call.ended_at is None:
                call.ended_at = now
            return CallStatus.LIVE if was_live else CallStatus.GONE

    def update(self, conversation_id: str, **values: Any) -> None:
        """Set ``caller``, ``pending_text`` or ``digits`` of a call."""
        unknown = set(values) - {"caller", "pending_text", "digits", "misses"}
        if unknown:
            raise ValueError(f"not call state: {sorted(unknown)}")
        with self._session_factory.session_scope() as session:
            session.execute(update(_TABLE).where(_TABLE.c.conversation_id == conversation_id).values(**values))

    def add_miss(self, conversation_id: str) -> int:
        """Count one more no-input or no-match in a row; the count now."""
        with self._session_factory.session_scope() as session:
            session.execute(
                update(_TABLE).where(_TABLE.c.conversation_id == conversation_id).values(misses=_TABLE.c.misses + 1)
            )
            return int(session.scalar(select(IvrCall.misses).where(IvrCall.conversation_id == conversation_id)) or 0)

    def purge(self, now: datetime | None = None) -> int:
        """Clear the caller numbers of calls that expired without a disconnect, and delete the
        rows of calls over for :data:`KEPT_AFTER_END`; how many rows were deleted."""
        with self._session_factory.session_scope() as session:
            return purge_ivr_calls(session, now or self._clock.now())
