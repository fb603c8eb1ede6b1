"""Where Velvet Rope Desktop keeps its files (platformdirs: the OS's usual places)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path, user_log_path

APP_NAME = "vre-desktop"
APP_AUTHOR = "VelvetRope"
DATABASE_FILE = "velvet-rope.sqlite3"
DATABASE_URL_VARIABLE = "VRE_DATABASE_URL"


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
