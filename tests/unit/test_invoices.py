"""Invoices and receipts for paid months: refusals, numbers, idempotence (history in bill_fixtures)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from stdnum.cn import uscc

from bot.clock import FixedClock
from bot.db.models import Invoice
from bot.db.session import SessionFactory
from bot.services.accounts import NotBound
from bot.services.bills import NoBillReason
from bot.services.invoices import InvoiceIssued, InvoiceKind, InvoiceRefusal, InvoiceRefused, issue_invoice
from tests.unit.bill_fixtures import ACCOUNT, Billed, make_billing_history


@pytest.fixture
def billed(session_factory: SessionFactory) -> Billed:
    return make_billing_history(session_factory)


def _issue(sf: SessionFactory, clock: FixedClock, user_id: int, month: date | None,
           kind: InvoiceKind = InvoiceKind.VAT, account: str = ACCOUNT) -> object:
    return issue_invoice(sf, clock, user_id=user_id, account_number=account, month=month, kind=kind)


def test_a_paid_month_gets_an_invoice_with_the_bills_facts(
    session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed
) -> None:
    invoice = _issue(session_factory, fixed_clock, billed.user_id, date(2026, 9, 1))
    assert isinstance(invoice, InvoiceIssued)
    assert len(invoice.number) == 20 and invoice.number.startswith("263301061")
    assert (invoice.buyer_name, invoice.account_number, invoice.period, invoice.kwh, invoice.amount_fen) == (
        "钱多多", ACCOUNT, date(2026, 9, 1), 300, 16140)
    assert invoice.seller_name == "国网浙江省电力有限公司杭州供电公司"
    assert uscc.is_valid(invoice.seller_tax_id)
    assert (invoice.tax_rate, invoice.issued_on) == (Decimal("0.13"), date(2026, 11, 23))


def test_asking_again_gives_the_same_number_and_a_receipt_is_a_separate_document(
    session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed
) -> None:
    first = _issue(session_factory, fixed_clock, billed.user_id, date(2026, 9, 1))
    fixed_clock.set(date(2026, 11, 25))
    again = _issue(session_factory, fixed_clock, billed.user_id, date(2026, 9, 1))
    assert (again.number, again.issued_on) == (first.number, first.issued_on)
    receipt = _issue(session_factory, fixed_clock, billed.user_id, date(2026, 9, 1), InvoiceKind.RECEIPT)
    assert receipt.number != first.number and receipt.number[8] == "2" and receipt.tax_rate is None


def test_without_a_month_the_latest_paid_bill_is_invoiced(
    session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed
) -> None:
    assert _issue(session_factory, fixed_clock, billed.user_id, None).period == date(2026, 9, 1)


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (date(2026, 10, 1), InvoiceRefused(InvoiceRefusal.UNPAID)),
        (date(2026, 8, 1), InvoiceRefused(InvoiceRefusal.UNPAID)),
    ],
)
def test_an_unpaid_month_is_refused(
    session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed, month: date, expected: InvoiceRefused
) -> None:
    assert _issue(session_factory, fixed_clock, billed.user_id, month) == expected


def test_a_month_without_a_bill_is_refused_with_the_reason(
    session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed
) -> None:
    refused = _issue(session_factory, fixed_clock, billed.user_id, date(2026, 6, 1))
    assert refused.reason is InvoiceRefusal.NO_BILL and refused.no_bill.reason is NoBillReason.MISSING
    empty = _issue(session_factory, fixed_clock, billed.user_id, None, account=billed.empty_account)
    assert empty.reason is InvoiceRefusal.NO_BILL and empty.no_bill.reason is NoBillReason.NO_BILLS


def test_an_unbound_account_reveals_nothing(
    session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed
) -> None:
    assert isinstance(_issue(session_factory, fixed_clock, billed.other_user_id, date(2026, 9, 1)), NotBound)


def test_simultaneous_requests_issue_one_invoice(
    session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed
) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        numbers = set(pool.map(
            lambda _: _issue(session_factory, fixed_clock, billed.user_id, date(2026, 9, 1)).number, range(8)))
    assert len(numbers) == 1
    with session_factory.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Invoice)) == 1
