"""Problems, how they were made right, follow-ups, teammate check-ins and the "last time" line."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

import models
from models import ActionEntry, FollowUpEntry, ProblemReport, TeammateEntry

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True, params=["sqlite", pytest.param("postgresql",
                                                             marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> str:
    """Every test here runs on SQLite and on a real PostgreSQL server."""
    return str(request.param)


def category_id(sessions: models.SessionFactory, key: str) -> int:
    with sessions() as session:
        return next(c.id for c in models.list_categories(session, include_retired=True)
                    if c.key == key)


def log(sessions: models.SessionFactory, customer_id: int, *, key: str = "wrong_order",
        at: datetime = NOW, **fields: object) -> int:
    report = ProblemReport(what_happened=str(fields.pop("what_happened", "Order was wrong")),
                           category_id=category_id(sessions, key), occurred_at=at)
    for name, value in fields.items():
        setattr(report, name, value)
    with sessions.begin() as session:
        return models.log_problem(session, customer_id, report, now=NOW)


def visit(sessions: models.SessionFactory, customer_id: int, at: datetime) -> None:
    with sessions.begin() as session:
        models.check_in(session, customer_id, at=at)


def test_the_starting_categories_are_the_usual_root_causes(sessions) -> None:
    with sessions() as session:
        names = [c.name for c in models.list_categories(session)]
    assert names[:4] == ["Process breakdown", "Poor communication", "Value for the price",
                         "Training gap"]
    assert {"Wrong or remade order", "Product quality", "Wait time", "Staff attitude",
            "Other"} <= set(names)


@pytest.mark.parametrize("kind", list(models.ACTION_LABELS))
def test_every_recovery_action_kind_is_stored_with_its_text_and_cost(
    sessions, add_customer, kind: str
) -> None:
    customer = add_customer(name="Ana Lima")
    action = ActionEntry(kind, details="a free almond croissant", cost_cents=375)
    problem = log(sessions, customer, actions=[action])
    with sessions() as session:
        [summary] = models.list_problems(session)
    assert summary.id == problem
    assert [(a.kind, a.details, a.cost_cents) for a in summary.actions] == [
        (kind, "a free almond croissant", 375)]
    assert summary.to_json()["actions"][0]["cost"] == "3.75"


def test_every_category_can_be_used(sessions, add_customer) -> None:
    customer = add_customer(name="Ana Lima")
    with sessions() as session:
        categories = models.list_categories(session)
    for category in categories:
        with sessions.begin() as session:
            models.log_problem(session, customer, ProblemReport(
                what_happened=f"about {category.name}", category_id=category.id), now=NOW)
    with sessions() as session:
        logged = {p.category for p in models.list_problems(session)}
    assert logged == {c.name for c in categories}


def test_an_allergen_case_is_always_a_safety_problem(sessions, add_customer) -> None:
    customer = add_customer(name="Shiv")
    log(sessions, customer, severity="minor", allergen_or_illness=True)
    with sessions() as session:
        [summary] = models.list_problems(session)
    assert summary.severity == "safety"


def test_missing_story_and_category_are_reported_per_field_and_nothing_is_saved(
    sessions, add_customer
) -> None:
    customer = add_customer(name="Ana Lima")
    bad = ProblemReport(what_happened="   ", follow_up=FollowUpEntry("", date(2026, 11, 25)),
                        actions=[ActionEntry("value_add", "")])
    with pytest.raises(models.ValidationError) as caught, sessions.begin() as session:
        models.log_problem(session, customer, bad, now=NOW)
    assert set(caught.value.errors) == {"what_happened", "category", "follow_up", "actions"}
    assert "what was given" in caught.value.errors["actions"]
    with sessions() as session:
        assert models.list_problems(session) == []
        assert models.open_follow_ups(session) == []


def test_a_time_in_the_future_is_refused(sessions, add_customer) -> None:
    customer = add_customer(name="Ana Lima")
    with pytest.raises(models.ValidationError) as caught:
        log(sessions, customer, at=NOW + timedelta(days=1))
    assert "future" in caught.value.errors["occurred_at"]


def test_text_of_any_script_and_length_is_kept_intact(sessions, add_customer) -> None:
    customer = add_customer(name="王芳")
    story = "燕麦拿铁做错了 — ¡otra vez! 😞 " + "x" * 9000 + "\nsecond line"
    log(sessions, customer, what_happened=story, customer_words="Ça ne va pas")
    with sessions() as session:
        [summary] = models.list_problems(session)
        report = models.load_report(session, summary.id)
    assert summary.what_happened == story.strip()
    assert report.customer_words == "Ça ne va pas"


def test_resolving_records_who_and_when_and_reopening_clears_it(sessions, add_customer) -> None:
    customer = add_customer(name="Ana Lima")
    problem = log(sessions, customer, handled_by="Sam")
    later = NOW + timedelta(hours=3)
    with sessions.begin() as session:
        models.resolve_problem(session, problem, by="Priya", outcome="happy", now=later)
    with sessions() as session:
        [summary] = models.list_problems(session)
        assert (summary.status, summary.resolved_by, summary.resolved_at, summary.outcome) == (
            "resolved", "Priya", later, "happy")
        report = models.load_report(session, problem)
    report.resolved = False
    with sessions.begin() as session:
        models.update_problem(session, problem, report, now=later)
    with sessions() as session:
        [summary] = models.list_problems(session, open_only=True)
    assert (summary.status, summary.resolved_by, summary.resolved_at) == ("open", "", None)


def test_editing_keeps_existing_actions_and_adds_new_ones(sessions, add_customer) -> None:
    customer = add_customer(name="Ana Lima")
    problem = log(sessions, customer, actions=[ActionEntry("remade")])
    with sessions() as session:
        report = models.load_report(session, problem)
    first_id = report.actions[0].id
    report.actions.append(ActionEntry("follow_up_contact", "called, grinder fine"))
    with sessions.begin() as session:
        models.update_problem(session, problem, report, now=NOW + timedelta(days=2))
    with sessions() as session:
        report = models.load_report(session, problem)
        [summary] = models.list_problems(session)
    assert report.actions[0].id == first_id
    assert [a.kind for a in summary.actions] == ["remade", "follow_up_contact"]
    assert summary.actions[1].taken_at == NOW + timedelta(days=2)


def test_retired_categories_are_not_offered_but_old_problems_keep_them(
    sessions, add_customer
) -> None:
    customer = add_customer(name="Ana Lima")
    wait = category_id(sessions, "wait_time")
    problem = log(sessions, customer, key="wait_time")
    with sessions.begin() as session:
        models.rename_category(session, wait, "Slow service")
        models.set_category_retired(session, wait, True)
    with sessions() as session:
        assert "Slow service" not in [c.name for c in models.list_categories(session)]
        [summary] = models.list_problems(session)
        assert summary.category == "Slow service"
        report = models.load_report(session, problem)
    with sessions.begin() as session:  # editing an old problem keeps its retired category
        models.update_problem(session, problem, report, now=NOW)
    with pytest.raises(models.ValidationError, match="retired"):
        log(sessions, customer, key="wait_time")


def test_category_names_must_be_unique_and_other_cannot_be_retired(sessions) -> None:
    with sessions.begin() as session:
        new_id = models.add_category(session, "Equipment failure")
    with sessions() as session:
        assert models.list_categories(session)[-1].name == "Equipment failure"
    with pytest.raises(models.ValidationError, match="already"), sessions.begin() as session:
        models.rename_category(session, new_id, "wait TIME")
    with pytest.raises(models.ValidationError), sessions.begin() as session:
        models.set_category_retired(session, category_id(sessions, "other"), True)


# ----- the card's "last time" --------------------------------------------------------------


def card(sessions: models.SessionFactory, customer_id: int, **kw: object) -> models.GreetingCard:
    with sessions() as session:
        return models.load_card(session, customer_id, now=NOW, **kw)  # type: ignore[arg-type]


def test_last_time_shows_the_latest_problem_with_a_greeting_line(sessions, add_customer) -> None:
    customer = add_customer(name="Zoë Park")
    log(sessions, customer, at=NOW - timedelta(days=4), subject="oat latte",
        actions=[ActionEntry("apology"), ActionEntry("remade")], outcome="happy",
        resolved=True)
    [entry] = card(sessions, customer).last_time
    assert entry.subject == "oat latte"
    assert models.suggested_greeting(entry, NOW) == (
        "Last visit the oat latte was wrong and we remade it — ask how today's is.")
    assert models.came_back_line(entry).startswith("Not back since")


def test_the_90_day_window_edge(sessions, add_customer) -> None:
    inside, outside = add_customer(name="Inside"), add_customer(name="Outside")
    log(sessions, inside, at=NOW - timedelta(days=90))
    log(sessions, outside, at=NOW - timedelta(days=90, seconds=1))
    assert len(card(sessions, inside).last_time) == 1
    assert card(sessions, outside).last_time == ()
    with sessions.begin() as session:  # the window is a shop setting
        models.set_setting(session, models.LAST_TIME_DAYS, 120)
    assert len(card(sessions, outside).last_time) == 1


def test_a_safety_problem_is_always_shown_beside_a_newer_one(sessions, add_customer) -> None:
    customer = add_customer(name="Shiv")
    log(sessions, customer, key="product_quality", at=NOW - timedelta(days=400),
        allergen_or_illness=True, subject="gluten-free muffin")
    log(sessions, customer, key="wait_time", at=NOW - timedelta(days=10))
    entries = card(sessions, customer).last_time
    assert [e.category_key for e in entries] == ["wait_time", "product_quality"]
    assert entries[1].is_safety
    line = models.suggested_greeting(entries[1], NOW)
    assert "gluten-free muffin caused an allergy or illness scare" in line
    assert "allergies" in line


def test_came_back_since_counts_later_visits_but_not_the_same_sitting(
    sessions, add_customer
) -> None:
    customer = add_customer(name="Ana Lima")
    problem_at = NOW - timedelta(days=20)
    visit(sessions, customer, problem_at - timedelta(minutes=5))
    visit(sessions, customer, problem_at + timedelta(minutes=30))  # checked in after logging it
    visit(sessions, customer, problem_at + timedelta(days=3))
    visit(sessions, customer, problem_at + timedelta(days=9))
    log(sessions, customer, at=problem_at, outcome="unhappy")
    [entry] = card(sessions, customer).last_time
    assert entry.visits_since == 2
    assert models.came_back_line(entry) == "Came back 2 times since."
    line = models.suggested_greeting(entry, NOW)
    assert line.startswith("2 weeks ago their order was wrong")
    assert "left unhappy" in line


def test_greeting_line_follows_a_renamed_category_and_names_the_value_add(
    sessions, add_customer
) -> None:
    customer = add_customer(name="Ana Lima")
    with sessions.begin() as session:
        models.rename_category(session, category_id(sessions, "wait_time"), "Slow bar")
    log(sessions, customer, key="wait_time", subject="cortado", at=NOW - timedelta(hours=3),
        actions=[ActionEntry("value_add", "a free cookie", 250)])
    [entry] = card(sessions, customer).last_time
    assert entry.category == "Slow bar"
    assert models.suggested_greeting(entry, NOW) == (
        "Last visit they waited too long for the cortado and we gave them a free cookie"
        " — it is still open, so ask if it was sorted.")


# ----- follow-ups and teammate check-ins ---------------------------------------------------


def test_follow_ups_are_listed_by_due_date_and_counted_when_due(sessions, add_customer) -> None:
    ana, ben = add_customer(name="Ana Lima"), add_customer(name="Ben Ode", goes_by="Benny")
    today = date(2026, 11, 20)
    with sessions.begin() as session:
        models.add_follow_up(session, ana, "call about beans", today + timedelta(days=3))
        models.add_follow_up(session, ben, "check grinder", today - timedelta(days=2))
        models.add_follow_up(session, ana, "send voucher", today)
    log(sessions, ben, follow_up=FollowUpEntry("call Thursday", today + timedelta(days=1)))
    with sessions() as session:
        listed = models.open_follow_ups(session)
        due = models.count_follow_ups_due(session, today)
    assert [(f.customer, f.task) for f in listed] == [
        ("Benny", "check grinder"), ("Ana", "send voucher"), ("Benny", "call Thursday"),
        ("Ana", "call about beans")]
    assert due == 2
    assert listed[0].days_overdue(today) == 2


def test_completing_a_follow_up_needs_a_result_and_takes_it_off_the_list(
    sessions, add_customer
) -> None:
    customer = add_customer(name="Ana Lima")
    with sessions.begin() as session:
        follow_up = models.add_follow_up(session, customer, "call", date(2026, 11, 19),
                                             now=NOW - timedelta(days=2))
    with pytest.raises(models.ValidationError), sessions.begin() as session:
        models.complete_follow_up(session, follow_up, "  ", by="Sam")
    with sessions.begin() as session:
        models.complete_follow_up(session, follow_up, "All good now", by="Sam", now=NOW)
    with sessions() as session:
        assert models.open_follow_ups(session) == []
        entries = models.load_timeline(session, customer, kinds={"follow_up"})
    assert entries[0].title == "Follow-up done by Sam"
    assert entries[0].detail.endswith("All good now")


def test_teammate_check_ins_are_flagged_from_a_problem_and_closed_by_name(
    sessions, add_customer
) -> None:
    customer = add_customer(name="Ana Lima")
    log(sessions, customer, handled_by="Sam",
        teammate=TeammateEntry("Jo", "customer shouted at her"))
    with sessions() as session:
        [open_one] = models.open_teammate_check_ins(session)
    assert (open_one.teammate, open_one.flagged_by, open_one.customer) == ("Jo", "Sam", "Ana")
    with pytest.raises(models.ValidationError), sessions.begin() as session:
        models.complete_teammate_check_in(session, open_one.id, by="")
    with sessions.begin() as session:
        models.complete_teammate_check_in(session, open_one.id, by="Priya", now=NOW)
    with sessions() as session:
        assert models.open_teammate_check_ins(session) == []
        assert models.count_open_teammate_check_ins(session) == 0


# ----- drafts and the timeline -------------------------------------------------------------


def test_an_unsent_report_is_kept_as_a_draft_until_it_is_logged(sessions, add_customer) -> None:
    customer = add_customer(name="Ana Lima")
    draft = ProblemReport(what_happened="milk was off", subject="flat white",
                          actions=[ActionEntry("refund", "", 450)],
                          follow_up=FollowUpEntry("call", date(2026, 11, 22)))
    with sessions.begin() as session:
        models.save_problem_draft(session, customer, draft, now=NOW)
    with sessions() as session:
        restored, saved_at = models.load_problem_draft(session, customer) or (None, None)
    assert restored == draft
    assert saved_at == NOW
    restored.category_id = category_id(sessions, "product_quality")
    with sessions.begin() as session:
        models.log_problem(session, customer, restored, now=NOW)
    with sessions() as session:
        assert models.load_problem_draft(session, customer) is None


def test_an_empty_form_leaves_no_draft(sessions, add_customer) -> None:
    customer = add_customer(name="Ana Lima")
    with sessions.begin() as session:
        models.save_problem_draft(session, customer, ProblemReport(what_happened="x"))
        models.save_problem_draft(session, customer, ProblemReport())
    with sessions() as session:
        assert models.load_problem_draft(session, customer) is None


def test_the_timeline_merges_everything_newest_first_and_filters_by_kind(
    sessions, add_customer
) -> None:
    customer = add_customer(name="Ana Lima")
    visit(sessions, customer, NOW - timedelta(days=5))
    with sessions.begin() as session:
        models.add_note(session, customer, "likes jazz", now=NOW - timedelta(days=4))
    log(sessions, customer, at=NOW - timedelta(days=3), subject="scone",
        actions=[ActionEntry("remade")],
        follow_up=FollowUpEntry("ask about scones", date(2026, 11, 24)))
    with sessions() as session:
        everything = models.load_timeline(session, customer)
        only_problems = models.load_timeline(session, customer, kinds={"problem"})
    assert [e.kind for e in everything] == ["follow_up", "recovery", "problem", "note", "visit"]
    assert everything[2].title.startswith("Problem: Wrong or remade order — scone")
    assert [e.kind for e in only_problems] == ["problem"]


def test_deleting_a_regular_removes_their_problems_and_everything_hanging_off_them(
    sessions, add_customer
) -> None:
    from sqlalchemy import text

    customer = add_customer(name="Gone Soon")
    log(sessions, customer, actions=[ActionEntry("remade")],
        follow_up=FollowUpEntry("call", date(2026, 11, 24)), teammate=TeammateEntry("Jo"))
    with sessions.begin() as session:
        models.save_problem_draft(session, add_customer(name="Other"),
                                  ProblemReport(what_happened="x"))
        session.execute(text("DELETE FROM customer WHERE id = :id"), {"id": customer})
    with sessions() as session:
        for table in ("problem", "recovery_action", "follow_up", "teammate_check_in"):
            assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table


def test_cost_parsing_accepts_what_people_type() -> None:
    assert models.parse_cost("4.50") == 450
    assert models.parse_cost("$4.5") == 450
    assert models.parse_cost("4,50 €") == 450
    assert models.parse_cost("1,250.00") == 125000
    assert models.parse_cost("12") == 1200
    assert models.parse_cost("") is None
    for bad in ("abc", "-3"):
        with pytest.raises(ValueError):
            models.parse_cost(bad)
