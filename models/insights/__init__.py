"""The owner's view: reports about regulars, problems and visits, each one function returning
frozen dataclasses of plain values, computed in SQL that reads the same on SQLite and PostgreSQL.

Every report takes the session and an explicit ``today`` (a local date) or ``now`` (an aware
datetime), so the same data always gives the same answer. Windows are whole local days ending
with ``today``; ``utc_offset`` is the shop clock's offset from UTC (default UTC; pass
``local_utc_offset()`` for this computer's). See ``windows`` for how a fixed offset is applied.

Customers who were forgotten on request or asked not to be remembered are never named in a
list, but their visits and problems count in every total, and lists say how many they left out.

- ``loyal_regulars``: ranked by visits in a window, with the trend against the window before.
- ``lapsed_regulars``: gone more than twice their usual gap; the ones to win back first.
- ``root_causes``: problems per category per week or month, customers affected, severities.
- ``record_fix`` … ``list_fixes`` and ``fix_impacts``: process fixes and whether they worked.
- ``recoveries``: the share who came back after each kind of recovery; value-add costs.
- ``visit_activity``: visits per day or week, busiest hours, new and returning regulars.

``report_tables(report)`` turns any of them into tables of plain values (the columns the
command line prints), and ``write_csv`` writes those as a spreadsheet-safe CSV file.
"""

from models.insights.csv_files import csv_cell, write_csv
from models.insights.fix_impact import (
    FixesReport,
    FixImpact,
    RateWindow,
    fix_impacts,
    fix_windows,
)
from models.insights.lapsed import LapsedRegular, LapsedReport, LastProblem, lapsed_regulars
from models.insights.loyal import LOYAL_SORTS, LoyalRegular, LoyalReport, LoyalSort, loyal_regulars
from models.insights.process_fixes import (
    ProcessFixView,
    delete_fix,
    list_fixes,
    load_fix,
    record_fix,
    update_fix,
)
from models.insights.recoveries import RecoveryReport, recoveries
from models.insights.root_causes import CategoryCauses, RootCauseReport, root_causes
from models.insights.tables import Cell, Column, ReportTable, report_tables
from models.insights.visits import VisitBucket, VisitReport, visit_activity
from models.insights.windows import (
    BUCKETS,
    Bucket,
    DayWindow,
    check_bucket,
    last_days,
    local_utc_offset,
)
from models.problem_reports import MonthlyCost, ReturnRate

__all__ = [
    "BUCKETS",
    "LOYAL_SORTS",
    "Bucket",
    "CategoryCauses",
    "Cell",
    "Column",
    "DayWindow",
    "FixImpact",
    "FixesReport",
    "LapsedRegular",
    "LapsedReport",
    "LastProblem",
    "LoyalRegular",
    "LoyalReport",
    "LoyalSort",
    "MonthlyCost",
    "ProcessFixView",
    "RateWindow",
    "RecoveryReport",
    "ReportTable",
    "ReturnRate",
    "RootCauseReport",
    "VisitBucket",
    "VisitReport",
    "check_bucket",
    "csv_cell",
    "delete_fix",
    "fix_impacts",
    "fix_windows",
    "lapsed_regulars",
    "last_days",
    "list_fixes",
    "load_fix",
    "local_utc_offset",
    "loyal_regulars",
    "record_fix",
    "recoveries",
    "report_tables",
    "root_causes",
    "update_fix",
    "visit_activity",
    "write_csv",
]
