"""Damaged database files at start-up: each kind is recognised, said plainly, never changed in
place; the damaged file is kept aside only when the owner agrees, and the newest good backup is
offered."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from backup_helpers import (
    corrupt_a_table,
    customer_names,
    data_files,
    make_database,
    make_old_database,
    newer_schema,
    other_application,
    random_bytes,
    truncate,
)
from PySide6.QtWidgets import QPushButton

from models.backups import (
    FileKind,
    inspect_database_file,
    list_backups,
    make_backup,
)
from ui.damaged_database_dialog import DamagedDatabaseDialog, StartupChoice
from vre_desktop import startup_check

NOW = datetime(2026, 11, 22, 13, 5).astimezone()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


DAMAGED = {
    "truncated": (lambda p: truncate(make_database(p), 0.5), FileKind.TRUNCATED, "cut short"),
    "cut in the header": (lambda p: truncate(make_database(p), 0.001), FileKind.TRUNCATED,
                          "cut short"),
    "random bytes": (random_bytes, FileKind.NOT_A_DATABASE, "not a database file"),
    "another application": (other_application, FileKind.FOREIGN, "another application"),
    "newer schema": (newer_schema, FileKind.NEWER, "newer version of Velvet Rope"),
    "integrity failure": (corrupt_a_table, FileKind.DAMAGED, "damaged"),
}


@pytest.mark.parametrize("kind", list(DAMAGED))
def test_each_kind_of_damaged_file_is_recognised_and_left_as_it_is(
    tmp_path: Path, kind: str
) -> None:
    make, expected, words = DAMAGED[kind]
    path = make(tmp_path / "velvet-rope.sqlite3")
    before = _digest(path)
    state = inspect_database_file(path, check="quick")
    assert state.kind is expected, state
    assert not state.usable
    assert words in state.message and "velvet-rope.sqlite3" in state.message
    assert "Traceback" not in state.message and "\n" not in state.message
    assert _digest(path) == before
    assert data_files(tmp_path) == ["velvet-rope.sqlite3"]


def test_usable_files(tmp_path: Path) -> None:
    assert inspect_database_file(tmp_path / "none.sqlite3").kind is FileKind.MISSING
    (tmp_path / "empty.sqlite3").touch()
    assert inspect_database_file(tmp_path / "empty.sqlite3").kind is FileKind.EMPTY
    good = inspect_database_file(make_database(tmp_path / "good.sqlite3"))
    assert good.kind is FileKind.OK and good.usable and good.integrity == ["ok"]
    assert good.check == "quick"
    old = inspect_database_file(make_old_database(tmp_path / "old.sqlite3"))
    assert old.kind is FileKind.OLDER and old.usable
    # Checking never leaves files behind.
    assert data_files(tmp_path) == ["empty.sqlite3", "good.sqlite3", "old.sqlite3"]


def test_the_integrity_failure_names_what_sqlite_found(tmp_path: Path) -> None:
    state = inspect_database_file(corrupt_a_table(tmp_path / "v.sqlite3"), check="full")
    assert state.kind is FileKind.DAMAGED and state.check == "full"
    assert state.integrity and state.integrity[0] != "ok"
    assert state.detail in state.message


# ----- what the app does at start-up (vre_desktop/startup_check.py) ---------------------------


def test_a_healthy_or_new_database_needs_no_question(tmp_path: Path) -> None:
    assert startup_check.needs_attention(tmp_path / "new.sqlite3") is None
    assert startup_check.needs_attention(make_database(tmp_path / "ok.sqlite3")) is None


def test_big_files_skip_the_quick_check_before_the_window(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = corrupt_a_table(tmp_path / "v.sqlite3")
    assert startup_check.needs_attention(path) is not None
    monkeypatch.setattr(startup_check, "QUICK_CHECK_LIMIT_BYTES", 1024)
    # Structural checks still run at once; the page-by-page check is left to the background.
    assert startup_check.needs_attention(path) is None
    assert startup_check.needs_attention(random_bytes(tmp_path / "r.sqlite3")) is not None


def test_restoring_the_newest_good_backup_keeps_the_damaged_file_aside(tmp_path: Path) -> None:
    live = tmp_path / "velvet-rope.sqlite3"
    folder = tmp_path / "backups"
    make_database(live)
    make_backup(live, folder, now=NOW - timedelta(days=1))
    random_bytes(live)
    damaged_bytes = live.read_bytes()
    state = startup_check.needs_attention(live)
    assert state is not None
    offer = startup_check.offered_backup(live, folder)
    assert offer is not None
    message = startup_check.act(StartupChoice.RESTORE, state, offer, now=NOW)
    assert "restored" in message.lower()
    assert customer_names(live) == ["José Alvarez", "Zoë Park"]
    [aside] = [p for p in tmp_path.glob("*.sqlite3") if ".damaged-" in p.name]
    assert aside.read_bytes() == damaged_bytes  # kept exactly as it was
    assert len(list_backups(folder)) == 1  # a damaged file is not "backed up"


def test_starting_empty_moves_the_damaged_file_aside(tmp_path: Path) -> None:
    live = other_application(tmp_path / "velvet-rope.sqlite3")
    state = startup_check.needs_attention(live)
    assert state is not None
    startup_check.act(StartupChoice.START_EMPTY, state, None, now=NOW)
    assert not live.exists()
    [aside] = [p for p in tmp_path.glob("velvet-rope.*.sqlite3")]
    with sqlite3.connect(aside) as db:
        assert db.execute("SELECT title FROM recipes").fetchone() == ("Shakshuka",)


def test_quitting_changes_nothing(tmp_path: Path) -> None:
    live = truncate(make_database(tmp_path / "velvet-rope.sqlite3"), 0.5)
    before = _digest(live)
    state = startup_check.needs_attention(live)
    assert state is not None
    startup_check.act(StartupChoice.QUIT, state, None, now=NOW)
    assert _digest(live) == before and data_files(tmp_path) == [live.name]


# ----- the dialog --------------------------------------------------------------------------------


def _dialog(qtbot, tmp_path: Path, make=random_bytes, with_backup: bool = True):
    live = tmp_path / "velvet-rope.sqlite3"
    backup = None
    if with_backup:
        make_database(live)
        backup = make_backup(live, tmp_path / "backups", now=NOW - timedelta(days=1))
    make(live)
    state = inspect_database_file(live)
    dialog = DamagedDatabaseDialog(state, backup)
    qtbot.addWidget(dialog)
    return dialog


def test_the_dialog_says_what_is_wrong_and_offers_the_backup(qtbot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, tmp_path)
    assert "not a database file" in dialog.message.text()
    assert "2026" in dialog.backup_label.text()
    restore = dialog.findChild(QPushButton, "restoreBackupButton")
    assert restore is not None and restore.isEnabled()
    assert restore.accessibleName()
    restore.click()
    assert dialog.choice is StartupChoice.RESTORE


def test_quit_is_the_safe_default(qtbot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, tmp_path, with_backup=False)
    assert dialog.findChild(QPushButton, "restoreBackupButton") is None
    assert "No backup" in dialog.backup_label.text()
    dialog.show()
    dialog.reject()  # Esc
    assert dialog.choice is StartupChoice.QUIT


def test_a_newer_schema_is_not_offered_an_empty_start(qtbot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, tmp_path, make=newer_schema)
    assert dialog.findChild(QPushButton, "startEmptyButton") is None
    assert "newer version" in dialog.message.text()
    dialog.grab().save(str(tmp_path / "damaged.png"))


def test_an_unreadable_file_is_only_offered_quit(qtbot, tmp_path: Path) -> None:
    from models.backups import FileState

    path = make_database(tmp_path / "velvet-rope.sqlite3")
    state = FileState(path, FileKind.UNREADABLE, "velvet-rope.sqlite3 is locked by another "
                      "program; close it and try again.")
    backup = make_backup(path, tmp_path / "backups", now=NOW)
    dialog = DamagedDatabaseDialog(state, backup)
    qtbot.addWidget(dialog)
    assert dialog.findChild(QPushButton, "restoreBackupButton") is None
    assert dialog.findChild(QPushButton, "startEmptyButton") is None
    assert "locked" in dialog.message.text()
