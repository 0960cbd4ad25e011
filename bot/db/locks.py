"""Serialising writers of the same rows, the same way on PostgreSQL and SQLite."""
from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import InstrumentedAttribute, Session


def lock_rows(session: Session, column: InstrumentedAttribute[Any], *criteria: Any) -> None:
    """Hold the matching rows until the transaction ends.

    A no-op UPDATE of ``column`` (set to itself) takes the row lock on PostgreSQL and the
    database write lock on SQLite, which has no ``SELECT … FOR UPDATE``. Run it as the
    transaction's first statement, so SQLite never has to upgrade a read made earlier
    from a snapshot another writer has since changed.
    """
    session.execute(
        update(column.class_)
        .where(*criteria)
        .values({column.key: column})
        .execution_options(synchronize_session=False)
    )
