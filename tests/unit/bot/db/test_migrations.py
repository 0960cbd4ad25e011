"""The Alembic migrations build exactly the schema the models describe."""
from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, inspect, text
from sqlalchemy.exc import IntegrityError

from bot.db import models  # noqa: F401  (registers the tables)
from bot.db.base import metadata
from bot.db.migrate import alembic_config, current_revision, downgrade, head_revision, upgrade
from bot.db.session import make_engine

MODEL_TABLES = set(metadata.tables)


def _table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _schema_diff(url: str, target: MetaData = metadata) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, target)
    finally:
        engine.dispose()


def test_upgrade_creates_every_table(empty_database_url: str) -> None:
    assert current_revision(empty_database_url) is None
    upgrade(empty_database_url)
    assert _table_names(empty_database_url) == MODEL_TABLES | {"alembic_version"}
    assert current_revision(empty_database_url) == head_revision() is not None
    upgrade(empty_database_url)  # already at head: a no-op


def test_migrations_match_the_models(migrated_database_url: str) -> None:
    assert _schema_diff(migrated_database_url) == []


def test_the_comparison_would_notice_drift(migrated_database_url: str) -> None:
    drifted = MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["users"].append_column(Column("nickname_length", Integer))
    diff = _schema_diff(migrated_database_url, drifted)
    assert [entry[0] for entry in diff] == ["add_column"]  # type: ignore[index]


def test_downgrade_to_base_and_up_again(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    downgrade(empty_database_url, "base")
    assert _table_names(empty_database_url) == {"alembic_version"}
    upgrade(empty_database_url)
    assert _schema_diff(empty_database_url) == []


def test_env_falls_back_to_database_url(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``alembic upgrade head`` from a shell: no URL passed, DATABASE_URL decides."""
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    config = alembic_config(empty_database_url)
    del config.attributes["url"]
    command.upgrade(config, "head")
    assert current_revision(empty_database_url) == head_revision()


def test_0006_allows_awaiting_documents_and_downgrades_it_to_accepted(empty_database_url: str) -> None:
    """The status CHECKs are not compared above, so 待补充资料 is checked by writing it."""
    insert_order = text(
        "INSERT INTO work_orders (id, order_no, kind, status, form_data, created_at, updated_at) "
        "VALUES (:id, :no, '更名', :status, '{}', '2026-11-23 01:00:00', '2026-11-23 01:00:00')"
    )
    insert_event = text(
        "INSERT INTO work_order_events (work_order_id, status, at) VALUES (:id, :status, '2026-11-23 01:00:00')"
    )
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(insert_order, {"id": 1, "no": "GD20261123001", "status": "待补充资料"})
            connection.execute(insert_event, {"id": 1, "status": "待补充资料"})
        downgrade(empty_database_url, "0005")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT status FROM work_orders")).scalars().all() == ["已受理"]
            assert connection.execute(text("SELECT status FROM work_order_events")).scalars().all() == ["已受理"]
        for statement, values in (
            (insert_order, {"id": 2, "no": "GD20261123002", "status": "待补充资料"}),
            (insert_event, {"id": 1, "status": "待补充资料"}),
        ):
            with pytest.raises(IntegrityError), engine.begin() as connection:
                connection.execute(statement, values)
        upgrade(empty_database_url)
        with engine.begin() as connection:
            connection.execute(insert_order, {"id": 2, "no": "GD20261123002", "status": "待补充资料"})
        assert _schema_diff(empty_database_url) == []
    finally:
        engine.dispose()
