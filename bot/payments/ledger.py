"""The database side of a payment: record it once, then apply the gateway's answer once.

A payment is first written as ``pending`` under its idempotency key (a second request
with the same key finds that row instead of making another), then settled when the
gateway answers. Settling runs with the account locked and re-reads the payment, so it
takes effect exactly once however many workers settle the same order at the same time.

The lock is an UPDATE of the account row issued as the transaction's *first* statement:
PostgreSQL takes a row lock, SQLite takes its write lock before reading anything, so a
concurrent payment waits instead of working from a stale balance.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from enum import Enum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import ScalarSelect

from bot.billing.access import bills_of, bound_account
from bot.billing.bills import amount_due_fen, bill_late_fee_fen, unpaid_bills
from bot.clock import Clock
from bot.db.enums import BillStatus, PaymentPurpose, PaymentStatus
from bot.db.locks import lock_account
from bot.db.models import ElectricityAccount, Payment, PaymentInstrument
from bot.db.session import SessionFactory
from bot.money import fen_to_yuan
from bot.payments.gateway import ChargeResult, ChargeStatus
from bot.text.amounts import AmountError, validate_payment_amount

NOT_RECEIVED = "not_received"  # the gateway never got the order; it was closed, nothing charged
KEY_LENGTH = 64


class PaymentRefusal(Enum):
    NOT_BOUND = "not_bound"  # not an account this user has bound
    BAD_AMOUNT = "bad_amount"  # outside 0.01–5000.00 or more than 2 decimals
    NOT_YOUR_INSTRUMENT = "not_your_instrument"
    KEY_REUSED = "key_reused"  # the key belongs to a different payment


@dataclass(frozen=True)
class PaymentRefused:
    reason: PaymentRefusal


@dataclass(frozen=True)
class PaymentRequest:
    user_id: int  # the payer, who must have bound the account and own the instrument
    account_number: str
    amount_fen: int
    instrument_id: int
    idempotency_key: str
    purpose: PaymentPurpose | None = None  # None: BILL when something is owed, else PREPAY
    quote_id: int | None = None  # the frozen quote confirmed in chat (bot.payments.quotes)


@dataclass(frozen=True)
class PaymentRecord:
    """A payment as stored, with what the account looks like after it."""

    order_id: str
    account_number: str
    amount_fen: int
    purpose: PaymentPurpose
    status: PaymentStatus
    instrument_token: str | None
    receipt_no: str | None
    failure_reason: str | None
    late_fee_fen: int
    prepaid_fen: int
    created_at_date: date
    account_due_fen: int  # arrears + late fees still owed (as of the clock's today)
    prepaid_balance_fen: int
    existing: bool = False  # the key had been used already: nothing new was started


def idempotency_key(*parts: str) -> str:
    """A 64-hex key from what identifies one request (e.g. chat, sender and confirmation turn)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def order_id_for(key: str) -> str:
    """The order id the gateway knows the payment by; fixed by the key, so a retry reuses it."""
    return "PY" + hashlib.sha256(f"order:{key}".encode()).hexdigest()[:24].upper()


def receipt_number(day: date, payment_id: int) -> str:
    return f"PR{day:%Y%m%d}{payment_id:08d}"


def begin_payment(
    session_factory: SessionFactory, clock: Clock, request: PaymentRequest
) -> PaymentRecord | PaymentRefused:
    """Record the payment as pending, or return the one already recorded under its key."""
    if len(request.idempotency_key) != KEY_LENGTH:
        return PaymentRefused(PaymentRefusal.KEY_REUSED)
    try:
        validate_payment_amount(fen_to_yuan(request.amount_fen))
    except (AmountError, TypeError):
        return PaymentRefused(PaymentRefusal.BAD_AMOUNT)
    try:
        with session_factory.session_scope() as session:
            return _insert_pending(session, clock, request)
    except IntegrityError:  # the same key, recorded a moment ago by a concurrent request
        with session_factory.session_scope() as session:
            existing = _by_key(session, request.idempotency_key)
            if existing is None:
                raise
            return _same_request(session, clock, existing, request)


def _insert_pending(session: Session, clock: Clock, request: PaymentRequest) -> PaymentRecord | PaymentRefused:
    existing = _by_key(session, request.idempotency_key)
    if existing is not None:
        return _same_request(session, clock, existing, request)
    account = bound_account(session, request.user_id, request.account_number)
    if account is None:
        return PaymentRefused(PaymentRefusal.NOT_BOUND)
    instrument = session.get(PaymentInstrument, request.instrument_id)
    if instrument is None or instrument.user_id != request.user_id:
        return PaymentRefused(PaymentRefusal.NOT_YOUR_INSTRUMENT)
    today = clock.today()
    purpose = request.purpose or (
        PaymentPurpose.BILL if _due_fen(session, account, today) > 0 else PaymentPurpose.PREPAY
    )
    now = clock.now()
    payment = Payment(
        order_id=order_id_for(request.idempotency_key), idempotency_key=request.idempotency_key,
        account_id=account.id, user_id=request.user_id,
        instrument_id=instrument.id, purpose=purpose, amount_fen=request.amount_fen, method=instrument.kind.value,
        status=PaymentStatus.PENDING, created_at=now, updated_at=now, quote_id=request.quote_id,
    )
    session.add(payment)
    session.flush()
    return _record(session, clock, payment)


def _same_request(
    session: Session, clock: Clock, existing: Payment, request: PaymentRequest
) -> PaymentRecord | PaymentRefused:
    account = session.get(ElectricityAccount, existing.account_id)
    same = (
        account is not None
        and account.account_number == request.account_number
        and existing.amount_fen == request.amount_fen
        and existing.instrument_id == request.instrument_id
        and existing.user_id == request.user_id
    )
    if not same:
        return PaymentRefused(PaymentRefusal.KEY_REUSED)
    return _record(session, clock, existing, existing=True)


