"""智能交费 (monthly auto-debit): sign up, change the card, cancel; and the job that charges.

A mandate belongs to the user who signed it. Any other user who bound the account learns only
that auto-debit is set up by someone else: not the card, and they can neither change nor
cancel it; the signer is told of the attempt (and of every change or cancellation) the next
time they chat (:mod:`bot.payments.autopay_events`). A mandate whose signer no longer has the
account bound is not charged, and another binder may replace it. Signing up and changing the
card need an SMS code to the user's phone, checked in the last 5 minutes and spent by the change.

The job (``python -m bot autopay run``) pays each signed-up account's whole amount owed
through the same gateway and ledger as a chat payment. Its idempotency key is the mandate
and the day, so running the job twice on one day charges at most once, and an account
whose charge was declined is tried again the next day.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.accounts.binding import NotBound
from bot.billing.access import bound_account
from bot.billing.bills import BalanceView, balance
from bot.clock import Clock
from bot.db.enums import AutopayEventKind, PaymentPurpose
from bot.db.models import AutopayMandate, PaymentInstrument
from bot.db.session import SessionFactory
from bot.money import yuan_to_fen
from bot.payments.autopay_events import record_event, record_refused_attempt, unspent_code
from bot.payments.checkout import pay, resolve_pending
from bot.payments.gateway import PaymentGateway
from bot.payments.history import method_label_of_instrument
from bot.payments.ledger import PaymentRecord, PaymentRefused, PaymentRequest, idempotency_key
from bot.text.amounts import MAX_PAYMENT

MAX_CHARGE_FEN = yuan_to_fen(MAX_PAYMENT)


class AutopayChange(Enum):
    SIGNED_UP = "signed_up"
    CARD_CHANGED = "card_changed"
    UNCHANGED = "unchanged"  # already signed up with that instrument
    CANCELLED = "cancelled"
    NOT_SIGNED_UP = "not_signed_up"  # cancelling what does not exist
    NOT_YOUR_INSTRUMENT = "not_your_instrument"
    HELD_BY_OTHER = "held_by_other"  # another user's mandate: not shown, not changed
    CODE_REQUIRED = "code_required"  # no SMS code checked for this change


@dataclass(frozen=True)
class AutopayStatus:
    account_number: str
    instrument_id: int | None  # None: not signed up (or held_by_other)
    method_label: str | None
    held_by_other: bool = False  # signed up by another user who still has the account bound


def _held_by_other(session: Session, mandate: AutopayMandate | None, user_id: int) -> bool:
    """The mandate is another user's, and that user still has the account bound."""
    return (
        mandate is not None and mandate.user_id != user_id
        and bound_account(session, mandate.user_id, mandate.account.account_number) is not None
    )


def _active(session: Session, account_id: int) -> AutopayMandate | None:
    return session.scalar(
        select(AutopayMandate).where(AutopayMandate.account_id == account_id, AutopayMandate.cancelled_at.is_(None))
    )


def autopay_status(session_factory: SessionFactory, *, user_id: int, account_number: str) -> AutopayStatus | NotBound:
    with session_factory.session_scope() as session:
        account = bound_account(session, user_id, account_number)
        if account is None:
            return NotBound()
        mandate = _active(session, account.id)
        if _held_by_other(session, mandate, user_id):
            return AutopayStatus(account.account_number, None, None, held_by_other=True)
        if mandate is None or mandate.user_id != user_id:
            return AutopayStatus(account.account_number, None, None)
        return AutopayStatus(
            account.account_number, mandate.instrument_id, method_label_of_instrument(mandate.instrument)
        )


