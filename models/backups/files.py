"""Shared ground for backups: where a SQLite database lives, backup file names, read-only
connections, and the errors whose messages are meant for the shop owner.

Backup files are named by the local time they were taken, so a folder listing reads like a
calendar and the dates survive being copied to a USB stick (which may not keep file times):
``vre-2026-11-22T1305.sqlite3``, ``vre-2026-11-22T1305-before-restore.sqlite3``, and
``vre-2026-11-22T1305-2.sqlite3`` for a second one in the same minute.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url

from models.database import MIGRATIONS_DIR, SCHEMA_REVISION, DatabaseError

BACKUP_PREFIX = "vre-"
BACKUP_SUFFIX = ".sqlite3"
PARTIAL_SUFFIX = ".partial"
# vre-2026-11-22T1305[-reason][-2].sqlite3; reasons are lower-case words joined by "-".
_NAME = re.compile(
    r"^vre-(?P<stamp>\d{4}-\d{2}-\d{2}T\d{4})(?:-(?P<reason>[a-z]+(?:-[a-z]+)*))?"
    r"(?:-(?P<counter>\d+))?\.sqlite3$"
)
_STAMP = "%Y-%m-%dT%H%M"
SQLITE_MAGIC = b"SQLite format 3\x00"
# Tables that make a SQLite file ours (alembic_version alone could be any Alembic project).
OUR_TABLES = frozenset({"alembic_version", "customer", "visit"})
# SQLite waits this long for another connection's lock before giving up.
LOCK_TIMEOUT_S = 5.0

REASON_BEFORE_UPGRADE = "before-upgrade"
REASON_BEFORE_RESTORE = "before-restore"
REASON_LABELS = {
    "": "automatic",
    "manual": "backed up by hand",
    REASON_BEFORE_UPGRADE: "before an upgrade",
    REASON_BEFORE_RESTORE: "before a restore",
}


class BackupError(DatabaseError):
    """A backup could not be made or used; the message says why in plain words."""


class DamagedCopyError(BackupError):
    """The copy failed SQLite's check: the database being copied is itself damaged."""


class RestoreError(BackupError):
    """A restore was refused or failed; the live database was left as it was."""


@dataclass(frozen=True)
class BackupInfo:
    """One verified backup file."""

    path: Path
    taken_at: datetime  # aware, from the file name (local time)
    size: int  # bytes
    revision: str | None = None  # schema revision in the copy; None when not read
    reason: str = ""  # "", "manual", "before-upgrade", "before-restore"
    counter: int = 1  # the second backup within the same minute is 2, and so on
    copy_seconds: float = 0.0  # set by make_backup
    verify_seconds: float = 0.0  # set by make_backup

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason.replace("-", " "))


def backup_name(taken_at: datetime, reason: str = "", counter: int = 1) -> str:
    stamp = _local(taken_at).strftime(_STAMP)
    parts = [f"{BACKUP_PREFIX}{stamp}"]
    if reason:
        parts.append(reason)
    if counter > 1:
        parts.append(str(counter))
    return "-".join(parts) + BACKUP_SUFFIX


def parse_backup_name(name: str) -> tuple[datetime, str, int] | None:
    """(when, reason, counter) for one of our backup names, else None."""
    found = _NAME.match(name)
    if found is None:
        return None
    try:
        naive = datetime.strptime(found["stamp"], _STAMP)
    except ValueError:
        return None
    return naive.astimezone(), found["reason"] or "", int(found["counter"] or 1)


def _local(moment: datetime) -> datetime:
    """``moment`` in the computer's time zone (a naive value is taken as local already)."""
    return moment.astimezone() if moment.tzinfo is not None else moment


def sqlite_path(source: Engine | URL | str | Path) -> Path | None:
    """The database file behind an engine, URL or path; None for in-memory and server
    databases (PostgreSQL has its own tools: pg_dump and pg_restore)."""
    if isinstance(source, Path):
        return source
    if isinstance(source, Engine):
        url: URL = source.url
    elif isinstance(source, URL):
        url = source
    elif "://" in source or source.startswith("sqlite:"):
        try:
            url = make_url(source)
        except Exception:  # an unreadable URL names no file
            return None
    else:
        return Path(source)
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        return None
    if database.startswith("file:"):
        database = database.removeprefix("file:").split("?", 1)[0]
    return Path(database)


def require_sqlite_path(source: Engine | URL | str | Path) -> Path:
    path = sqlite_path(source)
    if path is not None:
        return path
    url = source.url if isinstance(source, Engine) else source
    if isinstance(url, URL | str) and _is_server(url):
        raise BackupError(
            "Backups, restores and checks here work on the shop's SQLite file; for a "
            "PostgreSQL server use pg_dump and pg_restore."
        )
    raise BackupError("This database lives only in memory, so there is no file to back up.")


def _is_server(url: URL | str) -> bool:
    try:
        return make_url(url).get_backend_name() != "sqlite"
    except Exception:  # not a URL at all
        return False


def default_backup_folder(database: Path) -> Path:
    """``backups`` beside the database: for the shop's own file that is the backups folder
    in the user data directory."""
    return database.parent / "backups"


def connect_read_only(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A connection that cannot change the file (nor create it when it is missing).

    ``immutable`` is for files nobody writes to (finished backups): no locks, no -shm file.
    """
    uri = path.resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
    return sqlite3.connect(uri, uri=True, timeout=LOCK_TIMEOUT_S, check_same_thread=False)


def table_names(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return {str(row[0]) for row in rows}


def read_revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def known_revisions() -> set[str]:
    """The migrations this version carries (0001_front_counter.py → "0001")."""
    versions = MIGRATIONS_DIR / "versions"
    return {p.name.split("_", 1)[0] for p in versions.glob("[0-9]*_*.py")} | {SCHEMA_REVISION}


def is_newer_revision(revision: str) -> bool:
    """True when ``revision`` is not one this version knows (so a later version wrote it)."""
    return revision not in known_revisions()


def integrity_lines(connection: sqlite3.Connection, *, full: bool, limit: int = 20) -> list[str]:
    """SQLite's own check: ``["ok"]`` when all is well, else what it found."""
    pragma = "integrity_check" if full else "quick_check"
    rows = connection.execute(f"PRAGMA {pragma}({limit})").fetchall()
    # One row may hold several lines, headed "*** in database main ***".
    lines = [line.strip() for row in rows for line in str(row[0]).splitlines()
             if line.strip() and not line.startswith("***")]
    return lines[:limit] or ["no answer from the check"]


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles, and that is fine."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover - the loop always returns


def sqlite_error_text(exc: BaseException) -> str:
    message = str(exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__
