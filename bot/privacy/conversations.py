"""What the business database keeps for the stored conversations (Rasa's tracker store).

* The slot vault: a slot value holding personal data (a phone, an ID number …) that the
  dialogue reads again in a later turn is stored in the tracker store masked, with a random
  reference; the raw value waits here, one row per conversation and slot, until it expires
  or the slot changes.
* Tracker erasures: conversations whose stored events must go (注销). The action server
  cannot reach the tracker store safely in the middle of a turn (Rasa would write the whole
  conversation back when it saves), so the erasure is queued here and carried out by the
  tracker store itself, which holds the conversation's lock (bot.rasa_ext.stores).
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.dml import execute_dml
from bot.db.models import SlotVaultEntry, TrackerErasure

# A turn never lasts this long: a queued erasure older than this is carried out even though
# its conversation has not come back (so it is not racing that conversation's own save).
ERASURE_SWEEP_AFTER = timedelta(minutes=5)


def keep_slot_value(session: Session, *, sender_id: str, slot: str, value: Any, expires_at: datetime) -> str:
    """Keep ``value`` (replacing the slot's earlier one); the reference the tracker stores."""
    forget_slot_value(session, sender_id=sender_id, slot=slot)
    ref = secrets.token_hex(16)
    session.add(SlotVaultEntry(ref=ref, sender_id=sender_id, slot=slot, value=value, expires_at=expires_at))
    return ref


def forget_slot_value(session: Session, *, sender_id: str, slot: str) -> None:
    session.execute(delete(SlotVaultEntry).where(SlotVaultEntry.sender_id == sender_id, SlotVaultEntry.slot == slot))


def kept_slots(session: Session, sender_id: str) -> set[str]:
    """The slots of ``sender_id`` with a value in the vault (so most turns delete nothing)."""
    return set(session.scalars(select(SlotVaultEntry.slot).where(SlotVaultEntry.sender_id == sender_id)))


def slot_values(session: Session, *, sender_id: str, refs: Iterable[str], now: datetime) -> dict[str, Any]:
    """The unexpired values of ``refs`` that belong to ``sender_id`` (a reference copied into
    another conversation finds nothing)."""
    wanted = list(set(refs))
    if not wanted:
        return {}
    rows = session.execute(
        select(SlotVaultEntry.ref, SlotVaultEntry.value).where(
            SlotVaultEntry.ref.in_(wanted), SlotVaultEntry.sender_id == sender_id, SlotVaultEntry.expires_at > now
        )
    )
    return {ref: value for ref, value in rows}


def purge_expired_slot_values(session: Session, now: datetime) -> int:
    return execute_dml(session, delete(SlotVaultEntry).where(SlotVaultEntry.expires_at <= now))


def request_tracker_erasure(session: Session, sender_ids: Iterable[str], now: datetime) -> None:
    """Queue the stored conversations of ``sender_ids`` for deletion; their vault goes at once."""
    for sender_id in sorted(set(sender_ids)):
        session.execute(delete(SlotVaultEntry).where(SlotVaultEntry.sender_id == sender_id))
        session.add(TrackerErasure(sender_id=sender_id, requested_at=now))


def erasure_pending(session: Session, sender_id: str) -> bool:
    return session.scalar(select(TrackerErasure.id).where(TrackerErasure.sender_id == sender_id).limit(1)) is not None


def erasures_due(session: Session, now: datetime) -> list[str]:
    """Queued conversations that have not come back for a while (see ERASURE_SWEEP_AFTER)."""
    cutoff = now - ERASURE_SWEEP_AFTER
    return list(session.scalars(
        select(TrackerErasure.sender_id).where(TrackerErasure.requested_at <= cutoff).distinct()
    ))


def erasure_done(session: Session, sender_id: str) -> None:
    session.execute(delete(TrackerErasure).where(TrackerErasure.sender_id == sender_id))
    session.execute(delete(SlotVaultEntry).where(SlotVaultEntry.sender_id == sender_id))
