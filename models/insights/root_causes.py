"""Root causes: problems per category per week or month, which categories lead, how many
different customers each affected, and how severe they were.

Every problem counts, including those of customers who were forgotten on request (their problems
stay as anonymous counts). Categories with no problems in the period are listed too (after the
others) unless they are retired, so "none" is visible rather than missing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from models.insights.bucket_counts import count_per_bucket
from models.insights.windows import (
    Bucket,
    DayWindow,
    bucket_starts,
    bucket_windows,
    check_bucket,
    last_days,
)
from models.problem_entities import SEVERITIES, Problem, ProblemCategory
from models.staff import Permission, require


@dataclass(frozen=True)
class CategoryCauses:
    category_id: int
    category: str
    category_key: str | None  # built-in categories only
    retired: bool
    problems: int
    customers: int  # different customers affected
    minor: int
    major: int
    safety: int
    per_bucket: tuple[int, ...]  # problems in each of the report's ``buckets``


@dataclass(frozen=True)
class RootCauseReport:
    window: DayWindow
    bucket: Bucket
    buckets: tuple[date, ...]  # the first day of each week (Monday) or month, oldest first
    categories: tuple[CategoryCauses, ...]  # most problems first

    @property
    def problems(self) -> int:
        return sum(c.problems for c in self.categories)


def root_causes(
    session: Session, today: date, *, days: int = 90, bucket: Bucket = "week",
    utc_offset: timedelta = timedelta(0),
) -> RootCauseReport:
    """Problems by category in the ``days`` local days through ``today``, also per ``bucket``
    (the first and last bucket may be partly outside the window: only days inside count)."""
    require(session, Permission.REPORTS)
    bucket = check_bucket(bucket)
    window = last_days(today, days, utc_offset)
    windows = bucket_windows(window, bucket)
    in_window = (Problem.occurred_at >= window.since, Problem.occurred_at < window.until)
    totals = {
        category_id: numbers
        for category_id, *numbers in session.execute(
            select(Problem.category_id, func.count(),
                   func.count(func.distinct(Problem.customer_id)),
                   *(func.sum(case((Problem.severity == severity, 1), else_=0))
                     for severity in SEVERITIES))
            .where(*in_window).group_by(Problem.category_id)
        )
    }
    per_bucket: dict[int, list[int]] = defaultdict(lambda: [0] * len(windows))
    for index, category_id, count in count_per_bucket(session, windows, lambda index, part: (
        select(literal(index), Problem.category_id, func.count())
        .where(Problem.occurred_at >= part.since, Problem.occurred_at < part.until)
        .group_by(Problem.category_id))):
        per_bucket[category_id][index] = count

    categories = []
    for category in session.scalars(
        select(ProblemCategory).order_by(ProblemCategory.position, ProblemCategory.id)
    ):
        problems, customers, minor, major, safety = totals.get(category.id, (0, 0, 0, 0, 0))
        if not problems and category.retired:
            continue
        categories.append(CategoryCauses(
            category.id, category.name, category.key, category.retired, problems, customers,
            int(minor), int(major), int(safety), tuple(per_bucket[category.id]),
        ))
    # Stable: equal counts keep the owner's category order.
    categories.sort(key=lambda c: -c.problems)
    return RootCauseReport(window, bucket, tuple(bucket_starts(window, bucket)),
                           tuple(categories))
