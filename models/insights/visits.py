"""Visits: how many per day or week, the busiest hours on the shop's clock, and how many
regulars came for the first time versus came back.

A regular is new in the bucket of their first visit ever, unless a previous system counted
visits for them (an import's ``earlier_visits``): those were here before. Everyone else who
visited in a bucket is returning, so ``new + returning`` is the bucket's distinct customers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, literal, select
from sqlalchemy.orm import Session

from models.entities import Customer, Visit
from models.insights.bucket_counts import count_per_bucket
from models.insights.windows import (
    Bucket,
    DayWindow,
    bucket_starts,
    bucket_windows,
    check_bucket,
    last_days,
    offset_minutes,
)
from models.sql_time import local_hour
from models.staff import Permission, require

ONE_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class VisitBucket:
    start: date  # the day, or the Monday starting the week, or the first of the month
    window: DayWindow  # the bucket's days inside the report's window
    visits: int
    customers: int  # different customers
    new_customers: int  # whose first visit ever was in this bucket

    @property
    def returning_customers(self) -> int:
        return self.customers - self.new_customers


@dataclass(frozen=True)
class VisitReport:
    window: DayWindow
    bucket: Bucket
    buckets: tuple[VisitBucket, ...]  # every bucket, empty ones too, oldest first
    visits_by_hour: tuple[int, ...]  # 24 counts, midnight first, on the shop's clock

    @property
    def visits(self) -> int:
        return sum(b.visits for b in self.buckets)

    @property
    def busiest_hours(self) -> tuple[int, ...]:
        """Hours with visits, busiest first (ties: earlier hour first)."""
        ranked = sorted(range(24), key=lambda hour: (-self.visits_by_hour[hour], hour))
        return tuple(hour for hour in ranked if self.visits_by_hour[hour])


def visit_activity(
    session: Session, today: date, *, days: int = 30, bucket: Bucket = "day",
    utc_offset: timedelta = timedelta(0),
) -> VisitReport:
    """Visits in the ``days`` local days through ``today``, per ``bucket`` (the first and last
    week or month may be partly outside the window: only days inside count)."""
    require(session, Permission.REPORTS)
    bucket = check_bucket(bucket)
    window = last_days(today, days, utc_offset)
    windows = bucket_windows(window, bucket)

    counts = {
        index: (visits, visits - repeats, newcomers)
        for index, visits, repeats, newcomers in count_per_bucket(
            session, windows, _bucket_counts)
    }
    by_hour = _visits_by_hour(session, window)

    buckets = tuple(
        VisitBucket(start, part, *counts.get(index, (0, 0, 0)))
        for index, (start, part) in enumerate(zip(bucket_starts(window, bucket), windows,
                                                  strict=True))
    )
    return VisitReport(window, bucket, buckets, tuple(by_hour))


def _bucket_counts(index: int, part: DayWindow) -> Select[int, int, int, int]:
    """Visits, repeat visits and first visits ever in one bucket, from the visit-time index.

    A visit whose regular's previous visit is in the same bucket is a repeat, so the bucket's
    different regulars are its visits minus its repeats (models/visit_links.py). A first visit
    ever is a newcomer's, unless a previous system counted visits for them.
    """
    repeat = Visit.previous_visit_at >= part.since
    counted_elsewhere = exists().where(Customer.id == Visit.customer_id,
                                       Customer.earlier_visits > 0)
    first_ever = and_(Visit.previous_visit_at.is_(None), ~counted_elsewhere)
    return (select(literal(index), func.count(), func.count().filter(repeat),
                   func.count().filter(first_ever))
            .where(Visit.visited_at >= part.since, Visit.visited_at < part.until))


# Every hour of the window, each counted as its own range of the visit-time index, summed per
# hour of the day. The hours are generated in SQL: boundaries are the stored text form of UTC
# moments ('YYYY-MM-DD HH:MM:SS.ffffff'), one hour apart from the window's first local midnight.
_SQLITE_VISITS_BY_HOUR = """
WITH RECURSIVE hour_range(n, since, until) AS (
    SELECT 0, ?, ?
    UNION ALL
    SELECT n + 1, until, strftime('%Y-%m-%d %H:%M:%S.000000', until, '+1 hours')
    FROM hour_range WHERE n + 1 < ?
)
SELECT n % 24, sum((SELECT count(*) FROM visit WHERE visited_at >= since AND visited_at < until))
FROM hour_range GROUP BY n % 24
"""


def _visits_by_hour(session: Session, window: DayWindow) -> list[int]:
    """Visits per hour of the shop's day (midnight first) in the window.

    On SQLite every hour of the window is counted as its own index range: a year is 8,760
    ranges, yet several times faster than working out the hour of a million visits and
    grouping them. PostgreSQL groups by the hour cheaply (a hash, no sort).
    """
    by_hour = [0] * 24
    connection = session.connection()
    dialect = connection.dialect
    rows: list[Any]
    if dialect.name == "sqlite":
        stored = Visit.__table__.c.visited_at.type.bind_processor(dialect)
        assert stored is not None
        rows = list(connection.exec_driver_sql(
            _SQLITE_VISITS_BY_HOUR,
            (stored(window.since), stored(window.since + ONE_HOUR), window.days * 24)))
    else:
        hour = local_hour(Visit.visited_at, offset_minutes(window.utc_offset))
        rows = list(session.execute(
            select(hour, func.count())
            .where(Visit.visited_at >= window.since, Visit.visited_at < window.until)
            .group_by(hour)))
    for hour_of_day, count in rows:
        by_hour[int(hour_of_day)] += count or 0
    return by_hour