def _by_key(session: Session, key: str) -> Payment | None:
    return session.scalar(select(Payment).where(Payment.idempotency_key == key))


def settle(
    session_factory: SessionFactory, clock: Clock, result: ChargeResult, *, tell_payer: bool = False
) -> PaymentRecord:
    """Apply the gateway's answer to the pending payment ``result.order_id``, exactly once.

    SUCCEEDED pays the unpaid bills oldest first (each bill's late fee with its last
    payment) and puts the rest on the prepaid balance; DECLINED, CLOSED and NOT_FOUND
    record that nothing was charged. A payment already settled is returned unchanged.
    With ``tell_payer`` (settled by the background job, not in front of the payer) a payment
    the payer made in chat becomes, in the same transaction, a notice for them
    (:mod:`bot.payments.outcome_notices`); auto-debit charges were never announced as pending.
    """
    with session_factory.session_scope() as session:
        lock_account(session, account_id=_account_of_order(result.order_id))
        payment = session.scalar(select(Payment).where(Payment.order_id == result.order_id))
        if payment is None:
            raise LookupError(f"no payment with order id {result.order_id}")
        if payment.status is PaymentStatus.PENDING:
            _apply(session, clock, payment, result)
            payment.outcome_notice_due = (
                tell_payer and payment.user_id is not None and payment.purpose is not PaymentPurpose.AUTOPAY
            )
        return _record(session, clock, payment)


def _account_of_order(order_id: str) -> ScalarSelect:
    return select(Payment.account_id).where(Payment.order_id == order_id).scalar_subquery()


def _account_of(session: Session, payment: Payment) -> ElectricityAccount:
    account = session.get(ElectricityAccount, payment.account_id)
    assert account is not None, "payments.account_id is a non-null foreign key"
    return account


def _apply(session: Session, clock: Clock, payment: Payment, result: ChargeResult) -> None:
    now = clock.now()
    payment.updated_at = now
    if result.status is ChargeStatus.SUCCEEDED:
        account = _account_of(session, payment)
        allocation, late_fee_fen, rest = _allocate(session, account, payment.amount_fen, clock)
        account.prepaid_balance_fen += rest
        payment.status = PaymentStatus.SUCCEEDED
        payment.transaction_id = result.transaction_id
        payment.allocation = allocation
        payment.late_fee_fen = late_fee_fen
        payment.prepaid_fen = rest
        session.flush()  # the id is known already; flush keeps the order of writes plain
        payment.receipt_no = receipt_number(clock.today(), payment.id)
    else:
        payment.status = PaymentStatus.DECLINED
        payment.failure_reason = result.reason.value if result.reason is not None else NOT_RECEIVED


def _allocate(
    session: Session, account: ElectricityAccount, amount_fen: int, clock: Clock
) -> tuple[list[dict[str, object]], int, int]:
    """Pay unpaid bills oldest first; return (per-bill allocation, late fees paid, remainder)."""
    today, now = clock.today(), clock.now()
    rest, late_fees, allocation = amount_fen, 0, []
    for bill in bills_of(session, account):
        if rest == 0:
            break
        if bill.outstanding_fen == 0:
            continue
        fee = bill_late_fee_fen(account, bill, today)
        if rest >= bill.outstanding_fen + fee:
            principal, paid_fee = bill.outstanding_fen, fee
        else:  # a part payment goes to the bill; its late fee is collected with the last part
            principal, paid_fee = rest, 0
        bill.paid_fen += principal
        bill.late_fee_paid_fen += paid_fee
        if bill.outstanding_fen == 0:
            bill.status, bill.paid_at = BillStatus.PAID, now
        rest -= principal + paid_fee
        late_fees += paid_fee
        allocation.append({"period": bill.period.isoformat(), "principal_fen": principal, "late_fee_fen": paid_fee})
    return allocation, late_fees, rest


def _due_fen(session: Session, account: ElectricityAccount, today: date) -> int:
    return amount_due_fen(unpaid_bills(session, account, today))


def _record(session: Session, clock: Clock, payment: Payment, *, existing: bool = False) -> PaymentRecord:
    account = _account_of(session, payment)
    instrument = session.get(PaymentInstrument, payment.instrument_id) if payment.instrument_id else None
    return PaymentRecord(
        order_id=payment.order_id, account_number=account.account_number, amount_fen=payment.amount_fen,
        purpose=payment.purpose, status=payment.status,
        instrument_token=instrument.token if instrument else None, receipt_no=payment.receipt_no,
        failure_reason=payment.failure_reason, late_fee_fen=payment.late_fee_fen, prepaid_fen=payment.prepaid_fen,
        created_at_date=payment.created_at.astimezone(clock.now().tzinfo).date(),
        account_due_fen=_due_fen(session, account, clock.today()),
        prepaid_balance_fen=account.prepaid_balance_fen, existing=existing,
    )


def pending_orders(
    session_factory: SessionFactory, *, user_id: int | None = None, account_number: str | None = None
) -> list[str]:
    """Order ids of payments still waiting for the gateway's answer, oldest first."""
    with session_factory.session_scope() as session:
        query = select(Payment.order_id).where(Payment.status == PaymentStatus.PENDING)
        if user_id is not None:
            query = query.where(Payment.user_id == user_id)
        if account_number is not None:
            query = query.join(ElectricityAccount, ElectricityAccount.id == Payment.account_id).where(
                ElectricityAccount.account_number == account_number
            )
        return list(session.scalars(query.order_by(Payment.created_at, Payment.id)))
