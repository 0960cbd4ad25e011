"""How a payment the payer left while it was still being confirmed (确认中) ended, told to the
payer once.

``python -m bot payments resolve`` settles such payments with no payer watching; settling marks
each payment made in chat ``outcome_notice_due`` in the same transaction
(:func:`bot.payments.ledger.settle`). The payer is told with their next message, or at once on
the chat they used last when it can push (:func:`payers_to_tell`, :mod:`bot.notify.push`); then
:func:`mark_payment_outcomes_told` clears the flag. A payer who asks about the payment
themselves (a balance query settles it in front of them) sees the outcome in the answer instead.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from bot.db.dml import execute_dml
from bot.db.enums import PaymentStatus
from bot.db.models import ElectricityAccount, Payment
from bot.db.session import SessionFactory


@dataclass(frozen=True)
class PaymentOutcomeNotice:
    payment_id: int
    account_number: str
    amount_fen: int
    succeeded: bool  # False: not charged (declined, or never reached the bank)
    receipt_no: str | None  # of a payment that succeeded
    made_at: datetime  # when the payer confirmed it


def pending_payment_outcomes(session_factory: SessionFactory, *, user_id: int) -> list[PaymentOutcomeNotice]:
    """The settled outcomes the payer ``user_id`` has not been told yet, oldest payment first."""
    with session_factory.session_scope() as session:
        rows = session.execute(
            select(Payment, ElectricityAccount.account_number)
            .join(ElectricityAccount, Payment.account_id == ElectricityAccount.id)
            .where(Payment.user_id == user_id, Payment.outcome_notice_due.is_(True))
            .order_by(Payment.created_at, Payment.id)
        ).all()
        return [
            PaymentOutcomeNotice(payment.id, number, payment.amount_fen, payment.status is PaymentStatus.SUCCEEDED,
                                 payment.receipt_no, payment.created_at)
            for payment, number in rows
        ]


def mark_payment_outcomes_told(
    session_factory: SessionFactory, *, user_id: int, payment_ids: Iterable[int]
) -> int:
    """Clear the notices of ``payment_ids`` the payer was told; returns how many were cleared
    (other users' payments and notices already cleared are left alone)."""
    ids = list(payment_ids)
    if not ids:
        return 0
    with session_factory.session_scope() as session:
        return execute_dml(
            session,
            update(Payment)
            .where(Payment.id.in_(ids), Payment.user_id == user_id, Payment.outcome_notice_due.is_(True))
            .values(outcome_notice_due=False)
            .execution_options(synchronize_session=False),
        )


def payers_to_tell(session_factory: SessionFactory, *, order_ids: Iterable[str]) -> list[int]:
    """The payers of ``order_ids`` who have an outcome notice waiting, each once (to push them)."""
    orders = list(order_ids)
    if not orders:
        return []
    with session_factory.session_scope() as session:
        return list(session.scalars(
            select(Payment.user_id)
            .where(Payment.order_id.in_(orders), Payment.outcome_notice_due.is_(True), Payment.user_id.is_not(None))
            .distinct()
            .order_by(Payment.user_id)
        ))
