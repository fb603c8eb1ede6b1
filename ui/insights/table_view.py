"""A report table: whole rows selected, read-only, Enter or a double-click opens the row."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from ui.insights.table_model import ROW_ROLE

MAX_COLUMN_WIDTH = 240
SORT_ARROW_WIDTH = 4


class ReportTableView(QTableView):
    row_activated = Signal(object)  # the row object under Enter or a double-click
    export_requested = Signal()

    def __init__(self, object_name: str, accessible_name: str, *,
                 stretch_column: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAccessibleName(accessible_name)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setTabKeyNavigation(False)  # Tab leaves the table, as everywhere else
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(28)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(stretch_column is None)
        self._stretch_column = stretch_column
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if self._stretch_column is not None:
            self.horizontalHeader().setSectionResizeMode(
                self._stretch_column, QHeaderView.ResizeMode.Stretch)
        if model is not None:
            model.modelReset.connect(self.fit_columns)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Each column as wide as its contents, up to ``MAX_COLUMN_WIDTH``; the stretch column
        takes what is left (long text is elided, and shown whole in the CSV and on paper)."""
        model = self.model()
        if model is None:
            return
        for column in range(model.columnCount()):
            if column == self._stretch_column:
                continue
            self.resizeColumnToContents(column)
            # The styled header's size hint leaves no room for the sort arrow.
            self.setColumnWidth(column, min(self.columnWidth(column) + SORT_ARROW_WIDTH,
                                            MAX_COLUMN_WIDTH))

    def enable_sorting(self) -> None:
        """Header clicks sort (by the model's sort role); until then, the report's own order."""
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)

    def current_row_object(self) -> object | None:
        index = self.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def select_first_row(self) -> None:
        model = self.model()
        if model is not None and model.rowCount() and not self.currentIndex().isValid():
            self.setCurrentIndex(model.index(0, 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            row = self.current_row_object()
            if row is not None:
                self.row_activated.emit(row)
                event.accept()
                return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        index: QModelIndex = self.indexAt(event.position().toPoint())
        if index.isValid():
            self.row_activated.emit(index.data(ROW_ROLE))
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def _context_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction("Export this table as CSV…", self.export_requested.emit)
        menu.exec(self.viewport().mapToGlobal(position))
        menu.deleteLater()
