"""vre-desktop migrate-to: the shop's SQLite database copied onto PostgreSQL, verified."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

import models
from models.base import Base
from models.database import create_database_engine
from models.privacy import forget_customer
from models.search.backends import backend_for
from models.search.postgres_backend import PostgresTrigramBackend
from models.seeding import seed_customers, seed_problems
from models.settings import LAST_TIME_DAYS
from vre_desktop import cli

_names = itertools.count(1)


@pytest.fixture
def target(postgres_server: Any) -> Iterator[str]:
    """URL of a new, empty PostgreSQL database (no schema at all)."""
    name = f"migrate_target_{next(_names)}"
    postgres_server.create_database(name)
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


@pytest.fixture
def shop(tmp_path: Path) -> str:
    """A SQLite shop with a row in every table: regulars, visits, tags, notes, problems and how
    they were made right, follow-ups, teammate check-ins, a draft, a setting, a renamed and an
    added category, and an erasure in the audit trail."""
    url = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    sessions = models.open_database(url)
    seed_customers(sessions, 300, visits_per_customer=4, seed=3)
    seed_problems(sessions, share=0.2, seed=3)
    with sessions.begin() as session:
        zoe = models.create_customer(session, models.CustomerDraft(
            name="Zoë O'Brien-王", goes_by="Zo", phone="+1 (562) 397-2052",
            usuals=["oat flat white"], allergies=["tree nuts"], tags=["regular"],
            birthday_month=2, birthday_day=29))
        models.add_note(session, zoe, "Tab\tand back\\slash and a newline\nin a note", pinned=True)
        models.check_in(session, zoe, items="cortado")
        categories = models.list_categories(session)
        models.rename_category(session, categories[0].id, "Process went wrong")
        models.add_category(session, "Music too loud")
        models.set_setting(session, LAST_TIME_DAYS, 120)
        models.save_problem_draft(session, zoe, models.ProblemReport(
            what_happened="half-written", category_id=categories[1].id))
        gone = models.create_customer(session, models.CustomerDraft(name="Gone Away"))
        forget_customer(session, gone, actor="Owner")
    sessions.kw["bind"].dispose()
    return url


def _migrate(source: str, target: str) -> int:
    return cli.main(["--database-url", source, "migrate-to", target])


def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every mapped table, through the models' column types, in key order."""
    sessions = models.open_database(url)
    engine = sessions.kw["bind"]
    try:
        with engine.connect() as connection:
            return {
                table.name: [tuple(row) for row in connection.execute(
                    select(table).order_by(*table.primary_key.columns))]
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def test_migrate_to_copies_every_row_and_prints_matching_counts(shop, target, capsys) -> None:
    assert _migrate(shop, target) == 0
    out = capsys.readouterr().out
    before, after = _rows(shop), _rows(target)
    assert before == after  # every field of every row, times and JSON included
    assert before["customer"] and before["problem"] and before["audit_event"]
    for table, rows in before.items():
        assert any(line.split() == [table, f"{len(rows):,}", f"{len(rows):,}"]
                   for line in out.splitlines()), table
    assert "Every table's row count matches" in out

    sessions = models.open_database(target)
    try:
        with sessions() as session:
            assert isinstance(backend_for(session), PostgresTrigramBackend)
            assert [m.name for m in models.find_customers(session, "zoe")][:1] == [
                "Zoë O'Brien-王"]
        with sessions.begin() as session:  # the id sequences continue after the copied ids
            new_id = models.create_customer(session, models.CustomerDraft(name="New Regular"))
            note_id = models.add_note(session, new_id, "first note")
            assert new_id == max(row[0] for row in before["customer"]) + 1
            assert note_id == max(row[0] for row in before["note"]) + 1
        with sessions() as session:  # the trigram indexes were rebuilt after the copy
            names = {i["name"] for i in inspect(session.connection()).get_indexes(
                "search_document")}
            assert "ix_search_document_words_trgm" in names
    finally:
        sessions.kw["bind"].dispose()


def test_search_answers_the_same_after_the_move(shop, target) -> None:
    assert _migrate(shop, target) == 0
    sqlite, postgres = models.open_database(shop), models.open_database(target)
    try:
        with sqlite() as session:
            people = session.execute(text(
                "SELECT name, phone FROM customer WHERE name != '' ORDER BY id LIMIT 60")).all()
        queries = ["a", "ma", "zoe", "obrien", "王", "oat flat", "corgi", "xyzzy"]
        for name, phone in people:
            queries += [name[:1], name[:3], name[:6], name.split()[-1], phone[-6:]]
            if len(name) > 6:
                queries.append(name[:3] + name[4:])  # one letter missing
        for typed in queries:
            with sqlite() as a, postgres() as b:
                expected = [m.to_json() for m in models.find_customers(a, typed)]
                assert [m.to_json() for m in models.find_customers(b, typed)] == expected, typed
    finally:
        sqlite.kw["bind"].dispose()
        postgres.kw["bind"].dispose()


def test_a_target_with_data_is_refused_with_one_line(shop, target, capsys) -> None:
    assert _migrate(shop, target) == 0
    capsys.readouterr()
    assert _migrate(shop, target) == 1
    err = capsys.readouterr().err
    assert err.startswith("vre-desktop: the target database is not empty (")
    assert err.count("\n") == 1
    assert _rows(shop) == _rows(target)  # untouched


def test_a_database_of_another_application_is_refused(shop, target, capsys) -> None:
    engine = create_database_engine(target)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE invoices (id integer)")
    engine.dispose()
    assert _migrate(shop, target) == 1
    err = capsys.readouterr().err
    assert "not empty" in err and "tables of something else (invoices)" in err


def test_a_failed_copy_leaves_the_target_empty_and_can_be_retried(shop, target, capsys
                                                                  ) -> None:
    # SQLite keeps any text; PostgreSQL refuses a NUL character in a text column.
    engine = create_database_engine(shop)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE note SET text = ? WHERE id = (SELECT min(id) FROM note)", ("bad\x00byte",))
    assert _migrate(shop, target) == 1
    err = capsys.readouterr().err
    assert "copying note failed" in err and "nothing was copied" in err
    after = _rows(target)
    assert after["customer"] == [] and after["visit"] == []  # one transaction: all or nothing
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE note SET text = 'good' WHERE text = ?",
                                   ("bad\x00byte",))
    engine.dispose()
    assert _migrate(shop, target) == 0  # a schema with only its starting rows counts as empty
    assert _rows(shop) == _rows(target)


