"""A read-only table of report rows described by column specs.

Each column says how a row reads (``text``), what it sorts by (``sort``, served under
``SORT_ROLE`` so a ``QSortFilterProxyModel`` with ``setSortRole(SORT_ROLE)`` sorts numbers as
numbers without a Python ``lessThan``), what goes into a CSV file (``csv``) and, optionally, a
colour, a tooltip and a spoken text. ``set_rows`` is the only change: a full reset per report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from ui.insights.formatting import NO_VALUE, count_text, number_text

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # a number, or casefolded text
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the row object itself
CSV_ROLE = Qt.ItemDataRole.UserRole + 3  # the plain value for a spreadsheet

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter
# Numbers sit centred under their centred heading: a right-aligned heading would run under the
# header's sort arrow, and a left one would stand apart from its numbers.
NUMBER = CENTER


@dataclass(frozen=True)
class Column(Generic[Row]):
    title: str
    text: Callable[[Row], str]
    sort: Callable[[Row], float | str | None] | None = None  # default: the text, casefolded
    csv: Callable[[Row], str] | None = None  # default: the text
    align: Qt.AlignmentFlag = LEFT
    colour: Callable[[Row], QColor | None] | None = None
    tooltip: Callable[[Row], str] | None = None
    spoken: Callable[[Row], str] | None = None  # for screen readers, when text is symbols
    key: str = ""  # the report's own sort key, for lists sorted in SQL
    descending_first: bool = False  # a first click on the header shows the biggest first


@dataclass(frozen=True)
class RowStyle:
    """How a whole row stands out (win-back rows in the lapsed list)."""

    background: QColor
    foreground: QColor
    bold: bool = True


def text_column(title: str, get: Callable[[Row], str], **kwargs: Any) -> Column[Row]:
    return Column(title, get, sort=lambda row: get(row).casefold(), **kwargs)


def count_column(title: str, get: Callable[[Row], int], **kwargs: Any) -> Column[Row]:
    kwargs.setdefault("descending_first", True)
    return Column(title, lambda row: count_text(get(row)), sort=lambda row: float(get(row)),
                  csv=lambda row: str(get(row)), align=NUMBER, **kwargs)


def number_column(title: str, get: Callable[[Row], float | None], digits: int = 1,
                  unit: str = "", **kwargs: Any) -> Column[Row]:
    """A decimal number (with its ``unit`` on screen: "1 day", "12 days"); None reads "—",
    sorts last and is an empty CSV cell."""

    def text(row: Row) -> str:
        value = get(row)
        if value is None:
            return NO_VALUE
        shown = number_text(value, digits)
        if not unit:
            return shown
        return f"{shown} {unit}" if shown == "1" else f"{shown} {unit}s"

    def csv(row: Row) -> str:
        value = get(row)
        return "" if value is None else f"{value:.{digits}f}"

    def sort(row: Row) -> float | None:
        value = get(row)
        return None if value is None else float(value)

    kwargs.setdefault("descending_first", True)
    return Column(title, text, sort=sort, csv=csv, align=NUMBER, **kwargs)


class ReportTableModel(QAbstractTableModel, Generic[Row]):
    def __init__(self, columns: Sequence[Column[Row]], parent: QObject | None = None,
                 row_style: Callable[[Row], RowStyle | None] | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Row] = []
        self._row_style = row_style
        self._titles: dict[int, str] = {}  # headings that depend on the report (by bucket)

    @property
    def columns(self) -> list[Column[Row]]:
        return list(self._columns)

    @property
    def rows(self) -> list[Row]:
        return list(self._rows)

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def set_title(self, section: int, title: str) -> None:
        self._titles[section] = title
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, section, section)

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._titles.get(section, column.title)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            order = (Qt.SortOrder.DescendingOrder if column.descending_first
                     else Qt.SortOrder.AscendingOrder)
            return order.value  # a plain int: the header converts it with QVariant::toInt
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SORT_ROLE:
            return column.sort(row) if column.sort else column.text(row).casefold()
        if role == CSV_ROLE:
            return column.csv(row) if column.csv else column.text(row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip(row) or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = column.spoken(row) if column.spoken else column.text(row)
            return text if text != NO_VALUE else "none"
        style = self._row_style(row) if self._row_style else None
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = column.colour(row) if column.colour else None
            if colour is not None and style is None:
                return QBrush(colour)
            return QBrush(style.foreground) if style else None
        if role == Qt.ItemDataRole.BackgroundRole and style is not None:
            return QBrush(style.background)
        if role == Qt.ItemDataRole.FontRole and style is not None and style.bold:
            font = QFont()
            font.setBold(True)
            return font
        return None


def sorting_proxy(model: QAbstractTableModel, parent: QObject | None = None
                  ) -> QSortFilterProxyModel:
    """Sorts by ``SORT_ROLE`` in C++; until a header is clicked, rows keep the report's order."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setDynamicSortFilter(True)
    return proxy
