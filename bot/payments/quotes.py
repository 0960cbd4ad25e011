"""Frozen payment quotes: "确认支付" pays exactly what the summary showed, or nothing.

Rasa fills the payment form's slots from entities in any turn (and users can type
``/confirm_payment{"amount": "4999"}``), so the slots when the user confirms need not be what
the summary showed. The summary therefore freezes what it shows — account, amount in fen,
instrument — for the chat and user it is shown to (:func:`freeze_quote`); the chat keeps only
the random token. Paying reads the quote, never the slots (:func:`payment_request`): it
counts for QUOTE_TTL (10 minutes), for that chat and that user only, is paid at most once
(the payment's idempotency key is derived from the token and ``payments.quote_id`` is
unique), and when it needs an SMS code (:mod:`bot.payments.second_factor`) it pays only
after the code sent for this very quote was entered. A newer summary in the same chat voids
the older unpaid quotes.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Boolean, exists, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Exists

from bot.billing.access import bound_account
from bot.clock import Clock
from bot.db.enums import StrEnum
from bot.db.models import ElectricityAccount, FrozenQuote, Payment, PaymentInstrument
from bot.db.session import SessionFactory
from bot.money import fen_to_yuan
from bot.payments.ledger import PaymentRefusal, PaymentRefused, PaymentRequest, idempotency_key
from bot.text.amounts import AmountError, validate_payment_amount

QUOTE_TTL = timedelta(minutes=10)


@dataclass(frozen=True)
class QuoteOwner:
    """Who a quote was shown to: the user, in one chat (channel + sender id)."""

    user_id: int
    channel: str
    sender_id: str


@dataclass(frozen=True)
class Quote:
    token: str
    quote_id: int
    account_number: str
    amount_fen: int
    instrument_id: int
    needs_code: bool
    code_verified: bool
    paid: bool  # a payment was started for it (a second confirmation finds that payment)


class QuoteProblem(StrEnum):
    MISSING = "missing"  # no such quote shown to this user in this chat
    EXPIRED = "expired"  # shown more than QUOTE_TTL ago
    VOID = "void"  # replaced by a newer summary, changed, or its code mistyped too often
    CODE_MISSING = "code_missing"  # it needs an SMS code, and none was entered for it


def freeze_quote(
    session_factory: SessionFactory, clock: Clock, *, owner: QuoteOwner, account_number: str,
    amount_fen: int, instrument_id: int, needs_code: bool,
) -> Quote | PaymentRefused:
    """Freeze what the summary is about to show; older unpaid quotes of this chat are void."""
    try:
        validate_payment_amount(fen_to_yuan(amount_fen))
    except (AmountError, TypeError):
        return PaymentRefused(PaymentRefusal.BAD_AMOUNT)
    now = clock.now()
    with session_factory.session_scope() as session:
        account = bound_account(session, owner.user_id, account_number)
        if account is None:
            return PaymentRefused(PaymentRefusal.NOT_BOUND)
        instrument = session.get(PaymentInstrument, instrument_id)
        if instrument is None or instrument.user_id != owner.user_id:
            return PaymentRefused(PaymentRefusal.NOT_YOUR_INSTRUMENT)
        session.execute(
            update(FrozenQuote).execution_options(synchronize_session=False)
            .where(FrozenQuote.channel == owner.channel, FrozenQuote.sender_id == owner.sender_id,
                   FrozenQuote.voided_at.is_(None), ~_paid(FrozenQuote.id))
            .values(voided_at=now)
        )
        row = FrozenQuote(
            token=secrets.token_hex(32), user_id=owner.user_id, channel=owner.channel, sender_id=owner.sender_id,
            account_id=account.id, instrument_id=instrument.id, amount_fen=amount_fen, needs_code=needs_code,
            created_at=now, expires_at=now + QUOTE_TTL,
        )
        session.add(row)
        session.flush()
        return _view(session, row, account)


def find_quote(session_factory: SessionFactory, clock: Clock, *, owner: QuoteOwner, token: str) -> Quote | QuoteProblem:
    """The quote ``token`` if it was shown to ``owner`` and still counts (a paid one always does)."""
    with session_factory.session_scope() as session:
        return _find(session, clock, owner, token)


def void_quote(session_factory: SessionFactory, clock: Clock, *, owner: QuoteOwner, token: str) -> None:
    """The quote no longer counts (unless a payment was started for it already)."""
    with session_factory.session_scope() as session:
        session.execute(
            update(FrozenQuote).execution_options(synchronize_session=False)
            .where(*_owned(owner, token), FrozenQuote.voided_at.is_(None), ~_paid(FrozenQuote.id))
            .values(voided_at=clock.now())
        )


def require_code(session_factory: SessionFactory, *, owner: QuoteOwner, token: str) -> None:
    """The quote needs an SMS code after all (e.g. the login grew old since the summary)."""
    with session_factory.session_scope() as session:
        session.execute(
            update(FrozenQuote).execution_options(synchronize_session=False)
            .where(*_owned(owner, token)).values(needs_code=True)
        )


def code_entered(session_factory: SessionFactory, clock: Clock, *, owner: QuoteOwner, token: str) -> None:
    """The code sent for this quote was entered (checked by the caller against its purpose)."""
    with session_factory.session_scope() as session:
        session.execute(
            update(FrozenQuote).execution_options(synchronize_session=False)
            .where(*_owned(owner, token), FrozenQuote.voided_at.is_(None))
            .values(code_verified_at=clock.now())
        )


def payment_request(
    session_factory: SessionFactory, clock: Clock, *, owner: QuoteOwner, token: str
) -> PaymentRequest | QuoteProblem:
    """What confirming the quote pays: exactly the quote, under a key derived from it."""
    with session_factory.session_scope() as session:
        quote = _find(session, clock, owner, token)
    if isinstance(quote, QuoteProblem):
        return quote
    if quote.needs_code and not quote.code_verified and not quote.paid:
        return QuoteProblem.CODE_MISSING
    return PaymentRequest(
        user_id=owner.user_id, account_number=quote.account_number, amount_fen=quote.amount_fen,
        instrument_id=quote.instrument_id, idempotency_key=idempotency_key("quote", quote.token),
        quote_id=quote.quote_id,
    )


def _find(session: Session, clock: Clock, owner: QuoteOwner, token: str) -> Quote | QuoteProblem:
    row = session.scalar(select(FrozenQuote).where(*_owned(owner, token)))
    if row is None:
        return QuoteProblem.MISSING
    account = session.get(ElectricityAccount, row.account_id)
    assert account is not None  # the quote's foreign key holds it
    quote = _view(session, row, account)
    if not quote.paid and row.voided_at is not None:
        return QuoteProblem.VOID
    if not quote.paid and clock.now() > row.expires_at:
        return QuoteProblem.EXPIRED
    return quote


def _owned(owner: QuoteOwner, token: str) -> tuple[ColumnElement[Boolean], ...]:
    return (
        FrozenQuote.token == str(token), FrozenQuote.user_id == owner.user_id,
        FrozenQuote.channel == owner.channel, FrozenQuote.sender_id == owner.sender_id,
    )


def _paid(quote_id: object) -> Exists:
    return exists().where(Payment.quote_id == quote_id)


def _view(session: Session, row: FrozenQuote, account: ElectricityAccount) -> Quote:
    paid = session.scalar(select(_paid(row.id)))
    return Quote(
        token=row.token, quote_id=row.id, account_number=account.account_number, amount_fen=row.amount_fen,
        instrument_id=row.instrument_id, needs_code=row.needs_code, code_verified=row.code_verified_at is not None,
        paid=bool(paid),
    )
