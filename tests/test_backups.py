"""Backups: consistent verified copies; rotation; listing; restore; the backup before upgrades."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from backup_helpers import (
    OLD_REVISION,
    customer_names,
    data_files,
    make_database,
    make_old_database,
    newer_schema,
    other_application,
    revision_of,
    truncate,
)

import models
from models.backups import (
    BackupError,
    FileKind,
    RestoreError,
    Retention,
    check_database,
    choose_kept,
    copying,
    due,
    list_backups,
    make_backup,
    newest_good_backup,
    restore,
    rotate,
    set_aside,
)
from models.backups.files import backup_name, parse_backup_name
from models.database import SCHEMA_REVISION

NOW = datetime(2026, 11, 22, 13, 5).astimezone()


@pytest.fixture
def live(tmp_path: Path) -> Path:
    return make_database(tmp_path / "shop" / "velvet-rope.sqlite3")


def _run_with_timeout(work, seconds: float = 20.0):
    """Run ``work`` on a thread; fail (instead of hanging the suite) if it does not finish."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # handed back to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s: the backup hangs"
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]


# ----- making one ----------------------------------------------------------------------------


def test_a_backup_is_a_verified_dated_copy(live: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    info = make_backup(live, folder, now=NOW)
    assert info.path == folder / "vre-2026-11-22T1305.sqlite3"
    assert info.path.stat().st_size == info.size > 0
    assert info.revision == SCHEMA_REVISION
    assert customer_names(info.path) == ["José Alvarez", "Zoë Park"]
    # One self-contained file: no -wal beside it, no temporary file left.
    assert sorted(p.name for p in folder.iterdir()) == [info.path.name]
    with sqlite3.connect(info.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_backups_in_the_same_minute_get_their_own_names(live: Path, tmp_path: Path) -> None:
    first = make_backup(live, tmp_path / "b", now=NOW)
    second = make_backup(live, tmp_path / "b", now=NOW)
    manual = make_backup(live, tmp_path / "b", now=NOW, reason="manual")
    assert second.path.name == "vre-2026-11-22T1305-2.sqlite3"
    assert manual.path.name == "vre-2026-11-22T1305-manual.sqlite3"
    listed = list_backups(tmp_path / "b")
    assert listed[0].path == second.path
    assert {b.path for b in listed} == {first.path, second.path, manual.path}


def test_names_round_trip() -> None:
    name = backup_name(NOW, "before-restore", 3)
    assert name == "vre-2026-11-22T1305-before-restore-3.sqlite3"
    when, reason, counter = parse_backup_name(name)  # type: ignore[misc]
    assert (when, reason, counter) == (NOW, "before-restore", 3)
    assert parse_backup_name("vre-2026-11-22T1305.sqlite3") == (NOW, "", 1)
    for other in ("holiday.sqlite3", "vre-2026-13-40T9999.sqlite3", ".vre-2026-11-22T1305.sqlite3",
                  "vre-2026-11-22T1305.sqlite3.partial"):
        assert parse_backup_name(other) is None


def test_backup_does_not_hang_while_another_connection_holds_a_write(
    live: Path, tmp_path: Path
) -> None:
    writer = sqlite3.connect(live, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE customer SET name = 'Uncommitted Ursula'")
    try:
        info = _run_with_timeout(lambda: make_backup(live, tmp_path / "b", now=NOW))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert "Uncommitted Ursula" not in customer_names(info.path)  # the last commit, only


def test_another_counters_backup_in_the_same_minute_neither_blocks_nor_is_touched(
    live: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    # Another computer's backup of the same minute, still being written (its file locked).
    theirs = folder / f".{backup_name(NOW)}.partial"
    other = sqlite3.connect(theirs, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE copying (page INTEGER)")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO copying VALUES (1)")
    try:
        info = _run_with_timeout(lambda: make_backup(live, folder, now=NOW))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert customer_names(info.path) == ["José Alvarez", "Zoë Park"]
    assert theirs.exists()  # never deleted by this backup


def test_backup_through_the_apps_engine_with_an_uncommitted_session(
    live: Path, tmp_path: Path
) -> None:
    """The trap: Connection.backup() from a connection with an open write spins forever; the
    backup must use a connection of its own."""
    sessions = models.open_database(f"sqlite:///{live}")
    session = sessions()
    try:
        models.create_customer(session, models.CustomerDraft(name="Half Saved Harriet"))
        session.flush()  # the write transaction is open on the engine's connection
        engine = sessions.kw["bind"]
        info = _run_with_timeout(lambda: make_backup(engine, tmp_path / "b", now=NOW))
    finally:
        session.rollback()
        session.close()
        sessions.kw["bind"].dispose()
    assert "Half Saved Harriet" not in customer_names(info.path)


def test_a_missing_drive_is_reported_and_nothing_is_created(live: Path, tmp_path: Path) -> None:
    stick = tmp_path / "usb-stick" / "velvet-rope-backups"
    with pytest.raises(BackupError, match=r"not available.*plugged in"):
        make_backup(live, stick, now=NOW)
    assert not (tmp_path / "usb-stick").exists()  # never quietly created on the local disk


def test_a_full_disk_leaves_no_partial_file(live: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = sqlite3.connect

    def tiny_disk(target, *args, **kwargs):  # type: ignore[no-untyped-def]
        connection = real_connect(target, *args, **kwargs)
        if str(target).endswith(".partial"):
            connection.execute("PRAGMA max_page_count = 2")  # the disk "fills up"
        return connection

    monkeypatch.setattr(copying.sqlite3, "connect", tiny_disk)
    folder = tmp_path / "b"
    with pytest.raises(BackupError, match="is full"):
        make_backup(live, folder, now=NOW)
    assert list(folder.iterdir()) == []


def test_a_copy_that_fails_verification_is_deleted(live: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(copying, "integrity_lines",
                        lambda _connection, full: ["Page 7: btreeInitPage() returns error 11"])
    folder = tmp_path / "b"
    with pytest.raises(BackupError, match=r"failed its integrity check.*deleted"):
        make_backup(live, folder, now=NOW)
    assert list(folder.iterdir()) == []
    assert customer_names(live) == ["José Alvarez", "Zoë Park"]  # live database untouched


def test_postgres_and_memory_databases_are_refused_plainly(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="pg_dump"):
        make_backup("postgresql+psycopg://shop@db.example/shop", tmp_path)
    with pytest.raises(BackupError, match="memory"):
        make_backup("sqlite://", tmp_path)
    with pytest.raises(BackupError, match="no database"):
        make_backup(tmp_path / "nothing-here.sqlite3", tmp_path / "b")


def test_stale_partial_files_are_cleaned_up(live: Path, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    stale = folder / ".vre-2026-11-20T0900.sqlite3.partial"
    stale.write_bytes(b"half a copy")
    old = (NOW - timedelta(days=2)).timestamp()
    import os

    os.utime(stale, (old, old))
    make_backup(live, folder, now=NOW)
    assert not stale.exists()


# ----- listing and due -----------------------------------------------------------------------


def test_list_backups_newest_first_with_size_and_revision(live: Path, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    for days in (3, 0, 1):
        make_backup(live, folder, now=NOW - timedelta(days=days))
    (folder / "shopping-list.txt").write_text("milk")
    (folder / "vre-not-a-date.sqlite3").write_text("?")
    listed = list_backups(folder)
    assert [b.taken_at for b in listed] == [NOW, NOW - timedelta(days=1), NOW - timedelta(days=3)]
    assert all(b.size > 0 and b.revision == SCHEMA_REVISION for b in listed)
    assert list_backups(tmp_path / "no-such-folder") == []


def test_due_when_the_last_backup_is_older_than_a_day(live: Path, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    assert due(folder, NOW)  # none yet
    make_backup(live, folder, now=NOW - timedelta(hours=2))
    assert not due(folder, NOW)
    assert due(folder, NOW + timedelta(hours=23))


def test_a_backup_dated_in_the_future_does_not_stop_the_backups(
    live: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "b"
    make_backup(live, folder, now=NOW - timedelta(days=3))
    make_backup(live, folder, now=NOW + timedelta(days=300))  # the clock was wrong that day
    assert due(folder, NOW)


def test_newest_good_backup_skips_damaged_and_newer_ones(live: Path, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    good = make_backup(live, folder, now=NOW - timedelta(days=2))
    damaged = make_backup(live, folder, now=NOW - timedelta(days=1))
    truncate(damaged.path, 0.3)
    newer = folder / backup_name(NOW)
    newer_schema(newer)
    found = newest_good_backup([folder, tmp_path / "missing"])
    assert found is not None and found.path == good.path
    assert found.revision == SCHEMA_REVISION


# ----- rotation ------------------------------------------------------------------------------


def _daily(days: int, hour: int = 3) -> list[datetime]:
    end = datetime(2026, 11, 22, hour, 0)
    return [end - timedelta(days=n) for n in range(days)]


def test_rotation_keeps_7_daily_4_weekly_12_monthly() -> None:
    backups = _daily(400)
    kept = choose_kept(backups, when=lambda d: d, now=datetime(2026, 11, 22, 12, 0))
    expected = [datetime(2026, 11, d, 3) for d in (22, 21, 20, 19, 18, 17, 16)]  # daily
    expected += [datetime(2026, 11, d, 3) for d in (15, 8, 1)]  # Sundays of earlier ISO weeks
    expected += [datetime(2026, m, d, 3) for m, d in
                 ((10, 31), (9, 30), (8, 31), (7, 31), (6, 30), (5, 31), (4, 30), (3, 31),
                  (2, 28), (1, 31))]
    expected += [datetime(2025, 12, 31, 3)]
    assert kept == sorted(expected, reverse=True)
    assert len(kept) == 21


def test_rotation_keeps_only_the_newest_of_a_day_once_it_is_a_day_old() -> None:
    now = datetime(2026, 11, 22, 12, 0)
    backups = [datetime(2026, 11, 20, h) for h in (8, 12, 17)] + [
        datetime(2026, 11, 22, h) for h in (1, 9, 11)]
    kept = choose_kept(backups, when=lambda d: d, now=now)
    # Everything from the last 24 hours stays (a before-restore copy must not vanish at once).
    assert kept == [datetime(2026, 11, 22, h) for h in (11, 9, 1)] + [datetime(2026, 11, 20, 17)]


def test_rotation_counts_days_that_have_a_backup_not_calendar_days() -> None:
    """A shop closed for the winter still finds its autumn copies."""
    now = datetime(2026, 3, 1, 12)
    autumn = [datetime(2025, 10, d, 3) for d in range(1, 11)]
    kept = choose_kept(autumn, when=lambda d: d, now=now)
    assert kept[:7] == [datetime(2025, 10, d, 3) for d in range(10, 3, -1)]
    assert datetime(2025, 10, 1, 3) not in kept and len(kept) >= 7


def test_rotation_with_a_smaller_policy_and_aware_times() -> None:
    now = NOW
    backups = [NOW - timedelta(days=n) for n in range(1, 10)]
    kept = choose_kept(backups, when=lambda d: d, now=now,
                       policy=Retention(daily=2, weekly=0, monthly=0))
    assert kept == [NOW - timedelta(days=1), NOW - timedelta(days=2)]


def test_rotate_deletes_only_our_old_backup_files(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    for moment in _daily(60):
        (folder / backup_name(moment)).write_bytes(b"copy")
    (folder / "keep-me.sqlite3").write_bytes(b"the owner's own file")
    result = rotate(folder, now=datetime(2026, 11, 22, 12))
    left = list_backups(folder, read_revisions=False)
    assert len(left) == len(result.kept) and len(result.deleted) == 60 - len(left)
    assert (folder / "keep-me.sqlite3").exists()
    assert left[0].taken_at.date() == datetime(2026, 11, 22).date()


# ----- checking ------------------------------------------------------------------------------


def test_check_database_reports_integrity_revision_and_counts(live: Path) -> None:
    report = check_database(live)
    assert report.ok, report.problems
    assert report.integrity == "ok" and report.state.check == "full"
    assert report.revision == report.expected_revision == SCHEMA_REVISION
    assert report.counts["customer"] == 2 and report.counts["visit"] == 2
    assert report.counts["note"] == 2


def test_check_database_lists_problems(tmp_path: Path) -> None:
    assert not check_database(tmp_path / "missing.sqlite3").ok
    report = check_database(truncate(make_database(tmp_path / "cut.sqlite3")))
    assert report.state.kind is FileKind.TRUNCATED and "cut short" in report.problems[0]
    old = check_database(make_old_database(tmp_path / "old.sqlite3"))
    assert not old.ok and OLD_REVISION in old.problems[0]


# ----- restoring -----------------------------------------------------------------------------


def test_restore_keeps_the_old_database_aside_and_backs_it_up(live: Path, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    backup = make_backup(live, folder, now=NOW - timedelta(days=1))
    sessions = models.open_database(f"sqlite:///{live}")
    with sessions.begin() as session:
        models.create_customer(session, models.CustomerDraft(name="Added After Backup"))
    sessions.kw["bind"].dispose()
    result = restore(backup.path, live, backup_folder=folder, now=NOW)
    assert customer_names(live) == ["José Alvarez", "Zoë Park"]
    assert result.set_aside is not None and result.set_aside.name.startswith(
        "velvet-rope.before-restore-2026-11-22T1305")
    assert "Added After Backup" in customer_names(result.set_aside)
    assert result.safety_backup is not None
    assert result.safety_backup.path.name == "vre-2026-11-22T1305-before-restore.sqlite3"
    assert "Added After Backup" in customer_names(result.safety_backup.path)
    assert not result.upgraded
    assert not any(p.name.endswith(("-wal", "-shm", ".restoring")) for p in live.parent.iterdir())
    # The app opens the restored database as usual.
    reopened = models.open_database(f"sqlite:///{live}")
    with reopened() as session:
        assert [m.name for m in models.find_customers(session, "zoe")] == ["Zoë Park"]
    reopened.kw["bind"].dispose()


def test_a_restore_that_cannot_rename_puts_the_current_database_back(
    live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "b"
    backup = make_backup(live, folder, now=NOW - timedelta(days=1))
    sessions = models.open_database(f"sqlite:///{live}")
    with sessions.begin() as session:
        models.create_customer(session, models.CustomerDraft(name="Added After Backup"))
    sessions.kw["bind"].dispose()
    real_replace = Path.replace

    def refuse_the_restored_copy(self: Path, target: Path) -> Path:  # a virus scanner, say
        if self.name.endswith(".restoring"):
            raise PermissionError(13, "The file is in use by another process")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", refuse_the_restored_copy)
    monkeypatch.setattr("models.backups.restoring.time.sleep", lambda _s: None)
    with pytest.raises(RestoreError, match="put back; nothing was changed"):
        restore(backup.path, live, backup_folder=folder, now=NOW)
    monkeypatch.undo()
    assert "Added After Backup" in customer_names(live)
    assert not any(p.name.endswith(".restoring") or ".before-restore-" in p.name
                   for p in live.parent.iterdir())


def test_restore_upgrades_an_older_backup(live: Path, tmp_path: Path) -> None:
    old = make_old_database(tmp_path / "old" / "vre-2026-01-05T0900.sqlite3")
    assert revision_of(old) == OLD_REVISION
    result = restore(old, live, backup_folder=tmp_path / "b", now=NOW)
    assert result.upgraded and result.revision_in_backup == OLD_REVISION
    assert revision_of(live) == SCHEMA_REVISION
    assert customer_names(live) == ["Old Revision Ollie"]
    assert revision_of(old) == OLD_REVISION  # the backup itself is never changed
    assert check_database(live).ok


def test_restore_onto_a_new_computer(tmp_path: Path) -> None:
    backup = make_database(tmp_path / "stick" / "vre-2026-11-21T1800.sqlite3")
    live = tmp_path / "new-computer" / "velvet-rope.sqlite3"
    live.parent.mkdir()
    result = restore(backup, live, now=NOW)
    assert result.set_aside is None and result.safety_backup is None
    assert customer_names(live) == ["José Alvarez", "Zoë Park"]


@pytest.mark.parametrize("make_bad, message", [
    (lambda p: truncate(make_database(p), 0.4), "cut short"),
    (lambda p: (p.write_bytes(b"not a database at all" * 500), p)[1], "not a database"),
    (other_application, "not a Velvet Rope backup"),
    (newer_schema, "newer version"),
])
def test_restore_refuses_bad_files_and_leaves_the_database_alone(
    live: Path, tmp_path: Path, make_bad, message: str
) -> None:
    bad = make_bad(tmp_path / "bad.sqlite3")
    before = live.read_bytes()
    with pytest.raises(RestoreError, match=message):
        restore(bad, live, backup_folder=tmp_path / "b", now=NOW)
    assert live.read_bytes() == before
    assert data_files(live.parent) == [live.name]


def test_restore_refuses_while_another_connection_has_the_database_open(
    live: Path, tmp_path: Path
) -> None:
    backup = make_backup(live, tmp_path / "b", now=NOW - timedelta(days=1))
    other = models.open_database(f"sqlite:///{live}")
    with other() as session:  # another counter, open and idle
        models.find_customers(session, "zoe")
        with pytest.raises(RestoreError, match="still open"):
            _run_with_timeout(lambda: restore(backup.path, live, backup_folder=tmp_path / "b",
                                              now=NOW))
    other.kw["bind"].dispose()
    assert customer_names(live) == ["José Alvarez", "Zoë Park"]
    assert not (live.parent / f".{live.name}.restoring").exists()


def test_set_aside_moves_the_write_ahead_log_along(live: Path) -> None:
    writer = sqlite3.connect(live)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("UPDATE customer SET name = 'Only In The Log' WHERE name = 'Zoë Park'")
    writer.commit()
    # Simulate a crash: copy the files while the log still holds the commit.
    import shutil

    crashed = live.with_name("crashed.sqlite3")
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{live}{suffix}", f"{crashed}{suffix}")
    writer.close()
    aside = set_aside(crashed, label="damaged", now=NOW)
    assert aside is not None and aside.name == "crashed.damaged-2026-11-22T130500.sqlite3"
    assert not crashed.exists() and not Path(f"{crashed}-wal").exists()
    assert Path(f"{aside}-wal").exists()
    assert "Only In The Log" in customer_names(aside)


# ----- before an upgrade -----------------------------------------------------------------------


def test_an_older_database_is_backed_up_before_it_is_upgraded(tmp_path: Path) -> None:
    path = make_old_database(tmp_path / "velvet-rope.sqlite3")
    folder = tmp_path / "chosen-backups"
    sessions = models.open_database(f"sqlite:///{path}", backup_folder=folder)
    sessions.kw["bind"].dispose()
    [backup] = list_backups(folder)
    assert backup.reason == "before-upgrade" and backup.revision == OLD_REVISION
    assert customer_names(backup.path) == ["Old Revision Ollie"]
    assert revision_of(path) == SCHEMA_REVISION


def test_without_a_folder_the_backup_goes_beside_the_database(tmp_path: Path) -> None:
    path = make_old_database(tmp_path / "velvet-rope.sqlite3")
    models.open_database(f"sqlite:///{path}").kw["bind"].dispose()
    assert [b.revision for b in list_backups(tmp_path / "backups")] == [OLD_REVISION]


def test_an_unavailable_backup_folder_falls_back_beside_the_database(tmp_path: Path) -> None:
    path = make_old_database(tmp_path / "velvet-rope.sqlite3")
    missing = tmp_path / "unplugged" / "backups"
    models.open_database(f"sqlite:///{path}", backup_folder=missing).kw["bind"].dispose()
    assert len(list_backups(tmp_path / "backups")) == 1


def test_new_and_current_databases_are_not_backed_up(tmp_path: Path) -> None:
    path = tmp_path / "velvet-rope.sqlite3"
    models.open_database(f"sqlite:///{path}").kw["bind"].dispose()  # brand new
    models.open_database(f"sqlite:///{path}").kw["bind"].dispose()  # current
    assert not (tmp_path / "backups").exists()


def test_a_newer_schema_is_refused_plainly_and_left_alone(tmp_path: Path) -> None:
    path = newer_schema(tmp_path / "velvet-rope.sqlite3")
    before = path.read_bytes()
    with pytest.raises(models.DatabaseError, match="newer version of Velvet Rope"):
        models.open_database(f"sqlite:///{path}")
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_another_applications_database_is_not_filled_with_our_tables(tmp_path: Path) -> None:
    path = other_application(tmp_path / "recipes.sqlite3")
    with pytest.raises(models.DatabaseError, match="another application"):
        models.open_database(f"sqlite:///{path}")
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"recipes", "pantry"}


def test_restore_over_a_damaged_database_keeps_it_aside_untouched(tmp_path: Path) -> None:
    from backup_helpers import corrupt_a_table

    live = corrupt_a_table(tmp_path / "shop" / "velvet-rope.sqlite3")
    damaged = live.read_bytes()
    backup = make_database(tmp_path / "stick" / "vre-2026-11-21T1800.sqlite3")
    result = restore(backup, live, backup_folder=tmp_path / "b", now=NOW)
    assert result.safety_backup is None  # a damaged file cannot be "backed up"
    assert result.set_aside is not None and ".damaged-" in result.set_aside.name
    assert result.set_aside.read_bytes() == damaged
    assert customer_names(live) == ["José Alvarez", "Zoë Park"]
    assert list_backups(tmp_path / "b") == []


def test_a_backup_asked_to_stop_leaves_nothing(live: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from models.backups import BackupCancelled

    calls: list[int] = []

    def report(_done: int, _total: int) -> bool:
        calls.append(1)
        return len(calls) < 2  # stop during the check of the copy

    monkeypatch.setattr(copying, "CHECK_STEPS", 10)  # so this small database is interrupted
    with pytest.raises(BackupCancelled):
        make_backup(live, tmp_path / "b", now=NOW, report=report)
    assert list((tmp_path / "b").iterdir()) == []
    with pytest.raises(ValueError, match="lower-case"):
        make_backup(live, tmp_path / "b", reason="Before Restore!")


def test_check_database_takes_a_url_too(live: Path) -> None:
    assert check_database(f"sqlite:///{live}").ok
    with pytest.raises(BackupError, match="pg_dump"):
        check_database("postgresql+psycopg://shop@db.invalid/shop")
