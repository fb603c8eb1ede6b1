"""The counter window's backup side: File → Back up now / Restore from backup…, the automatic
backups (ui/backup_scheduler.py) and a line in the status bar when one failed.

The window knows nothing of folders or restoring; the application installs this with the
database file, a way to find (and change) the backup folder, and reacts to
``restore_requested`` by closing the window, restoring and opening it again.

Restoring needs the owner (``Permission.BACKUPS``), checked whichever way it is asked for: the
menu entry (greyed out for others), the "database is damaged" warning, and the restore itself.
That warning tells anyone else to fetch the owner (and is shown again, with Restore, when the
owner signs in), and is never shown over the sign-in screen: found while the counter is locked,
it waits for the next person to sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QMessageBox

from models.backups import human_size
from models.base import utcnow
from models.staff import Actor, Permission
from ui.backup_scheduler import BackupOutcome, BackupScheduler, Clock

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.restore_dialog import RestoreDialog

NEEDS_OWNER = "Restoring a backup needs the owner: ask them to sign in (Ctrl+L) and restore it."
DAMAGED_TITLE = "The shop's database is damaged"


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
        # A warning still to show at the next sign-in (found while locked), or only at the
        # owner's (a teammate was told to fetch them).
        self._pending_damage: str | None = None
        self._pending_for_owner = False
        window.role_applied.connect(self._role_applied)

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
        actor = self._window.signed_in_actor()
        if actor is None:  # locked: nothing over the sign-in screen; the next person is told
            self._pending_damage, self._pending_for_owner = message, False
            return
        self._warn_damage(message, actor)

    def _warn_damage(self, message: str, actor: Actor) -> None:
        owner = actor.may(Permission.BACKUPS)
        if owner:
            advice = ("Keep working only if you must: restore the newest good backup soon "
                      "(File → Restore from backup).")
        else:
            advice = ("Fetch the owner now: restoring the newest good backup needs them "
                      "(File → Restore from backup). Keep working only if you must.")
        box = QMessageBox(QMessageBox.Icon.Warning, DAMAGED_TITLE,
                          f"{message}\n\n{advice} The damaged file will be kept aside, never "
                          "overwritten.", parent=self._window)
        box.setObjectName("damagedWarning")
        box.setTextFormat(Qt.TextFormat.PlainText)
        restore = (box.addButton("Restore from backup…", QMessageBox.ButtonRole.AcceptRole)
                   if owner else None)
        later = box.addButton("Later" if owner else "OK", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(later)
        box.setEscapeButton(later)
        self.damage_warning = box

        def answered() -> None:
            self.damage_warning = None
            clicked = box.clickedButton()
            if clicked is None:  # closed by the lock for someone else: they are told instead
                self._pending_damage, self._pending_for_owner = message, False
            elif restore is not None and clicked is restore:
                self.show_restore()
            elif not owner:  # told to fetch the owner: the owner sees it when signing in
                self._pending_damage, self._pending_for_owner = message, True

        box.finished.connect(lambda _result: answered())
        box.open()

    @Slot(object)
    def _role_applied(self, actor: object) -> None:
        if actor is not None:  # once the sign-in is done and the counter is on screen
            QTimer.singleShot(0, self, self._show_pending_damage)

    @Slot()
    def _show_pending_damage(self) -> None:
        message, actor = self._pending_damage, self._window.signed_in_actor()
        if message is None or actor is None or self.damage_warning is not None:
            return
        if self._pending_for_owner and not actor.may(Permission.BACKUPS):
            return
        self._pending_damage = None
        self._warn_damage(message, actor)

    # ----- restoring -----------------------------------------------------------------------

    def may_restore(self) -> bool:
        """True if whoever is signed in may restore; otherwise tells them who may (nobody is
        told while the counter is locked)."""
        actor = self._window.signed_in_actor()
        if actor is not None and actor.may(Permission.BACKUPS):
            return True
        if actor is not None:
            self._window.show_toast(NEEDS_OWNER, error=True)
        return False

    @Slot()
    def show_restore(self) -> None:
        if not self.may_restore():
            return
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
