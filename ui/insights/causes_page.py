"""Root causes: problems per category per day, week or month as a stacked bar chart, and a table
of how many problems each category had, how many regulars they touched and how severe they were.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QWidget

import models
from models.insights import CategoryCauses, RootCauseReport, root_causes
from ui.insights.charts import BarChartSpec, Bars, ChartPanel
from ui.insights.formatting import bucket_heading, bucket_labels, period_text, plural
from ui.insights.page import ExportTable, ReportPage, ReportParams
from ui.insights.table_model import (
    Column,
    ReportTableModel,
    count_column,
    number_column,
    sorting_proxy,
    text_column,
)
from ui.insights.table_view import ReportTableView

CHART_CATEGORIES = 8  # more would be colours nobody can tell apart; the rest are summed
ALL_OTHERS = "All other causes"


def chart_spec(report: RootCauseReport) -> BarChartSpec | None:
    """The stacked chart, or None when there were no problems."""
    with_problems = [c for c in report.categories if c.problems]
    if not with_problems:
        return None
    shown = with_problems[:CHART_CATEGORIES]
    rest = with_problems[CHART_CATEGORIES:]
    bars = [Bars(c.category, c.per_bucket) for c in shown]
    if rest:
        bars.append(Bars(ALL_OTHERS, [sum(v) for v in zip(*(c.per_bucket for c in rest),
                                                           strict=True)]))
    labels = bucket_labels(report.buckets, report.bucket)
    what = {"day": "", "week": "week of ", "month": ""}[report.bucket]

    def tooltip(series: int, index: int) -> str:
        count = int(bars[series].values[index])
        return f"{bars[series].label}, {what}{labels[index]}: {plural(count, 'problem')}"

    return BarChartSpec(
        title=f"Problems per {report.bucket} by root cause", categories=labels, bars=bars,
        category_title=bucket_heading(report.bucket), value_title="Problems", kind="stacked",
        tooltip=tooltip)


class CausesPage(ReportPage):
    title = "Root causes"
    key = "causes"
    uses_bucket = True

    def __init__(self, sessions: models.SessionFactory, parent: QWidget | None = None) -> None:
        super().__init__(sessions, parent)
        self.chart = ChartPanel("causesChart", "Problems per period by root cause")
        self.model: ReportTableModel[CategoryCauses] = ReportTableModel(self._columns(), self)
        self.proxy = sorting_proxy(self.model, self)
        self.view = ReportTableView("causesTable", "Root causes", stretch_column=0)
        self.view.setModel(self.proxy)
        self.view.enable_sorting()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.view)
        splitter.setSizes([380, 220])
        self.layout_.addWidget(splitter, 1)
        self._total = 0

    def _columns(self) -> list[Column[CategoryCauses]]:
        def share(row: CategoryCauses) -> float | None:
            return row.problems * 100 / self._total if self._total else None

        return [
            text_column("Root cause", lambda r: r.category + (" (retired)" if r.retired else "")),
            count_column("Problems", lambda r: r.problems),
            number_column("Share (%)", share, digits=0),
            count_column("Regulars affected", lambda r: r.customers,
                         tooltip=lambda r: "Different regulars with a problem of this kind"),
            count_column("Minor", lambda r: r.minor),
            count_column("Major", lambda r: r.major),
            count_column("Safety", lambda r: r.safety),
        ]

    def compute(self, session: Any, params: ReportParams, options: Any) -> RootCauseReport:
        return root_causes(session, params.today, days=params.days, bucket=params.bucket,
                           utc_offset=params.utc_offset)

    def show_result(self, result: RootCauseReport) -> None:
        self._total = result.problems
        self.model.set_rows(result.categories)
        period = period_text(result.window)
        spec = chart_spec(result)
        if spec is None:
            self.chart.set_empty(f"No problems were logged in {period}.")
            self.summary.setText(f"No problems in {period}.")
            return
        top = [c for c in result.categories if c.problems][:3]
        leaders = ", ".join(f"{c.category} ({c.problems:,})" for c in top)
        self.summary.setText(
            f"{plural(result.problems, 'problem')} in {period}. Most often: {leaders}.")
        self.chart.set_chart(spec, self.summary.text())

    def tables(self) -> list[ExportTable]:
        return [ExportTable("Root causes", self.view)]

    def charts(self) -> list[ChartPanel]:
        return [self.chart]
