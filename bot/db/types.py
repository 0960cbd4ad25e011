"""Column types that behave the same on SQLite and PostgreSQL."""
from __future__ import annotations

import enum
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import DateTime, Enum
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """An aware datetime stored as UTC.

    PostgreSQL keeps the offset (``timestamptz``) but SQLite silently drops tzinfo, so
    values are normalised to UTC on the way in and re-labelled UTC on the way out.
    Naive datetimes are refused: they are always a bug here.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime: pass an aware datetime (see bot.clock)")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


ENUM_COLUMN_LENGTH = 32


def str_enum(enum_class: type[enum.Enum], name: str) -> Enum:
    """A VARCHAR holding the enum's *values*, guarded by a named CHECK constraint.

    ``native_enum=False`` keeps it portable (no PostgreSQL ``CREATE TYPE``), and the
    constraint makes the database itself reject unknown values.
    """
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda members: [member.value for member in members],
        # Room to add values later by changing only the CHECK constraint.
        length=ENUM_COLUMN_LENGTH,
    )
