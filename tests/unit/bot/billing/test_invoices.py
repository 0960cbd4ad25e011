"""Invoices and receipts for paid months: refusals, numbers, idempotence (history in bill_fixtures)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update
from stdnum.cn import uscc

from bot.accounts.binding import NotBound
from bot.billing.bills import NoBillReason
from bot.billing.invoices import InvoiceIssued, InvoiceKind, InvoiceRefusal, InvoiceRefused, issue_invoice
from bot.clock import FixedClock
from bot.db.id_hash import hash_id_number
from bot.db.models import AccountBinding, ElectricityAccount, Invoice, RealNameRecord
from bot.db.session import SessionFactory
from bot.privacy.masking import mask_id_number
from tests.unit.bill_fixtures import ACCOUNT, Billed, make_billing_history
from tests.unit.conftest import FIXED_NOW
from tests.unit.db_factories import add_user

HOLDER_ID = "330106198001010019"  # 钱多多's resident ID (the hand-made account's holder)


def _verify(sf: SessionFactory, user_id: int, name: str, id_number: str) -> None:
    with sf.session_scope() as session:
        session.add(RealNameRecord(
            user_id=user_id, name=name, id_number_hash=hash_id_number(id_number),
            id_number_masked=mask_id_number(id_number), verified_at=FIXED_NOW,
        ))


@pytest.fixture
def billed(session_factory: SessionFactory) -> Billed:
    """The billing history; its user is the holder: verified with the ID the accounts carry."""
    history = make_billing_history(session_factory)
    _verify(session_factory, history.user_id, "钱多多", HOLDER_ID)
    with session_factory.session_scope() as session:
        session.execute(update(ElectricityAccount).values(holder_id_hash=hash_id_number(HOLDER_ID)))
    return history


def _binder(sf: SessionFactory, phone: str, real_name: tuple[str, str] | None = None) -> int:
    """Another user who bound the account (optionally real-name verified as ``real_name``)."""
    with sf.session_scope() as session:
        user = add_user(session, phone)
        account_id = session.scalar(select(ElectricityAccount.id).where(ElectricityAccount.account_number == ACCOUNT))
        session.add(AccountBinding(user_id=user.id, account_id=account_id, is_default=True, created_at=FIXED_NOW))
        user_id = user.id
    if real_name is not None:
        _verify(sf, user_id, *real_name)
    return user_id


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


# --- least privilege: the documents name the holder ----------------------------


@pytest.mark.parametrize("kind", list(InvoiceKind))
def test_a_binder_who_is_not_the_holder_gets_no_document_naming_the_holder(
    session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed, kind: InvoiceKind
) -> None:
    unverified = _binder(session_factory, "13900000003")
    stranger = _binder(session_factory, "13900000004", ("李娜", "330106198512152347"))
    namesake = _binder(session_factory, "13900000005", ("钱多多", "110105199003078510"))  # same name, other ID
    for user_id in (unverified, stranger, namesake):
        for month in (date(2026, 9, 1), None):
            assert _issue(session_factory, fixed_clock, user_id, month, kind) == InvoiceRefused(
                InvoiceRefusal.HOLDER_ONLY
            )
    with session_factory.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Invoice)) == 0


def test_the_certified_owner_gets_the_invoice(
    session_factory: SessionFactory, fixed_clock: FixedClock, billed: Billed
) -> None:
    owner = _binder(session_factory, "13900000006")
    with session_factory.session_scope() as session:
        session.execute(
            update(ElectricityAccount).where(ElectricityAccount.account_number == ACCOUNT).values(owner_user_id=owner)
        )
    assert isinstance(_issue(session_factory, fixed_clock, owner, date(2026, 9, 1)), InvoiceIssued)
