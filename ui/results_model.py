"""The search results as a Qt table model (at most ~50 rows; replaced on every search)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from models import CustomerMatch, relative_day

CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMN_NAME, COLUMN_USUAL, COLUMN_PHONE, COLUMN_VISITS, COLUMN_LAST_VISIT = range(5)
HEADERS = ("Name", "Usual", "Phone", "Visits", "Last visit")

ModelIndex = QModelIndex | QPersistentModelIndex


class ResultsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._matches: list[CustomerMatch] = []
        self._now: datetime | None = None

    def set_matches(self, matches: Sequence[CustomerMatch], now: datetime | None = None) -> None:
        self.beginResetModel()
        self._matches = list(matches)
        self._now = now
        self.endResetModel()

    def matches(self) -> list[CustomerMatch]:
        return list(self._matches)

    def match_at(self, row: int) -> CustomerMatch | None:
        return self._matches[row] if 0 <= row < len(self._matches) else None

    def row_of(self, customer_id: int) -> int:
        for row, match in enumerate(self._matches):
            if match.id == customer_id:
                return row
        return -1

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._matches)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        match = self.match_at(index.row())
        if match is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(match, column)
        if role == CUSTOMER_ID_ROLE:
            return match.id
        if role == Qt.ItemDataRole.ToolTipRole and column == COLUMN_NAME:
            if match.allergies:
                return "Allergies: " + ", ".join(match.allergies)
            return match.description or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(match, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COLUMN_VISITS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, match: CustomerMatch, column: int) -> str:
        if column == COLUMN_NAME:
            alert = "⚠ " if match.allergies else ""
            return alert + match.display_name
        if column == COLUMN_USUAL:
            return match.usual
        if column == COLUMN_PHONE:
            return match.phone
        if column == COLUMN_VISITS:
            return str(match.visits)
        if column == COLUMN_LAST_VISIT:
            return relative_day(match.last_visit, self._now) if match.last_visit else "—"
        return ""
