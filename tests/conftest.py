"""Shared fixtures: every test gets its own temporary database file."""

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
def database_url(tmp_path: Path, _migrated_template: Path) -> str:
    target = tmp_path / "shop.sqlite3"
    shutil.copyfile(_migrated_template, target)
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


@pytest.fixture(params=["sqlite-fts5", "portable-sql"])
def search_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a search test on SQLite's FTS5 backend and on the portable (PostgreSQL) one."""
    if request.param == "portable-sql":
        portable = PortableBackend()
        monkeypatch.setattr(service, "backend_for", lambda _session: portable)
    return str(request.param)
