"""Shared fixtures: databases on SQLite and PostgreSQL, a fixed clock, the tariffs.

Database fixtures are parametrised over both backends. PostgreSQL is the local server
at ``TEST_POSTGRES_URL`` (default postgresql://postgres@127.0.0.1:5432/test); each
test session creates its own uniquely named databases there and drops them at the
end. If the server does not answer, the PostgreSQL cases are skipped with the reason,
unless ``REQUIRE_POSTGRES=1``, which turns that into a failure (CI).

Schemas are always built by the Alembic migration, never ``create_all``, so every
database test also exercises the migration.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Protocol

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.billing.tariff import TariffBook
from bot.clock import CHINA_TZ, FixedClock
from bot.container import Services
from bot.db.migrate import upgrade
from bot.db.reset import delete_all_rows
from bot.db.session import SessionFactory
from bot.demo.seed import seed_demo_data

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
FIXED_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=CHINA_TZ)


class DatabaseBackend(Protocol):
    name: str

    def new_database(self) -> str:
        """The URL of a new, empty database."""

    def close(self) -> None: ...


class SqliteBackend:
    name = "sqlite"

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._count = 0

    def new_database(self) -> str:
        self._count += 1
        return f"sqlite:///{self._directory / f'db{self._count}.sqlite'}"

    def close(self) -> None:
        pass  # tmp_path_factory cleans up


class PostgresBackend:
    name = "postgresql"

    def __init__(self, admin_url: str) -> None:
        self._admin_url = make_url(admin_url)
        self._admin = create_engine(
            self._admin_url,
            future=True,
            isolation_level="AUTOCOMMIT",  # CREATE/DROP DATABASE cannot run in a transaction
            connect_args={"connect_timeout": 3},
        )
        self._prefix = f"bot_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self._created: list[str] = []

    def ping(self) -> None:
        with self._admin.connect() as connection:
            connection.execute(text("SELECT 1"))

    def new_database(self) -> str:
        name = f"{self._prefix}_{len(self._created) + 1}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
        self._created.append(name)
        return self._admin_url.set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        with self._admin.connect() as connection:
            for name in self._created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.dispose()


def _postgres_backend() -> PostgresBackend:
    backend = PostgresBackend(POSTGRES_ADMIN_URL)
    try:
        backend.ping()
    except OperationalError as error:
        reason = f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {str(error.orig).strip().splitlines()[0]}"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    return backend


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DatabaseBackend]:
    backend: DatabaseBackend = (
        SqliteBackend(tmp_path_factory.mktemp("sqlite"))
        if request.param == "sqlite"
        else _postgres_backend()
    )
    try:
        yield backend
    finally:
        backend.close()


@pytest.fixture(scope="session")
def migrated_database_url(database_backend: DatabaseBackend) -> str:
    """One migrated database per backend, shared by the session (emptied after each test)."""
    url = database_backend.new_database()
    upgrade(url)
    return url


@pytest.fixture
def session_factory(migrated_database_url: str) -> Iterator[SessionFactory]:
    factory = SessionFactory.from_url(migrated_database_url)
    try:
        yield factory
    finally:
        with factory.session_scope() as session:
            delete_all_rows(session)
        factory.dispose()


@pytest.fixture
def empty_database_url(database_backend: DatabaseBackend) -> str:
    """A brand-new database without any schema."""
    return database_backend.new_database()


@pytest.fixture
def fixed_clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


@pytest.fixture(scope="session")
def tariffs() -> TariffBook:
    return TariffBook.load(ROOT / "data" / "tariffs")


@pytest.fixture
def demo_db(session_factory: SessionFactory, tariffs: TariffBook, fixed_clock: FixedClock) -> SessionFactory:
    """The session factory of a database holding the demo data (bot.demo.seed), seeded at FIXED_NOW."""
    seed_demo_data(session_factory, tariffs, fixed_clock)
    return session_factory


@pytest.fixture
def action_deps(
    demo_db: SessionFactory, migrated_database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Services]:
    """What actions get from ``bot.container.services()``: the seeded test database, the clock
    at FIXED_NOW, and a file store in a temporary folder."""
    from tests.unit.action_harness import services_on  # imports rasa_sdk: only when an action test asks

    monkeypatch.setenv("FILES_DIR", str(tmp_path / "files"))
    with services_on(migrated_database_url, monkeypatch) as deps:
        yield deps
