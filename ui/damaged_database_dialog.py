"""Shown before the counter window when the shop's database file cannot be used.

It says what is wrong in plain words, that nothing was changed, and offers the newest good
backup. The damaged file is never repaired or overwritten: restoring or starting empty keeps it
beside the new one under a dated name, and only when the owner presses that button. Quit (also
Esc and Enter) changes nothing.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.backups import BackupInfo, FileKind, FileState, human_size


class StartupChoice(Enum):
    QUIT = "quit"
    RESTORE = "restore"
    START_EMPTY = "start-empty"


def describe_backup(backup: BackupInfo) -> str:
    when = backup.taken_at.astimezone()
    return (f"{when:%A %d %B %Y, %H:%M} — {human_size(backup.size)} "
            f"({backup.path.name}, in {backup.path.parent})")


class DamagedDatabaseDialog(QDialog):
    def __init__(self, state: FileState, backup: BackupInfo | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("damagedDatabaseDialog")
        self.setWindowTitle("Velvet Rope cannot open its database")
        self.setAccessibleName("The database cannot be opened")
        self.setMinimumWidth(620)
        self.choice = StartupChoice.QUIT
        newer = state.kind is FileKind.NEWER
        # A file that cannot be read right now (locked, a drive away, permissions) may be
        # perfectly fine: nothing is offered that would put it aside.
        if state.kind is FileKind.UNREADABLE:
            backup = None

        title = QLabel("This version cannot use the shop's database" if newer
                       else "The shop's database needs attention")
        title.setObjectName("dialogTitle")
        self.message = QLabel(state.message)
        self.message.setObjectName("damagedMessage")
        self.message.setAccessibleName("What is wrong")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        where = QLabel(f"File: {state.path}")
        where.setObjectName("emptyHint")
        where.setTextFormat(Qt.TextFormat.PlainText)
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        promise = QLabel(
            "Nothing has been changed. Velvet Rope never repairs or overwrites this file: if you "
            "restore a backup or start empty, it is kept beside the new one under a dated name "
            "(for example velvet-rope.damaged-2026-11-22T130500.sqlite3)."
        )
        promise.setWordWrap(True)
        promise.setObjectName("emptyHint")

        self.backup_label = QLabel()
        self.backup_label.setObjectName("backupOffer")
        self.backup_label.setAccessibleName("Newest good backup")
        self.backup_label.setTextFormat(Qt.TextFormat.PlainText)
        self.backup_label.setWordWrap(True)
        if state.kind is FileKind.UNREADABLE:
            self.backup_label.setText("Nothing needs restoring yet: once the file can be read "
                                      "again, start Velvet Rope again.")
        elif backup is not None:
            caution = (" It was made before the newer version was used, so later changes are "
                       "not in it." if newer else "")
            self.backup_label.setText(f"Newest good backup: {describe_backup(backup)}.{caution}")
        else:
            self.backup_label.setText(
                "No backup was found. Quit, and copy a backup into the backups folder (or ask "
                "whoever looks after this computer), then start Velvet Rope again.")

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        if backup is not None:
            restore = QPushButton("&Restore this backup")
            restore.setObjectName("restoreBackupButton")
            restore.setAccessibleName("Restore the newest good backup")
            restore.setAutoDefault(False)
            restore.setProperty("primary", True)
            restore.clicked.connect(lambda: self._choose(StartupChoice.RESTORE))
            buttons.addWidget(restore)
        if not newer and state.kind is not FileKind.UNREADABLE:
            empty = QPushButton("Keep it aside and start &empty")
            empty.setObjectName("startEmptyButton")
            empty.setAccessibleName("Keep the damaged file aside and start with an empty database")
            empty.setAutoDefault(False)
            empty.clicked.connect(lambda: self._choose(StartupChoice.START_EMPTY))
            buttons.addWidget(empty)
        quit_button = QPushButton("&Quit")
        quit_button.setObjectName("quitButton")
        quit_button.setAccessibleName("Quit without changing anything")
        quit_button.setDefault(True)
        quit_button.clicked.connect(self.reject)
        buttons.addWidget(quit_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.message)
        if state.detail and state.detail not in state.message:
            detail = QLabel(f"SQLite says: {state.detail}")
            detail.setObjectName("emptyHint")
            detail.setTextFormat(Qt.TextFormat.PlainText)
            detail.setWordWrap(True)
            layout.addWidget(detail)
        layout.addWidget(where)
        layout.addSpacing(4)
        layout.addWidget(self.backup_label)
        layout.addWidget(promise)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        quit_button.setFocus()

    def _choose(self, choice: StartupChoice) -> None:
        self.choice = choice
        self.accept()

    def reject(self) -> None:
        self.choice = StartupChoice.QUIT
        super().reject()
