"""Open a database: engine settings, schema creation and upgrades, and the session factory."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from models import audit_trail, changes, sqlite_transactions, visit_links

# The newest migration in models/migrations/versions; tests/test_database.py keeps it honest.
# Comparing against it avoids loading Alembic at every start when nothing needs upgrading.
SCHEMA_REVISION = "0007"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 5000


class DatabaseError(RuntimeError):
    """The database cannot be opened or upgraded; the message is meant for a person."""


SessionFactory = sessionmaker[Session]


def create_database_engine(url: str) -> Engine:
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_version()
        database = parsed.database or ""
        in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
        if in_memory:
            kwargs["poolclass"] = StaticPool
        else:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas(in_memory))
        # Units of work take the write lock when they begin (BEGIN IMMEDIATE): two windows or
        # processes on one file never interleave a read and a write, nor hit "database is
        # locked" upgrading a read lock.
        sqlite_transactions.install(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    # Several counters on one server: a transaction that writes tells the others as it commits.
    changes.announce_changes(engine)
    return engine


# RETURNING (3.35), UPDATE … FROM (3.33), FILTER on aggregates (3.30), window functions (3.25).
MINIMUM_SQLITE = (3, 35)


def _check_sqlite_version() -> None:
    if sqlite3.sqlite_version_info < MINIMUM_SQLITE:
        needed = ".".join(map(str, MINIMUM_SQLITE))
        raise DatabaseError(
            f"Velvet Rope needs SQLite {needed} or newer, and this Python has "
            f"{sqlite3.sqlite_version}. Install Python from python.org (it comes with a newer "
            "SQLite) and set the app up again.")


def _sqlite_pragmas(in_memory: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Deleted rows are overwritten with zeros, so "forget this customer" leaves no trace
        # in the file (models/privacy.py).
        cursor.execute("PRAGMA secure_delete = ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            # Safe with WAL: a power cut can lose the last commit, never corrupt the file.
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    return on_connect


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade_schema(engine: Engine) -> None:
    """Bring the schema to the newest revision (creating it in an empty database)."""
    from alembic import command  # imported here: only needed when the schema is behind
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # A batch migration rebuilds a table by dropping the old one; with foreign keys on,
            # that would cascade to every row pointing at it. SQLite only honours this pragma
            # outside a transaction, hence before begin().
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        try:
            # The write lock first: another process upgrading at the same time waits, then
            # finds nothing left to do.
            with connection.execution_options(write_lock=True).begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
                connection.commit()


def open_database(url: str, *, backup_folder: Path | None = None) -> SessionFactory:
    """Open (creating or upgrading as needed) the database at ``url``; return a session factory.

    Use it as ``with sessions.begin() as session: ...`` for one unit of work. An existing SQLite
    database is backed up into ``backup_folder`` (default: ``backups`` beside it) before its
    schema is upgraded.
    """
    try:
        engine = create_database_engine(url)
        revision = current_revision(engine)
    except Exception as exc:  # any driver error here means "cannot open"
        message = f"Cannot open the database at {_safe(url)}: {_first_line(exc)}"
        raise DatabaseError(message) from exc
    if revision != SCHEMA_REVISION:
        from models.backups.migration import before_upgrade  # imports this module

        before_upgrade(engine, revision, backup_folder)
        try:
            upgrade_schema(engine)
        except Exception as exc:
            raise DatabaseError(
                f"Cannot prepare the database at {_safe(url)}: {_first_line(exc)}"
            ) from exc
    audit_trail.install()
    visit_links.install()
    return sessionmaker(engine, expire_on_commit=False)


def _safe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # the unreadable URL is the very error being reported
        return "(an unreadable database URL)"


def _first_line(exc: BaseException) -> str:
    message = str(getattr(exc, "orig", None) or exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__
