"""Serialising writers of the same rows, the same way on PostgreSQL and SQLite.

Every lock here is held until the transaction ends. Row locks are a no-op UPDATE (a
column set to itself): the row lock on PostgreSQL, the database write lock on SQLite,
which has no ``SELECT … FOR UPDATE``. Take a lock as the transaction's first
statement, so SQLite never has to upgrade a read made earlier from a snapshot another
writer has since changed. (Python's sqlite3 begins the transaction at its first write,
so reads before it leave no snapshot behind; after an earlier write the database lock
is already held.)

Values without a row of their own (a phone number, a chat) are locked with a
PostgreSQL advisory lock, and on SQLite with the database write lock.
"""
from __future__ import annotations

import zlib
from typing import Any

from sqlalchemy import false, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from bot.db.dml import execute_dml
from bot.db.models import ElectricityAccount, User, WorkOrder

# PostgreSQL advisory lock keys are (namespace << 32) | crc32(value).
PHONE_LOCK_NAMESPACE = 0x534D53  # "SMS"
CHAT_LOCK_NAMESPACE = 0x43484154  # "CHAT"


def lock_rows(session: Session, column: InstrumentedAttribute, *criteria: Any) -> int:
    """Hold the rows matching ``criteria`` (a no-op UPDATE of ``column``); how many matched."""
    return execute_dml(
        session,
        update(column.class_)
        .where(*criteria)
        .values({column.key: column})
        .execution_options(synchronize_session=False),
    )


def lock_user(session: Session, user_id: int) -> bool:
    """Serialise one user's changes (bindings, look-ups, applications); False when there
    is no such user."""
    return lock_rows(session, User.phone, User.id == user_id) == 1


def lock_account(
    session: Session, *, account_id: int | ColumnElement[Any] | None = None, account_number: str | None = None
) -> bool:
    """Serialise changes to one electricity account (payments settling on it, 更名/过户
    applications), named by id (or a scalar subquery giving it) or by its 10-digit
    number; False when no account matched."""
    if (account_id is None) == (account_number is None):
        raise ValueError("name the account by exactly one of account_id and account_number")
    criterion = (ElectricityAccount.id == account_id if account_id is not None
                 else ElectricityAccount.account_number == account_number)
    return lock_rows(session, ElectricityAccount.version, criterion) == 1


def lock_order(session: Session, order_no: str) -> bool:
    """Serialise moves of one work order; False when there is no such order."""
    return lock_rows(session, WorkOrder.status, WorkOrder.order_no == order_no) == 1


def lock_phone(session: Session, phone: str) -> None:
    """Serialise verification-code work on one phone number (which need not have a user)."""
    lock_value(session, PHONE_LOCK_NAMESPACE, phone)


def lock_chat(session: Session, chat_key: str) -> None:
    """Serialise work on one chat (``bot.limits.windows.chat_key``)."""
    lock_value(session, CHAT_LOCK_NAMESPACE, chat_key)


def lock_value(session: Session, namespace: int, value: str) -> None:
    """Serialise work on ``value`` within ``namespace``.

    PostgreSQL: a transaction-level advisory lock (a CRC collision only makes two values
    wait for each other). SQLite: an UPDATE matching no row takes the database write
    lock, so the reads that follow see every committed change and nobody else writes
    before we commit.
    """
    if session.get_bind().dialect.name == "postgresql":
        key = (namespace << 32) | zlib.crc32(value.encode("utf-8"))
        session.execute(select(func.pg_advisory_xact_lock(key)))
    else:
        session.execute(update(User.__table__).where(false()).values(phone=User.__table__.c.phone))
