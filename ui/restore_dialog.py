"""File → Restore from backup (owners): the backups with their dates and sizes, newest first.

Choosing one and confirming emits ``restore_requested`` with its path; the application then
closes the counter window, restores (the current database is backed up and kept aside first)
and opens the window again on the restored data. The dialog itself changes nothing. "Change
folder…" points this computer's backups somewhere else (a USB stick, a synced folder); "Other
file…" restores a copy kept anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDir, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.backups import BackupInfo, human_size, list_backups
from models.database import SCHEMA_REVISION

COLUMNS = ("Taken", "Size", "Schema", "Made")
FolderChanger = Callable[[Path], None]


def when_text(backup: BackupInfo) -> str:
    return f"{backup.taken_at.astimezone():%a %d %b %Y, %H:%M}"


class RestoreDialog(QDialog):
    restore_requested = Signal(object)  # Path of the chosen backup
    folder_changed = Signal(object)  # Path

    def __init__(
        self, folder: Path, database: Path, *, change_folder: FolderChanger | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Restore from backup")
        self.setAccessibleName("Restore from backup")
        self.resize(720, 520)
        self._folder = folder
        self._database = database
        self._change_folder = change_folder
        self.backups: list[BackupInfo] = []
        self._confirmation: QMessageBox | None = None  # the open "Replace …?" question

        title = QLabel("Restore the shop's database from a backup")
        title.setObjectName("dialogTitle")
        self.folder_label = QLabel()
        self.folder_label.setObjectName("emptyHint")
        self.folder_label.setTextFormat(Qt.TextFormat.PlainText)
        self.folder_label.setWordWrap(True)
        self.folder_label.setAccessibleName("Backup folder")
        self.change_button = QPushButton("Change &folder…")
        self.change_button.setObjectName("changeBackupFolderButton")
        self.change_button.setAccessibleName("Change the backup folder")
        self.change_button.setAutoDefault(False)
        self.change_button.setVisible(change_folder is not None)
        self.change_button.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.change_button)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("backupList")
        self.table.setAccessibleName("Backups, newest first")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(32)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 100), (2, 80), (3, 170)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(column, width)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.restore_selected())

        self.empty_hint = QLabel()
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        explanation = QLabel(
            "Restoring replaces the shop's database with the chosen copy; anything entered "
            "since it was made will not be in it. The current database is backed up and kept "
            "aside first, so nothing is deleted. Other counters should close Velvet Rope first.")
        explanation.setObjectName("emptyHint")
        explanation.setWordWrap(True)

        self.other_button = QPushButton("&Other file…")
        self.other_button.setObjectName("restoreOtherFileButton")
        self.other_button.setAccessibleName("Restore a backup file from elsewhere")
        self.other_button.setAutoDefault(False)
        self.other_button.clicked.connect(self.choose_file)
        self.restore_button = QPushButton("&Restore…")
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.setAccessibleName("Restore the selected backup")
        self.restore_button.setProperty("primary", True)
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self.restore_selected)
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("closeButton")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.other_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addLayout(folder_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_hint)
        layout.addWidget(explanation)
        layout.addLayout(buttons)
        self.reload()

    # ----- contents ------------------------------------------------------------------------

    @property
    def folder(self) -> Path:
        return self._folder

    def reload(self) -> None:
        self.folder_label.setText(f"Backups in {self._folder}")
        self.backups = list_backups(self._folder)
        self.table.setRowCount(len(self.backups))
        for row, backup in enumerate(self.backups):
            schema = backup.revision or "?"
            cells = (when_text(backup), human_size(backup.size), schema, backup.reason_label)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2 and backup.revision not in (None, SCHEMA_REVISION):
                    item.setToolTip(f"Upgraded to {SCHEMA_REVISION} when restored")
                item.setData(Qt.ItemDataRole.UserRole, str(backup.path))
                self.table.setItem(row, column, item)
        if self.backups:
            self.table.selectRow(0)
            self.empty_hint.hide()
        else:
            self.empty_hint.setText(
                f"No backups in {self._folder} yet. Use File → Back up now, or Other file… "
                "to restore a copy kept elsewhere.")
            self.empty_hint.show()
        self.table.setVisible(bool(self.backups))
        self._selection_changed()

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.backups):
            return None
        return self.backups[rows[0].row()]

    @Slot()
    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    # ----- actions ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.table.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.restore_selected()
            return
        super().keyPressEvent(event)

    @Slot()
    def restore_selected(self) -> None:
        backup = self.selected()
        if backup is None:
            return
        self._confirm(backup.path, f"the backup from {when_text(backup)}")

    @Slot()
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Restore a backup file", str(self._folder if self._folder.is_dir()
                                               else QDir.homePath()),
            "Velvet Rope backups (*.sqlite3 *.sqlite *.db);;All files (*)")
        if path:
            self._confirm(Path(path), Path(path).name)

    @Slot()
    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, "Where should backups go?", str(self._folder if self._folder.exists()
                                                   else QDir.homePath()))
        if chosen:
            self.set_folder(Path(chosen))

    def set_folder(self, folder: Path) -> None:
        if self._change_folder is not None:
            try:
                self._change_folder(folder)
            except OSError as exc:
                box = QMessageBox(QMessageBox.Icon.Warning, "Backup folder",
                                  f"The new folder could not be saved: {exc.strerror or exc}.",
                                  parent=self)
                box.setTextFormat(Qt.TextFormat.PlainText)
                box.open()
                return
        self._folder = folder
        self.folder_changed.emit(folder)
        self.reload()

    def confirmation_text(self, what: str) -> str:
        return (f"Replace the shop's database with {what}?\n\nAnything entered since then will "
                "not be in the restored database. The current database is backed up and kept "
                f"aside beside {self._database.name}, so it can be brought back. Velvet Rope "
                "closes the counter window for a moment while it restores.")

    def _confirm(self, path: Path, what: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Restore from backup",
                          self.confirmation_text(what), parent=self)
        box.setObjectName("restoreConfirmation")
        box.setTextFormat(Qt.TextFormat.PlainText)
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        restore.setObjectName("confirmRestoreButton")
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        self._confirmation = box

        def answered() -> None:
            self._confirmation = None
            if box.clickedButton() is restore:
                self.accept()
                self.restore_requested.emit(path)

        box.finished.connect(lambda _result: answered())
        box.open()
