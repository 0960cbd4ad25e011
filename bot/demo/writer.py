"""What every demo-seeding module uses: the get-or-create writer and stable, clock-free helpers."""
from __future__ import annotations

import zlib
from datetime import date, datetime, time
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import CHINA_TZ

ModelT = TypeVar("ModelT")


class SeedWriter:
    """Get-or-create rows by natural key and set their other columns.

    Each model's existing rows are loaded once, so seeding costs a few queries per
    table rather than one per row. Unchanged values cause no UPDATE, so re-seeding
    does not bump optimistic-lock versions.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._rows: dict[tuple[type, tuple[str, ...]], dict[tuple[Any, ...], Any]] = {}

    def upsert(self, model: type[ModelT], key: dict[str, Any], **values: Any) -> ModelT:
        names = tuple(sorted(key))
        rows = self._existing(model, names)
        identity = tuple(key[name] for name in names)
        row = rows.get(identity)
        if row is None:
            row = model(**key)
            self.session.add(row)
            rows[identity] = row
        for name, value in values.items():
            setattr(row, name, value)
        return row

    def flush(self) -> None:
        """Write pending rows, so their generated ids can be used as keys."""
        self.session.flush()

    def _existing(self, model: type, names: tuple[str, ...]) -> dict[tuple[Any, ...], Any]:
        if (model, names) not in self._rows:
            self._rows[model, names] = {
                tuple(getattr(row, name) for name in names): row
                for row in self.session.scalars(select(model))
            }
        return self._rows[model, names]


def china_time(day: date, hh_mm: str) -> datetime:
    """``day`` at ``hh_mm`` China time."""
    return datetime.combine(day, time.fromisoformat(hh_mm), tzinfo=CHINA_TZ)


def stable_pick(key: str, modulus: int) -> int:
    """A number below ``modulus`` derived from ``key``: varied, yet the same on every run."""
    return zlib.crc32(key.encode()) % modulus
