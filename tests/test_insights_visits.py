"""The owner's view of visits: per day or week, busiest hours, new and returning regulars.

Each test runs on SQLite and on a real PostgreSQL server.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest

import models
from models.customers import recount_visits
from models.entities import Customer
from models.insights import visit_activity
from models.insights.windows import DayWindow, bucket_starts, bucket_windows, last_days
from models.privacy import forget_customer

TODAY = date(2026, 11, 20)  # a Friday


def at(month: int, dom: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, dom, hour, minute, tzinfo=UTC)


# 7 days through Fri Nov 20: Sat Nov 14 … Fri Nov 20 (UTC).
#
#   Fay  Nov 14 00:00 (the first instant; her first visit ever)          new on Nov 14
#   Ana  first came Nov 1; Nov 14 08:15 and 17:00, Nov 16 08:30         returning
#   Ben  Nov 15 09:10 (first ever), Nov 16 09:45                        new on Nov 15
#   Cy   Nov 17 08:05, his first logged visit, but a previous system
#        counted 3 visits before: returning
#   Dee  Nov 20 07:00 (first ever)                                       new on Nov 20
#   Eve  Nov 10 only: before the window
#
#   day     visits  customers  new
#   Nov 14    3        2        1   (Fay; Ana twice)
#   Nov 15    1        1        1
#   Nov 16    2        2        0
#   Nov 17    1        1        0
#   Nov 18    0        0        0
#   Nov 19    0        0        0
#   Nov 20    1        1        1
#
# Hours (UTC): 0 → 1, 7 → 1, 8 → 3, 9 → 2, 17 → 1.


@pytest.fixture
def visits(any_sessions: models.SessionFactory) -> models.SessionFactory:
    with any_sessions.begin() as session:
        def customer(name: str, *moments: datetime) -> int:
            customer_id = models.create_customer(session, models.CustomerDraft(name=name))
            for moment in moments:
                models.check_in(session, customer_id, at=moment)
            return customer_id

        customer("Fay", at(11, 14, 0, 0))
        customer("Ana", at(11, 1), at(11, 14, 8, 15), at(11, 14, 17), at(11, 16, 8, 30))
        ben = customer("Ben", at(11, 15, 9, 10), at(11, 16, 9, 45))
        cy = customer("Cy", at(11, 17, 8, 5))
        row = session.get(Customer, cy)
        row.earlier_visits = 3
        recount_visits(session, row)
        customer("Dee", at(11, 20, 7))
        customer("Eve", at(11, 10))
        forget_customer(session, ben)  # anonymous now, but his visits still count
    return any_sessions


def test_visits_per_day_with_new_and_returning_regulars(visits) -> None:
    with visits() as session:
        report = visit_activity(session, TODAY, days=7, bucket="day")
    assert [(b.start, b.visits, b.customers, b.new_customers, b.returning_customers)
            for b in report.buckets] == [
        (date(2026, 11, 14), 3, 2, 1, 1),
        (date(2026, 11, 15), 1, 1, 1, 0),
        (date(2026, 11, 16), 2, 2, 0, 2),
        (date(2026, 11, 17), 1, 1, 0, 1),
        (date(2026, 11, 18), 0, 0, 0, 0),
        (date(2026, 11, 19), 0, 0, 0, 0),
        (date(2026, 11, 20), 1, 1, 1, 0),
    ]
    assert report.visits == 8
    expected_hours = [0] * 24
    for hour, count in ((0, 1), (7, 1), (8, 3), (9, 2), (17, 1)):
        expected_hours[hour] = count
    assert report.visits_by_hour == tuple(expected_hours)
    assert report.busiest_hours == (8, 9, 0, 7, 17)  # ties: the earlier hour first


def test_visits_per_week_count_each_customer_once(visits) -> None:
    with visits() as session:
        report = visit_activity(session, TODAY, days=7, bucket="week")
    # Week of Mon Nov 9 (only Nov 14–15 inside): Fay, Ana, Ben; Fay and Ben new.
    # Week of Mon Nov 16: Ana, Ben, Cy, Dee; Dee new.
    assert [(b.start, b.window.first_day, b.visits, b.customers, b.new_customers)
            for b in report.buckets] == [
        (date(2026, 11, 9), date(2026, 11, 14), 4, 3, 2),
        (date(2026, 11, 16), date(2026, 11, 16), 4, 4, 1),
    ]


def test_visits_on_the_shop_clock(visits) -> None:
    # Eight hours behind UTC, Nov 14 … Nov 20 is Nov 14 08:00 … Nov 21 08:00 UTC. Fay's
    # midnight visit (Nov 13, 16:00 local) falls out; Dee's Nov 20 07:00 is Nov 19, 23:00.
    # Local hours: Ana 00:15, 09:00, 00:30; Ben 01:10, 01:45; Cy 00:05; Dee 23:00.
    with visits() as session:
        report = visit_activity(session, TODAY, days=7, utc_offset=timedelta(hours=-8))
        half_hour = visit_activity(session, TODAY, days=7,
                                   utc_offset=timedelta(hours=5, minutes=30))
    by_day = {b.start: (b.visits, b.new_customers) for b in report.buckets}
    assert by_day[date(2026, 11, 14)] == (2, 0)
    assert by_day[date(2026, 11, 19)] == (1, 1)
    assert by_day[date(2026, 11, 20)] == (0, 0)
    assert {h: n for h, n in enumerate(report.visits_by_hour) if n} == {0: 3, 1: 2, 9: 1, 23: 1}
    # 5:30 ahead, the window is Nov 13 18:30 … Nov 20 18:30 UTC: every visit but Eve's is in.
    # Fay 00:00 → 05:30, Ana 08:15 → 13:45, 17:00 → 22:30, 08:30 → 14:00, Ben 09:10 → 14:40,
    # 09:45 → 15:15, Cy 08:05 → 13:35, Dee 07:00 → 12:30.
    assert {h: n for h, n in enumerate(half_hour.visits_by_hour) if n} == {
        5: 1, 12: 1, 13: 2, 14: 2, 15: 1, 22: 1}


def test_a_window_without_visits(visits) -> None:
    with visits() as session:
        report = visit_activity(session, date(2020, 2, 29), days=3)
    assert [(b.start, b.visits) for b in report.buckets] == [
        (date(2020, 2, 27), 0), (date(2020, 2, 28), 0), (date(2020, 2, 29), 0)]
    assert report.visits_by_hour == (0,) * 24
    assert report.busiest_hours == ()


def test_buckets_cover_the_window_exactly() -> None:
    window = last_days(date(2026, 3, 4), 40)  # Jan 24 … Mar 4
    assert bucket_starts(window, "month") == [date(2026, 1, 1), date(2026, 2, 1),
                                              date(2026, 3, 1)]
    parts = bucket_windows(window, "month")
    assert [(p.first_day, p.last_day) for p in parts] == [
        (date(2026, 1, 24), date(2026, 1, 31)), (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 4))]
    assert sum(p.days for p in parts) == 40
    weeks = bucket_windows(window, "week")
    assert weeks[0].first_day == date(2026, 1, 24) and weeks[-1].last_day == date(2026, 3, 4)
    assert all(a.last_day + timedelta(days=1) == b.first_day for a, b in pairwise(weeks))
    assert DayWindow(date(2026, 1, 2), date(2026, 1, 1)).days == 0


def test_a_visit_report_longer_than_one_statement_allows(any_sessions) -> None:
    # 450 day-buckets need two statements on SQLite (at most 500 SELECTs in one).
    with any_sessions.begin() as session:
        customer_id = models.create_customer(session, models.CustomerDraft(name="Zed"))
        models.check_in(session, customer_id, at=at(11, 20, 12))
        models.check_in(session, customer_id, at=datetime(2025, 9, 1, 12, tzinfo=UTC))
    with any_sessions() as session:
        report = visit_activity(session, TODAY, days=450)
    assert len(report.buckets) == 450
    assert [(b.start, b.new_customers) for b in report.buckets if b.visits] == [
        (date(2025, 9, 1), 1), (TODAY, 0)]
