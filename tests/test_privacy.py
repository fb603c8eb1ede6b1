"""Consent, "do not remember", forgetting a customer, and merging two profiles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

import models
from models.audit import recent_events
from models.entities import AuditEvent, Customer, Note, Visit
from models.merging import merge_customers
from models.privacy import checkpoint, forget_customer, set_consent
from models.problem_report import ActionEntry, FollowUpEntry, ProblemReport, TeammateEntry
from models.problem_reports import problem_counts

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SECRETS = ("Quillfeather", "quillfeather", "Umbridgeworth", "umbridgeworth", "555-0177",
           "2135550177", "quill@example.com", "Zanzibar", "zanzibar", "kitesurf",
           "matcha on the laptop", "Quilly", "pistachio-oat")


def category(session, key: str = "wrong_order") -> int:
    return next(c.id for c in models.list_categories(session) if c.key == key)


def the_quill(sessions: models.SessionFactory, add_customer) -> int:
    customer = add_customer(
        name="Quillfeather Umbridgeworth", goes_by="Quilly", phone="(213) 555-0177",
        email="quill@example.com", usuals=["pistachio-oat latte"],
        talking_points=["the Zanzibar kitesurfing trip"], tags=["kitesurfer"],
        birthday_month=3, birthday_day=9, consent_given=True, visits=3,
        notes=("Back from Zanzibar, loves kitesurfing stories",),
    )
    with sessions.begin() as session:
        models.log_problem(session, customer, ProblemReport(
            what_happened="Spilled matcha on the laptop of Quillfeather",
            subject="pistachio-oat latte", customer_words="Quillfeather said: my laptop!",
            fair_fix="pay Quillfeather's cleaning", category_id=category(session),
            handled_by="Jo", actions=[ActionEntry("value_add", "Quilly got a free pistachio-oat",
                                                  450)],
            follow_up=FollowUpEntry("Call Quillfeather on 555-0177", date(2026, 11, 30)),
            teammate=TeammateEntry("Jo", "Quillfeather shouted at Jo"),
        ), now=NOW)
        models.save_problem_draft(session, customer, ProblemReport(
            what_happened="Quillfeather again"))
    return customer


def test_forgetting_leaves_no_trace_in_the_database_file(
    sessions, add_customer, database_url: str
) -> None:
    for n in range(200):  # neighbours on the same pages
        add_customer(name=f"Neighbour {n}", phone=f"555-01{n:03d}", notes=(f"note {n}",))
    quill = the_quill(sessions, add_customer)
    with sessions() as session:
        counts_before = problem_counts(session, NOW - timedelta(days=1),
                                              NOW + timedelta(days=1))
        assert models.find_customers(session, "quillfeather")
    with sessions.begin() as session:
        summary = forget_customer(session, quill, actor="Owner Olga")
    with sessions.begin() as session:
        checkpoint(session)
    assert (summary.visits_kept, summary.problems_kept, summary.notes_removed) == (3, 1, 1)

    path = Path(database_url.removeprefix("sqlite:///"))
    raw = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    raw += wal.read_bytes() if wal.exists() else b""
    for secret in SECRETS:
        assert secret.encode() not in raw, secret
        assert secret.encode("utf-16-le") not in raw, secret

    with sessions() as session:
        # Reports still count the problem and the visits, anonymously.
        assert problem_counts(session, NOW - timedelta(days=1),
                                     NOW + timedelta(days=1)) == counts_before
        assert session.scalar(select(func.count(Visit.id))
                              .where(Visit.customer_id == quill)) == 3
        assert models.find_customers(session, "quill") == []
        assert models.find_customers(session, "zanzibar") == []
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "forget")).one()
        assert (event.actor, event.record_id) == ("Owner Olga", quill)
        assert "Quill" not in event.summary
        assert models.open_follow_ups(session) == []


def test_forget_works_on_postgresql_too(pg_sessions) -> None:
    with pg_sessions.begin() as session:
        customer = models.create_customer(session, models.CustomerDraft(
            name="Quillfeather", phone="213 555 0177"))
        models.add_note(session, customer, "Zanzibar")
    with pg_sessions.begin() as session:
        forget_customer(session, customer)
    with pg_sessions() as session:
        row = session.get(Customer, customer)
        assert row is not None and (row.name, row.phone, row.forgotten_at is not None) == (
            "", "", True)
        assert session.scalar(select(func.count(Note.id))) == 0
        assert models.find_customers(session, "quill") == []


def test_do_not_remember_keeps_the_name_and_bare_visits_only(sessions, add_customer) -> None:
    quill = the_quill(sessions, add_customer)
    with sessions.begin() as session:
        set_consent(session, quill, "do_not_remember", recorded_by="Aisha", now=NOW)
    with sessions() as session:
        card = models.load_card(session, quill)
        customer = session.get(Customer, quill)
        assert customer is not None
        assert (customer.name, customer.phone, customer.usuals, customer.do_not_remember) == (
            "Quillfeather Umbridgeworth", "", [], True)
        assert card.visits == 3 and card.tags == () and card.pinned_notes == card.recent_notes == ()
        assert card.do_not_remember_at == NOW
        assert {v.items for v in session.scalars(select(Visit))} == {""}
        assert models.find_customers(session, "zanzibar") == []
    with sessions.begin() as session, pytest.raises(
        models.ValidationError, match="asked not to be remembered"
    ):
        models.add_note(session, quill, "likes cats")
    with sessions.begin() as session, pytest.raises(
        models.ValidationError, match="asked not to be remembered"
    ):
        models.log_problem(session, quill, ProblemReport(
            what_happened="x", category_id=category(session)))
    with sessions.begin() as session:
        models.check_in(session, quill, items="flat white")
        with pytest.raises(models.ValidationError, match="only the name"):
            models.update_customer(session, quill, models.CustomerDraft(
                name="Quillfeather Umbridgeworth", phone="555 123 4567"))
    with sessions() as session:
        items = session.scalars(select(Visit.items).where(Visit.customer_id == quill)).all()
        assert len(items) == 4 and set(items) == {""}
        consent_events = [e for e in recent_events(session) if e.action == "consent"]
        assert consent_events[0].summary.startswith("Asked not to be remembered; erased")


def test_consent_records_who_and_when(sessions, add_customer) -> None:
    customer = add_customer(name="Kate")
    with sessions.begin() as session:
        set_consent(session, customer, "agreed", recorded_by="Aisha", now=NOW)
    with sessions() as session:
        row = session.get(Customer, customer)
        assert row is not None
        assert (row.consent_given, row.consent_at, row.consent_by) == (True, NOW, "Aisha")


def test_merging_moves_history_and_keeps_the_chosen_fields(sessions, add_customer) -> None:
    keep = add_customer(name="Margaret Chen", phone="415 555 0100", usuals=["chai"], visits=2,
                        tags=["regular"], notes=("likes the window seat",))
    other = add_customer(name="Maggie", goes_by="Mags", email="mags@example.com",
                         usuals=["pup cup"], visits=3, tags=["dog"], notes=("corgi Biscuit",))
    with sessions.begin() as session:
        models.log_problem(session, other, ProblemReport(
            what_happened="pup cup forgotten", category_id=category(session)), now=NOW)
    with sessions.begin() as session:
        merge_customers(session, keep, other, {"name": "other"}, actor="Olga")
    with sessions() as session:
        assert session.get(Customer, other) is None
        card = models.load_card(session, keep)
        assert (card.name, card.goes_by, card.phone, card.email) == (
            "Maggie", "Mags", "415 555 0100", "mags@example.com")
        assert card.usuals == ("chai", "pup cup") and card.visits == 5
        assert card.tags == ("dog", "regular")
        notes = {n.text for n in card.pinned_notes + card.recent_notes}
        assert notes == {"likes the window seat", "corgi Biscuit"}
        assert [m.id for m in models.find_customers(session, "biscuit")] == [keep]
        assert models.find_customers(session, "mags")[0].id == keep
        kinds = [e.kind for e in models.load_timeline(session, keep)]
        assert kinds.count("problem") == 1
        summary = recent_events(session)[0].summary
        assert summary == f"Merged regular #{other} into #{keep}."


def test_merging_a_profile_with_itself_is_refused(sessions, add_customer) -> None:
    customer = add_customer(name="Kate")
    with sessions.begin() as session, pytest.raises(models.ValidationError, match="two different"):
        merge_customers(session, customer, customer)
