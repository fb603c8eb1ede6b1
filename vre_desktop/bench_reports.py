"""vre-desktop bench-reports: seed a temporary database and time every insights report.

Each report runs once to warm up (statement compilation and a cold page cache are not what an
owner waits for on the second click), then ``runs`` times; the median is the figure. The target
is at most a second each at 100,000 regulars and 2,000,000 visits.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import models
from models import insights
from models.seeding import seed_customers, seed_problems

TARGET_MS = 1000.0
FIX_DAYS_AGO = (10, 25, 45, 80, 120, 200)  # process fixes the benchmark records


@dataclass(frozen=True)
class ReportTiming:
    report: str
    median_ms: float
    min_ms: float
    max_ms: float
    rows: int


def _cases(today: date, now: datetime, offset: timedelta
           ) -> list[tuple[str, Callable[[Any], Any]]]:
    return [
        ("loyal, 30 days", lambda s: insights.loyal_regulars(
            s, today, days=30, utc_offset=offset)),
        ("loyal, 90 days", lambda s: insights.loyal_regulars(
            s, today, days=90, utc_offset=offset)),
        ("loyal, 365 days", lambda s: insights.loyal_regulars(
            s, today, days=365, utc_offset=offset)),
        ("loyal, 90 days by name", lambda s: insights.loyal_regulars(
            s, today, days=90, sort="name", descending=False, utc_offset=offset)),
        ("loyal, 90 days, tag", lambda s: insights.loyal_regulars(
            s, today, days=90, tag="regular", utc_offset=offset)),
        ("lapsed", lambda s: insights.lapsed_regulars(s, now)),
        ("causes, 90 days by week", lambda s: insights.root_causes(
            s, today, days=90, bucket="week", utc_offset=offset)),
        ("causes, 365 days by month", lambda s: insights.root_causes(
            s, today, days=365, bucket="month", utc_offset=offset)),
        ("fixes, 30 days each side", lambda s: insights.fix_impacts(
            s, today, days=30, utc_offset=offset)),
        ("recoveries, 90 days", lambda s: insights.recoveries(
            s, today, days=90, utc_offset=offset)),
        ("visits, 30 days by day", lambda s: insights.visit_activity(
            s, today, days=30, bucket="day", utc_offset=offset)),
        ("visits, 90 days by week", lambda s: insights.visit_activity(
            s, today, days=90, bucket="week", utc_offset=offset)),
        ("visits, 365 days by month", lambda s: insights.visit_activity(
            s, today, days=365, bucket="month", utc_offset=offset)),
    ]


def _rows(report: Any) -> int:
    return sum(len(table.rows) for table in insights.report_tables(report))


def measure(sessions: models.SessionFactory, runs: int, today: date, now: datetime,
            offset: timedelta) -> list[ReportTiming]:
    timings = []
    for name, run in _cases(today, now, offset):
        with sessions() as session:
            report = run(session)
        elapsed = []
        for _ in range(runs):
            with sessions() as session:
                started = time.perf_counter()
                run(session)
                elapsed.append((time.perf_counter() - started) * 1000)
        timings.append(ReportTiming(name, statistics.median(elapsed), min(elapsed),
                                    max(elapsed), _rows(report)))
        _note(f"  {name}: {timings[-1].median_ms:.0f} ms")
    return timings


def _record_fixes(sessions: models.SessionFactory, today: date) -> None:
    with sessions.begin() as session:
        if insights.list_fixes(session):
            return
        categories = [c.id for c in models.list_categories(session)]
        for index, days_ago in enumerate(FIX_DAYS_AGO):
            insights.record_fix(session, categories[index % len(categories)],
                                "Benchmark fix", today - timedelta(days=days_ago))


def run_reports_benchmark(
    *, customers: int, visits_per_customer: float, runs: int = 5, as_json: bool = False,
    keep_dir: str | None = None,
) -> int:
    folder = Path(keep_dir) if keep_dir else Path(tempfile.mkdtemp(prefix="vre-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench.sqlite3"
    url = f"sqlite:///{path}"
    try:
        sessions = models.open_database(url)
        with sessions() as session:
            seeded = models.count_customers(session) >= customers
        if not seeded:
            _note(f"seeding {customers:,} regulars …")
            seed_customers(sessions, customers, visits_per_customer=visits_per_customer)
            seed_problems(sessions)
        offset = insights.local_utc_offset()
        now = datetime.now(UTC)
        today = now.astimezone(timezone(offset)).date()
        _record_fixes(sessions, today)
        with sessions() as session:
            connection = session.connection()
            counts = {table: int(connection.exec_driver_sql(
                f"SELECT count(*) FROM {table}").scalar() or 0)
                for table in ("customer", "visit", "problem", "process_fix")}
        _note("timing the reports …")
        timings = measure(sessions, runs, today, now, offset)
        sessions.kw["bind"].dispose()
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        report = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                       f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
            "load_average_1min": round(load, 2),
            "database": {**counts, "file_mb": round(path.stat().st_size / 2**20, 1)},
            "runs": runs,
            "target_ms": TARGET_MS,
            "reports": [asdict(t) for t in timings],
        }
        sys.stdout.write((json.dumps(report, indent=2) if as_json else format_report(report))
                         + "\n")
        return 0
    finally:
        if not keep_dir:
            shutil.rmtree(folder, ignore_errors=True)


def _note(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def format_report(report: dict[str, Any]) -> str:
    db = report["database"]
    lines = [
        f"Machine: {report['machine']} (load average {report['load_average_1min']})",
        f"Database: {db['customer']:,} regulars, {db['visit']:,} visits, "
        f"{db['problem']:,} problems, {db['process_fix']} process fixes, {db['file_mb']} MB",
        "",
        f"{'report':<30}{'median ms':>10}{'min ms':>9}{'max ms':>9}{'rows':>7}  "
        f"(median of {report['runs']} runs; target ≤ {report['target_ms']:.0f} ms)",
    ]
    for t in report["reports"]:
        flag = "" if t["median_ms"] <= report["target_ms"] else "  over target"
        lines.append(f"{t['report']:<30}{t['median_ms']:>10.0f}{t['min_ms']:>9.0f}"
                     f"{t['max_ms']:>9.0f}{t['rows']:>7}{flag}")
    return "\n".join(lines)
