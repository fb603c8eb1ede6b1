"""Two processes (or two windows) on one SQLite file: write transactions take the write lock
up front, so concurrent writers never lose an update or see "database is locked"; and each
sees the other's changes through a cheap change counter (models/changes.py)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

import models
from models.changes import ChangeWatcher

WRITER = Path(__file__).with_name("crash_writer.py")


def _start_writer(url: str, customer_id: int, *args: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, str(WRITER), url, str(customer_id), *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    ready = process.stdout.readline()
    if ready.strip() != "ready":
        process.kill()
        raise AssertionError(f"the writer did not start: {ready!r} {process.stderr.read()}")
    return process


def test_two_processes_checking_in_the_same_regular_lose_nothing(
    sessions: models.SessionFactory, add_customer, database_url: str
) -> None:
    customer_id = add_customer(name="Kate Busy")
    writers = [_start_writer(database_url, customer_id, "--check-ins", "200") for _ in range(2)]
    for writer in writers:  # both start together
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    outputs = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        outputs.append(out.splitlines())
    errors = [line for lines in outputs for line in lines if line.startswith("error")]
    assert errors == []
    reported = [int(line.split()[1]) for lines in outputs for line in lines
                if line.startswith("visit ")]
    assert len(reported) == len(set(reported)) == 400
    with sessions() as session:
        card = models.load_card(session, customer_id)
        stored = session.execute(
            text("SELECT id FROM visit WHERE customer_id = :id"), {"id": customer_id}
        ).scalars().all()
    assert card.visits == 400
    assert sorted(stored) == sorted(reported)


def test_write_transactions_take_the_write_lock_at_begin(
    sessions: models.SessionFactory, add_customer
) -> None:
    """A session.begin() holds SQLite's write lock from its first statement, so a second
    writer waits at its own begin instead of reading first and failing on the upgrade."""
    customer_id = add_customer(name="Ada Lock")
    with sessions.begin() as session:
        models.load_card(session, customer_id)  # reads only, yet holds the write lock
        connection = session.connection().connection.driver_connection
        assert connection.in_transaction
        other = sessions.kw["bind"].raw_connection()
        try:
            other.driver_connection.execute("PRAGMA busy_timeout = 0")
            with pytest.raises(Exception, match="locked"):
                other.driver_connection.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_read_sessions_do_not_take_the_write_lock(
    sessions: models.SessionFactory, add_customer
) -> None:
    """Searching (a plain session) never waits for a writer, nor blocks one."""
    customer_id = add_customer(name="Reader Rita")
    with sessions.begin() as writer:
        models.check_in(writer, customer_id)
        with sessions() as reader:
            assert [m.id for m in models.find_customers(reader, "rita")] == [customer_id]
            assert models.load_card(reader, customer_id).visits == 0  # not yet committed


def test_a_savepoint_rolls_back_inside_the_transaction(
    sessions: models.SessionFactory, add_customer
) -> None:
    customer_id = add_customer(name="Sam Point")
    with sessions.begin() as session:
        models.check_in(session, customer_id)
        with pytest.raises(models.ValidationError), session.begin_nested():
            models.add_note(session, customer_id, "kept?")
            raise models.ValidationError({"x": "changed my mind"})
    with sessions() as session:
        card = models.load_card(session, customer_id)
        assert (card.visits, card.recent_notes, card.pinned_notes) == (1, (), ())


def test_a_failed_write_transaction_leaves_nothing(
    sessions: models.SessionFactory, add_customer
) -> None:
    customer_id = add_customer(name="Half Written")
    with pytest.raises(RuntimeError), sessions.begin() as session:
        models.check_in(session, customer_id)
        models.add_note(session, customer_id, "never kept")
        session.flush()
        raise RuntimeError("the power went out")
    with sessions() as session:
        card = models.load_card(session, customer_id)
        assert (card.visits, card.recent_notes, card.pinned_notes) == (0, (), ())


def test_a_pragma_that_comes_first_still_runs_outside_the_transaction(
    sessions: models.SessionFactory,
) -> None:
    """PRAGMA foreign_keys is ignored inside a transaction (schema upgrades rely on turning it
    off first), so the BEGIN waits for the first statement that needs one."""
    engine = sessions.kw["bind"]
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0
        connection.exec_driver_sql("SELECT 1")
        assert connection.connection.driver_connection.in_transaction  # deferred BEGIN now
        connection.exec_driver_sql("PRAGMA foreign_keys = ON")
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0  # ignored
        connection.rollback()
        connection.exec_driver_sql("PRAGMA foreign_keys = ON")
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_plain_session_that_writes_first_takes_the_write_lock(
    sessions: models.SessionFactory, add_customer
) -> None:
    customer_id = add_customer(name="Auto Begin")
    with sessions() as session:
        session.execute(text("UPDATE customer SET goes_by = 'Auto' WHERE id = :id"),
                        {"id": customer_id})
        other = sessions.kw["bind"].raw_connection()
        try:
            other.driver_connection.execute("PRAGMA busy_timeout = 0")
            with pytest.raises(Exception, match="locked"):
                other.driver_connection.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
        session.commit()
    with sessions() as session:
        assert models.load_card(session, customer_id).greet_as == "Auto"


def test_autocommit_connections_commit_each_statement(sessions: models.SessionFactory) -> None:
    engine = sessions.kw["bind"]
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "CREATE TABLE scratch (x)")
        connection.exec_driver_sql("INSERT INTO scratch VALUES (1)")
    with engine.connect() as connection:  # and the next user of that connection is back to
        connection.exec_driver_sql("INSERT INTO scratch VALUES (2)")  # one transaction
        connection.rollback()
        assert connection.exec_driver_sql("SELECT x FROM scratch").scalars().all() == [1]


def test_the_change_watcher_sees_commits_from_other_connections_only_once(
    sessions: models.SessionFactory, add_customer
) -> None:
    customer_id = add_customer(name="Wat Cher")
    with ChangeWatcher(sessions.kw["bind"]) as watcher:
        assert watcher.supported
        assert watcher.poll() is False
        with sessions.begin() as session:
            models.check_in(session, customer_id)
        assert watcher.poll() is True
        assert watcher.poll() is False  # reported once
        with sessions() as session:  # reading changes nothing
            models.load_card(session, customer_id)
        assert watcher.poll() is False


def test_the_change_watcher_sees_another_process(
    sessions: models.SessionFactory, add_customer, database_url: str
) -> None:
    customer_id = add_customer(name="Far Away")
    with ChangeWatcher(sessions.kw["bind"]) as watcher:
        writer = _start_writer(database_url, customer_id, "--check-ins", "1")
        assert watcher.poll() is False
        out, _err = writer.communicate("go\n", timeout=60)
        assert "visit" in out
        assert watcher.poll() is True


def test_polling_is_cheap_and_never_waits_for_a_writer(
    sessions: models.SessionFactory, add_customer
) -> None:
    customer_id = add_customer(name="Quick Poll")
    with ChangeWatcher(sessions.kw["bind"]) as watcher:
        started = time.perf_counter()
        for _ in range(1000):
            watcher.poll()
        per_poll_ms = (time.perf_counter() - started)  # 1000 polls: seconds = ms per poll
        assert per_poll_ms < 1.0
        # A writer holding the lock for a while: polls still answer at once.
        holding = threading.Event()
        release = threading.Event()

        def hold_lock() -> None:
            with sessions.begin() as session:
                models.check_in(session, customer_id)
                holding.set()
                release.wait(5)

        thread = threading.Thread(target=hold_lock)
        thread.start()
        try:
            assert holding.wait(5)
            started = time.perf_counter()
            assert watcher.poll() is False  # nothing committed yet
            assert time.perf_counter() - started < 0.1
        finally:
            release.set()
            thread.join()
        assert watcher.poll() is True


def test_an_in_memory_database_has_nothing_to_watch() -> None:
    sessions = models.open_database("sqlite://")
    watcher = ChangeWatcher(sessions.kw["bind"])
    assert not watcher.supported
    with sessions.begin() as session:
        models.create_customer(session, models.CustomerDraft(name="Mem"))
    assert watcher.poll() is False
    watcher.close()


def test_a_lost_watcher_connection_is_reopened_and_reports_a_change(
    sessions: models.SessionFactory,
) -> None:
    watcher = ChangeWatcher(sessions.kw["bind"])
    watcher.close()  # as if the connection had broken
    assert watcher.poll() is True  # what happened meanwhile is unknown
    assert watcher.poll() is False
    watcher.close()


@pytest.mark.postgres
def test_the_change_watcher_works_on_postgresql(
    sessions: models.SessionFactory, add_customer
) -> None:
    customer_id = add_customer(name="Pat Gres")
    with ChangeWatcher(sessions.kw["bind"]) as watcher:
        assert watcher.supported
        assert watcher.poll() is False
        with sessions() as session:
            models.load_card(session, customer_id)
        assert watcher.poll() is False
        with sessions.begin() as session:
            models.add_note(session, customer_id, "seen from another counter")
        assert watcher.poll() is True
        assert watcher.poll() is False
        with pytest.raises(RuntimeError), sessions.begin() as session:
            models.check_in(session, customer_id)
            session.flush()
            raise RuntimeError("changed my mind")
        assert watcher.poll() is False  # nothing was committed
        started = time.perf_counter()
        for _ in range(100):
            watcher.poll()
        assert (time.perf_counter() - started) / 100 < 0.005
