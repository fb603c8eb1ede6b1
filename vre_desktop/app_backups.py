"""Wiring the backups into the running app: automatic backups, File → Back up now and Restore
from backup, and reopening the counter window on the restored database."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from models.backups import BackupError, default_backup_folder, restore, sqlite_path
from models.database import DatabaseError
from ui.backup_actions import BackupActions
from ui.main_window import MainWindow
from vre_desktop.paths import BACKUP_DIR_VARIABLE, backup_dir, save_backup_dir

if TYPE_CHECKING:
    from ui.sign_in.counter_lock import CounterLock

log = logging.getLogger(__name__)


def install_backups(window: MainWindow, database_url: str, *, start: bool = True,
                    counter_lock: CounterLock | None = None) -> BackupActions | None:
    """Add the backup menu entries and automatic backups to ``window`` (SQLite files only:
    PostgreSQL is backed up with pg_dump on the server). With ``counter_lock`` the window
    reopened after a restore is signed-in only, starting at the sign-in screen."""
    database = sqlite_path(database_url)
    if database is None:
        return None

    def folder() -> Path:
        return backup_dir(database_url) or default_backup_folder(database)

    # With VRE_BACKUP_DIR set the folder is IT's choice; the dialog does not offer to change it.
    changeable = not os.environ.get(BACKUP_DIR_VARIABLE, "").strip()
    actions = BackupActions(window, database, folder,
                            change_folder=save_backup_dir if changeable else None)
    actions.add_to_menu(window.file_menu, before=window.settings_action)
    # Once the dialog that asked has returned to the event loop: the window is then deleted.
    actions.restore_requested.connect(lambda backup: QTimer.singleShot(
        0, lambda: restore_and_reopen(window, actions, database_url, backup,
                                      counter_lock=counter_lock)))
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(actions.scheduler.shutdown)
    if start:
        from vre_desktop.startup_check import QUICK_CHECK_LIMIT_BYTES

        try:
            big = database.stat().st_size > QUICK_CHECK_LIMIT_BYTES
        except OSError:
            big = False
        # Files too big for a quick_check before the window get theirs now, in the background.
        actions.start(check_integrity=big)
    return actions


def release_window(window: MainWindow) -> None:
    """Stop everything in ``window`` that reads the database, close and delete it (its pending
    timers with it), and close its connections: a restore needs the file to itself."""
    from ui.change_poller import ChangePoller

    for timer in window.findChildren(QTimer):
        timer.stop()
    for poller in window.findChildren(ChangePoller):
        poller.stop()
    engine = window.sessions.kw["bind"]
    window.close()
    shiboken6.delete(window)
    engine.dispose()


def restore_and_reopen(window: MainWindow, actions: BackupActions, database_url: str,
                       backup: Path, *,
                       counter_lock: CounterLock | None = None) -> MainWindow | None:
    """Close ``window``, restore ``backup`` over the database, open a new counter window.

    If the restore is refused or fails, the window reopens on the unchanged database and says
    why. Returns the new window (None if even the unchanged database cannot be opened, or if
    whoever is signed in is not the owner: then nothing is touched and the window says so).
    """
    from vre_desktop.app import create_main_window
    from vre_desktop.startup_check import run_busy

    database = sqlite_path(database_url)
    app = QApplication.instance()
    if database is None or not isinstance(app, QApplication):
        return None
    if not actions.may_restore():  # the owner's alone, however it was asked for
        return None
    folder = actions.scheduler.folder
    actor = _acting_name(window)
    actions.scheduler.shutdown()
    geometry = window.saveGeometry()
    quit_on_close = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)  # the counter window is away for a moment
    try:
        release_window(window)

        def work() -> str:
            result = restore(backup, database, backup_folder=folder, actor=actor)
            kept = (f" The previous database was kept as {result.set_aside.name}."
                    if result.set_aside else "")
            upgraded = " (its schema was upgraded)" if result.upgraded else ""
            return f"✓ Restored the backup {backup.name}{upgraded}.{kept}"

        try:
            message, error = run_busy("Restoring the backup…", work), False
        except BackupError as exc:
            message, error = str(exc), True
        except Exception as exc:
            log.exception("restore failed")
            message, error = f"The restore failed: {exc}. Nothing was changed.", True
        try:
            reopened = create_main_window(
                database_url, signed_in=counter_lock.holder if counter_lock else None)
        except DatabaseError as exc:
            _critical(str(exc))
            app.quit()
            return None
        except Exception as exc:
            log.exception("cannot reopen after restore")
            _critical(f"The database cannot be opened: {exc}")
            app.quit()
            return None
        install_backups(reopened, database_url, counter_lock=counter_lock)
        reopened.restoreGeometry(geometry)
        if counter_lock is not None:  # the restored staff list may differ: sign in again
            counter_lock.replace_window(reopened)
        else:
            reopened.show()
        reopened.show_toast(message, error=error)
        return reopened
    finally:
        app.setQuitOnLastWindowClosed(quit_on_close)


def _acting_name(window: MainWindow) -> str:
    """Who is signed in at ``window``, for the restore's audit event (no query is run)."""
    from models.staff import acting_name

    with window.sessions() as session:
        return acting_name(session)


def _critical(text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, "Velvet Rope", text)
    box.exec()
