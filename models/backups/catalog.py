"""The backups in a folder: listing them, whether a new one is due, the newest good one."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from models.backups.files import (
    BACKUP_PREFIX,
    BACKUP_SUFFIX,
    BackupInfo,
    connect_read_only,
    parse_backup_name,
    read_revision,
)

BACKUP_EVERY = timedelta(days=1)


def list_backups(folder: Path, *, read_revisions: bool = True) -> list[BackupInfo]:
    """Our finished backups in ``folder``, newest first (other files are ignored; a missing
    folder has none). ``read_revisions`` opens each copy to read its schema revision."""
    try:
        candidates = list(folder.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}"))
    except OSError:
        return []
    backups = []
    for path in candidates:
        parsed = parse_backup_name(path.name)
        if parsed is None:
            continue
        try:
            size = path.stat().st_size
        except OSError:
            continue  # deleted meanwhile, or the drive went away
        taken_at, reason, counter = parsed
        revision = _revision_of(path) if read_revisions else None
        backups.append(BackupInfo(path=path, taken_at=taken_at, size=size, revision=revision,
                                  reason=reason, counter=counter))
    backups.sort(key=lambda b: (b.taken_at, b.counter), reverse=True)
    return backups


def _revision_of(path: Path) -> str | None:
    with contextlib.suppress(sqlite3.Error):
        connection = connect_read_only(path, immutable=True)
        try:
            return read_revision(connection)
        finally:
            connection.close()
    return None


def last_backup(folder: Path) -> BackupInfo | None:
    backups = list_backups(folder, read_revisions=False)
    return backups[0] if backups else None


CLOCK_SLACK = timedelta(minutes=5)  # another counter's clock may run a little ahead


def due(folder: Path, now: datetime, *, every: timedelta = BACKUP_EVERY) -> bool:
    """True when the newest backup in ``folder`` is older than ``every`` (or there is none).

    A backup dated in the future (taken once while the computer's clock was wrong) does not
    count: it would stop the automatic backups until that date."""
    newest = max((b.taken_at for b in list_backups(folder, read_revisions=False)
                  if b.taken_at <= now + CLOCK_SLACK), default=None)
    return newest is None or now - newest >= every


def newest_good_backup(folders: Iterable[Path]) -> BackupInfo | None:
    """The newest backup in any of ``folders`` that is ours, passes ``quick_check`` and has a
    schema this version can open (the same or older)."""
    from models.backups.inspection import inspect_database_file

    seen: set[Path] = set()
    candidates: list[BackupInfo] = []
    for folder in folders:
        for backup in list_backups(folder, read_revisions=False):
            if backup.path.resolve() not in seen:
                seen.add(backup.path.resolve())
                candidates.append(backup)
    candidates.sort(key=lambda b: (b.taken_at, b.counter), reverse=True)
    for backup in candidates:
        state = inspect_database_file(backup.path, check="quick")
        if state.usable and state.is_ours:
            return BackupInfo(path=backup.path, taken_at=backup.taken_at, size=backup.size,
                              revision=state.revision, reason=backup.reason,
                              counter=backup.counter)
    return None
