"""Lapsed regulars: away more than twice their usual gap. Those whose last problem is still open
or who left unhappy come first, highlighted: the ones to win back."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

import models
from models.insights import LapsedRegular, LapsedReport, lapsed_regulars
from models.problem_report import OUTCOME_LABELS, SEVERITY_LABELS
from ui.insights.colours import win_back_style
from ui.insights.formatting import day_text, local_date, plural
from ui.insights.page import ExportTable, ReportPage, ReportParams
from ui.insights.table_model import (
    Column,
    ReportTableModel,
    RowStyle,
    count_column,
    number_column,
    sorting_proxy,
    text_column,
)
from ui.insights.table_view import ReportTableView

ROW_LIMIT = 500
WIN_BACK = "Win back"


class LapsedPage(ReportPage):
    title = "Lapsed regulars"
    key = "lapsed"
    uses_period = False
    period_note = "Lapsed regulars are as of today: the period does not apply."

    def __init__(self, sessions: models.SessionFactory, parent: QWidget | None = None) -> None:
        super().__init__(sessions, parent)
        self.model: ReportTableModel[LapsedRegular] = ReportTableModel(
            self._columns(), self, row_style=self._row_style)
        self.proxy = sorting_proxy(self.model, self)
        self.view = ReportTableView("lapsedTable", "Lapsed regulars", stretch_column=7)
        self.view.setModel(self.proxy)
        self.view.enable_sorting()
        self.view.row_activated.connect(self._activated)
        self.layout_.addWidget(self.view, 1)

    def _row_style(self, row: LapsedRegular) -> RowStyle | None:
        return win_back_style(self.palette()) if row.win_back else None

    def _day(self, moment: Any) -> Any:
        return local_date(moment, self.params.utc_offset) if self.params else moment.date()

    def _problem_text(self, row: LapsedRegular) -> str:
        problem = row.last_problem
        if problem is None:
            return ""
        state = ("still open" if problem.status == "open"
                 else OUTCOME_LABELS.get(problem.outcome or "", "resolved").lower())
        return (f"{day_text(self._day(problem.occurred_at))}: {problem.category}, "
                f"{SEVERITY_LABELS.get(problem.severity, problem.severity).lower()}, {state}")

    def _columns(self) -> list[Column[LapsedRegular]]:
        return [
            Column("", lambda r: WIN_BACK if r.win_back else "",
                   sort=lambda r: 0.0 if r.win_back else 1.0,
                   tooltip=lambda r: ("Their last problem is still open or they left unhappy"
                                      if r.win_back else "")),
            text_column("Regular", lambda r: r.name),
            count_column("Visits", lambda r: r.visits),
            number_column("Usual gap", lambda r: r.usual_gap_days, digits=0, unit="day",
                          tooltip=lambda r: "Their usual time between visits"),
            number_column("Away", lambda r: r.days_since, digits=0, unit="day",
                          tooltip=lambda r: "Since their last visit"),
            number_column("Overdue", lambda r: r.days_overdue, digits=0, unit="day",
                          tooltip=lambda r: "Past the day they would usually have been back"),
            Column("Last visit", lambda r: day_text(self._day(r.last_visit)),
                   sort=lambda r: r.last_visit.timestamp(),
                   csv=lambda r: self._day(r.last_visit).isoformat()),
            text_column("Last problem", self._problem_text, tooltip=self._problem_text),
        ]

    def compute(self, session: Any, params: ReportParams, options: Any) -> LapsedReport:
        return lapsed_regulars(session, params.now, limit=ROW_LIMIT)

    def show_result(self, result: LapsedReport) -> None:
        self.model.set_rows(result.rows)
        win_back = sum(1 for row in result.rows if row.win_back)
        if not result.rows:
            text = ("Nobody has lapsed: no regular is away more than twice their usual gap "
                    "and two weeks.")
        else:
            shown = ("" if len(result.rows) == result.total
                     else f" (the {len(result.rows):,} most overdue are listed)")
            text = (f"Today, {plural(result.total, 'regular is', 'regulars are')} away more than "
                    f"twice their usual gap and at least two weeks{shown}.")
            if win_back:
                text += (f" {plural(win_back, 'to win back', 'to win back')} first (highlighted):"
                         " their last problem is still open or they left unhappy.")
        if result.unlisted:
            text += (f" {plural(result.unlisted, 'more')} counted but not named "
                     "(asked not to be remembered, or forgotten).")
        self.summary.setText(text)

    def tables(self) -> list[ExportTable]:
        return [ExportTable("Lapsed regulars", self.view)]
