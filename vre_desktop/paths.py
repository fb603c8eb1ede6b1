"""Where Velvet Rope Desktop keeps its files (platformdirs: the OS's usual places)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_log_path

APP_NAME = "vre-desktop"
APP_AUTHOR = "VelvetRope"
DATABASE_FILE = "velvet-rope.sqlite3"
DATABASE_URL_VARIABLE = "VRE_DATABASE_URL"
BACKUP_DIR_VARIABLE = "VRE_BACKUP_DIR"
# This computer's own settings (the shop's settings live in the database, but the backup
# folder must be known even when the database is damaged).
MACHINE_SETTINGS_FILE = "settings.json"
BACKUP_FOLDER_KEY = "backup_folder"


def data_dir() -> Path:
    return user_data_path(APP_NAME, APP_AUTHOR, ensure_exists=True)


def log_dir() -> Path:
    return user_log_path(APP_NAME, APP_AUTHOR, ensure_exists=True)


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / DATABASE_FILE}"


def resolve_database_url(explicit: str | None) -> tuple[str, bool]:
    """The database to use and whether it is the shop's default one.

    Order: ``--database-url``, then the ``VRE_DATABASE_URL`` environment variable, then the
    SQLite file in the user data directory.
    """
    if explicit:
        return explicit, False
    from_env = os.environ.get(DATABASE_URL_VARIABLE, "").strip()
    if from_env:
        return from_env, False
    return default_database_url(), True


def config_dir() -> Path:
    return user_config_path(APP_NAME, APP_AUTHOR)


def _machine_settings() -> dict[str, object]:
    try:
        data = json.loads((config_dir() / MACHINE_SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def saved_backup_dir() -> Path | None:
    """The backup folder chosen on this computer (File → Restore from backup → Change)."""
    value = _machine_settings().get(BACKUP_FOLDER_KEY)
    return Path(value).expanduser() if isinstance(value, str) and value.strip() else None


def save_backup_dir(folder: Path | None) -> None:
    """Remember ``folder`` as this computer's backup folder (None: back to the default)."""
    settings = _machine_settings()
    if folder is None:
        settings.pop(BACKUP_FOLDER_KEY, None)
    else:
        settings[BACKUP_FOLDER_KEY] = str(folder)
    target = config_dir() / MACHINE_SETTINGS_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(json.dumps(settings, indent=2, ensure_ascii=False), encoding="utf-8")
    partial.replace(target)


def backup_dir(database_url: str | None = None) -> Path | None:
    """Where the backups of ``database_url`` (default: the shop's database) go.

    Order: the ``VRE_BACKUP_DIR`` environment variable, then the folder chosen on this
    computer, then ``backups`` beside the database file (for the shop's own database that is
    the backups folder in the user data directory). None for a database that is not a SQLite
    file (PostgreSQL is backed up with pg_dump).
    """
    from models.backups import default_backup_folder, sqlite_path

    database = sqlite_path(database_url or default_database_url())
    if database is None:
        return None
    from_env = os.environ.get(BACKUP_DIR_VARIABLE, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    return saved_backup_dir() or default_backup_folder(database)
