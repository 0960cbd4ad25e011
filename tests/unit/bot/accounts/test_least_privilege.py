"""Least privilege on a bound account: the holder is decided by the ID number, and a binder
who is not the holder sees only their own payments and receipts (holder masked on them).

Demo account 3301000002 belongs to 王芳 (ID 330102198806122340), not owner-certified; its
seeded payments have no payer among the users.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.accounts.binding import Bound, NotBound, bind
from bot.accounts.ownership import Certified, CertifyRefusal, CertifyRefused, certify_owner
from bot.applications.rename_transfer import ApplicantRole, applicant_role
from bot.billing.invoices import InvoiceIssued
from bot.clock import FixedClock
from bot.db.enums import InstrumentKind, PaymentStatus
from bot.db.id_hash import hash_id_number
from bot.db.models import CitizenRecord, ElectricityAccount, Payment, PaymentInstrument, RealNameRecord
from bot.db.session import SessionFactory
from bot.identity.real_name import Verified, verify_identity
from bot.payments.history import PaymentHistory, payment_history, payment_receipt
from bot.privacy.masking import mask_id_number
from tests.unit.db_factories import add_user, user_id_of

WANG_FANG_ACCOUNT = "3301000002"
WANG_FANG_ID = "330102198806122340"
OTHER_WANG_FANG_ID = "330106199107074528"  # a second 王芳: same name, another person
LI_NA = "13800000002"


def _user(factory: SessionFactory, clock: FixedClock, phone: str, real: tuple[str, str] | None) -> int:
    """A new user who bound 3301000002, real-name verified as ``real`` (name, ID) when given."""
    with factory.session_scope() as session:
        user_id = add_user(session, phone).id
        if real is not None:
            session.add(RealNameRecord(
                user_id=user_id, name=real[0], id_number_hash=hash_id_number(real[1]),
                id_number_masked=mask_id_number(real[1]), verified_at=clock.now(),
            ))
    assert bind(factory, clock, user_id=user_id, account_number=WANG_FANG_ACCOUNT) == Bound(WANG_FANG_ACCOUNT, True)
    return user_id


def _pay(factory: SessionFactory, clock: FixedClock, user_id: int, receipt_no: str) -> None:
    """A settled prepayment by ``user_id`` on 3301000002 (their bank card if they have one; the
    row a payment leaves)."""
    with factory.session_scope() as session:
        account_id = session.scalar(
            select(ElectricityAccount.id).where(ElectricityAccount.account_number == WANG_FANG_ACCOUNT)
        )
        card = session.scalar(select(PaymentInstrument.id).where(
            PaymentInstrument.user_id == user_id, PaymentInstrument.kind == InstrumentKind.BANK_CARD
        ))
        session.add(Payment(
            order_id=f"OD{receipt_no}", idempotency_key=f"test:{receipt_no}", account_id=account_id, user_id=user_id,
            instrument_id=card, amount_fen=10000, method="card", status=PaymentStatus.SUCCEEDED, receipt_no=receipt_no,
            created_at=clock.now(), updated_at=clock.now(),
        ))


def _history(factory: SessionFactory, user_id: int) -> PaymentHistory:
    history = payment_history(factory, user_id=user_id, account_number=WANG_FANG_ACCOUNT, limit=50)
    assert isinstance(history, PaymentHistory)
    return history


# --- payments and receipts -------------------------------------------------------


def test_a_binder_sees_only_their_own_payments_and_receipts(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    li_na = user_id_of(demo_db, LI_NA)
    assert bind(demo_db, fixed_clock, user_id=li_na, account_number=WANG_FANG_ACCOUNT) == Bound(
        WANG_FANG_ACCOUNT, True
    )
    namesake = _user(demo_db, fixed_clock, "13900000001", ("王芳", OTHER_WANG_FANG_ID))
    _pay(demo_db, fixed_clock, li_na, "PRLINA0001")
    fixed_clock.advance(timedelta(minutes=5))
    _pay(demo_db, fixed_clock, namesake, "PRNAMESAKE01")

    mine = _history(demo_db, li_na)
    assert mine.own_only and [(line.receipt_no, line.method_label) for line in mine.lines] == [
        ("PRLINA0001", "工商银行储蓄卡(尾号0000)")
    ]
    assert [line.receipt_no for line in _history(demo_db, namesake).lines] == ["PRNAMESAKE01"]

    seeded = f"RC{WANG_FANG_ACCOUNT}{fixed_clock.today().replace(day=1) - timedelta(days=1):%Y%m}"
    for receipt_no in (seeded, "PRNAMESAKE01"):  # the holder's, another binder's
        assert isinstance(payment_receipt(demo_db, user_id=li_na, receipt_no=receipt_no), NotBound)
    own = payment_receipt(demo_db, user_id=li_na, receipt_no="PRLINA0001")
    assert isinstance(own, InvoiceIssued) and own.amount_fen == 10000
    assert (own.buyer_name, own.address) == ("王*", "浙江省杭州市上城区解放路")  # as a binding preview shows


def test_the_holder_by_id_sees_every_payment_with_the_full_receipt(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    li_na = user_id_of(demo_db, LI_NA)
    bind(demo_db, fixed_clock, user_id=li_na, account_number=WANG_FANG_ACCOUNT)
    _pay(demo_db, fixed_clock, li_na, "PRLINA0001")
    wang_fang = _user(demo_db, fixed_clock, "13900000002", ("王芳", WANG_FANG_ID))

    history = _history(demo_db, wang_fang)
    assert not history.own_only and len(history.lines) == 14  # 13 seeded, and 李娜's
    # 李娜's payment, without her card's digits: those are hers, not the holder's.
    assert [line.method_label for line in history.lines if line.receipt_no == "PRLINA0001"] == ["工商银行储蓄卡"]
    receipt = payment_receipt(demo_db, user_id=wang_fang, receipt_no="PRLINA0001")
    assert isinstance(receipt, InvoiceIssued)
    assert (receipt.buyer_name, receipt.address) == ("王芳", "浙江省杭州市上城区解放路58号")


# --- the same name is not the same person ----------------------------------------


def test_a_namesake_cannot_certify_nor_act_as_holder_and_the_real_holder_can(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    namesake = _user(demo_db, fixed_clock, "13900000001", ("王芳", OTHER_WANG_FANG_ID))
    assert certify_owner(demo_db, user_id=namesake, account_number=WANG_FANG_ACCOUNT) == CertifyRefused(
        CertifyRefusal.NOT_THE_HOLDER
    )
    assert applicant_role(demo_db, user_id=namesake, account_number=WANG_FANG_ACCOUNT) is ApplicantRole.AGENT

    real = _user(demo_db, fixed_clock, "13900000002", None)
    assert verify_identity(demo_db, fixed_clock, user_id=real, name="王芳", id_number=WANG_FANG_ID) == Verified(
        "3301**********2340"
    )
    assert applicant_role(demo_db, user_id=real, account_number=WANG_FANG_ACCOUNT) is ApplicantRole.HOLDER
    assert certify_owner(demo_db, user_id=real, account_number=WANG_FANG_ACCOUNT) == Certified(WANG_FANG_ACCOUNT)
    assert certify_owner(demo_db, user_id=namesake, account_number=WANG_FANG_ACCOUNT) == CertifyRefused(
        CertifyRefusal.NOT_THE_HOLDER
    )


def test_an_existing_certified_owner_is_not_replaced(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    """An owner certified earlier (by the name-only rule, or before a 过户) stays owner even
    against the ID-matching holder: replacing them takes their consent or a 过户."""
    earlier_owner = _user(demo_db, fixed_clock, "13900000001", ("王芳", OTHER_WANG_FANG_ID))
    real = _user(demo_db, fixed_clock, "13900000002", ("王芳", WANG_FANG_ID))
    with demo_db.session_scope() as session:
        account = session.scalars(
            select(ElectricityAccount).where(ElectricityAccount.account_number == WANG_FANG_ACCOUNT)
        ).one()
        account.owner_user_id = earlier_owner
    assert certify_owner(demo_db, user_id=real, account_number=WANG_FANG_ACCOUNT) == CertifyRefused(
        CertifyRefusal.ALREADY_CERTIFIED_BY_OTHER
    )
    with demo_db.session_scope() as session:
        owner = session.scalar(
            select(ElectricityAccount.owner_user_id).where(ElectricityAccount.account_number == WANG_FANG_ACCOUNT)
        )
    assert owner == earlier_owner


@pytest.mark.parametrize(("phone", "number"), [("13800000001", "3301000001"), ("13800000004", "3301000003")])
def test_the_seeded_owners_are_the_holders_by_id(demo_db: SessionFactory, phone: str, number: str) -> None:
    """张伟 and 赵强 keep 户主本人: their accounts carry the IDs of their real-name records."""
    with demo_db.session_scope() as session:
        account = session.scalars(select(ElectricityAccount).where(ElectricityAccount.account_number == number)).one()
        record = session.scalars(
            select(RealNameRecord).where(RealNameRecord.user_id == account.owner_user_id)
        ).one()
        assert account.holder_id_hash == record.id_number_hash
        account.owner_user_id = None  # even without the certification, the ID makes them the holder
    assert applicant_role(demo_db, user_id=user_id_of(demo_db, phone), account_number=number) is ApplicantRole.HOLDER


def test_every_individual_holder_can_verify_as_the_holder(demo_db: SessionFactory) -> None:
    """Each individual account carries its holder's ID, which the demo registry knows under the
    holder's name (so 王芳, 刘洋 … could verify and certify); enterprises carry none."""
    with demo_db.session_scope() as session:
        accounts = session.scalars(select(ElectricityAccount).order_by(ElectricityAccount.account_number)).all()
        registry = dict(session.execute(select(CitizenRecord.id_number_hash, CitizenRecord.name)).all())
        by_kind = {
            account.account_number: registry.get(account.holder_id_hash) if account.holder_id_hash else None
            for account in accounts
        }
    assert by_kind == {
        "1101000001": "孙磊", "1101000002": None, "3301000001": "张伟", "3301000002": "王芳",
        "3301000003": "赵强", "3301000004": "刘洋", "3301000005": "陈静", "6501000001": None,
    }
