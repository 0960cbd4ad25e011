"""One summary, one submission: an application form files exactly what its summary showed.

Rasa fills a form's slots from entities in any turn and a user can type ``/inform{...}``, so
the slots at submission need not be what the confirmed summary showed. When a summary is
shown, the application it describes is frozen here as a keyed digest, one per chat and form;
confirming it and submitting it check that the application built from the slots at that
moment has the same digest. Submitting takes the frozen summary (deletes it in one
statement), so one confirmation files at most once, even with two replicas.

The SMS code works the same way: when the chat enters a correct code in the form, the phone
it went to is recorded (as a keyed digest), and submission requires that phone to be the
one the application names, verified recently. Slot values alone prove nothing.

Only HMACs with ``ID_HASH_SECRET`` are stored: the applications hold ID numbers and phones.
"""
from __future__ import annotations

import dataclasses
import enum
import hmac
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.dml import execute_dml
from bot.db.enums import StrEnum
from bot.db.id_hash import keyed_digest
from bot.db.locks import lock_rows
from bot.db.models import FormSummary
from bot.db.session import SessionFactory

# A summary left unconfirmed this long, or a code entered this long before submitting, is stale.
SUMMARY_VALID_FOR = timedelta(minutes=30)


class SummaryCheck(StrEnum):
    HOLDS = "holds"  # the application is exactly what the summary showed
    MISSING = "missing"  # no summary shown, or it was submitted already
    CHANGED = "changed"  # something changed after the summary was shown
    EXPIRED = "expired"  # the summary was shown more than SUMMARY_VALID_FOR ago
    CODE_MISSING = "code_missing"  # no code to the application's phone entered in this form lately


@dataclass(frozen=True)
class ChatForm:
    """The key of a frozen summary: one chat (channel + sender id) and one form."""

    channel: str
    sender_id: str
    form: str


def _plain(value: Any) -> Any:
    """Dataclasses, enums, tuples and mappings as plain JSON values, recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)  # Decimal, date: their canonical text


def content_digest(content: Any) -> str:
    """Keyed digest of an application's canonical JSON (key order does not matter)."""
    return keyed_digest("application:" + json.dumps(_plain(content), sort_keys=True, ensure_ascii=False))


def _phone_digest(phone: str) -> str:
    return keyed_digest("phone:" + phone)


def _of(chat: ChatForm) -> tuple[Any, ...]:
    return (FormSummary.channel == chat.channel, FormSummary.sender_id == chat.sender_id,
            FormSummary.form == chat.form)


def _row(session: Session, chat: ChatForm) -> FormSummary | None:
    return session.scalars(select(FormSummary).where(*_of(chat))).one_or_none()


def _locked_row(session: Session, chat: ChatForm) -> FormSummary | None:
    """The chat's row, held until the transaction ends (see :func:`bot.db.locks.lock_rows`)."""
    lock_rows(session, FormSummary.digest, *_of(chat))
    return _row(session, chat)


def _row_for_update(session: Session, chat: ChatForm) -> FormSummary:
    row = _locked_row(session, chat)
    if row is None:
        row = FormSummary(channel=chat.channel, sender_id=chat.sender_id, form=chat.form)
        session.add(row)
    return row


def record_code(session_factory: SessionFactory, clock: Clock, *, chat: ChatForm, phone: str) -> None:
    """The chat entered a correct code sent to ``phone`` in this form."""
    with session_factory.session_scope() as session:
        row = _row_for_update(session, chat)
        row.code_phone_digest, row.code_verified_at = _phone_digest(phone), clock.now()


def freeze_summary(session_factory: SessionFactory, clock: Clock, *, chat: ChatForm, content: Any) -> None:
    """The summary of ``content`` is being shown: it replaces any earlier one of this chat and form."""
    with session_factory.session_scope() as session:
        row = _row_for_update(session, chat)
        row.digest, row.frozen_at = content_digest(content), clock.now()


def _verdict(row: FormSummary | None, clock: Clock, content: Any, phone: str | None) -> SummaryCheck:
    if row is None or row.digest is None or row.frozen_at is None:
        return SummaryCheck.MISSING
    oldest = clock.now() - SUMMARY_VALID_FOR
    if row.frozen_at < oldest:
        return SummaryCheck.EXPIRED
    if not hmac.compare_digest(row.digest, content_digest(content)):
        return SummaryCheck.CHANGED
    if phone is not None and (
        row.code_phone_digest is None or row.code_verified_at is None or row.code_verified_at < oldest
        or not hmac.compare_digest(row.code_phone_digest, _phone_digest(phone))
    ):
        return SummaryCheck.CODE_MISSING
    return SummaryCheck.HOLDS


def check_summary(
    session_factory: SessionFactory, clock: Clock, *, chat: ChatForm, content: Any, phone: str | None
) -> SummaryCheck:
    """Whether confirming now would confirm exactly what the summary showed (nothing is taken).
    ``phone``: where the application's SMS code must have gone (None: the form has no code)."""
    with session_factory.session_scope() as session:
        return _verdict(_row(session, chat), clock, content, phone)


def take_summary(
    session_factory: SessionFactory, clock: Clock, *, chat: ChatForm, content: Any, phone: str | None
) -> SummaryCheck:
    """:func:`check_summary`, and when it holds the frozen summary is used up: a second
    submission of the same confirmation finds nothing (MISSING). The code stays recorded, for
    a submission the service refuses and the form asks one answer again."""
    with session_factory.session_scope() as session:
        row = _locked_row(session, chat)
        verdict = _verdict(row, clock, content, phone)
        if verdict is not SummaryCheck.HOLDS:
            return verdict
        assert row is not None
        taken = execute_dml(
            session,
            update(FormSummary).where(FormSummary.id == row.id, FormSummary.digest == row.digest)
            .values(digest=None, frozen_at=None).execution_options(synchronize_session=False),
        )
        return SummaryCheck.HOLDS if taken == 1 else SummaryCheck.MISSING


def discard_summary(session_factory: SessionFactory, *, chat: ChatForm) -> None:
    """The form ended (filed or not): neither its summary nor its code counts any more."""
    with session_factory.session_scope() as session:
        session.execute(delete(FormSummary).where(*_of(chat)).execution_options(synchronize_session=False))