def sign_up(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, account_number: str, instrument_id: int
) -> AutopayChange | NotBound:
    """Sign the account up for auto-debit from the instrument, or move the user's own mandate to
    it; spends the SMS code the user checked for it (:func:`unspent_code`)."""
    try:
        with session_factory.session_scope() as session:
            account = bound_account(session, user_id, account_number)
            if account is None:
                return NotBound()
            instrument = session.get(PaymentInstrument, instrument_id)
            if instrument is None or instrument.user_id != user_id:
                return AutopayChange.NOT_YOUR_INSTRUMENT
            mandate = _active(session, account.id)
            if mandate is not None and _held_by_other(session, mandate, user_id):
                record_refused_attempt(session, clock, mandate, actor_user_id=user_id)
                return AutopayChange.HELD_BY_OTHER
            if mandate is not None and mandate.user_id == user_id and mandate.instrument_id == instrument_id:
                return AutopayChange.UNCHANGED
            code_id = unspent_code(session, clock, user_id=user_id)
            if code_id is None:
                return AutopayChange.CODE_REQUIRED
            now = clock.now()
            if mandate is not None and mandate.user_id == user_id:
                mandate.instrument_id, mandate.updated_at = instrument_id, now
                record_event(session, clock, mandate, AutopayEventKind.CARD_CHANGED, actor_user_id=user_id,
                             code_id=code_id)
                return AutopayChange.CARD_CHANGED
            if mandate is not None:  # its signer no longer has the account bound
                mandate.cancelled_at = mandate.updated_at = now
                record_event(session, clock, mandate, AutopayEventKind.REPLACED, actor_user_id=user_id)
                session.flush()
            mandate = AutopayMandate(
                account_id=account.id, user_id=user_id, instrument_id=instrument_id, created_at=now, updated_at=now,
            )
            session.add(mandate)
            session.flush()
            record_event(session, clock, mandate, AutopayEventKind.SIGNED_UP, actor_user_id=user_id, code_id=code_id)
            return AutopayChange.SIGNED_UP
    except IntegrityError:  # a concurrent change won (one active mandate per account, one change per code)
        return AutopayChange.UNCHANGED


def cancel(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, account_number: str
) -> AutopayChange | NotBound:
    """Cancel the user's own mandate (no code: cancelling only stops charges)."""
    with session_factory.session_scope() as session:
        account = bound_account(session, user_id, account_number)
        if account is None:
            return NotBound()
        mandate = _active(session, account.id)
        if mandate is not None and _held_by_other(session, mandate, user_id):
            record_refused_attempt(session, clock, mandate, actor_user_id=user_id)
            return AutopayChange.HELD_BY_OTHER
        if mandate is None or mandate.user_id != user_id:
            return AutopayChange.NOT_SIGNED_UP
        mandate.cancelled_at = mandate.updated_at = clock.now()
        record_event(session, clock, mandate, AutopayEventKind.CANCELLED, actor_user_id=user_id)
        return AutopayChange.CANCELLED


def report_attempt(session_factory: SessionFactory, clock: Clock, *, user_id: int, account_number: str) -> None:
    """The user opened auto-debit on an account another user signed up: tell the signer."""
    with session_factory.session_scope() as session:
        account = bound_account(session, user_id, account_number)
        mandate = _active(session, account.id) if account is not None else None
        if mandate is not None and _held_by_other(session, mandate, user_id):
            record_refused_attempt(session, clock, mandate, actor_user_id=user_id)


@dataclass(frozen=True)
class AutopayRun:
    charged: list[PaymentRecord]  # one per account charged (any outcome: succeeded, declined, pending)
    nothing_owed: int
    skipped: int  # the mandate's user no longer has the account bound


def _mandates(session_factory: SessionFactory) -> list[tuple[int, int, str, int]]:
    with session_factory.session_scope() as session:
        rows = session.scalars(select(AutopayMandate).where(AutopayMandate.cancelled_at.is_(None)))
        return [(m.id, m.user_id, m.account.account_number, m.instrument_id) for m in rows]


async def run_autopay(session_factory: SessionFactory, clock: Clock, gateway: PaymentGateway) -> AutopayRun:
    """Charge every signed-up account what it owes today (at most one payment's limit)."""
    await resolve_pending(session_factory, clock, gateway)
    charged: list[PaymentRecord] = []
    nothing_owed = skipped = 0
    for mandate_id, user_id, account_number, instrument_id in await asyncio.to_thread(_mandates, session_factory):
        owed = await asyncio.to_thread(balance, session_factory, clock, user_id=user_id, account_number=account_number)
        if not isinstance(owed, BalanceView):
            skipped += 1
            continue
        if owed.total_due_fen == 0:
            nothing_owed += 1
            continue
        key = idempotency_key("autopay", str(mandate_id), clock.today().isoformat())
        request = PaymentRequest(
            user_id, account_number, min(owed.total_due_fen, MAX_CHARGE_FEN), instrument_id, key,
            purpose=PaymentPurpose.AUTOPAY,
        )
        outcome = await pay(session_factory, clock, gateway, request)
        if isinstance(outcome, PaymentRefused):
            skipped += 1
        else:
            charged.append(outcome)
    return AutopayRun(charged, nothing_owed, skipped)
