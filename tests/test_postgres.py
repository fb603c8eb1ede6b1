"""The models API on a real PostgreSQL server (started by scripts/postgres_server.py)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect

import models
from models.database import SCHEMA_REVISION, current_revision
from models.search.backends import PortableBackend, backend_for


def test_open_database_creates_the_schema_in_an_empty_database(postgres_server) -> None:
    postgres_server.create_database("empty_shop")
    try:
        sessions = models.open_database(postgres_server.url("empty_shop"))
        engine = sessions.kw["bind"]
        try:
            assert engine.dialect.name == "postgresql"
            assert current_revision(engine) == SCHEMA_REVISION
            tables = set(inspect(engine).get_table_names())
            assert {"customer", "visit", "note", "search_document"} <= tables
        finally:
            engine.dispose()
    finally:
        postgres_server.drop_database("empty_shop")


def test_a_regular_round_trips_through_the_models_api(any_sessions) -> None:
    draft = models.CustomerDraft(
        name="Zoë O'Brien-王", goes_by="Zo 🌸", phone="+1 (562) 397-2052",
        usuals=["oat flat white"], allergies=["tree nuts"], talking_points=["Lisbon trip"],
        birthday_month=2, birthday_day=29,
    )
    earlier = datetime.now(UTC) - timedelta(days=3)
    with any_sessions.begin() as session:
        customer_id = models.create_customer(session, draft)
        models.check_in(session, customer_id, at=earlier)
        latest = models.check_in(session, customer_id, items="cortado")
        models.add_note(session, customer_id, "Back from Lisbon in May", pinned=True)
    with any_sessions() as session:
        card = models.load_card(session, customer_id)
    assert (card.name, card.greet_as) == ("Zoë O'Brien-王", "Zo 🌸")
    assert card.usuals == ("oat flat white",)
    assert card.allergies == ("tree nuts",)
    assert card.birthday == (2, 29, None)
    assert card.visits == 2
    assert card.last_visit is not None and card.last_visit.utcoffset() == timedelta(0)
    assert [note.text for note in card.pinned_notes] == ["Back from Lisbon in May"]
    with any_sessions.begin() as session:
        models.undo_check_in(session, latest)
    with any_sessions() as session:
        card = models.load_card(session, customer_id)
    assert card.visits == 1
    assert card.last_visit is not None
    assert abs(card.last_visit - earlier) < timedelta(seconds=1)


@pytest.mark.parametrize(
    ("typed", "expected", "matched_on"),
    [
        ("kath", "Katherine Smith", "name"),  # a name prefix
        ("703-89", "José Alvarez", "contact"),  # a phone fragment, formatted differently
        ("fixie", "", "details"),  # a word of the description
        ("corgi", "Priya Natarajan", "details"),  # a word of a note
        ("Katharine", "Katherine Smith", "similar name"),  # one letter off
    ],
)
def test_find_customers_on_postgres(pg_sessions, typed, expected, matched_on) -> None:
    with pg_sessions.begin() as session:
        for draft in (
            models.CustomerDraft(name="Katherine Smith", goes_by="Kate"),
            models.CustomerDraft(name="José Alvarez", phone="(310) 703-8944"),
            models.CustomerDraft(description="tall, red fixie, double espresso"),
        ):
            models.create_customer(session, draft)
        priya = models.create_customer(session, models.CustomerDraft(name="Priya Natarajan"))
        models.add_note(session, priya, "Has a corgi called Biscuit")
    with pg_sessions() as session:
        assert isinstance(backend_for(session), PortableBackend)
        found = models.find_customers(session, typed)
    assert [(m.name, m.matched_on) for m in found] == [(expected, matched_on)]


def test_two_counters_checking_in_at_once_lose_no_visit(pg_sessions) -> None:
    """PostgreSQL runs the two transactions truly side by side, unlike SQLite's one writer."""
    with pg_sessions.begin() as session:
        customer_id = models.create_customer(session, models.CustomerDraft(name="Busy Regular"))
    errors: list[BaseException] = []

    def counter() -> None:
        try:
            for _ in range(15):
                with pg_sessions.begin() as session:
                    models.check_in(session, customer_id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=counter) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with pg_sessions() as session:
        assert models.load_card(session, customer_id).visits == 30
        assert [m.visits for m in models.find_customers(session, "busy")] == [30]
