"""电子发票 / 缴费凭证 for a paid month of a bound account, issued once per bill and kind.

Numbers have 20 digits like a 数电发票: the 2-digit year of issue, the 6-digit region
code, 1 digit for the kind (1 invoice, 2 receipt) and the 11-digit database id. The
seller's 统一社会信用代码 is a demo one per region with a valid GB 32100 check digit.

Both name the holder and the full address, so only the holder (by verified ID, or the
certified owner: :mod:`bot.identity.holder`) gets them; other binders are refused with
``HOLDER_ONLY`` and get the receipts of their own payments from the payment history.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import partial

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from stdnum.cn import uscc

from bot.accounts.binding import NotBound
from bot.billing.access import NoBill, bills_of, bound_account, why_no_bill
from bot.clock import CHINA_TZ, Clock
from bot.db.enums import InvoiceKind
from bot.db.models import ElectricityAccount, Invoice, MonthlyBill
from bot.db.session import SessionFactory
from bot.identity.holder import is_holder

__all__ = ["InvoiceIssued", "InvoiceKind", "InvoiceRefusal", "InvoiceRefused", "issue_invoice"]

VAT_RATE = Decimal("0.13")  # electricity supply: 13% VAT
KIND_DIGITS = {InvoiceKind.VAT: "1", InvoiceKind.RECEIPT: "2"}


class InvoiceRefusal(Enum):
    UNPAID = "unpaid"  # 该月账单尚未缴清
    NO_BILL = "no_bill"
    NOTHING_PAID = "nothing_paid"  # "the latest paid bill" asked, but none is paid
    HOLDER_ONLY = "holder_only"  # the user bound the account but is not its holder


@dataclass(frozen=True)
class InvoiceRefused:
    reason: InvoiceRefusal
    no_bill: NoBill | None = None


@dataclass(frozen=True)
class InvoiceIssued:
    number: str
    kind: InvoiceKind
    issued_on: date
    seller_name: str
    seller_tax_id: str
    buyer_name: str
    account_number: str
    address: str
    period: date
    kwh: int
    amount_fen: int
    tax_rate: Decimal | None
    paid_at: datetime | None


def demo_seller_tax_id(region_code: str) -> str:
    """A 统一社会信用代码-shaped id for a region's supply company, check digit included."""
    body = f"91{region_code}MA2{region_code[-5:]}0"
    return body + uscc.calc_check_digit(body)


def invoice_number(issued_on: date, region_code: str, kind: InvoiceKind, invoice_id: int) -> str:
    return f"{issued_on:%y}{region_code}{KIND_DIGITS[kind]}{invoice_id:011d}"


def _bill_for(
    session: Session, account: ElectricityAccount, month: date | None, today: date
) -> MonthlyBill | InvoiceRefused:
    bills = bills_of(session, account)
    latest = bills[-1].period if bills else None
    if month is None:
        paid = [bill for bill in bills if bill.outstanding_fen == 0]
        if paid:
            return paid[-1]
        if not bills:
            return InvoiceRefused(InvoiceRefusal.NO_BILL, why_no_bill(account, None, today, None))
        return InvoiceRefused(InvoiceRefusal.NOTHING_PAID)
    bill = next((b for b in bills if b.period == month), None)
    if bill is None:
        return InvoiceRefused(InvoiceRefusal.NO_BILL, why_no_bill(account, month, today, latest))
    if bill.outstanding_fen > 0:
        return InvoiceRefused(InvoiceRefusal.UNPAID)
    return bill


def _invoice_row(
    session_factory: SessionFactory, clock: Clock, bill_id: int, kind: InvoiceKind, region: str
) -> Invoice:
    """The bill's invoice of ``kind``, created on first request; a concurrent first request
    loses the unique-constraint race and reads the winner's row."""
    def existing(session: Session) -> Invoice | None:
        return session.scalar(select(Invoice).where(Invoice.bill_id == bill_id, Invoice.kind == kind))

    with session_factory.session_scope() as session:
        found = existing(session)
        if found is not None:
            session.expunge(found)
            return found
    try:
        with session_factory.session_scope() as session:
            row = Invoice(bill_id=bill_id, kind=kind, issued_on=clock.today(), created_at=clock.now())
            session.add(row)
            session.flush()
            row.number = invoice_number(row.issued_on, region, kind, row.id)
            session.flush()
            session.expunge(row)
            return row
    except IntegrityError:
        with session_factory.session_scope() as session:
            winner = existing(session)
            assert winner is not None, "an invoice row lost a race to a row that vanished"
            session.expunge(winner)
            return winner


def issue_invoice(
    session_factory: SessionFactory,
    clock: Clock,
    *,
    user_id: int,
    account_number: str,
    month: date | None,
    kind: InvoiceKind,
) -> InvoiceIssued | InvoiceRefused | NotBound:
    """The invoice (or receipt) of a paid month; ``month=None`` means the latest paid bill."""
    with session_factory.session_scope() as session:
        account = bound_account(session, user_id, account_number)
        if account is None:
            return NotBound()
        if not is_holder(session, user_id, account):
            return InvoiceRefused(InvoiceRefusal.HOLDER_ONLY)
        bill = _bill_for(session, account, month, clock.today())
        if isinstance(bill, InvoiceRefused):
            return bill
        bill_id, region = bill.id, account.region_code
        invoice_of_row = partial(  # the facts read while the session is open; the number comes after
            InvoiceIssued,
            seller_name=account.region.supply_company, seller_tax_id=demo_seller_tax_id(region),
            buyer_name=account.holder_name, account_number=account.account_number, address=account.address,
            period=bill.period, kwh=bill.kwh, amount_fen=bill.amount_fen,
            paid_at=bill.paid_at.astimezone(CHINA_TZ) if bill.paid_at else None,
        )
    row = _invoice_row(session_factory, clock, bill_id, kind, region)
    return invoice_of_row(
        number=str(row.number), kind=kind, issued_on=row.issued_on,
        tax_rate=VAT_RATE if kind is InvoiceKind.VAT else None,
    )
