"""Process fixes: what the owner changed to stop a root cause recurring, and whether it worked —
the category's problems per 1,000 visits in equal windows before and after the fix."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QSplitter, QWidget

import models
from models.insights import (
    FixesReport,
    FixImpact,
    RateWindow,
    delete_fix,
    fix_impacts,
    record_fix,
    update_fix,
)
from ui.insights.charts import BarChartSpec, Bars, ChartPanel
from ui.insights.colours import better, worse
from ui.insights.fix_dialog import FixDialog
from ui.insights.formatting import NO_VALUE, day_text, number_text, plural, window_text
from ui.insights.page import ExportTable, ReportPage, ReportParams
from ui.insights.table_model import (
    NUMBER,
    ROW_ROLE,
    Column,
    ReportTableModel,
    number_column,
    sorting_proxy,
    text_column,
)
from ui.insights.table_view import ReportTableView

CHART_FIXES = 8  # the newest fixes in the chart; the table lists them all
Confirm = Callable[[QWidget, str, str], bool]


def confirm(parent: QWidget, title: str, question: str) -> bool:
    answer = QMessageBox.question(parent, title, question,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def rate_tooltip(side: str, window: RateWindow) -> str:
    if not window.window.days:
        return f"{side}: nothing to compare yet"
    counts = (f"{plural(window.problems, 'problem')} in {plural(window.visits, 'visit')}"
              if window.visits else "no visits")
    return f"{side} ({window_text(window.window)}): {counts}"


def change_text(impact: FixImpact) -> str:
    change = impact.change
    if change is None:
        return NO_VALUE
    if abs(change) < 0.05:
        return "→ 0.0"
    return f"{'↓' if change < 0 else '↑'} {abs(change):,.1f}"


def compared_text(impact: FixImpact) -> str:
    if not impact.days:
        return "not yet"
    return f"{impact.days}" + ("" if impact.complete else " so far")


def fix_label(impact: FixImpact) -> str:
    return f"{impact.fix.category}, {day_text(impact.fix.fixed_on, year=False)}"


def chart_spec(report: FixesReport) -> BarChartSpec | None:
    comparable = [i for i in report.impacts
                  if i.days and (i.before.rate is not None or i.after.rate is not None)]
    if not comparable:
        return None
    shown = list(reversed(comparable[:CHART_FIXES]))  # oldest on the left
    labels: list[str] = []
    for impact in shown:
        label = fix_label(impact)
        while label in labels:  # two fixes of one category on one day
            label += " "
        labels.append(label)
    before = Bars("Before the fix", [i.before.rate or 0.0 for i in shown], colour=7)
    after = Bars("After the fix", [i.after.rate or 0.0 for i in shown], colour=0)

    def tooltip(series: int, index: int) -> str:
        impact = shown[index]
        side, window = (("Before", impact.before) if series == 0 else ("After", impact.after))
        rate = number_text(window.rate)
        return (f"{impact.fix.what_changed}\n{side}: {rate} per 1,000 visits\n"
                + rate_tooltip(side, window))

    return BarChartSpec(
        title="Problems of the fixed kind per 1,000 visits, before and after each fix",
        categories=labels, bars=[before, after], category_title="Process fix",
        value_title="Problems per 1,000 visits", integers=False, tooltip=tooltip)


class FixesPage(ReportPage):
    title = "Process fixes"
    key = "fixes"

    def __init__(self, sessions: models.SessionFactory, *, recorded_by: Callable[[], str],
                 confirm_delete: Confirm = confirm, parent: QWidget | None = None) -> None:
        super().__init__(sessions, parent)
        self._recorded_by = recorded_by
        self._confirm = confirm_delete
        self.dialog: FixDialog | None = None
        self._pending_select: int | None = None  # the fix just saved: select it when shown

        self.record_button = QPushButton("&New fix…")
        self.record_button.setObjectName("recordFixButton")
        self.record_button.setAccessibleName("Record a process fix")
        self.record_button.setToolTip("Record what you changed (Ctrl+N)")
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setObjectName("editFixButton")
        self.edit_button.setAccessibleName("Edit the selected fix")
        self.edit_button.setToolTip("Edit the selected fix (Enter)")
        self.delete_button = QPushButton("&Delete…")
        self.delete_button.setObjectName("deleteFixButton")
        self.delete_button.setAccessibleName("Delete the selected fix")
        self.delete_button.setToolTip("Delete the selected fix (Del)")
        buttons = QHBoxLayout()
        for button in (self.record_button, self.edit_button, self.delete_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.layout_.insertLayout(0, buttons)

        self.chart = ChartPanel("fixesChart", "Problem rate before and after each fix")
        self.model: ReportTableModel[FixImpact] = ReportTableModel(self._columns(), self)
        self.proxy = sorting_proxy(self.model, self)
        self.view = ReportTableView("fixesTable", "Process fixes", stretch_column=2)
        self.view.setModel(self.proxy)
        self.view.enable_sorting()
        self.view.row_activated.connect(lambda _row: self.edit_selected())
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.view)
        splitter.addWidget(self.chart)
        splitter.setSizes([220, 380])
        self.layout_.addWidget(splitter, 1)

        self.record_button.clicked.connect(self.record)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Ctrl+N (or Insert) records a fix, Delete deletes the selected one, wherever the
        focus is on this page (keys the table and buttons leave alone arrive here)."""
        if event.matches(QKeySequence.StandardKey.New) or (
                event.key() == Qt.Key.Key_Insert and not event.modifiers()):
            self.record()
        elif event.matches(QKeySequence.StandardKey.Delete):
            self.delete_selected()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _columns(self) -> list[Column[FixImpact]]:
        def change_colour(row: FixImpact) -> Any:
            change = row.change
            if change is None or abs(change) < 0.05:
                return None
            return better(self.palette()) if change < 0 else worse(self.palette())

        return [
            Column("Fixed on", lambda r: day_text(r.fix.fixed_on),
                   sort=lambda r: float(r.fix.fixed_on.toordinal()),
                   csv=lambda r: r.fix.fixed_on.isoformat(), descending_first=True),
            text_column("Root cause", lambda r: r.fix.category),
            text_column("What changed", lambda r: r.fix.what_changed,
                        tooltip=lambda r: r.fix.what_changed),
            text_column("By", lambda r: r.fix.recorded_by,
                        tooltip=lambda r: f"Recorded by {r.fix.recorded_by}"
                        if r.fix.recorded_by else ""),
            Column("Days", compared_text, sort=lambda r: float(r.days),
                   csv=lambda r: str(r.days), align=NUMBER,
                   tooltip=lambda r: "Days compared on each side of the fix day"),
            number_column("Rate before", lambda r: r.before.rate,
                          tooltip=lambda r: rate_tooltip("Before", r.before)),
            number_column("Rate after", lambda r: r.after.rate,
                          tooltip=lambda r: rate_tooltip("After", r.after)),
            Column("Change", change_text,
                   sort=lambda r: r.change, align=NUMBER, colour=change_colour,
                   csv=lambda r: "" if r.change is None else f"{r.change:.1f}",
                   spoken=lambda r: ("no comparison yet" if r.change is None
                                     else f"{'down' if r.change < 0 else 'up'} "
                                          f"{abs(r.change):.1f} per 1,000 visits")),
        ]

    # ----- the report ---------------------------------------------------------------------------

    def compute(self, session: Any, params: ReportParams, options: Any) -> FixesReport:
        return fix_impacts(session, params.today, days=params.days,
                           utc_offset=params.utc_offset)

    def show_result(self, result: FixesReport) -> None:
        selected = self._selected()
        target = self._pending_select or (selected.fix.id if selected else None)
        self._pending_select = None
        self.model.set_rows(result.impacts)
        if target is not None:
            self._select_fix(target)
        if not self.view.currentIndex().isValid() and self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 0))  # Edit and Delete are ready
        self._update_buttons()
        count = len(result.impacts)
        if not count:
            self.summary.setText(
                "No process fixes recorded yet. When you change how something is done so a "
                "problem stops recurring, record it (Ctrl+N) and see whether it worked.")
            self.chart.set_empty("Record a process fix to compare the problem rate before and "
                                 "after it.")
            return
        text = (f"{plural(count, 'process fix', 'process fixes')}. Rates are problems of the "
                f"fixed kind per 1,000 visits, in the {result.days} days before and the "
                f"{result.days} days after each fix (the fix day itself counts in neither).")
        if any(not i.complete for i in result.impacts):
            text += " Recent fixes are compared over the days that have passed so far."
        self.summary.setText(text)
        spec = chart_spec(result)
        if spec is None:
            self.chart.set_empty("No fix can be compared yet: a fix is compared from the day "
                                 "after it.")
        else:
            self.chart.set_chart(spec, text)

    def tables(self) -> list[ExportTable]:
        return [ExportTable("Process fixes", self.view)]

    def charts(self) -> list[ChartPanel]:
        return [self.chart]

    # ----- recording, editing, deleting -------------------------------------------------------

    def _selected(self) -> FixImpact | None:
        row = self.view.current_row_object()
        return row if isinstance(row, FixImpact) else None

    def _select_fix(self, fix_id: int) -> None:
        for row in range(self.proxy.rowCount()):
            impact = self.proxy.index(row, 0).data(ROW_ROLE)
            if isinstance(impact, FixImpact) and impact.fix.id == fix_id:
                self.view.setCurrentIndex(self.proxy.index(row, 0))
                return

    def _update_buttons(self) -> None:
        has = self._selected() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def _today(self) -> date:
        return self.params.today if self.params else date.today()

    def record(self) -> None:
        def save(category_id: int | None, what: str, fixed_on: date, by: str) -> int:
            with self._sessions.begin() as session:
                return record_fix(session, category_id, what, fixed_on, recorded_by=by)

        self._open_dialog(save, None)

    def edit_selected(self) -> None:
        impact = self._selected()
        if impact is None:
            return
        fix_id = impact.fix.id

        def save(category_id: int | None, what: str, fixed_on: date, by: str) -> int:
            with self._sessions.begin() as session:
                update_fix(session, fix_id, category_id=category_id, what_changed=what,
                           fixed_on=fixed_on, recorded_by=by)
            return fix_id

        self._open_dialog(save, impact)

    def _open_dialog(self, save: Callable[[int | None, str, date, str], int],
                     impact: FixImpact | None) -> None:
        with self._sessions() as session:
            categories = models.list_categories(session, include_retired=True)
        dialog = FixDialog(save, categories, today=self._today(),
                           fix=impact.fix if impact else None, recorded_by=self._recorded_by(),
                           parent=self)
        self.dialog = dialog

        def done(result: int) -> None:
            self.dialog = None
            dialog.deleteLater()
            if result and dialog.saved_id is not None:
                self._after_change(dialog.saved_id)
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

        dialog.finished.connect(done)
        dialog.open()

    def delete_selected(self) -> None:
        impact = self._selected()
        if impact is None:
            return
        question = (f"Delete the fix “{impact.fix.what_changed}” "
                    f"({impact.fix.category}, {day_text(impact.fix.fixed_on)})? "
                    "Its problems stay; only the record of the fix goes.")
        if not self._confirm(self, "Delete process fix", question):
            return
        try:
            with self._sessions.begin() as session:
                delete_fix(session, impact.fix.id)
        except models.NotFoundError:
            pass  # already gone: the refresh shows that
        self._after_change(None)

    def _after_change(self, fix_id: int | None) -> None:
        self._pending_select = fix_id
        self.refresh()
