"""Building databases for the backup, restore and damaged-file tests: older schemas, each kind
of damaged file, and the pieces of an owner's day."""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from alembic import command
from alembic.config import Config

import models
from models.database import MIGRATIONS_DIR, create_database_engine

OLD_REVISION = "0003"


_TEMPLATES: dict[tuple[str, ...], Path] = {}


def make_database(path: Path, names: tuple[str, ...] = ("Zoë Park", "José Alvarez")) -> Path:
    """A current database with a few regulars, checkpointed, all connections closed (built
    once per test run and copied: migrating costs half a second)."""
    if names not in _TEMPLATES:
        folder = Path(tempfile.mkdtemp(prefix="vre-test-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _TEMPLATES[names] = _build_database(folder / "template.sqlite3", names)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_TEMPLATES[names], path)
    return path


def _build_database(path: Path, names: tuple[str, ...]) -> Path:
    sessions = models.open_database(f"sqlite:///{path}")
    with sessions.begin() as session:
        for name in names:
            customer_id = models.create_customer(session, models.CustomerDraft(name=name))
            models.check_in(session, customer_id)
            models.add_note(session, customer_id, f"{name} likes the window seat")
    with sessions.begin() as session:
        session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    sessions.kw["bind"].dispose()
    return path


def make_old_database(path: Path, name: str = "Old Revision Ollie",
                      revision: str = OLD_REVISION) -> Path:
    """A database at an older schema ``revision`` holding one regular."""
    engine = create_database_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        connection.commit()
        with connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    engine.dispose()
    with closing(sqlite3.connect(path)) as db, db:
        _insert_filled(db, "customer", {"name": name})
    _close_wal(path)
    return path


def _insert_filled(db: sqlite3.Connection, table: str, values: dict[str, object]) -> None:
    """Insert a row giving every NOT NULL column without a default a plain value."""
    row = dict(values)
    for _cid, column, kind, notnull, default, pk in db.execute(f"PRAGMA table_info({table})"):
        if column in row or pk or not notnull or default is not None:
            continue
        kind = kind.upper()
        row[column] = (
            "[]" if "JSON" in kind else
            "2026-01-01 00:00:00.000000" if "DATE" in kind or "TIME" in kind else
            0 if "INT" in kind or "BOOL" in kind or "NUM" in kind else ""
        )
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))


def _close_wal(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def customer_names(path: Path) -> list[str]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return sorted(row[0] for row in db.execute("SELECT name FROM customer"))
    finally:
        db.close()


def revision_of(path: Path) -> str | None:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        db.close()


# ----- damaged files ---------------------------------------------------------------------------


def truncate(path: Path, fraction: float = 0.5) -> Path:
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.truncate(int(size * fraction))
    return path


def random_bytes(path: Path, size: int = 64 * 1024) -> Path:
    path.write_bytes(os.urandom(size))
    return path


def other_application(path: Path) -> Path:
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT, minutes INT)")
        db.execute("CREATE TABLE pantry (item TEXT, grams INT)")
        db.execute("INSERT INTO recipes (title, minutes) VALUES ('Shakshuka', 25)")
    return path


def newer_schema(path: Path, revision: str = "9999") -> Path:
    make_database(path)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    _close_wal(path)
    return path


def corrupt_a_table(path: Path, table: str = "customer", count: int = 120) -> Path:
    """A database whose ``table`` pages are overwritten with garbage (header intact)."""
    make_database(path, names=tuple(f"Regular number {i}" for i in range(count)))
    db = sqlite3.connect(path)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    db.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size + 16)
        handle.write(b"\xab" * (page_size // 2))
    return path


def data_files(folder: Path) -> list[str]:
    """The files in ``folder``, leaving out the empty -wal and the -shm that any reader of a
    WAL-mode database creates (SQLite's own bookkeeping, holding no data)."""
    return sorted(p.name for p in folder.iterdir()
                  if not p.name.endswith("-shm")
                  and not (p.name.endswith("-wal") and p.stat().st_size == 0))
