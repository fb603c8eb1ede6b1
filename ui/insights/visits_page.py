"""Visits: how many per day, week or month, new regulars against returning ones, and the busiest
hours on the shop's clock."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QWidget

import models
from models.insights import VisitBucket, VisitReport, visit_activity
from ui.insights.charts import BarChartSpec, Bars, ChartPanel
from ui.insights.formatting import (
    bucket_heading,
    bucket_labels,
    day_text,
    hour_label,
    period_text,
    plural,
    short_hour_label,
)
from ui.insights.page import ExportTable, ReportPage, ReportParams
from ui.insights.table_model import (
    Column,
    ReportTableModel,
    count_column,
    sorting_proxy,
)
from ui.insights.table_view import ReportTableView


def visits_spec(report: VisitReport) -> BarChartSpec | None:
    if not report.visits:
        return None
    buckets = report.buckets
    labels = bucket_labels([b.start for b in buckets], report.bucket)
    new = Bars("New regulars", [b.new_customers for b in buckets], colour=1)
    returning = Bars("Returning regulars", [b.returning_customers for b in buckets], colour=0)
    visits = Bars("Visits", [b.visits for b in buckets], colour=2)
    what = {"day": "", "week": "week of ", "month": ""}[report.bucket]

    def tooltip(series: int, index: int) -> str:
        bucket = buckets[index]
        count = bucket.new_customers if series == 0 else bucket.returning_customers
        kind = "new" if series == 0 else "returning"
        return (f"{what}{labels[index]}: {plural(count, f'{kind} regular')} "
                f"(of {plural(bucket.customers, 'regular')}, {plural(bucket.visits, 'visit')})")

    def line_tooltip(index: int) -> str:
        bucket = buckets[index]
        return (f"{what}{labels[index]}: {plural(bucket.visits, 'visit')} by "
                f"{plural(bucket.customers, 'regular')}")

    return BarChartSpec(
        title=f"Visits per {report.bucket}: new and returning regulars", categories=labels,
        bars=[new, returning], line=visits, category_title=bucket_heading(report.bucket),
        value_title="Visits / regulars", kind="stacked", tooltip=tooltip,
        line_tooltip=line_tooltip)


def hours_spec(report: VisitReport) -> BarChartSpec | None:
    by_hour = report.visits_by_hour
    open_hours = [hour for hour, count in enumerate(by_hour) if count]
    if not open_hours:
        return None
    hours = list(range(open_hours[0], open_hours[-1] + 1))  # opening to closing, gaps shown
    labels = [short_hour_label(hour) for hour in hours]

    def tooltip(_series: int, index: int) -> str:
        hour = hours[index]
        return f"{hour_label(hour)}–{hour_label((hour + 1) % 24)}: " \
               f"{plural(by_hour[hour], 'visit')}"

    return BarChartSpec(
        title="Busiest hours", categories=labels,
        bars=[Bars("Visits", [by_hour[hour] for hour in hours], colour=5)],
        category_title="Hour of the day (7 = 07:00–07:59)", value_title="Visits", tooltip=tooltip)


class VisitsPage(ReportPage):
    title = "Visits"
    key = "visits"
    uses_bucket = True

    def __init__(self, sessions: models.SessionFactory, parent: QWidget | None = None) -> None:
        super().__init__(sessions, parent)
        self.visits_chart = ChartPanel("visitsChart", "Visits, new and returning regulars")
        self.hours_chart = ChartPanel("hoursChart", "Busiest hours")
        self.model: ReportTableModel[VisitBucket] = ReportTableModel(self._columns(), self)
        self.proxy = sorting_proxy(self.model, self)
        self.view = ReportTableView("visitsTable", "Visits per period", stretch_column=0)
        self.view.setModel(self.proxy)
        self.view.enable_sorting()
        charts = QWidget()
        row = QHBoxLayout(charts)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.visits_chart, 3)
        row.addWidget(self.hours_chart, 2)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(charts)
        splitter.addWidget(self.view)
        splitter.setSizes([400, 200])
        self.layout_.addWidget(splitter, 1)

    def _columns(self) -> list[Column[VisitBucket]]:
        return [
            Column("Starting", lambda r: day_text(r.start),
                   sort=lambda r: float(r.start.toordinal()), csv=lambda r: r.start.isoformat()),
            count_column("Visits", lambda r: r.visits),
            count_column("Regulars", lambda r: r.customers),
            count_column("New", lambda r: r.new_customers,
                         tooltip=lambda r: "Came for the first time"),
            count_column("Returning", lambda r: r.returning_customers),
        ]

    def compute(self, session: Any, params: ReportParams, options: Any) -> VisitReport:
        return visit_activity(session, params.today, days=params.days, bucket=params.bucket,
                              utc_offset=params.utc_offset)

    def show_result(self, result: VisitReport) -> None:
        self.model.set_rows(result.buckets)
        self.model.set_title(0, bucket_heading(result.bucket))
        period = period_text(result.window)
        if not result.visits:
            self.summary.setText(f"No visits were logged in {period}.")
            self.visits_chart.set_empty(f"No visits were logged in {period}.")
            self.hours_chart.set_empty("No visits, so no busiest hours yet.")
            return
        new = sum(b.new_customers for b in result.buckets)
        busiest = ", ".join(hour_label(h) for h in result.busiest_hours[:3])
        text = (f"{plural(result.visits, 'visit')} in {period}; "
                f"{plural(new, 'regular')} came for the first time. Busiest hours: {busiest}.")
        self.summary.setText(text)
        spec = visits_spec(result)
        if spec is not None:
            self.visits_chart.set_chart(spec, text)
        hours = hours_spec(result)
        if hours is None:
            self.hours_chart.set_empty("No visits, so no busiest hours yet.")
        else:
            self.hours_chart.set_chart(hours, f"Busiest hours: {busiest}")

    def tables(self) -> list[ExportTable]:
        return [ExportTable("Visits per period", self.view)]

    def charts(self) -> list[ChartPanel]:
        return [self.visits_chart, self.hours_chart]
