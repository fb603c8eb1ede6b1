"""Shared fixtures: every test gets its own temporary database (a SQLite file, or a PostgreSQL
database for tests marked ``postgres``)."""

from __future__ import annotations

import os
import shutil

# Before any QApplication exists: the tests never need a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import models
from models.search import service
from models.search.backends import PortableBackend

# tests/ is on sys.path (no __init__.py: pytest's default "prepend" import mode puts it there).
pytest_plugins = ["postgres_fixtures"]


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One freshly migrated empty database; each test gets a copy (migrating costs ~0.1 s)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    factory = models.open_database(f"sqlite:///{path}")
    with factory.begin() as session:
        session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    factory.kw["bind"].dispose()
    return path


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated database: SQLite, or PostgreSQL if the test is marked ``postgres``."""
    if request.node.get_closest_marker("postgres"):
        return str(request.getfixturevalue("pg_database_url"))
    target = tmp_path / "shop.sqlite3"
    shutil.copyfile(request.getfixturevalue("_migrated_template"), target)
    return f"sqlite:///{target}"


@pytest.fixture
def sessions(database_url: str) -> Iterator[models.SessionFactory]:
    factory = models.open_database(database_url)
    yield factory
    factory.kw["bind"].dispose()


AddCustomer = Callable[..., int]


@pytest.fixture
def add_customer(sessions: models.SessionFactory) -> AddCustomer:
    """add_customer(name=..., visits=3, notes=[...], **draft fields) -> id."""

    def add(*, visits: int = 0, notes: tuple[str, ...] = (), **fields: object) -> int:
        with sessions.begin() as session:
            customer_id = models.create_customer(session, models.CustomerDraft(**fields))
            for text in notes:
                models.add_note(session, customer_id, text)
            for _ in range(visits):
                models.check_in(session, customer_id)
        return customer_id

    return add


@pytest.fixture(
    params=["sqlite-fts5", "portable-sql", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def search_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a search test on SQLite's FTS5 backend, on the portable backend over SQLite, and on
    a real PostgreSQL server (which picks its pg_trgm backend itself)."""
    if request.param == "portable-sql":
        portable = PortableBackend()
        monkeypatch.setattr(service, "backend_for", lambda _session: portable)
    return str(request.param)
