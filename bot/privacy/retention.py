"""Retention: what ``python -m bot purge --older-than 180d`` deletes.

Older than the cut-off (last activity before ``now - older_than``):

- conversations in Rasa's tracker store (its ``events`` table on TRACKER_STORE_URL) whose
  latest event is older: the whole conversation goes, a recent one stays whole;
- uploads (rows and, once no row uses it, the stored file: files are stored by content) that
  no open work order needs: never attached to an order (an abandoned form), or attached to
  one closed (已办结/已驳回/已撤销) before the cut-off. An open order keeps its documents
  whatever their age;
- hand-offs to agents with their (redacted) transcripts;
- SMS verification codes (their hashes) and the SMS texts sent, which contain the codes;

and, whatever the cut-off, what has expired by now: published charts, invoices and receipts
whose links have expired (:func:`bot.files.published.expired_files`), and the options chats
were shown (``numbered_option_sets``: WeChat's and IVR's numbered options after 24 hours,
Telegram's long button payloads, channel ``telegram-buttons``, after 30 days), which can name
accounts and amounts; hotline calls (``ivr_calls``): the caller number of a call that expired
without a disconnect is cleared, and a call's row is deleted a day after it ended. Work orders,
payments, bills and real-name records are business records with their own retention rules and
are kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    exists,
    func,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.db.dml import execute_dml
from bot.db.enums import WorkOrderStatus
from bot.db.models import Attachment, Handoff, IvrCall, NumberedOptionSet, SmsMessage, VerificationCode, WorkOrder
from bot.db.session import SessionFactory
from bot.files.attachments import delete_attachments, remove_stored_files
from bot.files.published import expired_files

CLOSED_ORDER_STATUSES = (WorkOrderStatus.COMPLETED, WorkOrderStatus.REJECTED, WorkOrderStatus.CANCELLED)
# Shorter would reset the limits that count a day's SMS codes per phone and chat.
MINIMUM_RETENTION = timedelta(hours=24)
# A hotline call's row outlives its end by a day, so a reused conversation id is refused meanwhile.
IVR_CALLS_KEPT_AFTER_END = timedelta(days=1)

# The columns of Rasa's SQLTrackerStore table that purging needs (rasa.core.tracker_store.SQLEvent).
_events = Table(
    "events", MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False),
    Column("timestamp", Float),
)


@dataclass(frozen=True)
class PurgeReport:
    """How many of each were removed: counts only, never what they contained."""

    conversations: int = 0
    tracker_events: int = 0
    uploads: int = 0
    upload_files: int = 0
    published_files: int = 0
    handoffs: int = 0
    verification_codes: int = 0
    sms_messages: int = 0
    option_sets: int = 0
    ivr_calls: int = 0

    def lines(self) -> list[str]:
        return [
            f"conversations: {self.conversations} ({self.tracker_events} tracker events)",
            f"uploads: {self.uploads} records, {self.upload_files} files",
            f"published files past their expiry: {self.published_files}",
            f"hand-offs: {self.handoffs}",
            f"verification codes: {self.verification_codes}, SMS messages: {self.sms_messages}",
            f"expired chat options and button payloads: {self.option_sets}",
            f"hotline calls over for a day: {self.ivr_calls}",
        ]


def purge_conversations(tracker_engine: Engine, cutoff: datetime) -> tuple[int, int]:
    """Delete the conversations whose latest event is before ``cutoff``: (conversations, events)."""
    if not inspect(tracker_engine).has_table("events"):
        return 0, 0
    stale = (
        select(_events.c.sender_id).group_by(_events.c.sender_id)
        .having(func.max(_events.c.timestamp) < cutoff.timestamp())
    )
    later = _events.alias("later")
    came_back = exists(select(later.c.id).where(  # a message since: the conversation stays whole
        later.c.sender_id == _events.c.sender_id, later.c.timestamp >= cutoff.timestamp()
    ))
    with tracker_engine.begin() as connection:
        senders = list(connection.scalars(stale))
        removed = 0
        for start in range(0, len(senders), 500):  # bounded IN lists
            batch = senders[start:start + 500]
            removed += connection.execute(
                delete(_events).where(_events.c.sender_id.in_(batch), ~came_back)
            ).rowcount
    return len(senders), removed


def purge_uploads(session: Session, cutoff: datetime) -> tuple[int, list[str]]:
    """Delete old uploads no open work order needs: (records, stored files no row uses any
    more). Delete those files only once the transaction has committed."""
    closed_before_cutoff = select(WorkOrder.id).where(
        WorkOrder.status.in_(CLOSED_ORDER_STATUSES), WorkOrder.updated_at < cutoff
    )
    unused = session.scalars(select(Attachment).where(
        Attachment.uploaded_at < cutoff,
        Attachment.work_order_id.is_(None) | Attachment.work_order_id.in_(closed_before_cutoff),
    )).all()
    return len(unused), delete_attachments(session, unused)


def purge_records(session: Session, cutoff: datetime) -> tuple[int, int, int]:
    """Delete hand-offs, verification codes and SMS texts from before ``cutoff``."""
    handoffs = execute_dml(session, delete(Handoff).where(Handoff.created_at < cutoff))
    codes = execute_dml(session, delete(VerificationCode).where(VerificationCode.created_at < cutoff))
    sms = execute_dml(session, delete(SmsMessage).where(SmsMessage.sent_at < cutoff))
    return handoffs, codes, sms


def purge_option_sets(session: Session, now: datetime) -> int:
    """Delete the numbered options and stored button payloads (every channel's) expired by ``now``."""
    return execute_dml(session, delete(NumberedOptionSet).where(NumberedOptionSet.expires_at <= now))


def purge_ivr_calls(session: Session, now: datetime) -> int:
    """Clear the caller number (and unconfirmed speech) of hotline calls expired by ``now``, and
    delete the rows of calls over for :data:`IVR_CALLS_KEPT_AFTER_END`; how many rows went."""
    calls = IvrCall.__table__
    session.execute(
        update(calls).where(calls.c.expires_at <= now)
        .where(or_(calls.c.caller.is_not(None), calls.c.pending_text.is_not(None)))
        .values(caller=None, pending_text=None)
    )
    old = now - IVR_CALLS_KEPT_AFTER_END
    return execute_dml(session, delete(calls).where(or_(calls.c.expires_at <= old, calls.c.ended_at <= old)))


def purge_published(files_dir: Path, now: datetime) -> int:
    """Delete the published files whose links have expired."""
    removed = 0
    for path in list(expired_files(files_dir, now)):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def purge(session_factory: SessionFactory, tracker_engine: Engine, files_dir: Path, now: datetime,
          older_than: timedelta) -> PurgeReport:
    """Everything above, with the cut-off ``now - older_than`` (at least 24 hours)."""
    if older_than < MINIMUM_RETENTION:
        raise ValueError(f"the retention must be at least {MINIMUM_RETENTION}")
    cutoff = now - older_than
    conversations, events = purge_conversations(tracker_engine, cutoff)
    with session_factory.session_scope() as session:
        handoffs, codes, sms = purge_records(session, cutoff)
        option_sets = purge_option_sets(session, now)
        ivr_calls = purge_ivr_calls(session, now)
        uploads, unused_files = purge_uploads(session, cutoff)
    removed_files = remove_stored_files(files_dir, unused_files)  # committed: the rows that named them are gone
    return PurgeReport(
        conversations=conversations, tracker_events=events, uploads=uploads, upload_files=removed_files,
        published_files=purge_published(files_dir, now), handoffs=handoffs, verification_codes=codes,
        sms_messages=sms, option_sets=option_sets, ivr_calls=ivr_calls,
    )
