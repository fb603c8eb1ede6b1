"""A list of things to do (follow-ups, teammate check-ins) and a line to mark one done.

Keyboard: ↑/↓ choose, Enter goes to the result line, Enter there marks it done, Ctrl+O opens
the regular's card, Esc closes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models import ValidationError

OVERDUE_COLOUR = "#b3261e"


@dataclass(frozen=True)
class WorkItem:
    id: int
    customer_id: int | None
    cells: tuple[str, ...]
    what: str  # how the completion line names it: "call about the grinder"
    urgent: bool = False  # overdue: drawn in the alert colour


@dataclass(frozen=True)
class WorkListText:
    object_name: str
    title: str
    intro: str
    columns: Sequence[str]
    stretch_column: int  # the column with the most to say gets the spare width
    empty: str
    result_label: str  # "How did it go?"
    result_placeholder: str
    by_label: str
    done_button: str


class WorkListDialog(QDialog):
    open_customer = Signal(int)
    changed = Signal()

    def __init__(
        self, text: WorkListText, *, load: Callable[[], list[WorkItem]],
        complete: Callable[[int, str, str], None], by_default: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(text.object_name)
        self.setWindowTitle(text.title)
        self.setAccessibleName(text.title)
        self.resize(780, 460)
        self._text = text
        self._load = load
        self._complete = complete
        self._items: list[WorkItem] = []

        title = QLabel(text.title)
        title.setObjectName("workListTitle")
        intro = QLabel(text.intro)
        intro.setObjectName("emptyHint")
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(text.columns))
        self.table.setObjectName("workListView")
        self.table.setAccessibleName(text.title)
        self.table.setHorizontalHeaderLabels(list(text.columns))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(text.stretch_column, QHeaderView.ResizeMode.Stretch)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.empty = QLabel(text.empty)
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.result_label = QLabel(text.result_label)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_edit = QLineEdit()
        self.result_edit.setObjectName("resultEdit")
        self.result_edit.setAccessibleName(text.result_label)
        self.result_edit.setPlaceholderText(text.result_placeholder)
        self.result_edit.returnPressed.connect(self.complete_selected)
        self.by_edit = QLineEdit(by_default)
        self.by_edit.setObjectName("doneByEdit")
        self.by_edit.setAccessibleName(text.by_label)
        self.by_edit.setPlaceholderText(text.by_label)
        self.by_edit.setMaximumWidth(160)
        self.by_edit.returnPressed.connect(self.complete_selected)
        self.done_button = QPushButton(text.done_button)
        self.done_button.setObjectName("markDoneButton")
        self.done_button.setAutoDefault(False)
        self.done_button.clicked.connect(self.complete_selected)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.hide()
        self.result_label.setWordWrap(True)
        done_row = QHBoxLayout()
        done_row.addWidget(self.result_edit, 1)
        done_row.addWidget(self.by_edit)
        done_row.addWidget(self.done_button)

        self.open_button = QPushButton("Open card   Ctrl+O")
        self.open_button.setObjectName("openCardButton")
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        QShortcut(QKeySequence("Ctrl+O"), self, self.open_selected)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.result_label)
        layout.addLayout(done_row)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.activateWindow()
        self.table.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.selected() is not None
        ):
            self.result_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().eventFilter(watched, event)

    @property
    def items(self) -> list[WorkItem]:
        return list(self._items)

    def reload(self, select_row: int = 0) -> None:
        self._items = self._load()
        self.table.setRowCount(len(self._items))
        for row, item in enumerate(self._items):
            for column, value in enumerate(item.cells):
                cell = QTableWidgetItem(value)
                if item.urgent:
                    cell.setForeground(QBrush(QColor(OVERDUE_COLOUR)))
                self.table.setItem(row, column, cell)
        has_items = bool(self._items)
        self.table.setVisible(has_items)
        self.empty.setVisible(not has_items)
        for widget in (self.result_edit, self.by_edit, self.done_button, self.open_button):
            widget.setEnabled(has_items)
        if has_items:
            self.table.selectRow(min(select_row, len(self._items) - 1))
        self._on_selection()

    def selected(self) -> WorkItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self._items[rows[0].row()] if rows else None

    def _on_selection(self) -> None:
        item = self.selected()
        self.result_label.setText(
            f"{self._text.result_label} ({_short(item.what)})" if item else self._text.result_label
        )
        self.error.hide()

    def complete_selected(self) -> None:
        item = self.selected()
        if item is None:
            return
        try:
            self._complete(item.id, self.result_edit.text(), self.by_edit.text())
        except ValidationError as exc:
            self.error.setText(" ".join(exc.errors.values()))
            self.error.show()
            return
        row = self.table.currentRow()
        self.result_edit.clear()
        self.reload(select_row=max(row, 0))
        self.changed.emit()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_selected(self) -> None:
        item = self.selected()
        if item is not None and item.customer_id is not None:
            self.open_customer.emit(item.customer_id)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
