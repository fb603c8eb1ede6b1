"""Backups, restores and integrity checks of the shop's SQLite database (free of Qt).

::

    from models.backups import make_backup, rotate, list_backups, check_database, restore
    info = make_backup(Path("velvet-rope.sqlite3"), Path("backups"))  # a verified copy
    rotate(Path("backups"), now=utcnow())  # keeps 7 daily, 4 weekly, 12 monthly
    report = check_database(Path("velvet-rope.sqlite3"))  # report.ok, report.problems
    restore(info.path, Path("velvet-rope.sqlite3"))  # keeps the old file aside

The modules: ``files`` (names, paths, errors), ``copying`` (make_backup), ``rotation``,
``catalog`` (list, due, newest good one), ``inspection`` (what state a file is in, check),
``restoring`` (restore, set_aside) and ``migration`` (the backup before a schema upgrade).
PostgreSQL databases are backed up with pg_dump; these functions say so instead of pretending.
"""

from models.backups.catalog import due, last_backup, list_backups, newest_good_backup
from models.backups.copying import BackupCancelled, make_backup, prepare_folder
from models.backups.files import (
    REASON_BEFORE_RESTORE,
    REASON_BEFORE_UPGRADE,
    BackupError,
    BackupInfo,
    DamagedCopyError,
    RestoreError,
    default_backup_folder,
    human_size,
    require_sqlite_path,
    sqlite_path,
)
from models.backups.inspection import (
    USABLE,
    Check,
    CheckReport,
    FileKind,
    FileState,
    check_database,
    inspect_database_file,
)
from models.backups.restoring import (
    LABEL_BEFORE_RESTORE,
    LABEL_DAMAGED,
    RestoreResult,
    check_backup_file,
    restore,
    set_aside,
)
from models.backups.rotation import RETENTION, Retention, RotationResult, choose_kept, rotate

__all__ = [
    "LABEL_BEFORE_RESTORE",
    "LABEL_DAMAGED",
    "REASON_BEFORE_RESTORE",
    "REASON_BEFORE_UPGRADE",
    "RETENTION",
    "USABLE",
    "BackupCancelled",
    "BackupError",
    "BackupInfo",
    "Check",
    "CheckReport",
    "DamagedCopyError",
    "FileKind",
    "FileState",
    "RestoreError",
    "RestoreResult",
    "Retention",
    "RotationResult",
    "check_backup_file",
    "check_database",
    "choose_kept",
    "default_backup_folder",
    "due",
    "human_size",
    "inspect_database_file",
    "last_backup",
    "list_backups",
    "make_backup",
    "newest_good_backup",
    "prepare_folder",
    "require_sqlite_path",
    "restore",
    "rotate",
    "set_aside",
    "sqlite_path",
]
