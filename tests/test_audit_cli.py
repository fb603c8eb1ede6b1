"""`vre-desktop audit`: the trail as a table or JSON, oldest first (the newest next to the
prompt), with --since, --actor and --limit; a bad date is one line and exit code 2."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

import models
from models.audit import record_event
from vre_desktop.cli import main


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def trail(sessions: models.SessionFactory) -> None:
    with sessions.begin() as session:
        record_event(session, "create", actor="Jo", record_type="note", record_id=7,
                     summary="of customer #12", at=at(10, 1))
        record_event(session, "sign_in_failed", actor="Jo", record_type="staff", record_id=2,
                     summary="wrong PIN (1 in a row)", at=at(11, 2))
        record_event(session, "export", actor="Sam", record_type="customer",
                     summary="JSON file regulars.json: 3 customers", at=at(11, 5))
        record_event(session, "restore", signed_by="", record_type="database",
                     summary="restored the backup shop.sqlite3 " + "x" * 80, at=at(11, 6))


def run(database_url: str, *args: str) -> int:
    return main(["--database-url", database_url, "audit", *args])


def test_a_readable_table_newest_last(database_url, trail, capsys) -> None:
    assert run(database_url) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["when", "who", "what", "record", "summary"]
    assert len(lines) == 5
    first, second, third, fourth = lines[1:]
    assert "Jo" in first and "added" in first and "note #7" in first
    assert "wrong PIN" in second and "staff #2" in second
    assert "Sam" in third and "exported" in third and "regulars.json" in third
    assert "—" in fourth and "restored a backup" in fourth and fourth.endswith("…")
    local = at(10, 1).astimezone()
    assert first.startswith(f"{local:%Y-%m-%d %H:%M}")


def test_since_a_day_keeps_the_later_events(database_url, trail, capsys) -> None:
    assert run(database_url, "--since", "2026-11-03") == 0
    out = capsys.readouterr().out
    assert "exported" in out and "restored a backup" in out
    assert "wrong PIN" not in out and "note #7" not in out


def test_json_is_an_array_oldest_first(database_url, trail, capsys) -> None:
    assert run(database_url, "--json", "--since", "2026-10-15") == 0
    events = json.loads(capsys.readouterr().out)
    assert [e["action"] for e in events] == ["sign_in_failed", "export", "restore"]
    assert events[0] == {
        "at": "2026-11-02T12:00:00+00:00", "actor": "Jo", "action": "sign_in_failed",
        "what": "wrong PIN", "record_type": "staff", "record_id": 2,
        "summary": "wrong PIN (1 in a row)",
    }


def test_actor_ignores_case_and_limit_keeps_the_newest(database_url, trail, capsys) -> None:
    assert run(database_url, "--actor", "jo", "--json") == 0
    assert [e["actor"] for e in json.loads(capsys.readouterr().out)] == ["Jo", "Jo"]
    assert run(database_url, "--limit", "2", "--json") == 0
    assert [e["action"] for e in json.loads(capsys.readouterr().out)] == ["export", "restore"]
    assert run(database_url, "--actor", "Nobody") == 0
    assert capsys.readouterr().out == "No audit events by Nobody.\n"


def test_an_empty_trail_says_so(database_url, capsys) -> None:
    assert run(database_url, "--since", "2026-11-01") == 0
    assert capsys.readouterr().out == "No audit events since 2026-11-01.\n"


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "01/11/2026"])
def test_a_bad_date_is_one_plain_line_and_exit_code_2(database_url, capsys, value) -> None:
    with pytest.raises(SystemExit) as stopped:
        run(database_url, "--since", value)
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"vre-desktop audit: argument --since: {value!r} is not a date like 2026-11-01 "
        "(see vre-desktop audit --help)"]


def test_the_events_of_export_and_import_are_in_the_trail(database_url, sessions, tmp_path,
                                                          capsys) -> None:
    """The audit command sees what the other commands did (through their real code)."""
    with sessions.begin() as session:
        models.create_customer(session, models.CustomerDraft(name="Kate"))
    target = tmp_path / "regulars.json"
    assert main(["--database-url", database_url, "export", str(target)]) == 0
    capsys.readouterr()
    assert run(database_url, "--json") == 0
    events = json.loads(capsys.readouterr().out)
    assert [(e["actor"], e["action"], e["record_type"]) for e in events] == [
        ("command line", "create", "customer"), ("command line", "export", "customer")]
    assert events[-1]["summary"] == (
        "JSON file regulars.json: 1 customer, 0 visits, 0 notes, 0 problems")
