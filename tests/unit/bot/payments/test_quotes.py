"""Frozen payment quotes (bot/payments/quotes.py) on SQLite and PostgreSQL, paid through
the real demo gateway on loopback: a quote pays exactly itself, once, for its own chat and user."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.clock import FixedClock
from bot.db.models import Payment, PaymentInstrument
from bot.db.session import SessionFactory
from bot.payments.checkout import pay
from bot.payments.ledger import PaymentRecord, PaymentRefusal, PaymentRefused, PaymentRequest
from bot.payments.quotes import (
    QUOTE_TTL,
    Quote,
    QuoteOwner,
    QuoteProblem,
    code_entered,
    find_quote,
    freeze_quote,
    payment_request,
    require_code,
    void_quote,
)
from tests.unit.db_factories import user_id_of
from tests.unit.gateway_fixtures import DemoGateway

ZHANG_WEI = "13800000001"  # binds 3301000001; card zw-card
ZHAO_QIANG = "13800000004"  # binds 3301000003; card zq-card


def _instrument(db: SessionFactory, token: str) -> int:
    with db.session_scope() as session:
        return session.scalar(select(PaymentInstrument.id).where(PaymentInstrument.token == token))


def _owner(db: SessionFactory, phone: str = ZHANG_WEI, sender: str = "chat-1") -> QuoteOwner:
    return QuoteOwner(user_id_of(db, phone), "socketio", sender)


def _freeze(db: SessionFactory, clock: FixedClock, owner: QuoteOwner, *, amount_fen: int = 5000,
            account: str = "3301000001", token: str = "zw-card", needs_code: bool = False) -> Quote | PaymentRefused:
    return freeze_quote(db, clock, owner=owner, account_number=account, amount_fen=amount_fen,
                        instrument_id=_instrument(db, token), needs_code=needs_code)


def test_only_what_the_user_may_pay_is_frozen(demo_db, fixed_clock) -> None:
    owner = _owner(demo_db)
    assert _freeze(demo_db, fixed_clock, owner, account="3301000003") == PaymentRefused(PaymentRefusal.NOT_BOUND)
    assert _freeze(demo_db, fixed_clock, owner, token="zq-card") == PaymentRefused(PaymentRefusal.NOT_YOUR_INSTRUMENT)
    for bad in (0, -100, 500_001):
        assert _freeze(demo_db, fixed_clock, owner, amount_fen=bad) == PaymentRefused(PaymentRefusal.BAD_AMOUNT)


def test_a_quote_pays_exactly_itself_once(demo_db, fixed_clock, demo_gateway: DemoGateway) -> None:
    owner = _owner(demo_db)
    quote = _freeze(demo_db, fixed_clock, owner, amount_fen=1234)
    request = payment_request(demo_db, fixed_clock, owner=owner, token=quote.token)
    assert isinstance(request, PaymentRequest)
    assert (request.account_number, request.amount_fen, request.instrument_id, request.quote_id) == (
        "3301000001", 1234, _instrument(demo_db, "zw-card"), quote.quote_id)
    card_before = demo_gateway.bank.balance("zw-card")

    first = asyncio.run(pay(demo_db, fixed_clock, demo_gateway.client(2.0), request))
    fixed_clock.advance(QUOTE_TTL * 2)  # a paid quote still finds its payment after it expired
    again = payment_request(demo_db, fixed_clock, owner=owner, token=quote.token)
    second = asyncio.run(pay(demo_db, fixed_clock, demo_gateway.client(2.0), again))

    assert isinstance(first, PaymentRecord) and isinstance(second, PaymentRecord) and second.existing
    assert demo_gateway.bank.balance("zw-card") == card_before - 1234
    with demo_db.session_scope() as session:
        assert session.scalars(select(Payment.quote_id).where(Payment.quote_id.is_not(None))).all() == [quote.quote_id]


def test_a_quote_counts_only_for_its_chat_and_user(demo_db, fixed_clock) -> None:
    quote = _freeze(demo_db, fixed_clock, _owner(demo_db))
    for stranger in (_owner(demo_db, sender="chat-2"), _owner(demo_db, ZHAO_QIANG)):
        assert find_quote(demo_db, fixed_clock, owner=stranger, token=quote.token) is QuoteProblem.MISSING
        assert payment_request(demo_db, fixed_clock, owner=stranger, token=quote.token) is QuoteProblem.MISSING
        void_quote(demo_db, fixed_clock, owner=stranger, token=quote.token)  # cannot touch it either
    assert isinstance(find_quote(demo_db, fixed_clock, owner=_owner(demo_db), token=quote.token), Quote)


def test_a_quote_expires_after_ten_minutes(demo_db, fixed_clock) -> None:
    owner = _owner(demo_db)
    quote = _freeze(demo_db, fixed_clock, owner)
    fixed_clock.advance(timedelta(minutes=10))
    assert isinstance(payment_request(demo_db, fixed_clock, owner=owner, token=quote.token), PaymentRequest)
    fixed_clock.advance(timedelta(seconds=1))
    assert payment_request(demo_db, fixed_clock, owner=owner, token=quote.token) is QuoteProblem.EXPIRED


def test_a_newer_summary_voids_the_older_one_in_the_same_chat_only(demo_db, fixed_clock) -> None:
    owner, elsewhere = _owner(demo_db), _owner(demo_db, sender="chat-2")
    older = _freeze(demo_db, fixed_clock, owner)
    other_chat = _freeze(demo_db, fixed_clock, elsewhere)
    newer = _freeze(demo_db, fixed_clock, owner, amount_fen=6000)

    assert find_quote(demo_db, fixed_clock, owner=owner, token=older.token) is QuoteProblem.VOID
    assert isinstance(find_quote(demo_db, fixed_clock, owner=owner, token=newer.token), Quote)
    assert isinstance(find_quote(demo_db, fixed_clock, owner=elsewhere, token=other_chat.token), Quote)
    void_quote(demo_db, fixed_clock, owner=owner, token=newer.token)
    assert payment_request(demo_db, fixed_clock, owner=owner, token=newer.token) is QuoteProblem.VOID


def test_a_quote_that_needs_a_code_pays_only_once_it_was_entered(demo_db, fixed_clock) -> None:
    owner = _owner(demo_db)
    needing = _freeze(demo_db, fixed_clock, owner, amount_fen=30_000, needs_code=True)
    assert payment_request(demo_db, fixed_clock, owner=owner, token=needing.token) is QuoteProblem.CODE_MISSING
    code_entered(demo_db, fixed_clock, owner=_owner(demo_db, sender="chat-2"), token=needing.token)  # not its chat
    assert payment_request(demo_db, fixed_clock, owner=owner, token=needing.token) is QuoteProblem.CODE_MISSING
    code_entered(demo_db, fixed_clock, owner=owner, token=needing.token)
    assert isinstance(payment_request(demo_db, fixed_clock, owner=owner, token=needing.token), PaymentRequest)

    later = _freeze(demo_db, fixed_clock, owner, amount_fen=100)  # the login grew old: a code after all
    require_code(demo_db, owner=owner, token=later.token)
    assert payment_request(demo_db, fixed_clock, owner=owner, token=later.token) is QuoteProblem.CODE_MISSING
