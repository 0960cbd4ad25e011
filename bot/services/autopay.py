"""智能交费 (monthly auto-debit): sign up, change the card, cancel; and the job that charges.

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

from bot.clock import Clock
from bot.db.enums import PaymentPurpose
from bot.db.models import AutopayMandate, PaymentInstrument
from bot.db.session import SessionFactory
from bot.money import yuan_to_fen
from bot.payments.gateway import PaymentGateway
from bot.services.accounts import NotBound
from bot.services.bill_access import bound_account
from bot.services.bills import BalanceView, balance
from bot.services.payment_history import method_label_of_instrument
from bot.services.payment_ledger import PaymentRecord, PaymentRefused, PaymentRequest, idempotency_key
from bot.services.payments import pay, resolve_pending
from bot.text.amounts import MAX_PAYMENT

MAX_CHARGE_FEN = yuan_to_fen(MAX_PAYMENT)


class AutopayChange(Enum):
    SIGNED_UP = "signed_up"
    CARD_CHANGED = "card_changed"
    UNCHANGED = "unchanged"  # already signed up with that instrument
    CANCELLED = "cancelled"
    NOT_SIGNED_UP = "not_signed_up"  # cancelling what does not exist
    NOT_YOUR_INSTRUMENT = "not_your_instrument"


@dataclass(frozen=True)
class AutopayStatus:
    account_number: str
    instrument_id: int | None  # None: not signed up
    method_label: str | None


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
        if mandate is None:
            return AutopayStatus(account.account_number, None, None)
        return AutopayStatus(
            account.account_number, mandate.instrument_id, method_label_of_instrument(mandate.instrument)
        )


def sign_up(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, account_number: str, instrument_id: int
) -> AutopayChange | NotBound:
    """Sign the account up for auto-debit from the instrument, or move it to that instrument."""
    try:
        with session_factory.session_scope() as session:
            account = bound_account(session, user_id, account_number)
            if account is None:
                return NotBound()
            instrument = session.get(PaymentInstrument, instrument_id)
            if instrument is None or instrument.user_id != user_id:
                return AutopayChange.NOT_YOUR_INSTRUMENT
            now = clock.now()
            mandate = _active(session, account.id)
            if mandate is None:
                session.add(AutopayMandate(
                    account_id=account.id, user_id=user_id, instrument_id=instrument_id, created_at=now, updated_at=now,
                ))
                return AutopayChange.SIGNED_UP
            if mandate.instrument_id == instrument_id:
                return AutopayChange.UNCHANGED
            mandate.instrument_id, mandate.user_id, mandate.updated_at = instrument_id, user_id, now
            return AutopayChange.CARD_CHANGED
    except IntegrityError:  # a concurrent sign-up won: one active mandate per account
        return AutopayChange.UNCHANGED


def cancel(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, account_number: str
) -> AutopayChange | NotBound:
    with session_factory.session_scope() as session:
        account = bound_account(session, user_id, account_number)
        if account is None:
            return NotBound()
        mandate = _active(session, account.id)
        if mandate is None:
            return AutopayChange.NOT_SIGNED_UP
        mandate.cancelled_at = mandate.updated_at = clock.now()
        return AutopayChange.CANCELLED


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
