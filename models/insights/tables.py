"""Every report as tables of plain values: what the command line prints and any screen or file
export shows, so the columns are defined once.

A table's ``columns`` pair a stable key (for JSON and scripts) with a label for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import singledispatch
from typing import Any

from models.insights.fix_impact import FixesReport
from models.insights.lapsed import LapsedReport
from models.insights.loyal import LoyalReport
from models.insights.recoveries import RecoveryReport
from models.insights.root_causes import RootCauseReport
from models.insights.visits import VisitReport

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class ReportTable:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def records(self) -> list[dict[str, Cell]]:
        """The rows as dictionaries keyed by column key."""
        keys = [column.key for column in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


def _columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(key, label) for key, label in pairs)


@singledispatch
def report_tables(report: Any) -> tuple[ReportTable, ...]:
    raise TypeError(f"{type(report).__name__} is not an insights report")


@report_tables.register
def _loyal(report: LoyalReport) -> tuple[ReportTable, ...]:
    columns = _columns(
        ("rank", "Rank"), ("customer_id", "Customer ID"), ("name", "Name"),
        ("visits", "Visits"), ("previous_visits", "Visits before"), ("trend", "Trend"),
        ("average_gap_days", "Average days between visits"), ("first_visit", "First visit"),
        ("last_visit", "Last visit"), ("tags", "Tags"))
    rows = tuple(
        (r.rank, r.customer_id, r.name, r.visits, r.previous_visits, r.trend,
         r.average_gap_days, r.first_visit, r.last_visit, ", ".join(r.tags))
        for r in report.rows)
    return (ReportTable("loyal", "Loyal regulars", columns, rows),)


@report_tables.register
def _lapsed(report: LapsedReport) -> tuple[ReportTable, ...]:
    columns = _columns(
        ("customer_id", "Customer ID"), ("name", "Name"), ("win_back", "Win back"),
        ("visits", "Visits"), ("usual_gap_days", "Usual days between visits"),
        ("days_since", "Days since last visit"), ("days_overdue", "Days overdue"),
        ("first_visit", "First visit"), ("last_visit", "Last visit"),
        ("last_problem_at", "Last problem"), ("last_problem_category", "Category"),
        ("last_problem_severity", "Severity"), ("last_problem_status", "Status"),
        ("last_problem_outcome", "How they left"))
    rows = []
    for r in report.rows:
        p = r.last_problem
        rows.append((
            r.customer_id, r.name, "yes" if r.win_back else "", r.visits, r.usual_gap_days,
            r.days_since, r.days_overdue, r.first_visit, r.last_visit,
            p.occurred_at if p else None, p.category if p else None,
            p.severity if p else None, p.status if p else None, p.outcome if p else None))
    return (ReportTable("lapsed", "Lapsed regulars", columns, tuple(rows)),)


@report_tables.register
def _causes(report: RootCauseReport) -> tuple[ReportTable, ...]:
    columns = _columns(
        ("category", "Category"), ("retired", "Retired"), ("problems", "Problems"),
        ("customers", "Customers affected"), ("minor", "Minor"), ("major", "Major"),
        ("safety", "Safety"),
        *((start.isoformat(), f"{report.bucket.capitalize()} of {start.isoformat()}")
          for start in report.buckets))
    rows = tuple(
        (c.category, "yes" if c.retired else "", c.problems, c.customers, c.minor, c.major,
         c.safety, *c.per_bucket)
        for c in report.categories)
    return (ReportTable("causes", "Root causes", columns, rows),)


@report_tables.register
def _fixes(report: FixesReport) -> tuple[ReportTable, ...]:
    columns = _columns(
        ("fix_id", "Fix ID"), ("fixed_on", "Fixed on"), ("category", "Category"),
        ("what_changed", "What changed"), ("recorded_by", "Recorded by"),
        ("days", "Days compared on each side"), ("complete", "Full windows"),
        ("before_problems", "Problems before"), ("before_visits", "Visits before"),
        ("before_rate", "Problems per 1,000 visits before"),
        ("after_problems", "Problems after"), ("after_visits", "Visits after"),
        ("after_rate", "Problems per 1,000 visits after"), ("change", "Change per 1,000"))
    rows = tuple(
        (i.fix.id, i.fix.fixed_on, i.fix.category, i.fix.what_changed, i.fix.recorded_by,
         i.days, "yes" if i.complete else "", i.before.problems, i.before.visits,
         i.before.rate, i.after.problems, i.after.visits, i.after.rate, i.change)
        for i in report.impacts)
    return (ReportTable("fixes", "Process fixes", columns, rows),)


@report_tables.register
def _recoveries(report: RecoveryReport) -> tuple[ReportTable, ...]:
    rates = ReportTable(
        "return_rates", f"Came back within {report.within_days} days",
        _columns(("kind", "Recovery"), ("customers", "Customers"), ("returned", "Came back"),
                 ("share", "Share")),
        tuple((r.kind, r.customers, r.returned, r.share) for r in report.return_rates))
    costs = ReportTable(
        "monthly_costs", "Value-add and refund cost per month",
        _columns(("month", "Month"), ("value_add_cents", "Value-adds (cents)"),
                 ("refund_cents", "Refunds (cents)")),
        tuple((m.month, m.value_add_cents, m.refund_cents) for m in report.monthly_costs))
    return rates, costs


@report_tables.register
def _visits(report: VisitReport) -> tuple[ReportTable, ...]:
    buckets = ReportTable(
        "visits", f"Visits per {report.bucket}",
        _columns(("start", report.bucket.capitalize()), ("visits", "Visits"),
                 ("customers", "Customers"), ("new_customers", "New"),
                 ("returning_customers", "Returning")),
        tuple((b.start, b.visits, b.customers, b.new_customers, b.returning_customers)
              for b in report.buckets))
    hours = ReportTable(
        "hours", "Visits by hour of day",
        _columns(("hour", "Hour"), ("visits", "Visits")),
        tuple((f"{hour:02d}:00", count) for hour, count in enumerate(report.visits_by_hour)))
    return buckets, hours
