"""The notices of :mod:`bot.notify.alerts` a user has not been told yet, when they are told.

What is still news is told; what is no longer true is dropped unsaid (marked delivered): a bill
paid since the run, a balance topped up to the threshold, an outage closed or over, an account
the user unbound, a kind the user turned off. Told ones are marked with
:func:`mark_alerts_delivered` once the chat has them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.enums import NoticeKind, OutageStatus
from bot.db.models import AccountBinding, ElectricityAccount, MonthlyBill, Outage, UsageNotice
from bot.db.session import SessionFactory
from bot.notify.preferences import turned_off

__all__ = ["AlertNotice", "mark_alerts_delivered", "pending_alerts"]


@dataclass(frozen=True)
class AlertNotice:
    id: int
    kind: NoticeKind
    account_number: str
    details: dict[str, Any]


def pending_alerts(session_factory: SessionFactory, clock: Clock, *, user_id: int) -> list[AlertNotice]:
    """``user_id``'s notices still to tell, oldest first; the stale ones are dropped on the way."""
    now = clock.now()
    off = turned_off(session_factory, user_id=user_id)
    with session_factory.session_scope() as session:
        rows = list(session.scalars(
            select(UsageNotice).where(UsageNotice.user_id == user_id, UsageNotice.delivered_at.is_(None))
            .order_by(UsageNotice.id)
        ))
        bound = _bound_numbers(session, user_id)
        news: list[UsageNotice] = []
        stale: list[UsageNotice] = []
        for row in rows:
            fresh = row.kind not in off and row.account_number in bound and _still_true(session, row, now)
            (news if fresh else stale).append(row)
        for row in stale:
            row.delivered_at = now
        return [AlertNotice(row.id, row.kind, row.account_number, dict(row.details)) for row in news]


def mark_alerts_delivered(
    session_factory: SessionFactory, clock: Clock, *, user_id: int, notice_ids: list[int]
) -> None:
    with session_factory.session_scope() as session:
        session.execute(
            update(UsageNotice)
            .where(UsageNotice.id.in_(notice_ids), UsageNotice.user_id == user_id, UsageNotice.delivered_at.is_(None))
            .values(delivered_at=clock.now())
        )


def _bound_numbers(session: Session, user_id: int) -> set[str]:
    return set(session.scalars(
        select(ElectricityAccount.account_number)
        .join(AccountBinding, AccountBinding.account_id == ElectricityAccount.id)
        .where(AccountBinding.user_id == user_id)
    ))


def _still_true(session: Session, notice: UsageNotice, now: datetime) -> bool:
    details = notice.details
    if notice.kind is NoticeKind.ARREARS:
        bill = session.scalar(
            select(MonthlyBill).join(ElectricityAccount, ElectricityAccount.id == MonthlyBill.account_id)
            .where(ElectricityAccount.account_number == notice.account_number,
                   MonthlyBill.period == date.fromisoformat(details["period"]))
        )
        return bill is not None and bill.outstanding_fen > 0
    if notice.kind is NoticeKind.LOW_BALANCE:
        balance = session.scalar(
            select(ElectricityAccount.prepaid_balance_fen)
            .where(ElectricityAccount.account_number == notice.account_number)
        )
        return balance is not None and balance < int(details["threshold_fen"])
    if notice.kind is NoticeKind.OUTAGE:
        outage = session.get(Outage, int(details["outage_id"]))
        return outage is not None and outage.status is OutageStatus.OPEN and outage.ends_at > now
    return True  # a month's usage stays what it was
