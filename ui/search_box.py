"""The search box: where the clerk types, and where the counter's keys are handled."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QWidget

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class SearchBox(QLineEdit):
    """A line edit that also drives the result list without leaving the keyboard's home.

    ↑/↓/PgUp/PgDn move the selection, Enter opens the card, Ctrl+Enter checks in, Esc clears,
    Ctrl+Z / Ctrl+Shift+Z undo and redo the last check-in (the text itself is rarely worth
    undoing mid-rush).
    """

    move_selection = Signal(int)
    open_requested = Signal()
    check_in_requested = Signal()
    undo_requested = Signal()
    redo_requested = Signal()

    PAGE = 10

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBox")
        self.setAccessibleName("Search regulars")
        self.setAccessibleDescription(
            "Type part of a name, phone digits or anything you remember; "
            "Enter opens the card, Control+Enter checks them in."
        )
        self.setPlaceholderText("Find a regular — name, phone, or “corgi”…   (Ctrl+F)")
        self.setClearButtonEnabled(True)

    def event(self, event: QEvent) -> bool:
        # Claim our keys before window shortcuts see them, so they work the same whether or
        # not the window is active, and never fire twice.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (self._is_check_in(event) or self._is_undo_or_redo(event))
        ):
            event.accept()
            return True
        return super().event(event)

    @staticmethod
    def _is_check_in(event: QKeyEvent) -> bool:
        return event.key() in _ENTER_KEYS and bool(
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        )

    @staticmethod
    def _is_undo_or_redo(event: QKeyEvent) -> bool:
        return event.matches(QKeySequence.StandardKey.Undo) or event.matches(
            QKeySequence.StandardKey.Redo
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self._is_check_in(event):
            self.check_in_requested.emit()
        elif event.matches(QKeySequence.StandardKey.Undo):
            self.undo_requested.emit()
        elif event.matches(QKeySequence.StandardKey.Redo):
            self.redo_requested.emit()
        elif key in _ENTER_KEYS:
            self.open_requested.emit()
        elif key == Qt.Key.Key_Escape:
            if self.text():
                self.clear()
            else:
                event.ignore()
                return
        elif key == Qt.Key.Key_Up:
            self.move_selection.emit(-1)
        elif key == Qt.Key.Key_Down:
            self.move_selection.emit(1)
        elif key == Qt.Key.Key_PageUp:
            self.move_selection.emit(-self.PAGE)
        elif key == Qt.Key.Key_PageDown:
            self.move_selection.emit(self.PAGE)
        else:
            super().keyPressEvent(event)
            return
        event.accept()
