"""Engines and sessions: one short session per unit of work, never a global one.

SQLite is tuned so several threads (the action server's workers, the CLI) can share
one database file: WAL journal (readers do not block the writer), a busy timeout (a
writer waits for the lock instead of failing at once) and foreign keys switched on
(SQLite ignores them by default). PostgreSQL goes through psycopg2 unchanged.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000


def _json_dumps(value: Any) -> str:
    """JSON columns keep Chinese text readable in the database (no \\uXXXX escapes)."""
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str | URL, *, enforce_foreign_keys: bool = True, echo: bool = False) -> Engine:
    """A 2.0-style engine for ``url``.

    ``enforce_foreign_keys=False`` is only for SQLite schema migrations, where batch
    mode recreates tables and enforced keys would cascade deletes into child rows.
    """
    url = make_url(url)
    if url.get_backend_name() != "sqlite":
        return create_engine(
            url, future=True, echo=echo, pool_pre_ping=True, json_serializer=_json_dumps
        )

    _create_parent_directory(url)
    engine = create_engine(
        url,
        future=True,
        echo=echo,
        json_serializer=_json_dumps,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    in_memory = url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute(f"PRAGMA foreign_keys = {'ON' if enforce_foreign_keys else 'OFF'}")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    return engine


def _create_parent_directory(url: URL) -> None:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


class SessionFactory:
    """Makes sessions bound to one engine.

    ``expire_on_commit=False`` keeps loaded attributes readable after the unit of work
    has committed, e.g. to build a reply from the rows just written.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessionmaker = sessionmaker(bind=engine, future=True, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str | URL) -> SessionFactory:
        return cls(make_engine(url))

    def __call__(self) -> Session:
        """A new session; the caller closes it (prefer :meth:`session_scope`)."""
        return self._sessionmaker()

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """One unit of work: commit if the block succeeds, roll back if it raises."""
        session = self._sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        """Close pooled connections (end of process, or before dropping a test database)."""
        self.engine.dispose()
