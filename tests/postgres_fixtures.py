"""PostgreSQL for the tests: a real, throwaway server that scripts/postgres_server.py starts.

Nothing is assumed to be running. The server starts on the first test that needs it (never for a
run without such tests), migrates one template database, and gives every test its own copy.

Fixtures:
    pg_database_url -> str            URL of a fresh, migrated database (dropped afterwards)
    pg_sessions -> SessionFactory     ``models.open_database`` on such a database
    any_sessions -> SessionFactory    runs the test twice: [sqlite] and [postgresql]
    postgres_server -> PostgresServer the session's server (``.url(db)``, ``.create_database``)

Every test that uses PostgreSQL carries the ``postgres`` marker (added automatically), so
``-m "not postgres"`` leaves them out; and a test marked ``postgres`` gets its ``database_url``,
``sessions`` and ``add_customer`` on PostgreSQL (see tests/conftest.py).

If no server can start (not installed and not installable here), these tests skip with the
reason, or fail with it when VRE_REQUIRE_POSTGRES=1 (as ``python3 dev.py test`` and CI set).
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import models

REQUIRE_ENV = "VRE_REQUIRE_POSTGRES"
TEMPLATE_DATABASE = "vre_template"
SERVER_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "postgres_server.py"
_database_numbers = itertools.count(1)


def _load_server_script() -> ModuleType:
    """scripts/ is not a package (its files are run by path), so load the script by its path."""
    spec = importlib.util.spec_from_file_location("postgres_server", SERVER_SCRIPT)
    assert spec is not None and spec.loader is not None, SERVER_SCRIPT
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


postgres_server_script = _load_server_script()


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the server (through any fixture) ``postgres``."""
    for item in items:
        if "postgres_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


def _unavailable(reason: str) -> BaseException:
    """What a test needing a server that cannot start ends with: a failure if required, else a
    skip; either way one line with the reason."""
    if os.environ.get(REQUIRE_ENV) == "1":
        return pytest.fail.Exception(
            f"PostgreSQL is required ({REQUIRE_ENV}=1) but cannot start: {reason}", pytrace=False)
    return pytest.skip.Exception(f"PostgreSQL cannot start here: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """The session's throwaway server (a postgres_server.PostgresServer), started on first use.

    A server that cannot start is tried once: pytest keeps the skip (or failure) for the session.
    """
    with ExitStack() as cleanup:
        try:
            server = cleanup.enter_context(postgres_server_script.throwaway_server())
        except postgres_server_script.PostgresUnavailableError as exc:
            raise _unavailable(str(exc)) from None
        yield server


class _FreshDatabases:
    """Copies of the migrated template, each made while the previous test runs.

    Copying a database takes the server ~0.1 s, about as long as a typical test; on a worker
    thread it overlaps with the test instead of adding to it. The one worker also drops used
    copies, so a long run does not fill the temp folder.
    """

    def __init__(self, server: Any, template: str) -> None:
        self._server = server
        self._template = template
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-databases")
        self._next = self._worker.submit(self._copy)

    def take(self) -> str:
        name = self._next.result()
        self._next = self._worker.submit(self._copy)
        return name

    def discard(self, name: str) -> None:
        self._worker.submit(self._server.drop_database, name)

    def close(self) -> None:
        self._worker.shutdown(wait=True)

    def _copy(self) -> str:
        name = f"test_{next(_database_numbers)}"
        self._server.create_database(name, template=self._template)
        return name


@pytest.fixture(scope="session")
def _fresh_postgres_databases(postgres_server: Any) -> Iterator[_FreshDatabases]:
    """Migrate one template database once; tests get copies (copying beats migrating)."""
    postgres_server.create_database(TEMPLATE_DATABASE)
    factory = models.open_database(postgres_server.url(TEMPLATE_DATABASE))
    # CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template.
    factory.kw["bind"].dispose()
    databases = _FreshDatabases(postgres_server, TEMPLATE_DATABASE)
    yield databases
    databases.close()


@pytest.fixture
def pg_database_url(postgres_server: Any, _fresh_postgres_databases: _FreshDatabases
                    ) -> Iterator[str]:
    """URL of a fresh database, migrated and empty, on the session's PostgreSQL server."""
    name = _fresh_postgres_databases.take()
    yield postgres_server.url(name)
    _fresh_postgres_databases.discard(name)  # disconnects whoever is still connected


@pytest.fixture
def pg_sessions(pg_database_url: str) -> Iterator[models.SessionFactory]:
    factory = models.open_database(pg_database_url)
    yield factory
    factory.kw["bind"].dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_sessions(request: pytest.FixtureRequest) -> models.SessionFactory:
    """The test's ``sessions``, once on SQLite and once on PostgreSQL."""
    factory: models.SessionFactory = request.getfixturevalue("sessions")
    return factory
