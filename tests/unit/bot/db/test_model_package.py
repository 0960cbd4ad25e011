"""``bot.db.models`` is split by sub-domain, yet every model is imported from the package."""
from __future__ import annotations

from bot.db import models
from bot.db.base import Base, metadata


def test_every_mapped_class_is_exported() -> None:
    mapped = {mapper.class_ for mapper in Base.registry.mappers}
    exported = {getattr(models, name) for name in models.__all__ if not name.isupper()}

    assert exported == mapped


def test_every_table_belongs_to_an_exported_model() -> None:
    exported_tables = {getattr(models, name).__table__.name for name in models.__all__ if not name.isupper()}

    assert exported_tables == set(metadata.tables)
