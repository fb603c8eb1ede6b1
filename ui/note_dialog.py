"""Add a note to a regular; Ctrl+Enter saves (Enter starts a new line).

Alt+P pins it to the greeting card; Alt+H leaves it for the next shift (a handover note, shown
in their briefing).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from models import ValidationError


class NoteDialog(QDialog):
    def __init__(
        self, save: Callable[[str, bool, str], int], *, about: str,
        parent: QWidget | None = None,
    ) -> None:
        """``save(text, pinned, kind)`` stores the note (kind "note" or "handover")."""
        super().__init__(parent)
        self.setObjectName("noteDialog")
        self.setWindowTitle(f"Note about {about}")
        self.setMinimumWidth(460)
        self._save = save
        self.saved_id: int | None = None
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("noteEdit")
        self.text_edit.setAccessibleName("Note")
        self.text_edit.setPlaceholderText(
            "What should the next person on shift know? (Ctrl+Enter saves)"
        )
        self.pin_check = QCheckBox("&Pin to the greeting card")
        self.pin_check.setObjectName("pinCheck")
        self.pin_check.setAccessibleName("Pin to the greeting card")
        self.handover_check = QCheckBox("For the next shift (&handover)")
        self.handover_check.setObjectName("handoverCheck")
        self.handover_check.setAccessibleName("For the next shift (handover)")
        self.handover_check.setToolTip(
            "The next shift sees it in their briefing (Ctrl+B) for a day; it stays on the "
            "card and the timeline marked “For next shift”."
        )
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Save note")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.text_edit.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text_edit)
        layout.addWidget(self.error)
        layout.addWidget(self.pin_check)
        layout.addWidget(self.handover_check)
        layout.addWidget(buttons)
        self.text_edit.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.activateWindow()
        self.text_edit.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Ctrl+Enter saves from inside the text (plain Enter is a new line). Handled here, not
        # as a window shortcut, so it works whichever window Qt thinks is active.
        if (
            watched is self.text_edit
            and event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            if event.type() == QEvent.Type.KeyPress:
                self.accept()
            event.accept()
            return True
        return super().eventFilter(watched, event)

    def kind(self) -> str:
        return "handover" if self.handover_check.isChecked() else "note"

    def accept(self) -> None:
        try:
            self.saved_id = self._save(self.text_edit.toPlainText(), self.pin_check.isChecked(),
                                       self.kind())
        except ValidationError as exc:
            self.error.setText(next(iter(exc.errors.values())))
            self.error.show()
            self.text_edit.setFocus()
            return
        super().accept()
