"""Putting a backup in place of the live database, and keeping a damaged file aside.

``restore`` checks the backup first (a SQLite file, intact, ours, a schema this version can
open), copies it next to the live file and upgrades the copy if it is older, notes the restore
in the copy's audit trail, backs up the current database, keeps the current database aside
under a dated name (with its -wal and -shm files), and only then renames the copy into place.
Until that last rename the live database is untouched, and nothing is ever deleted: the
previous file stays beside the new one.

The app must have closed its own connections first; another program still holding the file
open makes the restore refuse rather than swap the file under it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from models.audit import record_event
from models.backups.copying import make_backup
from models.backups.files import (
    LOCK_TIMEOUT_S,
    REASON_BEFORE_RESTORE,
    BackupError,
    BackupInfo,
    DamagedCopyError,
    RestoreError,
    connect_read_only,
    default_backup_folder,
    fsync_file,
    fsync_folder,
    integrity_lines,
    read_revision,
    sqlite_error_text,
)
from models.backups.inspection import FileKind, FileState, inspect_database_file
from models.base import utcnow
from models.database import SCHEMA_REVISION, create_database_engine, upgrade_schema

log = logging.getLogger(__name__)

SIDE_FILES = ("-wal", "-shm", "-journal")
LABEL_BEFORE_RESTORE = "before-restore"
LABEL_DAMAGED = "damaged"


@dataclass(frozen=True)
class RestoreResult:
    database: Path  # the live path, now holding the restored data
    restored_from: Path
    revision_in_backup: str | None
    upgraded: bool  # the backup had an older schema and was upgraded
    set_aside: Path | None  # where the previous database now is (None: there was none)
    safety_backup: BackupInfo | None  # the backup of the previous database


def check_backup_file(path: Path) -> FileState:
    """The full check of a file someone wants to restore; raises RestoreError if it cannot be
    restored (returns its state otherwise)."""
    if not path.is_file():
        raise RestoreError(f"There is no file at {path}.")
    state = inspect_database_file(path, check="full")
    name = path.name
    if state.kind in (FileKind.EMPTY, FileKind.FOREIGN) or (
        state.usable and not state.is_ours
    ):
        raise RestoreError(f"{name} is not a Velvet Rope backup: it holds no regulars' data "
                           "of this app.")
    if state.kind is FileKind.NEWER:
        raise RestoreError(
            f"{name} was made by a newer version of Velvet Rope (schema {state.revision}; this "
            f"version knows up to {SCHEMA_REVISION}). Install the newer version to restore it.")
    if not state.usable:
        raise RestoreError(f"{state.message} Choose another backup.")
    return state


def restore(
    backup_file: Path, live_path: Path, *, backup_folder: Path | None = None,
    now: datetime | None = None, back_up_current: bool = True,
    aside_label: str = LABEL_BEFORE_RESTORE, checked: FileState | None = None,
    actor: str = "",
) -> RestoreResult:
    """Replace the database at ``live_path`` with the backup ``backup_file``.

    ``back_up_current`` takes a verified backup of the current database first (into
    ``backup_folder``, by default ``backups`` beside it); it is off for a damaged database,
    which cannot be backed up and is kept aside as it is instead. ``checked`` is the state
    ``check_backup_file`` returned for this file, to spare checking it twice. ``actor`` is
    who restored it, for the "restore" event written into the restored database (before it
    is put in place: the event is there exactly when the restore happened).
    """
    moment = (now or utcnow()).astimezone()
    backup_file = backup_file.resolve()
    live_path = live_path.resolve()
    if backup_file == live_path:
        raise RestoreError(f"{backup_file.name} is the database itself; choose a backup.")
    if checked is not None and checked.path.resolve() == backup_file and checked.check == "full":
        state = checked
    else:
        state = check_backup_file(backup_file)
    staging = live_path.with_name(f".{live_path.name}.restoring")
    try:
        _copy_into(backup_file, staging)
        upgraded = state.revision != SCHEMA_REVISION
        if upgraded:
            _upgrade(staging)
        _record_restore(staging, backup_file, state.revision, upgraded, actor, moment)
        _finish(staging)
        safety: BackupInfo | None = None
        aside: Path | None = None
        if live_path.exists():
            healthy = back_up_current
            if back_up_current:
                folder = backup_folder or default_backup_folder(live_path)
                try:
                    # Checked with quick_check only: the current file itself is kept aside too.
                    safety = make_backup(live_path, folder, now=moment,
                                         reason=REASON_BEFORE_RESTORE, full_check=False)
                except DamagedCopyError:
                    # The very reason to restore: kept aside exactly as it is, never written to.
                    healthy = False
                    aside_label = LABEL_DAMAGED
                except BackupError as exc:
                    raise RestoreError(f"The current database could not be backed up first, "
                                       f"so nothing was changed: {exc}") from exc
            aside = set_aside(live_path, label=aside_label, now=moment, checkpoint=healthy)
        try:
            _replace_with_retries(staging, live_path)
        except OSError as exc:
            if aside is not None:
                _put_back(aside, live_path)
            raise RestoreError(f"Cannot put the restored copy in place: {exc.strerror or exc}. "
                               "The current database was put back; nothing was changed.") \
                from exc
        fsync_folder(live_path.parent)
    except BaseException:
        _remove_with_side_files(staging)
        raise
    log.info("restored %s from %s (schema %s%s); previous database kept as %s",
             live_path, backup_file, state.revision, ", upgraded" if upgraded else "", aside)
    return RestoreResult(database=live_path, restored_from=backup_file,
                         revision_in_backup=state.revision, upgraded=upgraded,
                         set_aside=aside, safety_backup=safety)


def _replace_with_retries(source: Path, target: Path, attempts: int = 5) -> None:
    """Rename ``source`` over ``target``; on Windows a virus scanner or the indexer often holds
    a file it just saw being written, for a moment, so a refused rename is tried again."""
    for attempt in range(attempts):
        try:
            source.replace(target)
            return
        except PermissionError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def _put_back(aside: Path, live_path: Path) -> None:
    """Undo ``set_aside``: the file and its side files go back under their own names."""
    moves = [(aside, live_path)] + [
        (aside.with_name(aside.name + side), live_path.with_name(live_path.name + side))
        for side in SIDE_FILES if aside.with_name(aside.name + side).exists()
    ]
    for old, new in moves:
        old.replace(new)
    fsync_folder(live_path.parent)
    log.warning("the restore could not finish; %s is back in place", live_path)


def set_aside(path: Path, *, label: str = LABEL_DAMAGED, now: datetime | None = None,
              checkpoint: bool = False) -> Path | None:
    """Rename ``path`` (and its -wal/-shm files, together) to a dated name beside it, e.g.
    ``velvet-rope.damaged-2026-11-22T1305.sqlite3``; return the new path (None: no file).

    ``checkpoint`` first folds the write-ahead log into a healthy file and makes sure no other
    program has it open. A damaged file is moved exactly as it is.
    """
    if not path.exists():
        return None
    if checkpoint:
        _take_over(path)
    moment = (now or utcnow()).astimezone()
    target = _aside_name(path, label, moment)
    moves = [(path, target)] + [
        (path.with_name(path.name + side), target.with_name(target.name + side))
        for side in SIDE_FILES if path.with_name(path.name + side).exists()
    ]
    done: list[tuple[Path, Path]] = []
    try:
        for old, new in moves:
            old.rename(new)
            done.append((old, new))
    except OSError as exc:
        for old, new in reversed(done):  # all or nothing: a db without its -wal loses commits
            with contextlib.suppress(OSError):
                new.rename(old)
        raise RestoreError(f"Cannot move {path.name} aside: {exc.strerror or exc}. Nothing "
                           "was changed.") from exc
    fsync_folder(path.parent)
    log.info("kept %s aside as %s", path, target)
    return target


def _aside_name(path: Path, label: str, moment: datetime) -> Path:
    stamp = moment.strftime("%Y-%m-%dT%H%M%S")
    counter = 1
    while True:
        extra = f"-{counter}" if counter > 1 else ""
        candidate = path.with_name(f"{path.stem}.{label}-{stamp}{extra}{path.suffix}")
        if not candidate.exists():
            return candidate
        counter += 1


def _take_over(path: Path) -> None:
    """Fold the WAL into ``path`` and leave it in rollback mode. Switching out of WAL needs the
    only connection to the file, so this also finds another program (or counter) using it."""
    try:
        connection = sqlite3.connect(path, timeout=LOCK_TIMEOUT_S / 2, isolation_level=None)
        try:
            mode = connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise RestoreError(_in_use(path, sqlite_error_text(exc))) from exc
    if str(mode).lower() != "delete":
        raise RestoreError(_in_use(path, f"journal mode stays {mode}"))


def _in_use(path: Path, detail: str) -> str:
    return (f"{path.name} is still open in another Velvet Rope window or program ({detail}). "
            "Close it there and try again; nothing was changed.")


def _copy_into(backup_file: Path, staging: Path) -> None:
    _remove_with_side_files(staging)
    try:
        source = connect_read_only(backup_file)
        try:
            target = sqlite3.connect(staging)
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode = DELETE").fetchall()
            finally:
                target.close()
        finally:
            source.close()
    except (sqlite3.Error, OSError) as exc:
        raise RestoreError(
            f"Cannot copy {backup_file.name} next to the database: {sqlite_error_text(exc)}. "
            "Nothing was changed.") from exc


def _upgrade(staging: Path) -> None:
    engine = create_database_engine(f"sqlite:///{staging}")
    try:
        upgrade_schema(engine)
    except Exception as exc:
        raise RestoreError(f"The backup could not be upgraded to this version's schema "
                           f"({sqlite_error_text(exc)}). Nothing was changed.") from exc
    finally:
        engine.dispose()


def _record_restore(staging: Path, backup_file: Path, revision: str | None, upgraded: bool,
                    actor: str, moment: datetime) -> None:
    """The "restore" audit event, in the staged copy. The backup's own trail ends before this
    restore; the event says where the data came from. Failing to write it (never expected on
    a checked copy) does not stop the restore: getting the data back matters more."""
    engine = create_database_engine(f"sqlite:///{staging}")
    try:
        with Session(engine) as session, session.begin():
            upgrade = f", upgraded from schema {revision}" if upgraded else ""
            record_event(session, "restore", actor=actor, record_type="database",
                         summary=f"restored the backup {backup_file.name}{upgrade}", at=moment)
    except Exception:
        log.warning("could not note the restore in the audit trail of %s", staging,
                    exc_info=True)
    finally:
        engine.dispose()


def _finish(staging: Path) -> None:
    """The staged copy in rollback mode, checked, on disk."""
    try:
        connection = sqlite3.connect(staging, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode = DELETE").fetchall()
            lines = integrity_lines(connection, full=False)
            revision = read_revision(connection)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise RestoreError(f"The restored copy could not be checked: {sqlite_error_text(exc)}."
                           " Nothing was changed.") from exc
    if lines != ["ok"] or revision != SCHEMA_REVISION:
        raise RestoreError(f"The restored copy did not pass its check ({lines[0]}, schema "
                           f"{revision}). Nothing was changed.")
    fsync_file(staging)


def _remove_with_side_files(path: Path) -> None:
    for candidate in (path, *(path.with_name(path.name + side) for side in SIDE_FILES)):
        with contextlib.suppress(OSError):
            os.remove(candidate)
