"""Before the counter window opens: is the shop's database file usable?

The structural checks (is it a SQLite file, is it whole, is it ours, which schema) take
milliseconds at any size and always run here. SQLite's ``quick_check`` reads every page: about
1–3 s for 100,000 regulars (400 MB) on the build machine, so before the window it runs only for
files up to QUICK_CHECK_LIMIT_BYTES; for bigger files it runs on a worker thread right after
the window is up (ui/backup_scheduler.py), and the full ``integrity_check`` runs on every
automatic backup's copy. An older schema is backed up and upgraded here behind a busy
indicator, so the owner sees why the start takes longer that once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog

from models.backups import (
    BackupError,
    BackupInfo,
    Check,
    FileKind,
    FileState,
    default_backup_folder,
    human_size,
    inspect_database_file,
    newest_good_backup,
    restore,
    set_aside,
    sqlite_path,
)
from models.database import DatabaseError, open_database
from ui.background import BackgroundTask
from ui.damaged_database_dialog import DamagedDatabaseDialog, StartupChoice
from vre_desktop.network_share import warning_for

log = logging.getLogger(__name__)

# About 15,000 regulars with their visits and notes (≈0.2 s of quick_check); bigger files are
# checked in the background once the window is up.
QUICK_CHECK_LIMIT_BYTES = 64 * 2**20


def inspect_at_startup(path: Path) -> FileState:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    check: Check = "quick" if size <= QUICK_CHECK_LIMIT_BYTES else "none"
    state = inspect_database_file(path, check=check)
    if state.usable:
        log.info("start-up check of %s (%s, %s): %s in %.3f s", path, human_size(size), check,
                 state.kind, state.check_seconds)
    else:
        log.error("start-up check of %s: %s (%s)", path, state.message, state.detail)
    return state


def needs_attention(path: Path) -> FileState | None:
    """The file's state when the owner must decide something, else None (fine, or new)."""
    state = inspect_at_startup(path)
    return None if state.usable else state


def offered_backup(database: Path, folder: Path | None) -> BackupInfo | None:
    folders = [f for f in (folder, default_backup_folder(database)) if f is not None]
    return newest_good_backup(folders)


def aside_label(state: FileState) -> str:
    if state.kind is FileKind.NEWER:
        return "newer-version"
    if state.kind is FileKind.FOREIGN:
        return "not-velvet-rope"
    return "damaged"


def act(choice: StartupChoice, state: FileState, backup: BackupInfo | None, *,
        now: datetime | None = None) -> str:
    """Carry out the owner's choice; return what to tell them ("" for Quit). Raises
    BackupError (with a plain message) when it cannot be done; the file is then unchanged."""
    label = aside_label(state)
    if choice is StartupChoice.RESTORE and backup is not None:
        result = restore(backup.path, state.path, back_up_current=False, aside_label=label,
                         now=now)
        kept = f" The previous file was kept as {result.set_aside.name}." if result.set_aside \
            else ""
        return f"Restored the backup {backup.path.name}.{kept}"
    if choice is StartupChoice.START_EMPTY:
        aside = set_aside(state.path, label=label, now=now)
        return (f"The previous file was kept as {aside.name}; Velvet Rope starts with an empty "
                "database." if aside else "Velvet Rope starts with an empty database.")
    return ""


def check_before_opening(database_url: str, backup_folder: Path | None) -> bool:
    """Run the start-up check (with the dialog when needed); False means quit."""
    path = sqlite_path(database_url)
    if path is None:
        return True  # PostgreSQL or in-memory: nothing to inspect here
    warn_if_on_network_share(path)
    state = inspect_at_startup(path)
    if state.kind is FileKind.OLDER:
        return _upgrade(database_url, backup_folder)
    if state.usable:
        return True
    backup = offered_backup(path, backup_folder)
    dialog = DamagedDatabaseDialog(state, backup)
    dialog.exec()
    if dialog.choice is StartupChoice.QUIT:
        return False
    try:
        message = run_busy("Restoring the backup…" if dialog.choice is StartupChoice.RESTORE
                                 else "Keeping the file aside…",
                                 lambda: act(dialog.choice, state, backup))
    except BackupError as exc:
        _tell(QMessageBox.Icon.Critical, "Velvet Rope could not do that", str(exc))
        return False
    log.info("%s", message)
    _tell(QMessageBox.Icon.Information, "Velvet Rope", message)
    return True


def warn_if_on_network_share(path: Path) -> None:
    """Say so (once per start) when the file is on a network share: SQLite is not safe there."""
    warning = warning_for(path)
    if warning:
        log.warning("%s", warning)
        _tell(QMessageBox.Icon.Warning, "The database is on a network share", warning)


def _upgrade(database_url: str, backup_folder: Path | None) -> bool:
    """Back up and upgrade an older database on a worker thread, with a busy indicator."""

    def work() -> str:
        sessions = open_database(database_url, backup_folder=backup_folder)
        sessions.kw["bind"].dispose()
        return "upgraded"

    try:
        run_busy("Backing up the database, then upgrading it for this version…", work)
    except DatabaseError as exc:
        _tell(QMessageBox.Icon.Critical, "Velvet Rope cannot open its database", str(exc))
        return False
    return True


def run_busy(label: str, work: Callable[[], str]) -> str:
    """Run ``work`` on a worker thread behind a busy indicator and wait for it (for the moments
    when there is no counter window to keep responsive: before it opens, while it reopens);
    its exception is raised here."""
    progress = QProgressDialog(label, "", 0, 0)
    progress.setObjectName("progressDialog")
    progress.setWindowTitle("Velvet Rope")
    progress.setCancelButton(None)
    progress.setWindowModality(Qt.WindowModality.ApplicationModal)
    progress.setMinimumDuration(300)
    outcome: dict[str, object] = {}
    loop = QEventLoop()
    task = BackgroundTask(lambda _report: work())

    def finished(result: object) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: object) -> None:
        outcome["error"] = exc
        loop.quit()

    task.finished.connect(finished)
    task.failed.connect(failed)
    task.start()
    loop.exec()
    progress.close()
    if "error" in outcome:
        error = outcome["error"]
        raise error if isinstance(error, BaseException) else BackupError(str(error))
    return str(outcome.get("result", ""))


def _tell(icon: QMessageBox.Icon, title: str, text: str) -> None:
    box = QMessageBox(icon, title, text)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
