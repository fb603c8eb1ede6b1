"""What state a database file is in, told plainly: before the app opens it, before a backup is
restored, and for ``vre-desktop check``.

Everything here only reads (a read-only connection, never the app's engine), so looking at a
damaged file can never make it worse. The cheap structural checks come first (is it there, does
it start like a SQLite file, is it as long as its header says, is it ours, which schema), then
SQLite's own check: ``quick_check`` at start-up (≈80 ms at 100,000 regulars) or the full
``integrity_check`` (several times slower; backups and ``vre-desktop check`` run it).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Literal

from models.backups.files import (
    OUR_TABLES,
    SQLITE_MAGIC,
    connect_read_only,
    human_size,
    integrity_lines,
    is_newer_revision,
    read_revision,
    require_sqlite_path,
    sqlite_error_text,
    table_names,
)
from models.database import SCHEMA_REVISION

Check = Literal["none", "quick", "full"]

# The tables counted by ``vre-desktop check`` (the ones a person would miss).
COUNTED_TABLES = (
    "customer", "visit", "note", "customer_tag", "problem", "recovery_action", "follow_up",
    "teammate_check_in", "problem_category", "audit_event",
)


class FileKind(StrEnum):
    MISSING = "missing"  # no file yet: a new shop, fine
    EMPTY = "empty"  # an empty file or a SQLite file without tables: fine, becomes ours
    OK = "ok"  # ours, current schema, passed the check that was asked for
    OLDER = "older"  # ours, older schema: fine, upgraded (after a backup) when opened
    TRUNCATED = "truncated"
    NOT_A_DATABASE = "not-a-database"
    FOREIGN = "foreign"  # a SQLite database of another application
    NEWER = "newer"  # written by a newer version of this app
    DAMAGED = "damaged"  # SQLite's own check found problems
    UNREADABLE = "unreadable"  # permissions, a locked or vanished drive


USABLE = frozenset({FileKind.MISSING, FileKind.EMPTY, FileKind.OK, FileKind.OLDER})


@dataclass(frozen=True)
class FileState:
    path: Path
    kind: FileKind
    message: str  # one or two plain sentences for the owner
    detail: str = ""  # SQLite's own words, for the log and "details"
    size: int = 0
    revision: str | None = None
    tables: frozenset[str] = frozenset()
    integrity: list[str] = field(default_factory=list)  # the check's lines; [] if not run
    check: Check = "none"
    check_seconds: float = 0.0

    @property
    def usable(self) -> bool:
        return self.kind in USABLE

    @property
    def is_ours(self) -> bool:
        return self.tables >= OUR_TABLES


def inspect_database_file(path: Path, *, check: Check = "quick") -> FileState:
    """Classify the file at ``path`` without changing it."""
    name = path.name
    try:
        if not path.exists():
            return FileState(path, FileKind.MISSING, f"There is no database at {path} yet; a "
                             "new one will be created.")
        size = path.stat().st_size
        if size == 0:
            return FileState(path, FileKind.EMPTY, f"{name} is empty; it will become a new "
                             "database.")
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        return FileState(path, FileKind.UNREADABLE,
                         f"{name} cannot be read: {exc.strerror or exc}. Check that the drive is "
                         "connected and that this user may open the file.", str(exc))
    structural = _check_header(path, header, size)
    if structural is not None:
        return structural
    try:
        connection = connect_read_only(path)
    except sqlite3.Error as exc:
        return _from_sqlite_error(path, size, exc)
    try:
        return _inspect_open(path, size, connection, check)
    except sqlite3.Error as exc:
        return _from_sqlite_error(path, size, exc)
    finally:
        connection.close()


def _check_header(path: Path, header: bytes, size: int) -> FileState | None:
    name = path.name
    if not header.startswith(SQLITE_MAGIC):
        if SQLITE_MAGIC.startswith(header):  # the first bytes of a database, then nothing
            return FileState(path, FileKind.TRUNCATED, _truncated_message(name, size, None),
                             size=size)
        return FileState(
            path, FileKind.NOT_A_DATABASE,
            f"{name} is not a database file. Another program or an unfinished copy may have "
            "written over it.", size=size)
    if len(header) < 100:
        return FileState(path, FileKind.TRUNCATED, _truncated_message(name, size, None),
                         size=size)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    # The page count in the header is only valid when the change counter matches "version
    # valid for"; a WAL file beside it may legitimately hold pages the main file lacks.
    counted = page_count > 0 and header[24:28] == header[92:96]
    wal = path.with_name(path.name + "-wal")
    has_wal = wal.exists() and wal.stat().st_size > 0
    if counted and not has_wal and size < page_size * page_count:
        return FileState(path, FileKind.TRUNCATED,
                         _truncated_message(name, size, page_size * page_count), size=size)
    return None


def _truncated_message(name: str, size: int, expected: int | None) -> str:
    how = (f" ({human_size(size)} of {human_size(expected)})" if expected
           else f" (only {human_size(size)})")
    return (f"{name} is cut short{how}: the end of the database is missing, usually from a "
            "copy that did not finish or a disk that filled up.")


def _inspect_open(path: Path, size: int, connection: sqlite3.Connection,
                  check: Check) -> FileState:
    name = path.name
    tables = frozenset(table_names(connection))
    revision = read_revision(connection) if "alembic_version" in tables else None
    if not tables:
        return FileState(path, FileKind.EMPTY, f"{name} is an empty database; it will be set "
                         "up for Velvet Rope.", size=size)
    if not tables >= OUR_TABLES:
        shown = ", ".join(sorted(tables)[:4]) + (", …" if len(tables) > 4 else "")
        return FileState(
            path, FileKind.FOREIGN,
            f"{name} is a database of another application (its tables are {shown}), not "
            "Velvet Rope's. It was left as it is.", size=size, tables=tables, revision=revision)
    if revision is not None and is_newer_revision(revision):
        return FileState(
            path, FileKind.NEWER,
            f"{name} was last used by a newer version of Velvet Rope (schema {revision}; this "
            f"version knows up to {SCHEMA_REVISION}). Install the newer version to open it.",
            size=size, tables=tables, revision=revision)
    integrity: list[str] = []
    seconds = 0.0
    if check != "none":
        started = time.perf_counter()
        try:
            integrity = integrity_lines(connection, full=check == "full")
        except sqlite3.DatabaseError as exc:  # so damaged that the check itself gives up
            integrity = [sqlite_error_text(exc)]
        seconds = time.perf_counter() - started
        if integrity != ["ok"]:
            return FileState(
                path, FileKind.DAMAGED,
                f"{name} is damaged: SQLite's own check found {_problems(integrity)}.",
                detail=integrity[0], size=size, tables=tables, revision=revision,
                integrity=integrity, check=check, check_seconds=seconds)
    kind = FileKind.OK if revision == SCHEMA_REVISION else FileKind.OLDER
    message = (f"{name} is in good order." if kind is FileKind.OK
               else f"{name} uses an older schema ({revision or 'none'}); it will be upgraded "
               f"to {SCHEMA_REVISION} after a backup.")
    return FileState(path, kind, message, size=size, tables=tables, revision=revision,
                     integrity=integrity, check=check, check_seconds=seconds)


def _problems(lines: list[str]) -> str:
    if len(lines) == 1:
        return f"a problem ({lines[0]})"
    return f"{len(lines)}{'+' if len(lines) >= 20 else ''} problems, starting with: {lines[0]}"


def _from_sqlite_error(path: Path, size: int, exc: sqlite3.Error) -> FileState:
    name = path.name
    text = sqlite_error_text(exc)
    code = getattr(exc, "sqlite_errorname", "")
    if code == "SQLITE_NOTADB" or "not a database" in text:
        return FileState(path, FileKind.NOT_A_DATABASE,
                         f"{name} is not a database file that SQLite can read (it may be "
                         "encrypted or written over).", detail=text, size=size)
    if code == "SQLITE_CORRUPT" or "malformed" in text:
        return FileState(path, FileKind.DAMAGED,
                         f"{name} is damaged: SQLite cannot read parts of it ({text}).",
                         detail=text, size=size)
    if code == "SQLITE_BUSY" or "locked" in text:
        return FileState(path, FileKind.UNREADABLE,
                         f"{name} is locked by another program; close it and try again.",
                         detail=text, size=size)
    return FileState(path, FileKind.UNREADABLE,
                     f"{name} cannot be read: {text}. Check that the drive is connected and that "
                     "this user may open the file.", detail=text, size=size)


# ----- vre-desktop check --------------------------------------------------------------------


@dataclass(frozen=True)
class CheckReport:
    state: FileState
    counts: dict[str, int]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def path(self) -> Path:
        return self.state.path

    @property
    def revision(self) -> str | None:
        return self.state.revision

    @property
    def expected_revision(self) -> str:
        return SCHEMA_REVISION

    @property
    def integrity(self) -> str:
        if self.state.check == "none" or not self.state.integrity:
            return "not checked"
        return "ok" if self.state.integrity == ["ok"] else "; ".join(self.state.integrity[:5])


def check_database(source: Path | str, *, full: bool = True) -> CheckReport:
    """Integrity, schema revision and row counts of the database at ``source`` (a file path or
    a SQLite URL); ``problems`` lists everything a person should know (empty when all is
    well). Read-only. A PostgreSQL URL raises BackupError (pg_dump and the server check it)."""
    path = require_sqlite_path(source)
    state = inspect_database_file(path, check="full" if full else "quick")
    problems: list[str] = []
    counts: dict[str, int] = {}
    if state.kind is FileKind.MISSING:
        problems.append(f"There is no database at {path}.")
    elif not state.usable:
        problems.append(state.message)
    elif state.kind is FileKind.EMPTY:
        problems.append(f"{path.name} holds no Velvet Rope data yet.")
    elif state.kind is FileKind.OLDER:
        problems.append(f"The schema is at {state.revision or 'no revision'}; this version "
                        f"uses {SCHEMA_REVISION}. Opening the app upgrades it (after a backup).")
    if state.is_ours and state.kind not in (FileKind.UNREADABLE, FileKind.NOT_A_DATABASE):
        try:
            counts = count_rows(path, state.tables)
        except sqlite3.Error as exc:
            problems.append(f"The rows could not be counted: {sqlite_error_text(exc)}.")
    return CheckReport(state=state, counts=counts, problems=problems)


def count_rows(path: Path, tables: frozenset[str]) -> dict[str, int]:
    connection = connect_read_only(path)
    try:
        return {
            table: int(connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
            for table in COUNTED_TABLES if table in tables
        }
    finally:
        connection.close()
