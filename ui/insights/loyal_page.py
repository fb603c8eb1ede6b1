"""Loyal regulars: most visits in the period, with the trend against the period before.

Sorting happens in SQL: a header click (or the Sort by box) asks the report again with that
column, so the top rows are the right ones even when the list stops at ``ROW_LIMIT``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSignalBlocker, QStringListModel, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

import models
from models.insights import LoyalRegular, LoyalReport, LoyalSort, loyal_regulars
from ui.insights.colours import better, worse
from ui.insights.formatting import day_text, local_date, period_text, plural, window_text
from ui.insights.page import ExportTable, ReportPage, ReportParams
from ui.insights.table_model import (
    CENTER,
    Column,
    ReportTableModel,
    count_column,
    number_column,
    text_column,
)
from ui.insights.table_view import ReportTableView

ROW_LIMIT = 200
FILTER_PAUSE_MS = 350
TREND_ARROWS = {"up": "↑", "down": "↓", "same": "→"}
TREND_WORDS = {"up": "up", "down": "down", "same": "no change"}


@dataclass(frozen=True)
class LoyalOptions:
    tag: str | None
    min_visits: int
    sort: LoyalSort
    descending: bool


class LoyalPage(ReportPage):
    title = "Loyal regulars"
    key = "loyal"

    def __init__(self, sessions: models.SessionFactory, parent: QWidget | None = None) -> None:
        super().__init__(sessions, parent)
        self._sort: LoyalSort = "visits"
        self._descending = True
        self._known_tags: set[str] = set()

        self.tag_edit = QLineEdit()
        self.tag_edit.setObjectName("loyalTagEdit")
        self.tag_edit.setAccessibleName("Only regulars with this tag")
        self.tag_edit.setPlaceholderText("any tag")
        self.tag_edit.setClearButtonEnabled(True)
        self.tag_edit.setMaximumWidth(200)
        self._tag_words = QStringListModel(self)
        completer = QCompleter(self._tag_words, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tag_edit.setCompleter(completer)
        self.min_visits = QSpinBox()
        self.min_visits.setObjectName("loyalMinVisits")
        self.min_visits.setAccessibleName("Minimum visits in the period")
        self.min_visits.setRange(1, 9999)
        self.sort_combo = QComboBox()
        self.sort_combo.setObjectName("loyalSortCombo")
        self.sort_combo.setAccessibleName("Sort by")
        self.descending_check = QCheckBox("&Highest first")
        self.descending_check.setObjectName("loyalDescending")
        self.descending_check.setChecked(True)
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_PAUSE_MS)
        self._filter_timer.timeout.connect(self.refresh)

        self.model: ReportTableModel[LoyalRegular] = ReportTableModel(self._columns(), self)
        self.view = ReportTableView("loyalTable", "Loyal regulars", stretch_column=8)
        self.view.setModel(self.model)
        header = self.view.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(self._column_of("visits"), Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._header_sort)
        for column in self.model.columns[1:]:  # the rank is the visits order
            if column.key:
                self.sort_combo.addItem(column.title, column.key)
        self.sort_combo.setCurrentIndex(self.sort_combo.findData("visits"))
        self.view.row_activated.connect(self._activated)

        filters = QHBoxLayout()
        for label_text, widget in (("&Tag", self.tag_edit), ("&Minimum visits", self.min_visits),
                                   ("&Sort by", self.sort_combo)):
            label = QLabel(label_text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)
            filters.addSpacing(8)
        filters.addWidget(self.descending_check)
        filters.addStretch(1)
        self.layout_.insertLayout(0, filters)
        self.layout_.addWidget(self.view, 1)

        self.tag_edit.textChanged.connect(lambda _text: self._filter_timer.start())
        self.tag_edit.returnPressed.connect(self._apply_now)
        self.min_visits.valueChanged.connect(lambda _value: self._filter_timer.start())
        self.sort_combo.activated.connect(self._combo_sort)
        self.descending_check.toggled.connect(self._combo_sort)

    # ----- columns ------------------------------------------------------------------------------

    def _date(self, moment: Any) -> str:
        offset = self.params.utc_offset if self.params else None
        day = local_date(moment, offset) if offset is not None else moment.date()
        return day_text(day)

    def _iso(self, moment: Any) -> str:
        offset = self.params.utc_offset if self.params else None
        return (local_date(moment, offset) if offset is not None else moment.date()).isoformat()

    def _columns(self) -> list[Column[LoyalRegular]]:
        def trend_colour(row: LoyalRegular) -> Any:
            return better(self.palette()) if row.trend == "up" else (
                worse(self.palette()) if row.trend == "down" else None)

        return [
            count_column("#", lambda r: r.rank, key="visits"),
            text_column("Regular", lambda r: r.name, key="name"),
            count_column("Visits", lambda r: r.visits, key="visits"),
            count_column("Before", lambda r: r.previous_visits, key="previous_visits",
                         tooltip=lambda r: "Visits in the period just before, as long"),
            Column("Trend", lambda r: f"{TREND_ARROWS[r.trend]} {abs(r.change):,}".strip()
                   if r.change else TREND_ARROWS[r.trend],
                   sort=lambda r: float(r.change), csv=lambda r: str(r.change), align=CENTER,
                   colour=trend_colour, key="change", descending_first=True,
                   spoken=lambda r: f"{TREND_WORDS[r.trend]} {abs(r.change)}".strip()
                   if r.change else TREND_WORDS[r.trend]),
            number_column("Gap (days)", lambda r: r.average_gap_days,
                          key="average_gap_days",
                          tooltip=lambda r: "Average days between their visits in the period"),
            Column("First visit", lambda r: self._date(r.first_visit),
                   sort=lambda r: r.first_visit.timestamp(), csv=lambda r: self._iso(r.first_visit),
                   key="first_visit"),
            Column("Last visit", lambda r: self._date(r.last_visit),
                   sort=lambda r: r.last_visit.timestamp(), csv=lambda r: self._iso(r.last_visit),
                   key="last_visit", descending_first=True),
            text_column("Tags", lambda r: ", ".join(r.tags), tooltip=lambda r: ", ".join(r.tags)),
        ]

    def _column_of(self, key: str) -> int:
        # The rank column shares the visits order; the visits column is the one to mark.
        keys = [c.key for c in self.model.columns]
        return len(keys) - 1 - keys[::-1].index(key)

    # ----- sorting and filters ------------------------------------------------------------------

    @property
    def sort(self) -> tuple[LoyalSort, bool]:
        return self._sort, self._descending

    def set_sort(self, key: LoyalSort, descending: bool) -> None:
        """Sort by ``key`` (one of LOYAL_SORTS) and ask for the report again."""
        self._sort, self._descending = key, descending
        with QSignalBlocker(self.view.horizontalHeader()):
            self.view.horizontalHeader().setSortIndicator(
                self._column_of(key),
                Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
        with QSignalBlocker(self.sort_combo):
            self.sort_combo.setCurrentIndex(self.sort_combo.findData(key))
        with QSignalBlocker(self.descending_check):
            self.descending_check.setChecked(descending)
        self.refresh()

    def _header_sort(self, column: int, order: Qt.SortOrder) -> None:
        key = self.model.columns[column].key
        if not key:  # tags: nothing to sort by; put the indicator back
            self.set_sort(self._sort, self._descending)
            return
        self.set_sort(key, order == Qt.SortOrder.DescendingOrder)  # type: ignore[arg-type]

    def _combo_sort(self) -> None:
        self.set_sort(self.sort_combo.currentData(), self.descending_check.isChecked())

    def _apply_now(self) -> None:
        self._filter_timer.stop()
        self.refresh()

    # ----- the report ---------------------------------------------------------------------------

    def options(self) -> LoyalOptions:
        return LoyalOptions(self.tag_edit.text().strip() or None, self.min_visits.value(),
                            self._sort, self._descending)

    def compute(self, session: Any, params: ReportParams, options: LoyalOptions) -> LoyalReport:
        return loyal_regulars(
            session, params.today, days=params.days, min_visits=options.min_visits,
            tag=options.tag, sort=options.sort, descending=options.descending, limit=ROW_LIMIT,
            utc_offset=params.utc_offset)

    def refresh(self, params: ReportParams | None = None) -> None:
        self._filter_timer.stop()
        super().refresh(params)

    def show_result(self, result: LoyalReport) -> None:
        self.model.set_rows(result.rows)
        for row in result.rows:
            self._known_tags.update(row.tags)
        self._tag_words.setStringList(sorted(self._known_tags))
        options: LoyalOptions = self.asked_options
        shown = len(result.rows)
        who = f"regulars tagged “{options.tag}”" if options.tag else "regulars"
        often = (f" at least {plural(options.min_visits, 'time')}"
                 if options.min_visits > 1 else "")
        period = period_text(result.window)
        if not shown:
            text = f"No {who} visited{often} in {period}."
        else:
            first = (f"All {result.total:,} {who}" if shown == result.total
                     else f"The first {shown:,} of {result.total:,} {who}")
            text = (f"{first} who visited{often} in {period}. “Before” and the trend compare "
                    f"with the {result.window.days} days before ("
                    f"{window_text(result.previous_window)}).")
        if result.unlisted:
            text += (f" {plural(result.unlisted, 'more regular')} "
                     f"{'is' if result.unlisted == 1 else 'are'} counted but not named "
                     "(asked not to be remembered, or forgotten).")
        self.summary.setText(text)

    def tables(self) -> list[ExportTable]:
        return [ExportTable("Loyal regulars", self.view)]
