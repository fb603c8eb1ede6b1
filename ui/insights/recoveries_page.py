"""Recoveries: did making it right bring them back? The share of customers who returned within
30 days, per kind of recovery, beside regulars who had no problem; and value-add costs."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QGridLayout, QWidget

import models
from models.insights import MonthlyCost, RecoveryReport, ReturnRate, recoveries
from models.problem_report import ACTION_LABELS
from ui.insights.charts import BarChartSpec, Bars, ChartPanel
from ui.insights.formatting import cost_text, period_text, plural, share_text
from ui.insights.page import ExportTable, ReportPage, ReportParams
from ui.insights.table_model import (
    NUMBER,
    Column,
    ReportTableModel,
    count_column,
    sorting_proxy,
    text_column,
)
from ui.insights.table_view import ReportTableView

NO_PROBLEM = "no_problem"
NO_PROBLEM_LABEL = "No problem (comparison)"


def kind_label(kind: str) -> str:
    return NO_PROBLEM_LABEL if kind == NO_PROBLEM else ACTION_LABELS.get(kind, kind)


def month_label(month: str) -> str:
    """ "2026-11" -> "Nov 2026"."""
    year, number = (int(part) for part in month.split("-")[:2])
    return f"{date(year, number, 1):%b %Y}"


def return_spec(report: RecoveryReport) -> BarChartSpec | None:
    rates = [r for r in report.return_rates if r.kind != NO_PROBLEM and r.customers]
    if not rates:
        return None
    baseline = [r for r in report.return_rates if r.kind == NO_PROBLEM and r.customers]
    rows = list(reversed([*rates, *baseline]))  # horizontal bars are drawn bottom-up
    labels = [kind_label(r.kind) for r in rows]

    def percent(rate: ReturnRate) -> float:
        return (rate.share or 0.0) * 100

    after = Bars("After a recovery",
                 [0.0 if r.kind == NO_PROBLEM else percent(r) for r in rows], colour=0)
    compare = Bars("Regulars with no problem",
                   [percent(r) if r.kind == NO_PROBLEM else 0.0 for r in rows], colour=7)

    def tooltip(_series: int, index: int) -> str:
        rate = rows[index]
        return (f"{labels[index]}: {rate.returned:,} of {plural(rate.customers, 'customer')} "
                f"came back within {report.within_days} days ({share_text(rate.share)})")

    return BarChartSpec(
        title=f"Came back within {report.within_days} days", categories=labels,
        bars=[after, compare], category_title="How it was made right",
        value_title=f"Share who came back within {report.within_days} days (%)",
        kind="stacked", horizontal=True, value_max=100, value_format="%d%%", tooltip=tooltip)


def cost_spec(report: RecoveryReport) -> BarChartSpec | None:
    months = list(report.monthly_costs)
    if not any(m.value_add_cents or m.refund_cents for m in months):
        return None
    labels = [month_label(m.month) for m in months]
    value_adds = Bars("Value-adds and comps", [m.value_add_cents / 100 for m in months],
                      colour=1)
    refunds = Bars("Refunds", [m.refund_cents / 100 for m in months], colour=4)

    def tooltip(series: int, index: int) -> str:
        month = months[index]
        cents = month.value_add_cents if series == 0 else month.refund_cents
        what = "Value-adds and comps" if series == 0 else "Refunds"
        return f"{what}, {labels[index]}: {cost_text(cents)}"

    return BarChartSpec(
        title="What making it right cost, per month", categories=labels,
        bars=[value_adds, refunds], category_title="Month", value_title="Cost",
        integers=False, value_format="%.0f", tooltip=tooltip)


class RecoveriesPage(ReportPage):
    title = "Recoveries"
    key = "recoveries"

    def __init__(self, sessions: models.SessionFactory, parent: QWidget | None = None) -> None:
        super().__init__(sessions, parent)
        self.return_chart = ChartPanel("returnChart", "Came back after a recovery")
        self.cost_chart = ChartPanel("costChart", "Cost of recoveries per month")
        self.rates_model: ReportTableModel[ReturnRate] = ReportTableModel(
            self._rate_columns(), self)
        self.rates_proxy = sorting_proxy(self.rates_model, self)
        self.rates_view = ReportTableView("returnTable", "Came back after a recovery",
                                          stretch_column=0)
        self.rates_view.setModel(self.rates_proxy)
        self.rates_view.enable_sorting()
        self.costs_model: ReportTableModel[MonthlyCost] = ReportTableModel(
            self._cost_columns(), self)
        self.costs_view = ReportTableView("costTable", "Recovery costs per month",
                                          stretch_column=0)
        self.costs_view.setModel(self.costs_model)
        grid = QGridLayout()
        grid.addWidget(self.return_chart, 0, 0)
        grid.addWidget(self.cost_chart, 0, 1)
        grid.addWidget(self.rates_view, 1, 0)
        grid.addWidget(self.costs_view, 1, 1)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        self.layout_.addLayout(grid, 1)

    def _rate_columns(self) -> list[Column[ReturnRate]]:
        return [
            text_column("Made right by", lambda r: kind_label(r.kind)),
            count_column("Customers", lambda r: r.customers),
            count_column("Came back", lambda r: r.returned),
            Column("Share", lambda r: share_text(r.share),
                   sort=lambda r: r.share, align=NUMBER, descending_first=True,
                   csv=lambda r: "" if r.share is None else f"{r.share * 100:.1f}"),
        ]

    def _cost_columns(self) -> list[Column[MonthlyCost]]:
        return [
            Column("Month", lambda r: month_label(r.month), csv=lambda r: r.month),
            Column("Value-adds", lambda r: cost_text(r.value_add_cents), align=NUMBER,
                   csv=lambda r: f"{r.value_add_cents / 100:.2f}"),
            Column("Refunds", lambda r: cost_text(r.refund_cents), align=NUMBER,
                   csv=lambda r: f"{r.refund_cents / 100:.2f}"),
        ]

    def compute(self, session: Any, params: ReportParams, options: Any) -> RecoveryReport:
        return recoveries(session, params.today, days=params.days, utc_offset=params.utc_offset)

    def show_result(self, result: RecoveryReport) -> None:
        self.rates_model.set_rows(result.return_rates)
        self.costs_model.set_rows(result.monthly_costs)
        period = period_text(result.window)
        recovered = sum(r.customers for r in result.return_rates if r.kind != NO_PROBLEM)
        spec = return_spec(result)
        text = (f"Recoveries made in {period}. Value-adds and comps cost "
                f"{cost_text(result.value_add_cents)}; refunds "
                f"{cost_text(sum(m.refund_cents for m in result.monthly_costs))}. "
                f"Recoveries in the last {result.within_days} days have had less time to see "
                "a return.")
        if not recovered:
            text = f"No recoveries were recorded in {period}."
        self.summary.setText(text)
        if spec is None:
            self.return_chart.set_empty(f"No recoveries were recorded in {period}.")
        else:
            self.return_chart.set_chart(spec, text)
        costs = cost_spec(result)
        if costs is None:
            self.cost_chart.set_empty(f"No value-adds or refunds in {period}.")
        else:
            self.cost_chart.set_chart(costs)

    def tables(self) -> list[ExportTable]:
        return [ExportTable("Came back after a recovery", self.rates_view),
                ExportTable("Recovery costs per month", self.costs_view)]

    def charts(self) -> list[ChartPanel]:
        return [self.return_chart, self.cost_chart]
