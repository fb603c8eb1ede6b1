"""The search results as a Qt table model (at most ~50 rows; replaced on every search).

Built on QStandardItemModel on purpose: painting asks a model for ~7 roles of every visible
cell, and answering ~700 of those calls per keystroke from Python cost ~9 ms, more than the
search itself. Items hold their values in C++, so a repaint never calls back into Python.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from models import CustomerMatch, relative_day

CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMN_NAME, COLUMN_USUAL, COLUMN_PHONE, COLUMN_VISITS = range(4)
HEADERS = ("Name", "Usual", "Phone", "Visits · last")


_SHORT_UNITS = ((" weeks ago", " wk ago"), (" months ago", " mo ago"), (" years ago", " yr ago"),
                ("a year ago", "1 yr ago"), (" days ago", "d ago"))


def short_relative_day(moment: datetime, now: datetime | None) -> str:
    """relative_day() for a narrow column: "3d ago", "5 wk ago", "2 mo ago"."""
    text = relative_day(moment, now)
    for long, short in _SHORT_UNITS:
        text = text.replace(long, short)
    return text


class ResultsModel(QStandardItemModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setHorizontalHeaderLabels(list(HEADERS))
        self._matches: list[CustomerMatch] = []

    def set_matches(self, matches: Sequence[CustomerMatch], now: datetime | None = None) -> None:
        self.beginResetModel()
        # One reset instead of a rowsInserted signal per row.
        blocked = self.blockSignals(True)
        try:
            self.setRowCount(0)
            self._matches = list(matches)
            for match in self._matches:
                self.appendRow(self._row(match, now))
        finally:
            self.blockSignals(blocked)
        self.endResetModel()

    @staticmethod
    def _row(match: CustomerMatch, now: datetime | None) -> list[QStandardItem]:
        name = QStandardItem(("⚠ " if match.allergies else "") + match.display_name)
        name.setData(match.id, CUSTOMER_ID_ROLE)
        tip = ("Allergies: " + ", ".join(match.allergies)) if match.allergies else ""
        if tip or match.description:
            # Tool tips render anything that looks like HTML; customer text is plain text.
            name.setToolTip("<p>" + html.escape(tip or match.description) + "</p>")
        last = short_relative_day(match.last_visit, now) if match.last_visit else "new"
        # Items stay at their default flags: the view never starts an editor.
        return [name, QStandardItem(match.usual), QStandardItem(match.phone),
                QStandardItem(f"{match.visits} · {last}")]

    def match_at(self, row: int) -> CustomerMatch | None:
        return self._matches[row] if 0 <= row < len(self._matches) else None

    def row_of(self, customer_id: int) -> int:
        for row, match in enumerate(self._matches):
            if match.id == customer_id:
                return row
        return -1
