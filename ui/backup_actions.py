"""The counter window's backup side: File → Back up now / Restore from backup…, the automatic
backups (ui/backup_scheduler.py) and a line in the status bar when one failed.

The window knows nothing of folders or restoring; the application installs this with the
database file, a way to find (and change) the backup folder, and reacts to
``restore_requested`` by closing the window, restoring and opening it again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QMessageBox

from models.backups import human_size
from models.base import utcnow
from models.staff import Permission
from ui.backup_scheduler import BackupOutcome, BackupScheduler, Clock

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.restore_dialog import RestoreDialog


class BackupActions(QObject):
    restore_requested = Signal(object)  # Path of the backup the owner confirmed

    def __init__(
        self, window: MainWindow, database: Path, folder: Callable[[], Path], *,
        change_folder: Callable[[Path], None] | None = None, clock: Clock = utcnow,
        scheduler: BackupScheduler | None = None,
    ) -> None:
        super().__init__(window)
        self.setObjectName("backupActions")
        self._window = window
        self._database = database
        self._folder = folder
        self._change_folder = change_folder
        self.scheduler = scheduler or BackupScheduler(database, folder, clock=clock, parent=self)
        self.scheduler.succeeded.connect(self._backed_up)
        self.scheduler.failed.connect(self._backup_failed)
        self.scheduler.damaged.connect(self._found_damage)
        self.dialog: RestoreDialog | None = None
        self.damage_warning: QMessageBox | None = None

        self.status = QLabel()
        self.status.setObjectName("backupStatusLabel")
        self.status.setAccessibleName("Backup status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.hide()
        window.statusBar().addPermanentWidget(self.status)

        self.backup_action = self._action("Back &up now", "Ctrl+Shift+B", self.back_up_now,
                                          "backUpNowAction")
        self.restore_action = self._action("Restore from &backup… (owner)", "",
                                           self.show_restore, "restoreFromBackupAction")
        for action in (self.backup_action, self.restore_action):
            action.setProperty("vre_permission", Permission.BACKUPS.name)  # MainWindow.apply_role

    def _action(self, text: str, shortcut: str, slot: Callable[[], None], name: str) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self._window.addAction(action)
        return action

    def add_to_menu(self, file_menu: QMenu, before: QAction) -> None:
        file_menu.insertActions(before, [self.backup_action, self.restore_action])
        file_menu.insertSeparator(before)

    def start(self, *, check_integrity: bool = False) -> None:
        self.scheduler.start(check_integrity=check_integrity)

    # ----- backing up ----------------------------------------------------------------------

    @Slot()
    def back_up_now(self) -> None:
        if self.scheduler.back_up_now():
            self._window.statusBar().showMessage("Backing up…", 10_000)
        else:
            self._window.show_toast("A backup is already running; it will be done shortly.")

    def _backed_up(self, outcome: object) -> None:
        if not isinstance(outcome, BackupOutcome):
            return
        self.status.hide()
        backup = outcome.backup
        text = (f"✓ Backed up to {backup.path.name} ({human_size(backup.size)}, verified) "
                f"in {backup.path.parent}.")
        if outcome.manual:
            self._window.show_toast(text)
        else:
            self._window.statusBar().showMessage(text, 15_000)

    def _backup_failed(self, message: str) -> None:
        retry = self.scheduler.retry_at
        when = f" Trying again at {retry.astimezone():%H:%M}." if retry else ""
        self.status.setText("⚠ Last backup failed")
        self.status.setToolTip(message + when)
        self.status.setAccessibleDescription(message + when)
        self.status.show()
        self._window.show_toast(f"Backup failed: {message}{when}", error=True)

    def _found_damage(self, state: object) -> None:
        """The background check found the live database damaged: say so, offer a restore."""
        message = getattr(state, "message", "The database is damaged.")
        self.status.setText("⚠ The database is damaged")
        self.status.setToolTip(message)
        self.status.setAccessibleDescription(message)
        self.status.show()
        box = QMessageBox(QMessageBox.Icon.Warning, "The shop's database is damaged",
                          f"{message}\n\nKeep working only if you must: restore the newest good "
                          "backup soon (File → Restore from backup). The damaged file will be "
                          "kept aside, never overwritten.", parent=self._window)
        box.setObjectName("damagedWarning")
        box.setTextFormat(Qt.TextFormat.PlainText)
        restore = box.addButton("Restore from backup…", QMessageBox.ButtonRole.AcceptRole)
        later = box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(later)
        box.setEscapeButton(later)
        self.damage_warning = box

        def answered() -> None:
            self.damage_warning = None
            if box.clickedButton() is restore:
                self.show_restore()

        box.finished.connect(lambda _result: answered())
        box.open()

    # ----- restoring -----------------------------------------------------------------------

    @Slot()
    def show_restore(self) -> None:
        from ui.restore_dialog import RestoreDialog

        dialog = RestoreDialog(self._folder(), self._database,
                               change_folder=self._change_folder, parent=self._window)
        self.dialog = dialog

        def requested(path: object) -> None:
            if isinstance(path, Path):
                self.restore_requested.emit(path)

        def finished(_result: int) -> None:
            self.dialog = None
            dialog.deleteLater()
            self._window.focus_search()

        dialog.restore_requested.connect(requested)
        dialog.finished.connect(finished)
        dialog.open()
