"""vre-desktop backup / restore / check: plain output, one-line errors, honest exit codes."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from backup_helpers import (
    OLD_REVISION,
    corrupt_a_table,
    customer_names,
    data_files,
    make_database,
    make_old_database,
    newer_schema,
    random_bytes,
    revision_of,
    truncate,
)

from models.backups import list_backups, make_backup
from models.base import utcnow
from models.database import SCHEMA_REVISION
from vre_desktop.cli import main


@pytest.fixture
def live(tmp_path: Path) -> Path:
    return make_database(tmp_path / "shop" / "velvet-rope.sqlite3")


@pytest.fixture
def url(live: Path) -> str:
    return f"sqlite:///{live}"


@pytest.fixture(autouse=True)
def backup_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "backup-folder"
    monkeypatch.setenv("VRE_BACKUP_DIR", str(folder))
    return folder


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# ----- backup ----------------------------------------------------------------------------------


def test_backup_into_the_backup_folder_and_rotate(url: str, backup_folder: Path,
                                                  capsys) -> None:
    assert main(["--database-url", url, "backup"]) == 0
    out = capsys.readouterr().out
    [backup] = list_backups(backup_folder)
    assert f"to {backup.path}" in out and "integrity verified" in out
    assert f"schema {SCHEMA_REVISION}" in out
    assert "1 backups kept" in out and "7 daily, 4 weekly, 12 monthly" in out


def test_backup_into_a_chosen_folder(url: str, tmp_path: Path, backup_folder: Path,
                                     capsys) -> None:
    dest = tmp_path / "usb"
    assert main(["--database-url", url, "backup", str(dest)]) == 0
    [backup] = list_backups(dest)
    assert backup.reason == "manual"
    assert customer_names(backup.path) == ["José Alvarez", "Zoë Park"]
    assert not backup_folder.exists()  # the usual folder is left alone
    assert "kept" not in capsys.readouterr().out  # no rotation in a folder given by hand


def test_backup_errors_are_one_plain_line(url: str, tmp_path: Path, capsys) -> None:
    assert main(["--database-url", url, "backup", str(tmp_path / "no" / "such" / "drive")]) == 1
    assert "plugged in" in _one_error_line(capsys.readouterr().err)
    missing = f"sqlite:///{tmp_path / 'nothing.sqlite3'}"
    assert main(["--database-url", missing, "backup"]) == 1
    assert "no database" in _one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("command", [["backup"], ["check"], ["restore", "x.sqlite3", "--yes"]])
def test_postgres_urls_are_pointed_at_pg_dump(command: list[str], capsys) -> None:
    pg = "postgresql+psycopg://shop@db.invalid/shop"
    assert main(["--database-url", pg, *command]) == 1
    assert "pg_dump" in _one_error_line(capsys.readouterr().err)


# ----- check ---------------------------------------------------------------------------------


def test_check_prints_integrity_schema_and_counts(url: str, capsys) -> None:
    assert main(["--database-url", url, "check"]) == 0
    out = capsys.readouterr().out
    assert "Integrity: ok (integrity_check" in out
    assert f"Schema:    {SCHEMA_REVISION} (this version: {SCHEMA_REVISION})" in out
    assert "customer" in out and "No problems found." in out
    assert [line.split() for line in out.splitlines() if line.strip().startswith("customer ")
            ] == [["customer", "2"]]
    assert main(["--database-url", url, "check", "--quick"]) == 0
    assert "(quick_check" in capsys.readouterr().out


@pytest.mark.parametrize("make_bad, words", [
    (lambda p: truncate(make_database(p), 0.5), "cut short"),
    (random_bytes, "not a database"),
    (newer_schema, "newer version"),
    (corrupt_a_table, "damaged"),
    (make_old_database, OLD_REVISION),
])
def test_check_exits_non_zero_on_any_problem(tmp_path: Path, make_bad, words: str,
                                             capsys) -> None:
    path = make_bad(tmp_path / "velvet-rope.sqlite3")
    assert main(["--database-url", f"sqlite:///{path}", "check"]) == 1
    out = capsys.readouterr().out
    assert "Problem:" in out and words in out


def test_check_of_a_missing_file_fails(tmp_path: Path, capsys) -> None:
    assert main(["--database-url", f"sqlite:///{tmp_path / 'gone.sqlite3'}", "check"]) == 1
    assert "There is no database" in capsys.readouterr().out
    assert not (tmp_path / "gone.sqlite3").exists()  # checking never creates it


# ----- restore -------------------------------------------------------------------------------


def test_restore_with_yes(url: str, live: Path, tmp_path: Path, backup_folder: Path,
                          capsys) -> None:
    old = make_old_database(tmp_path / "stick" / "vre-2026-01-05T0900.sqlite3")
    assert main(["--database-url", url, "restore", str(old), "--yes"]) == 0
    out = capsys.readouterr().out
    assert f"schema {OLD_REVISION}, upgraded to {SCHEMA_REVISION} when restored" in out
    assert "1 regulars" in out
    assert "The previous database was kept as" in out
    assert customer_names(live) == ["Old Revision Ollie"]
    assert revision_of(live) == SCHEMA_REVISION
    [safety] = list_backups(backup_folder)
    assert safety.reason == "before-restore"
    assert customer_names(safety.path) == ["José Alvarez", "Zoë Park"]


def test_restore_without_yes_and_no_terminal_refuses(url: str, live: Path, tmp_path: Path,
                                                     capsys, monkeypatch) -> None:
    backup = make_backup(live, tmp_path / "b", now=utcnow() - timedelta(days=1))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    assert main(["--database-url", url, "restore", str(backup.path)]) == 1
    assert "add --yes" in _one_error_line(capsys.readouterr().err)
    assert data_files(live.parent) == [live.name]


def test_restore_answered_no_changes_nothing(url: str, live: Path, tmp_path: Path, capsys,
                                            monkeypatch) -> None:
    backup = make_backup(live, tmp_path / "b", now=utcnow() - timedelta(days=1))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda _prompt: "no")
    assert main(["--database-url", url, "restore", str(backup.path)]) == 1
    assert "Nothing was changed." in capsys.readouterr().out
    assert data_files(live.parent) == [live.name]


@pytest.mark.parametrize("make_bad, words", [
    (random_bytes, "not a database"),
    (newer_schema, "newer version"),
    (lambda p: truncate(make_database(p), 0.5), "cut short"),
])
def test_restore_refuses_bad_files_in_one_line(url: str, live: Path, tmp_path: Path, make_bad,
                                               words: str, capsys) -> None:
    bad = make_bad(tmp_path / "bad.sqlite3")
    before = live.read_bytes()
    assert main(["--database-url", url, "restore", str(bad), "--yes"]) == 1
    assert words in _one_error_line(capsys.readouterr().err)
    assert live.read_bytes() == before


def test_a_real_process_exits_non_zero_without_a_traceback(tmp_path: Path) -> None:
    bad = random_bytes(tmp_path / "velvet-rope.sqlite3")
    result = subprocess.run(
        [sys.executable, "-m", "vre_desktop", "--database-url", f"sqlite:///{bad}", "check"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 1
    assert "not a database" in result.stdout and "Traceback" not in result.stderr


def test_the_backup_folder_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vre_desktop import paths

    monkeypatch.setattr(paths, "config_dir", lambda: tmp_path / "config")
    database = f"sqlite:///{tmp_path / 'data' / 'velvet-rope.sqlite3'}"
    assert paths.backup_dir(database) == tmp_path / "backup-folder"  # VRE_BACKUP_DIR wins
    monkeypatch.delenv("VRE_BACKUP_DIR")
    assert paths.backup_dir(database) == tmp_path / "data" / "backups"  # beside the database
    paths.save_backup_dir(tmp_path / "usb")
    assert paths.saved_backup_dir() == tmp_path / "usb"
    assert paths.backup_dir(database) == tmp_path / "usb"
    paths.save_backup_dir(None)
    assert paths.backup_dir(database) == tmp_path / "data" / "backups"
    assert paths.backup_dir("postgresql+psycopg://shop@db.invalid/shop") is None
