"""Synthetic regulars: the bulk seeder for benchmarks and the demo shop."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

import models
from models import seeding
from models.entities import Customer, CustomerTag, Note, SearchDocument, Visit
from models.search.documents import refresh_document
from models.search.folding import digits, words
from models.search.ranking import rank_key
from models.seeding import bulk, rows

NOW = datetime(2026, 3, 14, 15, 30, tzinfo=UTC)
TABLES = ("customer", "customer_tag", "visit", "note", "search_document")


def open_db(tmp_path: Path, name: str = "db.sqlite3") -> models.SessionFactory:
    return models.open_database(f"sqlite:///{tmp_path / name}")


def dump(sessions: models.SessionFactory) -> dict[str, list[Any]]:
    """Every row of the seeded tables, in a stable order."""
    with sessions() as session:
        return {
            table: session.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")).all()
            for table in TABLES
        }


def check_consistent(sessions: models.SessionFactory) -> None:
    """Denormalised columns, search documents and full-text indexes agree with the rows."""
    with sessions() as session:
        mismatched = session.execute(
            select(func.count()).select_from(Customer).where(
                (Customer.visit_count != select(func.count(Visit.id))
                 .where(Visit.customer_id == Customer.id).scalar_subquery())
                | (func.coalesce(Customer.last_visit_at, "")
                   != func.coalesce(select(func.max(Visit.visited_at))
                                    .where(Visit.customer_id == Customer.id)
                                    .scalar_subquery(), ""))
            )
        ).scalar()
        assert mismatched == 0
        customers = session.scalar(select(func.count(Customer.id)))
        assert session.scalar(select(func.count()).select_from(SearchDocument)) == customers
        for row in session.execute(select(Customer.id, Customer.last_visit_at,
                                          Customer.created_at, Customer.visit_count)):
            key = rank_key(row.id, row.last_visit_at or row.created_at, row.visit_count)
            assert session.scalar(select(SearchDocument.rank_key)
                                  .where(SearchDocument.customer_id == row.id)) == key
        # FTS5 compares its index with the content table, row by row.
        from models.migrations.fts import SEARCH_INDEXES

        for index in SEARCH_INDEXES:
            session.execute(text(f"INSERT INTO {index}({index}, rank) "
                                 "VALUES ('integrity-check', 1)"))


def test_seed_counts_and_denormalised_columns(tmp_path: Path) -> None:
    sessions = open_db(tmp_path)
    summary = seeding.seed_customers(sessions, 400, visits_per_customer=6, now=NOW)

    assert (summary.customers, summary.seconds > 0) == (400, True)
    assert 400 * 6 * 0.97 < summary.visits < 400 * 6 * 1.03
    with sessions() as session:
        assert models.count_customers(session) == 400
        assert session.scalar(select(func.count(Visit.id))) == summary.visits
        assert session.scalar(select(func.count(Note.id))) == summary.notes
        assert 0.3 * 400 < summary.notes < 0.7 * 400
        assert session.scalar(select(func.max(Visit.visited_at))) <= NOW
        assert session.scalar(select(func.count()).select_from(CustomerTag)) > 0
        assert session.scalar(select(func.count(Note.id)).where(Note.pinned)) > 0
        nameless = session.scalars(select(Customer.description).where(Customer.name == "")).all()
        assert nameless and all(nameless)
        phones = session.scalars(select(Customer.phone).where(Customer.phone != "")).all()
        assert 0.55 * 400 < len(phones) < 0.85 * 400
        assert len({re.sub(r"\d", "9", p) for p in phones}) >= 4  # mixed formats
        assert session.scalar(select(func.count(Customer.id))
                              .where(Customer.allergies != "[]")) > 0
    check_consistent(sessions)


def test_seeded_documents_are_what_the_services_would_write(tmp_path: Path) -> None:
    sessions = open_db(tmp_path)
    seeding.seed_customers(sessions, 300, visits_per_customer=3, now=NOW)
    before = dump(sessions)["search_document"]
    with sessions.begin() as session:
        for customer in session.scalars(select(Customer)):
            refresh_document(session, customer)
    assert dump(sessions)["search_document"] == before


def test_find_seeded_customers(tmp_path: Path) -> None:
    sessions = open_db(tmp_path)
    seeding.seed_customers(sessions, 500, visits_per_customer=4, now=NOW)
    with sessions() as session:
        people = session.execute(
            select(Customer.id, Customer.name, Customer.phone, Customer.usuals)
            .where(Customer.name.contains(" "), Customer.phone != "").limit(25)
        ).all()
        assert people
        for person in people:
            family = person.name.split()[-1]
            fragment = family[: max(3, len(family) - 1)]  # "Kowalsk" finds Kowalski
            assert person.id in ids(session, fragment)
            assert person.id in ids(session, digits(person.phone)[-7:])
            usual_word = max(words(person.usuals[0]), key=len)
            assert person.id in ids(session, usual_word)


def ids(session: Any, query: str) -> set[int]:
    return {m.id for m in models.find_customers(session, query, limit=1000)}


def test_seeding_twice_appends(tmp_path: Path) -> None:
    sessions = open_db(tmp_path)
    with sessions.begin() as session:
        own = models.create_customer(session, models.CustomerDraft(name="Existing Regular"))
    first = seeding.seed_customers(sessions, 40, visits_per_customer=2, now=NOW)
    second = seeding.seed_customers(sessions, 25, visits_per_customer=2, seed=2, now=NOW)

    with sessions() as session:
        assert session.scalars(select(Customer.id).order_by(Customer.id)).all() == list(
            range(own, own + 1 + 40 + 25))
        assert session.scalar(select(func.count(Visit.id))) == first.visits + second.visits
        assert session.scalar(select(Customer.name).where(Customer.id == own)) == (
            "Existing Regular")
    check_consistent(sessions)


def test_progress_after_each_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "BATCH_MIN_CUSTOMERS", 10)
    monkeypatch.setattr(bulk, "BATCH_VISITS", 200)
    calls: list[tuple[int, int]] = []
    seeding.seed_customers(open_db(tmp_path), 95, visits_per_customer=5, now=NOW,
                           progress=lambda done, total: calls.append((done, total)))
    assert len(calls) > 2
    assert calls[-1] == (95, 95)
    assert [done for done, _ in calls] == sorted({done for done, _ in calls})


def test_same_seed_same_data_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SQLite fast path and plain SQLAlchemy inserts store identical rows: the fast path
    stores exactly what SQLAlchemy would."""
    monkeypatch.setattr(bulk, "BATCH_MIN_CUSTOMERS", 20)
    monkeypatch.setattr(bulk, "BATCH_VISITS", 400)

    fast = open_db(tmp_path, "fast.sqlite3")
    seeding.seed_customers(fast, 150, visits_per_customer=8, seed=7, now=NOW)

    monkeypatch.setattr(rows.Encoder, "for_connection",
                        classmethod(lambda cls, connection: cls(raw=False)))
    portable = open_db(tmp_path, "portable.sqlite3")
    seeding.seed_customers(portable, 150, visits_per_customer=8, seed=7, now=NOW)

    assert dump(portable) == dump(fast)
    check_consistent(portable)


