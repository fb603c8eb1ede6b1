"""`vre-desktop problems`, and problems in seeded and demo data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

import models
from models.problem_entities import FollowUp, Problem, RecoveryAction, TeammateCheckIn
from models.seeding import create_demo_data, seed_customers, seed_problems
from vre_desktop.cli import main


def log(sessions, customer: int, key: str, days_ago: int, **fields) -> int:
    with sessions.begin() as session:
        category = next(c.id for c in models.list_categories(session) if c.key == key)
        report = models.ProblemReport(
            what_happened="went wrong", category_id=category,
            occurred_at=datetime.now(UTC) - timedelta(days=days_ago), **fields)
        return models.log_problem(session, customer, report)


def test_problems_json_lists_what_happened_and_how_it_was_made_right(
    database_url, sessions, add_customer, capsys
) -> None:
    ana = add_customer(name="Ana Lima")
    log(sessions, ana, "wrong_order", 40, resolved=True, outcome="happy",
        actions=[models.ActionEntry("remade"), models.ActionEntry("value_add", "cookie", 250)])
    log(sessions, ana, "wait_time", 2, severity="major", outcome="unhappy")
    assert main(["--database-url", database_url, "problems", "--json"]) == 0
    problems = json.loads(capsys.readouterr().out)
    assert [p["category"] for p in problems] == ["Wait time", "Wrong or remade order"]
    latest, older = problems
    assert {"customer_id", "category", "severity", "status", "actions", "outcome"} <= set(latest)
    assert (latest["customer_id"], latest["severity"], latest["status"], latest["outcome"]) == (
        ana, "major", "open", "unhappy")
    assert [(a["kind"], a["cost"]) for a in older["actions"]] == [
        ("remade", None), ("value_add", "2.50")]


def test_problems_open_and_since_filters(database_url, sessions, add_customer, capsys) -> None:
    ana = add_customer(name="Ana Lima")
    log(sessions, ana, "wrong_order", 40, resolved=True)
    log(sessions, ana, "wait_time", 2)
    assert main(["--database-url", database_url, "problems", "--open", "--json"]) == 0
    assert [p["category"] for p in json.loads(capsys.readouterr().out)] == ["Wait time"]
    since = (datetime.now() - timedelta(days=10)).date().isoformat()
    assert main(["--database-url", database_url, "problems", "--since", since]) == 0
    table = capsys.readouterr().out
    assert "Wait time" in table and "Wrong or remade order" not in table


def test_a_bad_date_is_one_plain_line(database_url, capsys) -> None:
    try:
        main(["--database-url", database_url, "problems", "--since", "last tuesday"])
    except SystemExit as exit_:
        assert exit_.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a date" in err


def counts(sessions) -> dict[str, int]:
    with sessions() as session:
        return {table.__tablename__: session.scalar(select(func.count()).select_from(table)) or 0
                for table in (Problem, RecoveryAction, FollowUp, TeammateCheckIn)}


def test_seeded_regulars_get_problems_with_recoveries(sessions) -> None:
    seed_customers(sessions, 2000, visits_per_customer=6, seed=3)
    added = seed_problems(sessions, seed=3)
    found = counts(sessions)
    assert found["problem"] == added
    assert 30 <= added <= 130  # about 4% of those with two or more visits
    assert found["recovery_action"] >= added // 2
    with sessions.begin() as session:  # the ids continue: a problem logged by hand still fits
        customer = models.create_customer(session, models.CustomerDraft(name="New"))
        wrong = next(c.id for c in models.list_categories(session) if c.key == "wrong_order")
        models.log_problem(session, customer, models.ProblemReport(
            what_happened="x", category_id=wrong))


def test_the_demo_has_stories_on_the_memorable_regulars_cards(sessions) -> None:
    create_demo_data(sessions)
    with sessions() as session:
        zoe = models.find_customers(session, "zoe park")[0]
        card = models.load_card(session, zoe.id)
        shiv = models.load_card(session, models.find_customers(session, "shiv")[0].id)
        follow_ups = models.open_follow_ups(session)
        check_ins = models.open_teammate_check_ins(session)
    assert "oat flat white was wrong and we remade it" in models.suggested_greeting(
        card.last_time[0], datetime.now(UTC))
    assert any(entry.is_safety for entry in shiv.last_time)
    assert any(f.customer == "Pepe" for f in follow_ups)
    assert any(c.teammate == "Jo" for c in check_ins)
    found = counts(sessions)
    assert found["problem"] >= 20 and found["follow_up"] >= 2
