"""Emptying the business tables (``seed --reset``, test isolation)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot.db import models  # noqa: F401  (registers every table on the metadata)
from bot.db.base import metadata


def delete_all_rows(session: Session) -> None:
    """Delete every row of every business table, children first. The schema and
    Alembic's version table stay."""
    for table in reversed(metadata.sorted_tables):
        session.execute(table.delete())
