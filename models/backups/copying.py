"""Making one backup: a consistent copy of the live SQLite file, verified before it counts.

The copy is made with SQLite's online backup API from a fresh read-only connection of its own.
It never shares a connection with the app: Python's ``Connection.backup()`` spins forever when
its source connection holds an uncommitted write, and a fresh connection holds no transaction
at all. In WAL mode the copy is a snapshot of the last commit while the counter keeps working.

The copy is written under a hidden temporary name, switched out of WAL mode so it is one
self-contained file, checked with ``PRAGMA integrity_check``, flushed to disk, and only then
renamed to its final name. A copy that fails any step is deleted and the error says why; the
live database is only ever read.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from models.backups.files import (
    BACKUP_SUFFIX,
    PARTIAL_SUFFIX,
    BackupError,
    BackupInfo,
    DamagedCopyError,
    backup_name,
    connect_read_only,
    fsync_file,
    fsync_folder,
    human_size,
    integrity_lines,
    parse_backup_name,
    read_revision,
    require_sqlite_path,
    sqlite_error_text,
)
from models.base import utcnow

log = logging.getLogger(__name__)

Report = Callable[[int, int], bool]
# SQLite virtual-machine steps between two calls of ``report`` while checking the copy
# (tens of milliseconds).
CHECK_STEPS = 1_000_000
_REASON = re.compile(r"[a-z]+(?:-[a-z]+)*")


class BackupCancelled(BackupError):  # noqa: N818 (a stop on request, not a failure)
    """The backup was asked to stop (the app is closing)."""


# A leftover temporary copy older than this is from a backup that died (power cut); removed.
STALE_PARTIAL = timedelta(hours=1)


def make_backup(
    source: Engine | str | Path, dest_folder: Path, *, now: datetime | None = None,
    reason: str = "", full_check: bool = True, report: Report | None = None,
) -> BackupInfo:
    """Copy the database behind ``source`` (engine, SQLite URL or file path) into
    ``dest_folder`` as ``vre-YYYY-MM-DDTHHMM.sqlite3`` and verify the copy.

    Raises BackupError with a plain message (no database, folder missing, disk full, the copy
    failed its check); nothing is left behind in the folder then. ``report(0, 0)`` is called
    now and then during the check; when it returns False the backup stops (BackupCancelled).
    """
    if reason and not _REASON.fullmatch(reason):
        raise ValueError(f"a backup reason is lower-case words joined by '-', not {reason!r}")
    database = require_sqlite_path(source)
    if not database.is_file():
        raise BackupError(f"There is no database at {database} to back up.")
    folder = prepare_folder(dest_folder)
    taken_at = (now or utcnow()).astimezone()
    final = _free_name(folder, taken_at, reason)
    # Unique to this backup: two counters backing up in the same minute must never write
    # into (or delete) each other's copy.
    partial = folder / (f".{final.name.removesuffix(BACKUP_SUFFIX)}.{os.getpid()}-"
                        f"{secrets.token_hex(4)}{BACKUP_SUFFIX}{PARTIAL_SUFFIX}")
    _remove_stale_partials(folder, taken_at)
    started = time.perf_counter()
    try:
        _copy(database, partial, folder)
        copied = time.perf_counter()
        if report is not None and not report(0, 0):
            raise BackupCancelled("The backup was stopped; nothing was kept.")
        revision = _verify(partial, full=full_check, report=report)
        verified = time.perf_counter()
        fsync_file(partial)
        # Named again now: another backup may have taken the name while this one ran.
        final = _rename(partial, _free_name(folder, taken_at, reason), folder)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
    fsync_folder(folder)
    parsed = parse_backup_name(final.name)
    info = BackupInfo(
        path=final, taken_at=parsed[0] if parsed else taken_at, size=final.stat().st_size,
        revision=revision, reason=reason, counter=parsed[2] if parsed else 1,
        copy_seconds=copied - started, verify_seconds=verified - copied,
    )
    log.info("backed up %s to %s (%s, schema %s) in %.2f s", database, final,
             human_size(info.size), revision, verified - started)
    return info


def prepare_folder(folder: Path) -> Path:
    """The backup folder, created if only its last part is missing.

    A folder whose parent is missing is a drive or USB stick that is not plugged in: creating
    the whole path would quietly put the backups on the computer's own disk instead.
    """
    if folder.is_dir():
        return folder
    if folder.exists():
        raise BackupError(f"The backup folder {folder} is a file, not a folder.")
    if not folder.parent.is_dir():
        raise BackupError(
            f"The backup folder {folder} is not available. Is the drive or USB stick "
            "plugged in?"
        )
    try:
        folder.mkdir()
    except FileExistsError:
        pass  # another backup created it a moment ago
    except OSError as exc:
        raise BackupError(
            f"Cannot create the backup folder {folder}: {exc.strerror or exc}."
        ) from exc
    return folder


def _copy(database: Path, partial: Path, folder: Path) -> None:
    try:
        source = connect_read_only(database)
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot read the database {database}: {sqlite_error_text(exc)}.") \
            from exc
    try:
        target = sqlite3.connect(partial, timeout=0)
        try:
            source.backup(target)  # one step: a single read transaction, a consistent snapshot
            # One file, no -wal beside it: a backup must be usable on its own.
            target.execute("PRAGMA journal_mode = DELETE").fetchall()
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        raise _write_error(exc, folder, database) from exc
    except OSError as exc:
        raise _write_error(exc, folder, database) from exc
    finally:
        source.close()


def _write_error(exc: BaseException, folder: Path, database: Path) -> BackupError:
    text = sqlite_error_text(exc)
    full = (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "full" in text.lower()
    if full:
        return BackupError(f"The backup folder {folder} is full: there is no room left on "
                           "that drive for a copy of the database.")
    if isinstance(exc, sqlite3.DatabaseError) and getattr(exc, "sqlite_errorname", "") in (
        "SQLITE_CORRUPT", "SQLITE_NOTADB",
    ):
        return DamagedCopyError(f"The database {database.name} could not be copied because it is "
                           f"damaged ({text}). Run 'vre-desktop check'.")
    if isinstance(exc, OSError):
        return BackupError(f"Cannot write to the backup folder {folder}: {exc.strerror or text}.")
    return BackupError(f"The backup into {folder} failed: {text}.")


def _verify(partial: Path, *, full: bool, report: Report | None = None) -> str | None:
    """Check the finished copy; return its schema revision."""
    stopped = False

    def keep_going() -> int:
        nonlocal stopped
        stopped = report is not None and not report(0, 0)
        return 1 if stopped else 0  # non-zero interrupts the check

    try:
        connection = sqlite3.connect(partial.resolve().as_uri() + "?mode=ro", uri=True)
        if report is not None:
            connection.set_progress_handler(keep_going, CHECK_STEPS)
        try:
            lines = integrity_lines(connection, full=full)
            revision = read_revision(connection)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        if stopped:
            raise BackupCancelled("The backup was stopped; nothing was kept.") from exc
        damaged = getattr(exc, "sqlite_errorname", "") in ("SQLITE_CORRUPT", "SQLITE_NOTADB")
        error = DamagedCopyError if damaged else BackupError
        raise error(
            f"The copy could not be checked ({sqlite_error_text(exc)}), so it was deleted."
            + (" The database itself may be damaged: run 'vre-desktop check'." if damaged else "")
        ) from exc
    if lines != ["ok"]:
        raise DamagedCopyError(
            f"The copy failed its integrity check ({lines[0]}), so it was deleted. The database "
            "itself may be damaged: run 'vre-desktop check'."
        )
    return revision


def _rename(partial: Path, final: Path, folder: Path) -> Path:
    try:
        partial.replace(final)
    except OSError as exc:
        raise BackupError(
            f"Cannot finish the backup in {folder}: {exc.strerror or exc}."
        ) from exc
    return final


def _free_name(folder: Path, taken_at: datetime, reason: str) -> Path:
    counter = 1
    while True:
        candidate = folder / backup_name(taken_at, reason, counter)
        if not candidate.exists():
            return candidate
        counter += 1


def _remove_stale_partials(folder: Path, now: datetime) -> None:
    cutoff = now.timestamp() - STALE_PARTIAL.total_seconds()
    for leftover in folder.glob(f".*{BACKUP_SUFFIX}{PARTIAL_SUFFIX}"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
