"""`vre-desktop report …`: the owner's insights as a table, a CSV file or JSON.

Days are the shop computer's local days (its current offset from UTC). ``--days`` sets each
report's window: the days through today for loyal, causes, recoveries and visits; the least time
since a last visit for lapsed; the days compared on each side of a fix for fixes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from vre_desktop.cli import CommandLineError, _table

REPORTS = ("loyal", "lapsed", "causes", "fixes", "recoveries", "visits")
DEFAULT_DAYS = {"loyal": 90, "lapsed": 14, "causes": 90, "fixes": 30, "recoveries": 90,
                "visits": 30}
DEFAULT_BUCKET = {"causes": "week", "visits": "day"}
# models.insights.LOYAL_SORTS, listed here so --help needs no models import.
LOYAL_SORTS = ("visits", "previous_visits", "change", "average_gap_days", "first_visit",
               "last_visit", "name")


def add_report_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    from vre_desktop.cli import _positive_int

    report = sub.add_parser(
        "report", parents=[common],
        help="the owner's insights: loyal and lapsed regulars, root causes, process fixes, "
        "recoveries, visits")
    report.add_argument("kind", choices=REPORTS, metavar="|".join(REPORTS))
    report.add_argument(
        "--days", type=_positive_int, metavar="N",
        help="the window in days (defaults: loyal 90, lapsed 14 since the last visit, causes "
        "90, fixes 30 on each side of a fix, recoveries 90, visits 30)")
    report.add_argument("--csv", metavar="FILE", help="write a CSV file for a spreadsheet")
    report.add_argument("--json", action="store_true", help="print JSON instead of a table")
    report.add_argument("--today", type=_date, metavar="DATE",
                        help="report as of this day (YYYY-MM-DD; default: today)")
    report.add_argument("--limit", type=_positive_int, default=100, metavar="N",
                        help="loyal and lapsed: at most N regulars (default 100)")
    report.add_argument("--tag", metavar="TAG", help="loyal: only regulars with this tag")
    report.add_argument("--min-visits", type=_positive_int, default=1, metavar="N",
                        help="loyal: at least N visits in the window (default 1)")
    report.add_argument("--sort", choices=LOYAL_SORTS, default="visits",
                        help="loyal: the column to sort by (default visits, most first)")
    report.add_argument("--ascending", action="store_true", help="loyal: smallest first")
    report.add_argument("--by", choices=("day", "week", "month"), dest="bucket",
                        help="causes and visits: group by day, week or month "
                        "(defaults: causes week, visits day)")

    bench = sub.add_parser(
        "bench-reports", help="seed a temporary database and time every insights report")
    bench.add_argument("--customers", type=_positive_int, default=100_000, metavar="N")
    bench.add_argument("--visits-per-customer", type=_non_negative_float, default=20.0,
                       metavar="F")
    bench.add_argument("--runs", type=_positive_int, default=5, metavar="N",
                       help="timed runs of each report; the median is shown (default 5)")
    bench.add_argument("--json", action="store_true", help="print JSON instead of a table")
    bench.add_argument("--keep", metavar="DIR", help="build the database in DIR and keep it")


def _date(value: str) -> date:
    from vre_desktop.cli import _date as parse

    return parse(value)


def _non_negative_float(value: str) -> float:
    from vre_desktop.cli import _non_negative_float as parse

    return parse(value)


def run_report(url: str, args: argparse.Namespace) -> int:
    import models
    from models import insights

    offset = insights.local_utc_offset()
    today = args.today or datetime.now(UTC).astimezone(timezone(offset)).date()
    days = args.days or DEFAULT_DAYS[args.kind]
    if args.csv and not Path(args.csv).parent.exists():
        raise CommandLineError(f"the folder {Path(args.csv).parent} does not exist")
    sessions = models.open_database(url)
    with sessions() as session:
        report, summary = _build(session, args, today, days, offset)
    tables = insights.report_tables(report)
    if args.csv:
        try:
            insights.write_csv(args.csv, tables, offset)
        except OSError as exc:
            raise CommandLineError(f"cannot write {args.csv}: {exc.strerror or exc}") from None
    if args.json:
        document = {"report": args.kind, "today": today.isoformat(),
                    "utc_offset_minutes": int(offset.total_seconds() // 60), **summary,
                    **{table.name: table.records() for table in tables}}
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2,
                                    default=_json_value) + "\n")
    elif args.csv:
        rows = sum(len(table.rows) for table in tables)
        sys.stdout.write(f"Wrote {rows:,} rows to {args.csv}.\n")
    else:
        sys.stdout.write(_text(summary, tables, offset) + "\n")
    return 0


def _build(session: Any, args: argparse.Namespace, today: date, days: int,
           offset: timedelta) -> tuple[Any, dict[str, Any]]:
    """The report and the facts printed above its table."""
    from models import insights

    kind = args.kind
    bucket = insights.check_bucket(args.bucket or DEFAULT_BUCKET.get(kind, "day"))
    if kind == "loyal":
        loyal = insights.loyal_regulars(
            session, today, days=days, min_visits=args.min_visits, tag=args.tag,
            sort=args.sort, descending=not args.ascending, limit=args.limit, utc_offset=offset)
        return loyal, {**_window(loyal.window), "previous": _window(loyal.previous_window),
                       "total": loyal.total, "shown": len(loyal.rows),
                       "not_named": loyal.unlisted}
    if kind == "lapsed":
        # As of the end of the chosen day, on the shop's clock.
        now = (insights.DayWindow(today, today, offset).until if args.today
               else datetime.now(UTC))
        lapsed = insights.lapsed_regulars(session, now, min_gap_days=days, limit=args.limit)
        return lapsed, {"as_of": now.isoformat(), "min_gap_days": days, "total": lapsed.total,
                        "shown": len(lapsed.rows), "not_named": lapsed.unlisted}
    if kind == "causes":
        causes = insights.root_causes(session, today, days=days, bucket=bucket,
                                      utc_offset=offset)
        return causes, {**_window(causes.window), "by": bucket, "problems": causes.problems}
    if kind == "fixes":
        fixes = insights.fix_impacts(session, today, days=days, utc_offset=offset)
        return fixes, {"days_each_side": days, "fixes": len(fixes.impacts)}
    if kind == "recoveries":
        recovered = insights.recoveries(session, today, days=days, utc_offset=offset)
        return recovered, {**_window(recovered.window), "within_days": recovered.within_days,
                           "value_add_cents": recovered.value_add_cents}
    visits = insights.visit_activity(session, today, days=days, bucket=bucket,
                                     utc_offset=offset)
    return visits, {**_window(visits.window), "by": bucket, "visits": visits.visits,
                    "busiest_hours": list(visits.busiest_hours[:3])}


def _window(window: Any) -> dict[str, Any]:
    return {"from": window.first_day.isoformat(), "to": window.last_day.isoformat(),
            "days": window.days}


def _json_value(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _text(summary: dict[str, Any], tables: Sequence[Any], offset: timedelta) -> str:
    facts = ", ".join(f"{key.replace('_', ' ')}: {_fact(value)}"
                      for key, value in summary.items())
    parts = [facts]
    for table in tables:
        parts.append("")
        if len(tables) > 1:
            parts.append(f"{table.title}:")
        if not table.rows:
            parts.append("(none)")
            continue
        # Bucket columns (keyed by their ISO date) are shown as month-day to keep rows short.
        header = [c.key[5:] if c.key[:4].isdigit() else c.label for c in table.columns]
        keys = [c.key for c in table.columns]
        rows = [[_text_cell(key, cell, offset) for key, cell in zip(keys, row, strict=True)]
                for row in table.rows]
        parts.append(_table(header, rows))
    return "\n".join(parts)


def _fact(value: object) -> str:
    if isinstance(value, dict):
        return f"{value['from']} to {value['to']}"
    if isinstance(value, list):
        return ", ".join(f"{hour:02d}:00" for hour in value) or "—"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _text_cell(key: str, value: object, offset: timedelta) -> str:
    if value is None or value == "":
        return "—"
    if key == "share" and isinstance(value, float):
        return f"{value:.0%}"
    if key == "rank" or key.endswith("_id"):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(timezone(offset)).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
