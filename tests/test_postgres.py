"""The models API on a real PostgreSQL server (started by scripts/postgres_server.py)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect

import models
from models.database import SCHEMA_REVISION, current_revision
from models.search.backends import PortableBackend, backend_for
from models.search.postgres_backend import PostgresTrigramBackend


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
        assert isinstance(backend_for(session), PostgresTrigramBackend)
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


# --- search with pg_trgm (models/search/postgres_backend.py, migration 0005) -----------------


def _shop_of_many_names(sessions: models.SessionFactory) -> None:
    first = ["Kate", "Katherine", "Kathleen", "Al", "Alexander", "Sally", "Zoë", "Siobhan",
             "José", "Mary-Jane", "王", "김민수", "Ana", "Anna", "Hannah", "Ola"]
    last = ["O'Brien", "Smith", "Alvarez", "Park", "芳", "Nguyen", "Natarajan", "Øberg"]
    notes = ["has a corgi", "oat flat white, extra hot", "ask about the Lisbon trip",
             "100% sure: no_sugar", "likes 50% decaf"]
    with sessions.begin() as session:
        for i in range(160):
            customer_id = models.create_customer(session, models.CustomerDraft(
                name=f"{first[i % len(first)]} {last[i % len(last)]}",
                goes_by=first[(i * 7) % len(first)] if i % 3 == 0 else "",
                phone=f"(310) 70{i % 10}-{1000 + i}", email=f"p{i}_x@example.com",
                description="tall, red fixie" if i % 11 == 0 else ""))
            if i % 4 == 0:
                models.add_note(session, customer_id, notes[i % len(notes)])
            for _ in range(i % 3):
                models.check_in(session, customer_id)


QUERIES = [
    "k", "ka", "kat", "kath", "katharine", "ktherine", "al", "al green", "zoe", "obrien",
    "o'brien", "王", "芳", "민", "ana", "anna", "han", "nah", "oberg", "310", "703", "7031",
    "example", "p1_x@", "p1_x@example.com", "100%", "50%", "no_sugar", "_", "%", "corgi",
    "oat flat", "flat oat white", "lisbon", "fixie red", "mary", "jane", "maryjane", "z", "xq",
]


def test_the_trigram_backend_answers_exactly_as_the_portable_one(pg_sessions) -> None:
    _shop_of_many_names(pg_sessions)
    with pg_sessions() as session:
        trigram = backend_for(session)
        assert isinstance(trigram, PostgresTrigramBackend)
        for typed in QUERIES:
            for limit in (1, 5, 50):
                expected = models.find_customers(session, typed, limit,
                                                 backend=PortableBackend())
                found = models.find_customers(session, typed, limit, backend=trigram)
                assert found == expected, (typed, limit)
        assert models.recent_customers(session) != []


def test_every_search_statement_is_served_by_its_trigram_index(pg_sessions, monkeypatch
                                                                ) -> None:
    """The backend's expressions must be exactly the indexed ones, or PostgreSQL silently
    reads the whole table. With sequential and plain index scans priced out, a statement
    whose expression matches no index shows a sequential scan."""
    from models.search import postgres_backend

    _shop_of_many_names(pg_sessions)
    statements: list[tuple[str, list[object]]] = []
    real_fetch = postgres_backend._fetch

    def recording(session, sql, parameters):  # type: ignore[no-untyped-def]
        if "FROM search_document" in sql:
            statements.append((sql, list(parameters)))
        return real_fetch(session, sql, parameters)

    monkeypatch.setattr(postgres_backend, "_fetch", recording)
    with pg_sessions() as session:
        backend = backend_for(session)
        backend.words(session, ["kat"], names_only=True, prefix=True, limit=50)
        backend.words(session, ["oat", "flat"], names_only=False, prefix=False, limit=50)
        for column in ("name_compact", "phone_digits", "email"):
            backend.substring(session, column, "abc", 50)
        connection = session.connection()
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_indexscan = off")
        expected = ["names", "words", "name_compact", "phone_digits", "email"]
        driver = connection.connection.driver_connection
        for (sql, parameters), index in zip(statements, expected, strict=True):
            with driver.cursor() as cursor:
                cursor.execute("EXPLAIN " + sql, parameters)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            assert f"ix_search_document_{index}_trgm" in plan, plan
            assert "Seq Scan" not in plan, plan


def test_downgrading_0005_drops_the_indexes_and_upgrading_restores_them(pg_database_url
                                                                         ) -> None:
    from alembic import command
    from alembic.config import Config

    from models.database import MIGRATIONS_DIR, create_database_engine, upgrade_schema

    engine = create_database_engine(pg_database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))

    def trigram_indexes() -> set[str]:
        with engine.connect() as connection:
            return {i["name"] for i in inspect(connection).get_indexes("search_document")
                    if i["name"].endswith("_trgm")}

    try:
        assert len(trigram_indexes()) == 5
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0004")
        assert trigram_indexes() == set()
        upgrade_schema(engine)
        assert len(trigram_indexes()) == 5
    finally:
        engine.dispose()


def test_without_rights_to_pg_trgm_search_falls_back_to_portable_sql(postgres_server,
                                                                      caplog) -> None:
    """A shop user who may create tables but not extensions still gets a working database;
    the migration and the backend each log why search is slower."""
    from sqlalchemy.engine import make_url

    postgres_server.create_database("no_extensions")
    postgres_server.execute("CREATE ROLE counter_only LOGIN")
    try:
        postgres_server.execute("GRANT CREATE ON SCHEMA public TO counter_only",
                                dbname="no_extensions")
        url = make_url(postgres_server.url("no_extensions")).set(username="counter_only")
        with caplog.at_level("WARNING"):
            sessions = models.open_database(url.render_as_string(hide_password=False))
        try:
            assert current_revision(sessions.kw["bind"]) == SCHEMA_REVISION
            with sessions.begin() as session:
                models.create_customer(session, models.CustomerDraft(name="Katherine Smith"))
            with caplog.at_level("WARNING"), sessions() as session:
                assert type(backend_for(session)) is PortableBackend
                assert [m.name for m in models.find_customers(session, "Katharine")] == [
                    "Katherine Smith"]
        finally:
            sessions.kw["bind"].dispose()
        messages = [record.getMessage() for record in caplog.records]
        assert any("Cannot create the pg_trgm extension" in m for m in messages), messages
        assert any("search indexes are missing" in m for m in messages), messages
    finally:
        postgres_server.drop_database("no_extensions")
        postgres_server.execute("DROP ROLE counter_only")
