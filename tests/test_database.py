"""Opening databases: settings, automatic creation and upgrades, clear errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

import models
from models.database import MIGRATIONS_DIR, SCHEMA_REVISION, current_revision, upgrade_schema


def test_schema_revision_constant_is_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION


def test_a_new_file_is_created_with_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folder" / "shop.sqlite3"
    sessions = models.open_database(f"sqlite:///{path}")
    assert path.exists()
    with sessions() as session:
        connection = session.connection()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    assert current_revision(sessions.kw["bind"]) == SCHEMA_REVISION


def test_deleting_a_customer_removes_visits_notes_and_search_entries(
    sessions, add_customer
) -> None:
    customer_id = add_customer(name="Gone Soon", visits=2, notes=("likes jazz",))
    with sessions.begin() as session:
        session.execute(text("DELETE FROM customer WHERE id = :id"), {"id": customer_id})
    with sessions() as session:
        for table in ("visit", "note", "search_document"):
            left = session.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            assert left == 0, table
        assert models.find_customers(session, "jazz") == []
        assert models.find_customers(session, "gone") == []


def test_downgrade_and_upgrade_again(tmp_path: Path) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    sessions = models.open_database(url)
    engine = sessions.kw["bind"]
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert current_revision(engine) is None
    upgrade_schema(engine)
    assert current_revision(engine) == SCHEMA_REVISION


def test_reopening_does_not_touch_an_up_to_date_schema(database_url: str) -> None:
    first = models.open_database(database_url)
    with first.begin() as session:
        models.create_customer(session, models.CustomerDraft(name="Kept"))
    second = models.open_database(database_url)
    with second() as session:
        assert [m.name for m in models.find_customers(session, "kept")] == ["Kept"]


def test_a_file_that_is_not_a_database_gives_a_plain_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("this is a shopping list, not a database\n" * 100)
    with pytest.raises(models.DatabaseError, match="Cannot open the database"):
        models.open_database(f"sqlite:///{path}")
    assert path.read_text().startswith("this is a shopping list")  # never overwritten


def test_an_sqlite_too_old_for_the_app_is_named_before_anything_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    path = tmp_path / "shop.sqlite3"
    with pytest.raises(models.DatabaseError, match=r"needs SQLite 3\.35 or newer.*has 3\.31\.1"):
        models.open_database(f"sqlite:///{path}")
    assert not path.exists()


def test_an_unknown_driver_gives_a_plain_error() -> None:
    with pytest.raises(models.DatabaseError):
        models.open_database("nosuchdb://user:secret@host/db")


def test_in_memory_database_works() -> None:
    sessions = models.open_database("sqlite://")
    with sessions.begin() as session:
        models.create_customer(session, models.CustomerDraft(name="Mem"))
    with sessions() as session:
        assert [m.name for m in models.find_customers(session, "mem")] == ["Mem"]


@pytest.mark.parametrize("url", ["not a url", "postgresql+nodriver://x/y"])
def test_unreadable_urls_give_a_plain_error(url: str) -> None:
    with pytest.raises(models.DatabaseError):
        models.open_database(url)
