"""Before ``open_database`` upgrades a schema: refuse what must not be upgraded, back up the rest.

- A schema this version does not know (a newer version wrote it) is refused plainly instead of
  failing inside Alembic.
- A SQLite file of another application is refused rather than filled with our tables.
- An existing SQLite database with data is backed up (verified) first; if that is impossible
  the upgrade does not start, and the file stays exactly as it was.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine, inspect

from models.backups.copying import make_backup
from models.backups.files import (
    OUR_TABLES,
    REASON_BEFORE_UPGRADE,
    BackupError,
    BackupInfo,
    default_backup_folder,
    is_newer_revision,
    sqlite_path,
)
from models.database import SCHEMA_REVISION, DatabaseError

log = logging.getLogger(__name__)


def before_upgrade(engine: Engine, revision: str | None,
                   backup_folder: Path | None = None) -> BackupInfo | None:
    """Called with the database's current ``revision`` when it differs from SCHEMA_REVISION.

    Returns the backup taken (None when there was nothing to back up).
    """
    if revision is not None and is_newer_revision(revision):
        raise DatabaseError(
            f"This database was last used by a newer version of Velvet Rope (schema {revision}; "
            f"this version knows up to {SCHEMA_REVISION}). Install the newer version to open it."
        )
    path = sqlite_path(engine)
    if path is None or not path.is_file():
        return None  # PostgreSQL (pg_dump is its tool), in-memory, or a brand-new file
    try:
        with engine.connect() as connection:
            tables = {t for t in inspect(connection).get_table_names()
                      if not t.startswith("sqlite_")}
    except Exception as exc:  # any driver error here means "cannot open"
        raise DatabaseError(f"Cannot read the database {path.name}: {exc}") from exc
    if not tables:
        return None  # a new, empty database: nothing to lose
    if revision is None and not tables & OUR_TABLES:
        raise DatabaseError(
            f"{path.name} is a database of another application, not Velvet Rope's; it was left "
            "as it is. Choose another file."
        )
    folders = [backup_folder] if backup_folder is not None else []
    folders.append(default_backup_folder(path))
    errors: list[str] = []
    for folder in dict.fromkeys(folders):
        try:
            backup = make_backup(path, folder, reason=REASON_BEFORE_UPGRADE)
        except BackupError as exc:
            errors.append(str(exc))
            log.warning("backup before upgrade into %s failed: %s", folder, exc)
            continue
        log.info("backed up %s before upgrading schema %s → %s: %s", path, revision,
                 SCHEMA_REVISION, backup.path)
        return backup
    raise DatabaseError(
        f"The database needs an upgrade, but it could not be backed up first, so it was left as "
        f"it was: {errors[-1]}"
    )
