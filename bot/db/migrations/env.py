"""Alembic environment for the business database.

The URL comes from, in order: ``config.attributes["url"]`` (set by
:func:`bot.db.migrate.upgrade`), ``DATABASE_URL``, the default in :mod:`bot.settings`.
"""
from __future__ import annotations

from logging.config import fileConfig
from typing import Any, Literal

from alembic import context

from bot.db import models  # noqa: F401  (registers every table on the metadata)
from bot.db.base import metadata
from bot.db.session import make_engine
from bot.db.types import UtcDateTime
from bot.settings import Settings

config = context.config

# Programmatic callers keep their own logging; only the alembic CLI configures it.
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    return config.attributes.get("url") or Settings.from_env().database_url


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Render app-specific column types as plain SQLAlchemy ones, so migration scripts
    do not depend on application code that may change later."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    """Emit SQL to stdout (``alembic upgrade head --sql``) instead of executing it."""
    context.configure(
        url=database_url(),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
        render_item=render_item,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # Batch mode recreates SQLite tables; enforced foreign keys would cascade the
    # implicit DELETE of the old table into child rows, so they are off here.
    engine = make_engine(database_url(), enforce_foreign_keys=False)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=metadata,
                # Batch operations are portable: plain ALTERs on PostgreSQL, copy-and-move on SQLite.
                render_as_batch=True,
                render_item=render_item,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