def test_no_visits(tmp_path: Path) -> None:
    sessions = open_db(tmp_path)
    summary = seeding.seed_customers(sessions, 30, visits_per_customer=0, now=NOW)
    assert (summary.customers, summary.visits) == (30, 0)
    with sessions() as session:
        assert session.scalar(select(func.max(Customer.visit_count))) == 0
    check_consistent(sessions)
    assert seeding.seed_customers(sessions, 0, now=NOW).customers == 0


def test_demo_data(tmp_path: Path) -> None:
    sessions = open_db(tmp_path)
    seeding.create_demo_data(sessions, now=NOW)
    check_consistent(sessions)
    with sessions() as session:
        assert 250 <= models.count_customers(session) <= 350
        assert session.scalar(select(func.min(Visit.visited_at))) > datetime(
            2025, 9, 1, tzinfo=UTC)  # about six months
        assert session.scalar(select(func.count(Note.id)).where(Note.pinned)) >= 5
        notes = session.scalars(select(Note.text)).all()
        assert not any(re.search(r"\d[\d -]{11,}\d", n) for n in notes)  # no card numbers

        zoe = first(session, "zoe", "Zoë Park")
        assert zoe.goes_by == "Zoë" and "oat flat white" in zoe.usuals
        assert first(session, "7038944", "José Alvarez").phone == "(310) 703-8944"
        first(session, "O'Brien", "Siobhan O'Brien")
        assert first(session, "kate", "Katherine Smith").goes_by == "Kate"
        first(session, "王芳", "王芳")
        assert "tall, red fixie, double espresso" in {
            m.description for m in models.find_customers(session, "fixie")}
        corgi_owner = models.find_customers(session, "corgi")
        assert any("corgi" in n.text for m in corgi_owner
                   for n in models.load_card(session, m.id).recent_notes
                   + models.load_card(session, m.id).pinned_notes)
        from models.briefing import load_briefing

        handover = load_briefing(session, now=NOW).section("handover").entries
        assert {entry.author for entry in handover} == {"Sam", "Marco"}  # the demo's briefing


def first(session: Any, query: str, name: str) -> models.CustomerMatch:
    """The match called ``name`` (or the nameless one) among the results for ``query``."""
    matches = [m for m in models.find_customers(session, query) if m.name == name]
    assert matches, f"{query!r} did not find {name or 'the nameless regular'}"
    return matches[0]