@pytest.mark.parametrize("url", ["sqlite:///elsewhere.sqlite3", "mysql://shop@host/db",
                                 "not a url"])
def test_only_postgresql_targets_are_accepted(tmp_path, url, capsys) -> None:
    source = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    assert _migrate(source, url) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "PostgreSQL" in err or "postgresql" in err


def test_the_password_is_never_printed(shop, target, capsys) -> None:
    with_password = make_url(target).set(password="s3cret").render_as_string(
        hide_password=False)
    assert _migrate(shop, with_password) == 0  # the test server trusts every local login
    captured = capsys.readouterr()
    assert "s3cret" not in captured.out + captured.err


def test_bench_measures_the_moved_database_with_both_backends(shop, target, capsys,
                                                             monkeypatch) -> None:
    import json

    from vre_desktop import bench

    assert _migrate(shop, target) == 0
    capsys.readouterr()
    monkeypatch.setattr(bench, "SAMPLES_PER_KIND", 10)
    assert cli.main(["--database-url", target, "bench", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["engine"] == "postgresql"
    assert report["backends"] == ["PostgresTrigramBackend", "PortableBackend"]
    assert len(report["search"]) == 7
    for row in report["search"]:
        assert row["differing_queries"] == 0, row
        assert row["PostgresTrigramBackend"]["p95_ms"] > 0
