"""The owner's numbers about problems, on histories small enough to work out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

import models
from models import ActionEntry, FollowUpEntry, ProblemReport, TeammateEntry
from models.problem_reports import open_work, problem_counts, return_rates, value_add_costs

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
OCTOBER = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))


def day(month: int, dom: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, dom, hour, minute, tzinfo=UTC)


@pytest.fixture
def report_sessions(any_sessions: models.SessionFactory) -> models.SessionFactory:
    """Every report runs on SQLite and on a real PostgreSQL server: the SQL must agree."""
    return any_sessions


@pytest.fixture
def add_customer_to():  # type: ignore[no-untyped-def]
    def add(sessions: models.SessionFactory, name: str) -> int:
        with sessions.begin() as session:
            return models.create_customer(session, models.CustomerDraft(name=name))

    return add


@pytest.fixture
def shop(report_sessions: models.SessionFactory) -> models.SessionFactory:
    """Four regulars with problems in October, four without; see each test for the sums."""
    sessions = report_sessions
    with sessions.begin() as session:
        keys = {c.key: c.id for c in models.list_categories(session)}

        def customer(name: str, *visits: datetime) -> int:
            customer_id = models.create_customer(session, models.CustomerDraft(name=name))
            for moment in visits:
                models.check_in(session, customer_id, at=moment)
            return customer_id

        def problem(customer_id: int, at: datetime, key: str, *actions: ActionEntry,
                    **fields: object) -> None:
            report = ProblemReport(what_happened="it went wrong", category_id=keys[key],
                                   occurred_at=at, actions=list(actions))
            for name, value in fields.items():
                setattr(report, name, value)
            models.log_problem(session, customer_id, report, now=NOW)

        # A: remade on Oct 5; checked in during the same sitting (does not count), back Oct 20.
        a = customer("Ana", day(10, 5, 10, 30), day(10, 20))
        problem(a, day(10, 5), "wrong_order", ActionEntry("remade"), resolved=True)
        problem(a, day(10, 25), "wrong_order", ActionEntry("remade"))  # A counted once
        # B: remade and a comp on Oct 10; next visit 36 days later: not within 30.
        b = customer("Ben", day(11, 15))
        problem(b, day(10, 10), "wait_time", ActionEntry("remade"),
                ActionEntry("value_add", "free cookie", 300), severity="major")
        # C: apology on Oct 12, never back; a refund in November.
        c = customer("Cy")
        problem(c, day(10, 12), "staff_attitude", ActionEntry("apology"))
        problem(c, day(11, 2), "product_quality", ActionEntry("refund", "", 450))
        # D: a comp on Oct 30 (allergen scare), back exactly 30 days later: within.
        d = customer("Dee", day(11, 29))
        problem(d, day(10, 30), "product_quality", ActionEntry("value_add", "cake", 500),
                allergen_or_illness=True)
        # No problems: E back within 30 days, F never back, G's first October visit (Oct 2)
        # is followed 34 days later, H did not visit in October.
        customer("Eve", day(10, 3), day(10, 10))
        customer("Fay", day(10, 15))
        customer("Gus", day(9, 20), day(10, 2), day(11, 5))
        customer("Hal", day(9, 1), day(11, 3))
    return sessions


def test_return_rates_by_recovery_kind_beside_customers_without_problems(shop) -> None:
    with shop() as session:
        rates = {r.kind: r for r in return_rates(session, *OCTOBER)}
    assert (rates["remade"].customers, rates["remade"].returned) == (2, 1)  # A yes, B no
    assert (rates["value_add"].customers, rates["value_add"].returned) == (2, 1)  # D yes, B no
    assert (rates["apology"].customers, rates["apology"].returned) == (1, 0)  # C never back
    assert (rates["refund"].customers, rates["refund"].share) == (0, None)  # C's is November
    assert (rates["no_problem"].customers, rates["no_problem"].returned) == (3, 1)  # E; F, G no
    assert rates["remade"].share == 0.5


def test_a_shorter_return_window_changes_the_answer(shop) -> None:
    with shop() as session:
        rates = {r.kind: r for r in return_rates(session, *OCTOBER, within_days=10)}
    assert rates["remade"].returned == 0  # A came back after 15 days
    assert rates["no_problem"].returned == 1  # E after 7 days


def test_value_add_and_refund_cost_per_month(shop) -> None:
    with shop() as session:
        costs = value_add_costs(session, day(9, 1), day(12, 1))
    assert [(c.month, c.value_add_cents, c.refund_cents) for c in costs] == [
        ("2026-10", 800, 0), ("2026-11", 0, 450)]


def test_problem_counts_by_category_and_severity(shop) -> None:
    with shop() as session:
        counts = problem_counts(session, *OCTOBER)
    table = {(c.category_key, c.severity): (c.problems, c.customers) for c in counts}
    assert table == {
        ("wrong_order", "minor"): (2, 1),
        ("wait_time", "major"): (1, 1),
        ("staff_attitude", "minor"): (1, 1),
        ("product_quality", "safety"): (1, 1),
    }
    assert counts[0].category == "Wrong or remade order"  # most frequent first


def test_open_work_counts(report_sessions, add_customer_to) -> None:
    sessions = report_sessions
    customer = add_customer_to(sessions, "Ana")
    today = date(2026, 11, 20)
    with sessions.begin() as session:
        wrong = next(c.id for c in models.list_categories(session) if c.key == "wrong_order")
        for due in (today - timedelta(days=1), today, today + timedelta(days=5)):
            models.add_follow_up(session, customer, "call", due)
        done = models.add_follow_up(session, customer, "done one", today - timedelta(days=9))
        models.complete_follow_up(session, done, "fine", by="Sam")
        models.log_problem(session, customer, ProblemReport(
            what_happened="x", category_id=wrong, teammate=TeammateEntry("Jo"),
            follow_up=FollowUpEntry("later", today + timedelta(days=9))), now=NOW)
        models.log_problem(session, customer, ProblemReport(
            what_happened="y", category_id=wrong, resolved=True), now=NOW)
    with sessions() as session:
        work = open_work(session, today)
    assert work == models.problem_reports.OpenWork(
        problems_open=1, follow_ups_open=4, follow_ups_due=2, follow_ups_overdue=1,
        teammate_check_ins_open=1)
