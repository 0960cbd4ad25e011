"""缴费记录 of a bound account, and the 缴费凭证 (receipt) of one successful payment.

The holder (:mod:`bot.identity.holder`) sees every payment on the account; anyone else
who bound it sees only their own payments and receipts, and their receipts show the
holder masked and the address cut to the street, as a binding preview does.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bot.accounts.binding import NotBound
from bot.accounts.preview import partial_address
from bot.billing.access import bound_account
from bot.billing.invoices import InvoiceIssued, demo_seller_tax_id
from bot.clock import CHINA_TZ
from bot.db.enums import InstrumentKind, InvoiceKind, PaymentPurpose, PaymentStatus
from bot.db.models import MonthlyBill, Payment, PaymentInstrument
from bot.db.session import SessionFactory
from bot.identity.holder import is_holder
from bot.privacy.masking import mask_name
from bot.text.labels import LEGACY_METHOD_LABELS, WALLET_LABEL, card_label

HISTORY_LENGTH = 5


@dataclass(frozen=True)
class PaymentLine:
    paid_on: date
    amount_fen: int
    method_label: str
    purpose: PaymentPurpose
    status: PaymentStatus
    receipt_no: str | None


@dataclass(frozen=True)
class PaymentHistory:
    lines: list[PaymentLine]
    own_only: bool  # the user is not the holder: only their own payments are listed


def method_label_of_instrument(instrument: PaymentInstrument) -> str:
    if instrument.kind is InstrumentKind.WALLET:
        return WALLET_LABEL
    return card_label(instrument.bank_name or "", instrument.card_type or "", instrument.last4 or "")


def method_label(payment: Payment, viewer_user_id: int | None = None) -> str:
    """How the payment was made; another payer's card is shown without its last four digits."""
    instrument = payment.instrument
    if instrument is None:
        return LEGACY_METHOD_LABELS.get(payment.method, payment.method)
    someone_else = viewer_user_id is not None and payment.user_id != viewer_user_id
    if someone_else and instrument.kind is not InstrumentKind.WALLET:
        return f"{instrument.bank_name or ''}{instrument.card_type or ''}"
    return method_label_of_instrument(instrument)


def payment_history(
    session_factory: SessionFactory, *, user_id: int, account_number: str, limit: int = HISTORY_LENGTH
) -> PaymentHistory | NotBound:
    """The account's latest payments, newest first: all of them for the holder, the user's own otherwise."""
    with session_factory.session_scope() as session:
        account = bound_account(session, user_id, account_number)
        if account is None:
            return NotBound()
        visible = [Payment.account_id == account.id]
        own_only = not is_holder(session, user_id, account)
        if own_only:
            visible.append(Payment.user_id == user_id)
        payments = session.scalars(
            select(Payment).options(joinedload(Payment.instrument)).where(*visible)
            .order_by(Payment.created_at.desc(), Payment.id.desc()).limit(limit)
        )
        lines = [
            PaymentLine(
                paid_on=p.created_at.astimezone(CHINA_TZ).date(), amount_fen=p.amount_fen,
                method_label=method_label(p, user_id), purpose=p.purpose, status=p.status, receipt_no=p.receipt_no,
            )
            for p in payments
        ]
        return PaymentHistory(lines, own_only)


def payment_receipt(
    session_factory: SessionFactory, *, user_id: int, receipt_no: str
) -> InvoiceIssued | NotBound:
    """The receipt of a successful payment on an account the user has bound: any payment for
    the holder, the user's own for anyone else. The item line shows the bills it settled (the
    latest one's month, their kWh); a prepayment shows its month."""
    with session_factory.session_scope() as session:
        payment = session.scalar(
            select(Payment).where(Payment.receipt_no == receipt_no, Payment.status == PaymentStatus.SUCCEEDED)
        )
        account = bound_account(session, user_id, payment.account.account_number) if payment else None
        if payment is None or account is None:
            return NotBound()
        holder = is_holder(session, user_id, account)
        if not holder and payment.user_id != user_id:
            return NotBound()
        paid_at = payment.updated_at.astimezone(CHINA_TZ)
        periods = [date.fromisoformat(line["period"]) for line in payment.allocation or []]
        kwh = sum(
            session.scalars(
                select(MonthlyBill.kwh).where(MonthlyBill.account_id == account.id, MonthlyBill.period.in_(periods))
            )
        ) if periods else 0
        return InvoiceIssued(
            number=receipt_no, kind=InvoiceKind.RECEIPT, issued_on=paid_at.date(),
            seller_name=account.region.supply_company, seller_tax_id=demo_seller_tax_id(account.region_code),
            buyer_name=account.holder_name if holder else mask_name(account.holder_name),
            account_number=account.account_number,
            address=account.address if holder else partial_address(account.address, account.region),
            period=max(periods) if periods else paid_at.date().replace(day=1), kwh=kwh,
            amount_fen=payment.amount_fen, tax_rate=None, paid_at=paid_at,
        )
