"""The owner's view of problems: root causes, process fixes and whether they worked, recoveries.

Hand-built histories; every number below is worked out in the comments. Each test runs on SQLite
and on a real PostgreSQL server.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

import models
from models import ActionEntry, ProblemReport
from models.insights import (
    fix_impacts,
    fix_windows,
    list_fixes,
    load_fix,
    record_fix,
    recoveries,
    root_causes,
    update_fix,
)
from models.insights.process_fixes import delete_fix
from models.privacy import forget_customer
from models.problem_reports import return_rates, value_add_costs

TODAY = date(2026, 11, 20)  # a Friday
LOGGED_AT = datetime(2026, 11, 21, 12, tzinfo=UTC)


def at(month: int, dom: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, dom, hour, minute, tzinfo=UTC)


class Shop:
    """Shortcuts for building a history inside one transaction."""

    def __init__(self, session) -> None:  # type: ignore[no-untyped-def]
        self.session = session
        self.keys = {c.key: c.id for c in models.list_categories(session)}

    def customer(self, name: str, *visits: datetime) -> int:
        customer_id = models.create_customer(self.session, models.CustomerDraft(name=name))
        for moment in visits:
            models.check_in(self.session, customer_id, at=moment)
        return customer_id

    def problem(self, customer_id: int, when: datetime, key: str, *actions: ActionEntry,
                **fields: object) -> int:
        category_id = self.keys[key] if key in self.keys else int(key)
        report = ProblemReport(what_happened="it went wrong", category_id=category_id,
                               occurred_at=when, actions=list(actions))
        for name, value in fields.items():
            setattr(report, name, value)
        return models.log_problem(self.session, customer_id, report, now=LOGGED_AT)


# --- root causes -------------------------------------------------------------------------------
#
# 28 days through Fri Nov 20: Sat Oct 24 00:00 … Nov 20 23:59:59 UTC. Weeks start on Monday:
# Oct 19 (only Oct 24–25 inside), Oct 26, Nov 2, Nov 9, Nov 16.
#
#   wrong_order  Ana Oct 24 00:00 (first instant)     week 0   minor
#                Ana Oct 26, Ben Oct 26 (major)       week 1
#                Cy  Nov 20 23:59                     week 4   minor
#                → 4 problems, 3 customers, minor 3, major 1; per week (1, 2, 0, 0, 1)
#   wait_time    Dee Oct 23 23:59 (just before: not counted)
#                Dee Nov 3, allergen → safety         week 2
#                → 1 problem, 1 customer, safety 1
#   "Old cause"  Ana Nov 10, then the category is retired: still listed, retired=True, week 3
#   retired "Unused" with no problems: left out; active categories with none: listed with 0
#   A forgotten customer's problem still counts (Cy is forgotten at the end).


@pytest.fixture
def causes(any_sessions: models.SessionFactory) -> models.SessionFactory:
    with any_sessions.begin() as session:
        shop = Shop(session)
        ana, ben, cy, dee = (shop.customer(n) for n in ("Ana", "Ben", "Cy", "Dee"))
        shop.problem(ana, at(10, 24, 0, 0), "wrong_order")
        shop.problem(ana, at(10, 26), "wrong_order")
        shop.problem(ben, at(10, 26), "wrong_order", severity="major")
        shop.problem(cy, at(11, 20, 23, 59), "wrong_order")
        shop.problem(dee, at(10, 23, 23, 59), "wait_time")
        shop.problem(dee, at(11, 3), "wait_time", allergen_or_illness=True)
        old = models.add_category(session, "Old cause")
        shop.problem(ana, at(11, 10), str(old))
        models.set_category_retired(session, old, True)
        unused = models.add_category(session, "Unused")
        models.set_category_retired(session, unused, True)
        forget_customer(session, cy)
    return any_sessions


def test_root_causes_by_week_with_customers_and_severity(causes) -> None:
    with causes() as session:
        report = root_causes(session, TODAY, days=28, bucket="week")
    assert report.buckets == (date(2026, 10, 19), date(2026, 10, 26), date(2026, 11, 2),
                              date(2026, 11, 9), date(2026, 11, 16))
    top = report.categories[:3]
    assert [(c.category_key, c.category, c.retired) for c in top] == [
        ("wrong_order", "Wrong or remade order", False),
        ("wait_time", "Wait time", False),  # ties keep the owner's category order
        (None, "Old cause", True),
    ]
    assert [(c.problems, c.customers, c.minor, c.major, c.safety) for c in top] == [
        (4, 3, 3, 1, 0), (1, 1, 0, 0, 1), (1, 1, 1, 0, 0)]
    assert [c.per_bucket for c in top] == [(1, 2, 0, 0, 1), (0, 0, 1, 0, 0), (0, 0, 0, 1, 0)]
    rest = report.categories[3:]
    assert [c.category_key for c in rest] == [
        "process_breakdown", "poor_communication", "value_for_price", "training_gap",
        "product_quality", "staff_attitude", "other"]
    assert all(c.problems == 0 and c.per_bucket == (0,) * 5 for c in rest)
    assert "Unused" not in [c.category for c in report.categories]
    assert report.problems == 6


def test_root_causes_by_month_and_on_the_shop_clock(causes) -> None:
    with causes() as session:
        by_month = root_causes(session, TODAY, days=28, bucket="month")
        # Two hours ahead of UTC: Oct 23 22:00 … Nov 20 22:00 UTC. Dee's Oct 23 23:59 moves
        # in (Oct 24 01:59 on the shop clock); Cy's Nov 20 23:59 moves out (Nov 21 01:59).
        ahead = root_causes(session, TODAY, days=28, bucket="month",
                            utc_offset=timedelta(hours=2))
    assert by_month.buckets == (date(2026, 10, 1), date(2026, 11, 1))
    assert by_month.categories[0].per_bucket == (3, 1)
    counts = {c.category_key: (c.problems, c.per_bucket) for c in ahead.categories}
    assert counts["wrong_order"] == (3, (3, 0))
    assert counts["wait_time"] == (2, (1, 1))


def test_root_causes_in_a_quiet_period(causes) -> None:
    with causes() as session:
        report = root_causes(session, date(2026, 1, 31), days=31, bucket="month")
    assert report.buckets == (date(2026, 1, 1),)
    assert report.problems == 0
    assert "Old cause" not in [c.category for c in report.categories]  # retired, no problems


# --- process fixes -------------------------------------------------------------------------------


def test_recording_editing_and_deleting_process_fixes(any_sessions) -> None:
    with any_sessions.begin() as session:
        keys = {c.key: c.id for c in models.list_categories(session)}
        first = record_fix(session, keys["wrong_order"], "  Retrained everyone on milk steaming ",
                           date(2026, 11, 1), recorded_by="  Sam  Lee ")
        second = record_fix(session, keys["wait_time"], "Second till at lunch",
                            date(2026, 11, 10))
        with pytest.raises(models.ValidationError) as error:
            record_fix(session, None, " ", date(2026, 11, 1), recorded_by="x" * 101)
        assert set(error.value.errors) == {"category_id", "what_changed", "recorded_by"}
        with pytest.raises(models.ValidationError):
            record_fix(session, 999_999, "ok", date(2026, 11, 1))
    with any_sessions() as session:
        fixes = list_fixes(session)
        only_wait = list_fixes(session, category_id=keys["wait_time"])
        fix = load_fix(session, first)
    assert [f.id for f in fixes] == [second, first]  # newest fix first
    assert [f.id for f in only_wait] == [second]
    assert (fix.category, fix.what_changed, fix.fixed_on, fix.recorded_by) == (
        "Wrong or remade order", "Retrained everyone on milk steaming", date(2026, 11, 1),
        "Sam Lee")
    with any_sessions.begin() as session:
        update_fix(session, first, category_id=keys["training_gap"], what_changed="Retrained",
                   fixed_on=date(2026, 11, 2), recorded_by="Jo")
    with any_sessions() as session:
        fix = load_fix(session, first)
    assert (fix.category, fix.what_changed, fix.fixed_on, fix.recorded_by) == (
        "Training gap", "Retrained", date(2026, 11, 2), "Jo")
    with any_sessions.begin() as session:
        delete_fix(session, first)
    with any_sessions() as session:
        assert [f.id for f in list_fixes(session)] == [second]
        with pytest.raises(models.NotFoundError):
            load_fix(session, first)
        with pytest.raises(models.NotFoundError):
            delete_fix(session, first)


def test_fix_windows_skip_the_fix_day_and_shrink_while_the_fix_is_recent() -> None:
    before, after = fix_windows(date(2026, 11, 1), TODAY, 10)
    assert (before.first_day, before.last_day, after.first_day, after.last_day) == (
        date(2026, 10, 22), date(2026, 10, 31), date(2026, 11, 2), date(2026, 11, 11))
    before, after = fix_windows(date(2026, 11, 15), TODAY, 10)  # 5 days have passed
    assert (before.first_day, before.days, after.last_day, after.days) == (
        date(2026, 11, 10), 5, TODAY, 5)
    for fixed_on in (TODAY, TODAY + timedelta(days=3)):  # nothing to compare yet
        before, after = fix_windows(fixed_on, TODAY, 10)
        assert (before.days, after.days) == (0, 0)


# Visits (all customers' visits are the denominator), UTC:
#   v1 Oct 21 23:59   v2 Oct 22 00:00   v3 Oct 25   v4 Oct 28   v5 Oct 31 23:59   v6 Nov 1
#   v7 Nov 2 00:00    v8 Nov 5   v9 Nov 6   v10 Nov 8   v11 Nov 11 23:59   v12 Nov 12 00:00
#   v13 Nov 14 12:00  v14 Nov 16   v15 Nov 20 23:00
# Problems: wrong_order Oct 25, Oct 31, Nov 1 (a fix day), Nov 8, Nov 13, Nov 20 22:00;
#           wait_time Nov 5.
#
# With 10-day windows, as of Nov 20:
#   F1 wrong_order, Nov 1 : before Oct 22–31: v2–v5 = 4 visits, Oct 25 + Oct 31 = 2 problems
#                           → 500.0 per 1,000; after Nov 2–11: v7–v11 = 5 visits, Nov 8 = 1
#                           → 200.0; change −300.0. The fix day's visit and problem count nowhere.
#   F2 wrong_order, Nov 20 (today): nothing to compare (0-day windows, no rates).
#   F3 wrong_order, Nov 15 (5 days ago): windows shrink to 5 days. Before Nov 10–14: v11, v12,
#                           v13 = 3 visits, Nov 13 = 1 → 333.33…; after Nov 16–20: v14, v15 = 2,
#                           Nov 20 22:00 = 1 → 500.0.
#   F4 wait_time, Oct 21 (the first day with visits): before Oct 11–20 has no visits → no rate;
#                           after Oct 22–31: 4 visits, no wait_time problem → 0.0.


@pytest.fixture
def fixes(any_sessions: models.SessionFactory) -> tuple[models.SessionFactory, dict[str, int]]:
    with any_sessions.begin() as session:
        shop = Shop(session)
        ana = shop.customer("Ana", at(10, 21, 23, 59), at(10, 22, 0, 0), at(10, 25), at(10, 28),
                            at(10, 31, 23, 59), at(11, 1), at(11, 2, 0, 0), at(11, 5))
        ben = shop.customer("Ben", at(11, 6), at(11, 8), at(11, 11, 23, 59), at(11, 12, 0, 0),
                            at(11, 14, 12), at(11, 16), at(11, 20, 23))
        for when in (at(10, 25), at(10, 31, 12), at(11, 1, 12)):
            shop.problem(ana, when, "wrong_order")
        for when in (at(11, 8, 12), at(11, 13, 12), at(11, 20, 22)):
            shop.problem(ben, when, "wrong_order")
        shop.problem(ana, at(11, 5, 12), "wait_time")
        wrong, wait = shop.keys["wrong_order"], shop.keys["wait_time"]
        ids = {
            "F1": record_fix(session, wrong, "Retrained on milk steaming", date(2026, 11, 1)),
            "F2": record_fix(session, wrong, "New order tickets", TODAY),
            "F3": record_fix(session, wrong, "Read the order back", date(2026, 11, 15)),
            "F4": record_fix(session, wait, "Second till", date(2026, 10, 21)),
        }
    return any_sessions, ids


def test_fix_impact_before_and_after(fixes) -> None:
    sessions, ids = fixes
    with sessions() as session:
        report = fix_impacts(session, TODAY, days=10)
    assert [i.fix.id for i in report.impacts] == [ids["F2"], ids["F3"], ids["F1"], ids["F4"]]
    impact = {i.fix.id: i for i in report.impacts}

    f1 = impact[ids["F1"]]
    assert (f1.days, f1.complete) == (10, True)
    assert (f1.before.problems, f1.before.visits, f1.after.problems, f1.after.visits) == (
        2, 4, 1, 5)
    assert (f1.before.rate, f1.after.rate, f1.change) == (500.0, 200.0, -300.0)

    f2 = impact[ids["F2"]]
    assert (f2.days, f2.complete, f2.before.visits, f2.after.visits) == (0, False, 0, 0)
    assert (f2.before.rate, f2.after.rate, f2.change) == (None, None, None)

    f3 = impact[ids["F3"]]
    assert (f3.days, f3.complete) == (5, False)
    assert (f3.before.problems, f3.before.visits, f3.after.problems, f3.after.visits) == (
        1, 3, 1, 2)
    assert f3.before.rate == pytest.approx(1000 / 3)
    assert f3.after.rate == 500.0

    f4 = impact[ids["F4"]]
    assert (f4.before.visits, f4.before.rate) == (0, None)
    assert (f4.after.problems, f4.after.visits, f4.after.rate, f4.change) == (0, 4, 0.0, None)


def test_fix_impact_for_one_category_and_a_longer_window(fixes) -> None:
    sessions, ids = fixes
    with sessions() as session:
        keys = {c.key: c.id for c in models.list_categories(session)}
        only_wait = fix_impacts(session, TODAY, days=10, category_id=keys["wait_time"])
        month = fix_impacts(session, TODAY, days=30)
    assert [i.fix.id for i in only_wait.impacts] == [ids["F4"]]
    # 30 days asked, 19 passed since Nov 1: both windows are Oct 13–31 and Nov 2–20.
    # Before: v1–v5 = 5 visits, 2 problems; after: v7–v15 = 9 visits, Nov 8, 13, 20 = 3.
    f1 = next(i for i in month.impacts if i.fix.id == ids["F1"])
    assert (f1.days, f1.complete) == (19, False)
    assert (f1.before.problems, f1.before.visits, f1.after.problems, f1.after.visits) == (
        2, 5, 3, 9)


# --- recoveries ----------------------------------------------------------------------------------
#
# October (31 days through Oct 31):
#   Ana: remade on Oct 5 (checked in the same sitting, which does not count), back Oct 20 → yes
#   Ben: a comp (value-add, 300 cents) on Oct 10, next visit Nov 15 (36 days) → no
#   Eve: no problem, first October visit Oct 3, back Oct 10 → yes; Fay: no problem, never back
#   Cy:  a refund (450) on Sep 30: before the window, not counted


@pytest.fixture
def recovered(any_sessions: models.SessionFactory) -> models.SessionFactory:
    with any_sessions.begin() as session:
        shop = Shop(session)
        ana = shop.customer("Ana", at(10, 5, 10, 30), at(10, 20))
        shop.problem(ana, at(10, 5), "wrong_order", ActionEntry("remade"), resolved=True)
        ben = shop.customer("Ben", at(11, 15))
        shop.problem(ben, at(10, 10), "wait_time", ActionEntry("value_add", "cookie", 300))
        cy = shop.customer("Cy")
        shop.problem(cy, at(9, 30), "product_quality", ActionEntry("refund", "", 450))
        shop.customer("Eve", at(10, 3), at(10, 10))
        shop.customer("Fay", at(10, 15))
    return any_sessions


def test_recoveries_wrap_the_problem_reports(recovered) -> None:
    with recovered() as session:
        report = recoveries(session, date(2026, 10, 31), days=31)
        window = (report.window.since, report.window.until)
        assert report.return_rates == tuple(return_rates(session, *window))
        assert report.monthly_costs == tuple(value_add_costs(session, *window))
    rates = {r.kind: (r.customers, r.returned) for r in report.return_rates}
    assert rates["remade"] == (1, 1)
    assert rates["value_add"] == (1, 0)
    assert rates["refund"] == (0, 0)
    assert rates["no_problem"] == (2, 1)
    assert [(m.month, m.value_add_cents, m.refund_cents) for m in report.monthly_costs] == [
        ("2026-10", 300, 0)]
    assert report.value_add_cents == 300
    assert report.within_days == 30


def test_recoveries_with_a_shorter_return_window(recovered) -> None:
    with recovered() as session:
        report = recoveries(session, date(2026, 10, 31), days=31, within_days=10)
    rates = {r.kind: (r.customers, r.returned) for r in report.return_rates}
    assert rates["remade"] == (1, 0)  # Ana came back after 15 days
    assert rates["no_problem"] == (2, 1)  # Eve after 7
