"""Shared set-ups for the notice tests: binding a demo account to a demo user, shaping an
account's facts (a last-year bill, a prepaid balance, a top-up), and reading the notices."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.clock import Clock
from bot.db.enums import NoticeKind, PaymentPurpose, PaymentStatus
from bot.db.models import AccountBinding, ElectricityAccount, MonthlyBill, Payment, UsageNotice
from bot.db.session import SessionFactory
from tests.unit.db_factories import user_id_of

ZHANG_WEI, LI_NA = "13800000001", "13800000002"
LOW_BALANCE_FEN = 3000


def bind(session_factory: SessionFactory, clock: Clock, phone: str, number: str) -> int:
    """Bind ``number`` to the user of ``phone`` (the binding flow has its own tests); their id."""
    user_id = user_id_of(session_factory, phone)
    with session_factory.session_scope() as session:
        account_id = session.scalars(
            select(ElectricityAccount.id).where(ElectricityAccount.account_number == number)).one()
        session.add(AccountBinding(user_id=user_id, account_id=account_id, is_default=False, created_at=clock.now()))
    return user_id


def unbind(session_factory: SessionFactory, user_id: int, number: str) -> None:
    with session_factory.session_scope() as session:
        account_id = session.scalars(
            select(ElectricityAccount.id).where(ElectricityAccount.account_number == number)).one()
        binding = session.scalars(select(AccountBinding).where(
            AccountBinding.user_id == user_id, AccountBinding.account_id == account_id)).one()
        session.delete(binding)


def shrink_bill(session_factory: SessionFactory, number: str, period: date, kwh: int) -> None:
    """Make ``period``'s bill of ``number`` a ``kwh`` one (all in the first tier)."""
    with session_factory.session_scope() as session:
        bill = session.scalars(select(MonthlyBill).join(ElectricityAccount).where(
            ElectricityAccount.account_number == number, MonthlyBill.period == period)).one()
        bill.kwh, bill.tier1_kwh, bill.tier2_kwh, bill.tier3_kwh = kwh, kwh, 0, 0
        if bill.peak_kwh is not None:
            bill.peak_kwh, bill.valley_kwh = kwh // 2, kwh - kwh // 2


def set_prepaid(session_factory: SessionFactory, number: str, fen: int) -> None:
    with session_factory.session_scope() as session:
        account = session.scalars(select(ElectricityAccount).where(ElectricityAccount.account_number == number)).one()
        account.prepaid_balance_fen = fen


def top_up(session_factory: SessionFactory, clock: Clock, number: str, fen: int) -> None:
    """A settled 预存 of ``fen`` onto ``number``'s prepaid balance."""
    with session_factory.session_scope() as session:
        account = session.scalars(select(ElectricityAccount).where(ElectricityAccount.account_number == number)).one()
        count = len(session.scalars(select(Payment.id)).all())
        session.add(Payment(
            order_id=f"TOPUP{count:06d}", idempotency_key=f"top-up-{count}", account_id=account.id,
            purpose=PaymentPurpose.PREPAY, amount_fen=fen, method="dianebao", status=PaymentStatus.SUCCEEDED,
            prepaid_fen=fen, created_at=clock.now(), updated_at=clock.now(),
        ))
        account.prepaid_balance_fen += fen


def notices_of(session_factory: SessionFactory, user_id: int) -> list[tuple[NoticeKind, str, bool]]:
    """(kind, event key, told yet) of each of the user's notices, oldest first."""
    with session_factory.session_scope() as session:
        return [(row.kind, row.event_key, row.delivered_at is not None) for row in session.scalars(
            select(UsageNotice).where(UsageNotice.user_id == user_id).order_by(UsageNotice.id))]
