"""What happened to an account's auto-debit (智能交费): the record of every sign-up, card change,
cancellation and refused attempt by another user, and the notices they leave for the mandate's
signer, told the next time they chat (``actions/payments/autopay_notices.py``, called wherever consent
and work-order notices are delivered).

Each sign-up or card change names the SMS code (purpose ``autopay``) that authorised it. The
code is checked — and consumed — when the user types it in the form; the change then spends
it here, in its own transaction: a code checked in the last :data:`CODE_TTL` and not yet
spent. The column is unique, so one code authorises one change.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.enums import AutopayEventKind
from bot.db.models import AutopayEvent, AutopayMandate, ElectricityAccount, User, VerificationCode
from bot.db.session import SessionFactory
from bot.identity.verification import CODE_TTL, CodePurpose
from bot.payments.history import method_label_of_instrument

# What the signer is told about; a sign-up of their own is only recorded.
NOTICE_KINDS = frozenset(AutopayEventKind) - {AutopayEventKind.SIGNED_UP}


def unspent_code(session: Session, clock: Clock, *, user_id: int) -> int | None:
    """The id of an ``autopay`` code the user's phone checked in the last CODE_TTL and no change
    has spent yet; None if there is none."""
    phone = session.scalar(select(User.phone).where(User.id == user_id))
    spent = exists().where(AutopayEvent.verification_code_id == VerificationCode.id)
    return session.scalar(
        select(VerificationCode.id)
        .where(
            VerificationCode.phone == phone,
            VerificationCode.purpose == CodePurpose.AUTOPAY.value,
            VerificationCode.consumed_at.is_not(None),
            VerificationCode.consumed_at >= clock.now() - CODE_TTL,
            ~spent,
        )
        .order_by(VerificationCode.consumed_at.desc(), VerificationCode.id.desc())
        .limit(1)
    )


def record_event(
    session: Session, clock: Clock, mandate: AutopayMandate, kind: AutopayEventKind, *, actor_user_id: int,
    code_id: int | None = None,
) -> None:
    """Record ``kind`` for ``mandate`` (as it is now) and, unless it is a sign-up, leave a notice
    for its signer."""
    now = clock.now()
    session.add(AutopayEvent(
        account_id=mandate.account_id, actor_user_id=actor_user_id, notify_user_id=mandate.user_id, kind=kind,
        instrument_id=mandate.instrument_id, verification_code_id=code_id, created_at=now,
        delivered_at=None if kind in NOTICE_KINDS else now,
    ))


def record_refused_attempt(session: Session, clock: Clock, mandate: AutopayMandate, *, actor_user_id: int) -> None:
    """Another user tried the signer's auto-debit: one notice until the signer has read it."""
    waiting = session.scalar(select(AutopayEvent.id).where(
        AutopayEvent.account_id == mandate.account_id, AutopayEvent.notify_user_id == mandate.user_id,
        AutopayEvent.actor_user_id == actor_user_id, AutopayEvent.kind == AutopayEventKind.REFUSED_OTHER_USER,
        AutopayEvent.delivered_at.is_(None),
    ).limit(1))
    if waiting is None:
        record_event(session, clock, mandate, AutopayEventKind.REFUSED_OTHER_USER, actor_user_id=actor_user_id)


@dataclass(frozen=True)
class AutopayNotice:
    id: int
    kind: AutopayEventKind
    account_number: str
    method_label: str | None  # the card of a CARD_CHANGED notice
    at: datetime


def pending_autopay_notices(session_factory: SessionFactory, *, user_id: int) -> list[AutopayNotice]:
    """What the user has not been told yet about their auto-debit, oldest first."""
    with session_factory.session_scope() as session:
        rows = session.execute(
            select(AutopayEvent, ElectricityAccount.account_number)
            .join(ElectricityAccount, AutopayEvent.account_id == ElectricityAccount.id)
            .where(AutopayEvent.notify_user_id == user_id, AutopayEvent.delivered_at.is_(None))
            .order_by(AutopayEvent.created_at, AutopayEvent.id)
        ).all()
        return [
            AutopayNotice(event.id, event.kind, number,
                          method_label_of_instrument(event.instrument) if event.instrument else None,
                          event.created_at)
            for event, number in rows
        ]


def mark_autopay_notices_delivered(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, notice_ids: list[int]
) -> None:
    with session_factory.session_scope() as session:
        session.execute(
            update(AutopayEvent)
            .where(AutopayEvent.id.in_(notice_ids), AutopayEvent.notify_user_id == user_id,
                   AutopayEvent.delivered_at.is_(None))
            .values(delivered_at=clock.now())
        )
