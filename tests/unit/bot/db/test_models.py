"""Constraints and column types of the business tables, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm.exc import StaleDataError

from bot.clock import CHINA_TZ
from bot.db.enums import AccountCategory, BillStatus, WorkOrderKind, WorkOrderStatus
from bot.db.id_hash import DEV_ID_HASH_SECRET, hash_id_number, id_hash_secret
from bot.db.models import (
    AccountBinding,
    ElectricityAccount,
    MonthlyBill,
    SmsMessage,
    User,
    WorkOrder,
)
from bot.db.session import SessionFactory
from tests.unit.conftest import FIXED_NOW
from tests.unit.db_factories import add_account, add_user


def _commit_fails(session_factory: SessionFactory, *rows: object) -> None:
    with pytest.raises(IntegrityError), session_factory.session_scope() as session:
        session.add_all(rows)


def test_phone_is_unique(session_factory: SessionFactory) -> None:
    with session_factory.session_scope() as session:
        add_user(session, "13900000001")
    _commit_fails(session_factory, User(phone="13900000001", registered_at=FIXED_NOW))


def test_phone_must_have_eleven_characters(session_factory: SessionFactory) -> None:
    _commit_fails(session_factory, User(phone="1390000", registered_at=FIXED_NOW))


def test_binding_pair_is_unique(session_factory: SessionFactory) -> None:
    with session_factory.session_scope() as session:
        user_id, account_id = add_user(session).id, add_account(session).id
        session.add(AccountBinding(user_id=user_id, account_id=account_id, created_at=FIXED_NOW))
    _commit_fails(
        session_factory,
        AccountBinding(user_id=user_id, account_id=account_id, created_at=FIXED_NOW),
    )


def test_a_user_has_at_most_one_default_binding(session_factory: SessionFactory) -> None:
    with session_factory.session_scope() as session:
        user_id = add_user(session).id
        first, second = add_account(session, "3301999991").id, add_account(session, "3301999992").id
        session.add(AccountBinding(user_id=user_id, account_id=first, is_default=True,
                                   created_at=FIXED_NOW))
    _commit_fails(
        session_factory,
        AccountBinding(user_id=user_id, account_id=second, is_default=True, created_at=FIXED_NOW),
    )
    with session_factory.session_scope() as session:  # a second non-default one is fine
        session.add(AccountBinding(user_id=user_id, account_id=second, created_at=FIXED_NOW))


def test_database_rejects_unknown_enum_values(session_factory: SessionFactory) -> None:
    with session_factory.session_scope() as session:
        add_account(session, "3301999999")
    with pytest.raises(IntegrityError), session_factory.session_scope() as session:
        session.execute(text(
            "UPDATE electricity_accounts SET category = '工业' WHERE account_number = '3301999999'"
        ))


def test_orm_rejects_unknown_enum_values(session_factory: SessionFactory) -> None:
    with pytest.raises(StatementError), session_factory.session_scope() as session:
        account = add_account(session)
        account.category = "工业"  # type: ignore[assignment]


def test_enum_values_are_stored_as_their_chinese_or_code_values(
    session_factory: SessionFactory,
) -> None:
    with session_factory.session_scope() as session:
        account_id = add_account(session).id
        session.add(WorkOrder(order_no="GD20261123001", kind=WorkOrderKind.RENAME,
                              account_id=account_id, status=WorkOrderStatus.ACCEPTED,
                              form_data={"新户名": "周敏"}, created_at=FIXED_NOW,
                              updated_at=FIXED_NOW))
    with session_factory.session_scope() as session:
        raw = session.execute(text("SELECT kind, status, form_data FROM work_orders")).one()
        order = session.scalars(select(WorkOrder)).one()
        assert (raw.kind, raw.status) == ("更名", "已受理")
        assert "周敏" in str(raw.form_data)  # readable, not \\u-escaped
        assert order.kind is WorkOrderKind.RENAME and order.form_data == {"新户名": "周敏"}
        category = session.scalar(text("SELECT category FROM electricity_accounts"))
        assert category == "低压居民" == AccountCategory.RESIDENTIAL


def test_foreign_keys_are_enforced(session_factory: SessionFactory) -> None:
    _commit_fails(
        session_factory, AccountBinding(user_id=999_999, account_id=999_999, created_at=FIXED_NOW)
    )


def test_bill_tiers_must_add_up_to_the_total(session_factory: SessionFactory) -> None:
    with session_factory.session_scope() as session:
        account_id = add_account(session).id

    def bill(**overrides: object) -> MonthlyBill:
        values = dict(account_id=account_id, period=date(2026, 10, 1), kwh=100, tier1_kwh=100,
                      amount_fen=5380, issued_on=date(2026, 11, 1), due_date=date(2026, 11, 30),
                      status=BillStatus.UNPAID)
        values.update(overrides)
        return MonthlyBill(**values)

    _commit_fails(session_factory, bill(tier1_kwh=90))
    _commit_fails(session_factory, bill(peak_kwh=60, valley_kwh=30))
    _commit_fails(session_factory, bill(paid_fen=6000))
    with session_factory.session_scope() as session:
        session.add(bill(peak_kwh=60, valley_kwh=40))
    _commit_fails(session_factory, bill())  # one bill per account and month


def test_datetimes_round_trip_as_aware_utc(session_factory: SessionFactory) -> None:
    sent_at = datetime(2026, 11, 23, 9, 0, 5, 123456, tzinfo=CHINA_TZ)
    with session_factory.session_scope() as session:
        session.add(SmsMessage(phone="13900000001", purpose="login", text="x", sent_at=sent_at))
    with session_factory.session_scope() as session:
        stored = session.scalars(select(SmsMessage)).one().sent_at
        assert stored == sent_at
        assert stored.utcoffset() == timedelta(0)
        assert stored.tzinfo == timezone.utc
        # Comparisons in SQL use the instant, whatever zone the parameter is in.
        later = session.scalar(
            select(SmsMessage.id).where(SmsMessage.sent_at > datetime(2026, 11, 23, 0, 59, tzinfo=timezone.utc))
        )
        assert later is not None


def test_naive_datetimes_are_refused(session_factory: SessionFactory) -> None:
    with pytest.raises(StatementError, match="naive datetime"), session_factory.session_scope() as session:
        session.add(SmsMessage(phone="13900000001", purpose="login", text="x",
                               sent_at=datetime(2026, 11, 23, 9, 0)))


def test_concurrent_account_updates_are_detected(session_factory: SessionFactory) -> None:
    with session_factory.session_scope() as session:
        account_id = add_account(session).id
    first, second = session_factory(), session_factory()
    try:
        mine = first.get(ElectricityAccount, account_id)
        theirs = second.get(ElectricityAccount, account_id)
        assert mine is not None and theirs is not None and mine.version == theirs.version == 1
        theirs.prepaid_balance_fen += 1000
        second.commit()
        mine.prepaid_balance_fen += 500
        with pytest.raises(StaleDataError):
            first.commit()
    finally:
        first.close()
        second.close()
    with session_factory.session_scope() as session:
        account = session.get(ElectricityAccount, account_id)
        assert account is not None
        assert (account.prepaid_balance_fen, account.version) == (1000, 2)


def test_id_number_hash_is_keyed_and_normalised() -> None:
    lower = hash_id_number(" 33010619900101123x ", secret="s1")
    assert lower == hash_id_number("33010619900101123X", secret="s1")
    assert lower != hash_id_number("33010619900101123X", secret="s2")
    assert len(lower) == 64 and "330106" not in lower


def test_id_hash_secret_comes_from_the_environment() -> None:
    assert id_hash_secret({"ID_HASH_SECRET": "prod-secret"}) == "prod-secret"
    assert id_hash_secret({}) == DEV_ID_HASH_SECRET
