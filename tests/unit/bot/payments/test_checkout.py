"""Payments through the real demo gateway on loopback: success, declines, timeouts resolved
both ways, idempotency, and concurrent payments on one account (SQLite and PostgreSQL)."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.billing.bills import balance
from bot.clock import FixedClock
from bot.db.enums import BillStatus, InstrumentKind, PaymentPurpose, PaymentStatus
from bot.db.models import AccountBinding, ElectricityAccount, MonthlyBill, Payment, PaymentInstrument
from bot.db.session import SessionFactory
from bot.payments.checkout import pay, resolve_pending
from bot.payments.ledger import (
    NOT_RECEIVED,
    PaymentRecord,
    PaymentRefusal,
    PaymentRefused,
    PaymentRequest,
    idempotency_key,
)
from tests.unit.conftest import FIXED_NOW
from tests.unit.db_factories import add_user, user_id_of
from tests.unit.gateway_fixtures import DemoGateway

ZHANG_WEI = "13800000001"  # binds 3301000001 (one unpaid month); card …1234, wallet 30.00
LI_NA = "13800000002"  # card …0000 is frozen
ZHAO_QIANG = "13800000004"  # binds 3301000003 (nothing owed); card …9999 answers slowly


def _instrument(db: SessionFactory, token: str) -> PaymentInstrument:
    with db.session_scope() as session:
        return session.scalar(select(PaymentInstrument).where(PaymentInstrument.token == token))


def _bind(db: SessionFactory, phone: str, account_number: str) -> None:
    with db.session_scope() as session:
        account = session.scalar(select(ElectricityAccount).where(ElectricityAccount.account_number == account_number))
        session.add(AccountBinding(
            user_id=user_id_of(db, phone), account_id=account.id, is_default=False, created_at=FIXED_NOW,
        ))


def _request(
    db: SessionFactory, phone: str, account: str, amount_fen: int, token: str, turn: str = "t1"
) -> PaymentRequest:
    return PaymentRequest(
        user_id=user_id_of(db, phone), account_number=account, amount_fen=amount_fen,
        instrument_id=_instrument(db, token).id, idempotency_key=idempotency_key("rest", phone, turn),
    )


def _due(db: SessionFactory, clock: FixedClock, phone: str, account: str) -> int:
    view = balance(db, clock, user_id=user_id_of(db, phone), account_number=account)
    return view.total_due_fen


def _pay(db, clock, gateway: DemoGateway, request: PaymentRequest, timeout_s: float = 0.2):
    return asyncio.run(pay(db, clock, gateway.client(timeout_s), request))


def _payments(db: SessionFactory) -> int:
    with db.session_scope() as session:
        return session.scalar(select(func.count()).select_from(Payment).where(~Payment.order_id.like("SD%")))


def test_paying_the_arrears_by_card_settles_the_bill_and_gives_a_receipt(demo_db, fixed_clock, demo_gateway):
    due = _due(demo_db, fixed_clock, ZHANG_WEI, "3301000001")
    assert due > 0
    card_before = demo_gateway.bank.balance("zw-card")

    record = _pay(demo_db, fixed_clock, demo_gateway, _request(demo_db, ZHANG_WEI, "3301000001", due, "zw-card"))

    assert isinstance(record, PaymentRecord)
    assert record.status is PaymentStatus.SUCCEEDED and record.purpose is PaymentPurpose.BILL
    assert record.receipt_no and record.receipt_no.startswith("PR20261123")
    assert record.account_due_fen == 0 and record.prepaid_fen == 0
    assert _due(demo_db, fixed_clock, ZHANG_WEI, "3301000001") == 0
    assert demo_gateway.bank.balance("zw-card") == card_before - due
    with demo_db.session_scope() as session:
        latest = session.scalars(select(MonthlyBill).order_by(MonthlyBill.period.desc())).first()
        assert latest.status is BillStatus.PAID


def test_the_same_key_twice_charges_once(demo_db, fixed_clock, demo_gateway):
    request = _request(demo_db, ZHANG_WEI, "3301000001", 5000, "zw-card")
    first = _pay(demo_db, fixed_clock, demo_gateway, request)
    card_after_first = demo_gateway.bank.balance("zw-card")

    second = _pay(demo_db, fixed_clock, demo_gateway, request)

    assert second.existing and second.receipt_no == first.receipt_no
    assert demo_gateway.bank.balance("zw-card") == card_after_first
    assert _payments(demo_db) == 1


def test_a_key_reused_for_another_amount_is_refused(demo_db, fixed_clock, demo_gateway):
    _pay(demo_db, fixed_clock, demo_gateway, _request(demo_db, ZHANG_WEI, "3301000001", 5000, "zw-card"))
    other = _request(demo_db, ZHANG_WEI, "3301000001", 6000, "zw-card")

    assert _pay(demo_db, fixed_clock, demo_gateway, other) == PaymentRefused(PaymentRefusal.KEY_REUSED)


def test_concurrent_requests_with_one_key_make_one_payment(demo_db, fixed_clock, demo_gateway):
    request = _request(demo_db, ZHANG_WEI, "3301000001", 1234, "zw-card")
    card_before = demo_gateway.bank.balance("zw-card")

    async def both() -> list:
        client = demo_gateway.client(2.0)
        return await asyncio.gather(*(pay(demo_db, fixed_clock, client, request) for _ in range(5)))

    records = asyncio.run(both())

    assert {r.status for r in records} == {PaymentStatus.SUCCEEDED}
    assert len({r.receipt_no for r in records}) == 1
    assert demo_gateway.bank.balance("zw-card") == card_before - 1234
    assert _payments(demo_db) == 1


def test_more_than_owed_goes_to_the_prepaid_balance(demo_db, fixed_clock, demo_gateway):
    due = _due(demo_db, fixed_clock, ZHANG_WEI, "3301000001")

    record = _pay(demo_db, fixed_clock, demo_gateway, _request(demo_db, ZHANG_WEI, "3301000001", due + 1000, "zw-card"))

    assert record.prepaid_fen == 1000 and record.prepaid_balance_fen == 1000 and record.account_due_fen == 0


def test_nothing_owed_makes_it_a_prepayment(demo_db, fixed_clock, demo_gateway):
    record = _pay(demo_db, fixed_clock, demo_gateway, _request(demo_db, ZHAO_QIANG, "3301000003", 10000, "zq-wallet"))

    assert record.status is PaymentStatus.SUCCEEDED
    assert record.purpose is PaymentPurpose.PREPAY and record.prepaid_balance_fen == 10000


def test_a_part_payment_leaves_the_rest_owed(demo_db, fixed_clock, demo_gateway):
    due = _due(demo_db, fixed_clock, ZHANG_WEI, "3301000001")

    record = _pay(demo_db, fixed_clock, demo_gateway, _request(demo_db, ZHANG_WEI, "3301000001", 1000, "zw-card"))

    assert record.account_due_fen == due - 1000 and record.prepaid_fen == 0


def test_overdue_bills_are_paid_oldest_first_with_their_late_fees(demo_db, fixed_clock, demo_gateway):
    _bind(demo_db, ZHANG_WEI, "3301000005")  # four unpaid months, non-residential
    view = balance(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG_WEI), account_number="3301000005")
    oldest = view.unpaid[0]
    assert oldest.late_fee_fen > 0
    amount = oldest.amount_due_fen + oldest.late_fee_fen

    record = _pay(demo_db, fixed_clock, demo_gateway, _request(demo_db, ZHANG_WEI, "3301000005", amount, "zw-card"))

    assert record.late_fee_fen == oldest.late_fee_fen
    with demo_db.session_scope() as session:
        payment = session.scalar(select(Payment).where(Payment.order_id == record.order_id))
        assert payment.allocation == [{
            "period": oldest.period.isoformat(), "principal_fen": oldest.amount_due_fen,
            "late_fee_fen": oldest.late_fee_fen,
        }]
    after = balance(demo_db, fixed_clock, user_id=user_id_of(demo_db, ZHANG_WEI), account_number="3301000005")
    assert len(after.unpaid) == len(view.unpaid) - 1


@pytest.mark.parametrize(
    ("phone", "token", "amount_fen", "reason"),
    [
        (LI_NA, "ln-card", 1000, "card_frozen"),
        (ZHANG_WEI, "zw-wallet", 3001, "insufficient_funds"),  # the wallet holds 30.00
    ],
)
def test_a_decline_charges_nothing_and_says_why(demo_db, fixed_clock, demo_gateway, phone, token, amount_fen, reason):
    if phone == LI_NA:
        _bind(demo_db, LI_NA, "3301000002")
    account = "3301000002" if phone == LI_NA else "3301000001"
    due_before = _due(demo_db, fixed_clock, phone, account)
    funds_before = demo_gateway.bank.balance(token)

    record = _pay(demo_db, fixed_clock, demo_gateway, _request(demo_db, phone, account, amount_fen, token))

    assert record.status is PaymentStatus.DECLINED and record.failure_reason == reason
    assert record.receipt_no is None
    assert _due(demo_db, fixed_clock, phone, account) == due_before
    assert demo_gateway.bank.balance(token) == funds_before


def test_a_timeout_stays_pending_until_the_gateway_confirms_the_charge(demo_db, fixed_clock, demo_gateway):
    funds_before = demo_gateway.bank.balance("zq-card")
    request = _request(demo_db, ZHAO_QIANG, "3301000003", 2000, "zq-card")  # …9999: slow

    record = _pay(demo_db, fixed_clock, demo_gateway, request)

    assert record.status is PaymentStatus.PENDING and record.receipt_no is None
    assert record.prepaid_balance_fen == 0
    resolved = asyncio.run(resolve_pending(demo_db, fixed_clock, demo_gateway.client(), user_id=request.user_id))
    assert [r.status for r in resolved] == [PaymentStatus.SUCCEEDED]
    assert resolved[0].prepaid_balance_fen == 2000
    assert demo_gateway.bank.balance("zq-card") == funds_before - 2000
    # Confirming again, or resolving again, changes nothing.
    assert _pay(demo_db, fixed_clock, demo_gateway, request).existing
    assert asyncio.run(resolve_pending(demo_db, fixed_clock, demo_gateway.client())) == []
    assert demo_gateway.bank.balance("zq-card") == funds_before - 2000


def test_a_timeout_the_gateway_never_received_is_closed_and_not_charged(demo_db, fixed_clock, demo_gateway):
    with demo_db.session_scope() as session:
        user = add_user(session, "13900000009")
        lost = PaymentInstrument(
            user_id=user.id, kind=InstrumentKind.BANK_CARD, bank_name="中国银行", card_type="储蓄卡",
            last4="9990", token="u9-card", created_at=fixed_clock.now(),
        )
        session.add(lost)
    _bind(demo_db, "13900000009", "3301000004")
    funds_before = demo_gateway.bank.balance("u9-card")

    record = _pay(demo_db, fixed_clock, demo_gateway, _request(demo_db, "13900000009", "3301000004", 3000, "u9-card"))

    assert record.status is PaymentStatus.PENDING
    fixed_clock.advance(timedelta(minutes=1))
    resolved = asyncio.run(resolve_pending(demo_db, fixed_clock, demo_gateway.client()))
    assert [(r.status, r.failure_reason) for r in resolved] == [(PaymentStatus.DECLINED, NOT_RECEIVED)]
    assert demo_gateway.bank.balance("u9-card") == funds_before


@pytest.mark.parametrize(
    ("account", "amount_fen", "token", "reason"),
    [
        ("3301000002", 1000, "zw-card", PaymentRefusal.NOT_BOUND),  # not bound by 张伟
        ("3301000001", 0, "zw-card", PaymentRefusal.BAD_AMOUNT),
        ("3301000001", 500_001, "zw-card", PaymentRefusal.BAD_AMOUNT),
        ("3301000001", 1000, "ln-card", PaymentRefusal.NOT_YOUR_INSTRUMENT),
    ],
)
def test_requests_are_checked_again_on_the_server(
    demo_db, fixed_clock, demo_gateway, account, amount_fen, token, reason
):
    request = PaymentRequest(
        user_id=user_id_of(demo_db, ZHANG_WEI), account_number=account, amount_fen=amount_fen,
        instrument_id=_instrument(demo_db, token).id, idempotency_key=idempotency_key("x"),
    )

    assert _pay(demo_db, fixed_clock, demo_gateway, request) == PaymentRefused(reason)
    assert _payments(demo_db) == 0


def test_fifty_concurrent_payments_on_one_account_add_up_exactly(demo_db, fixed_clock, demo_gateway):
    """Prepayments of 1.00 yuan each, all at once: none may be lost (both backends)."""
    user_id = user_id_of(demo_db, ZHAO_QIANG)
    wallet = _instrument(demo_db, "zq-wallet").id
    requests = [
        PaymentRequest(user_id, "3301000003", 100, wallet, idempotency_key("rest", ZHAO_QIANG, f"turn{i}"))
        for i in range(50)
    ]

    async def all_at_once() -> list:
        client = demo_gateway.client(10.0)
        return await asyncio.gather(*(pay(demo_db, fixed_clock, client, r) for r in requests))

    records = asyncio.run(all_at_once())

    assert [r.status for r in records] == [PaymentStatus.SUCCEEDED] * 50
    with demo_db.session_scope() as session:
        account = session.scalar(select(ElectricityAccount).where(ElectricityAccount.account_number == "3301000003"))
        assert account.prepaid_balance_fen == 5000
    assert len({r.receipt_no for r in records}) == 50
