"""Staff and attribution in the exports and the JSON import: the team (name, role, active;
never a PIN), who logged each visit, wrote or last changed each note, logged each problem and
took each recovery action; and the audit events of exports, imports and restores."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import models
from models import ActionEntry, ProblemReport
from models.audit import find_events
from models.entities import Note, Visit
from models.exporting import export_csv, export_customer, export_json
from models.importing import import_parsed, read_file
from models.problem_entities import Problem, RecoveryAction
from models.staff import (
    Actor,
    Role,
    SignedIn,
    add_staff,
    create_first_owner,
    list_staff,
    needs_first_owner,
    sign_in,
    signed_in_sessions,
    update_staff,
)
from models.staff.entities import StaffMember


def as_person(sessions: models.SessionFactory, staff_id: int, name: str,
              role: Role) -> models.SessionFactory:
    return signed_in_sessions(sessions, SignedIn(Actor(staff_id, name, role)))


def build_team(sessions: models.SessionFactory) -> dict[str, int]:
    """Sam (owner), Jo (clerk, locked out by wrong PINs), Lee (shift lead), Max (clerk, gone);
    Jo checks Kate in, writes a note, logs a problem and remakes the drink; Lee edits Jo's note
    and leaves a handover note."""
    with sessions.begin() as session:
        sam = create_first_owner(session, "Sam", "2468").staff_id
        jo = add_staff(session, "Jo", Role.CLERK, "1357")
        lee = add_staff(session, "Lee", Role.SHIFT_LEAD, "9753")
        max_ = add_staff(session, "Max", Role.CLERK, "8642")
        update_staff(session, max_, active=False)
    for _ in range(6):
        with sessions.begin() as session:
            assert sign_in(session, jo, "0000").actor is None
    assert sam is not None
    as_jo = as_person(sessions, jo, "Jo", Role.CLERK)
    as_lee = as_person(sessions, lee, "Lee", Role.SHIFT_LEAD)
    with as_jo.begin() as session:
        kate = models.create_customer(session, models.CustomerDraft(name="Kate Moreno"))
        models.check_in(session, kate, items="oat flat white")
        note = models.add_note(session, kate, "Loves Lisbon")
        wrong = next(c.id for c in models.list_categories(session) if c.key == "wrong_order")
        models.log_problem(session, kate, ProblemReport(
            what_happened="Dairy instead of oat", category_id=wrong,
            actions=[ActionEntry("remade", "a fresh one")]))
    with as_lee.begin() as session:
        models.update_note(session, note, "Loves Lisbon — ask about the trip")
        models.add_note(session, kate, "Kate's birthday cake is in the fridge", kind="handover")
    return {"sam": sam, "jo": jo, "lee": lee, "max": max_, "kate": kate}


def attribution(sessions: models.SessionFactory) -> dict[str, Any]:
    """Who did what, as stored (whatever the ids)."""
    with sessions() as session:
        return {
            "visits": sorted(session.scalars(select(Visit.logged_by))),
            "notes": sorted(tuple(row) for row in session.execute(
                select(Note.text, Note.kind, Note.author, Note.edited_by))),
            "problems": sorted(session.scalars(select(Problem.logged_by))),
            "actions": sorted(session.scalars(select(RecoveryAction.taken_by))),
        }


@pytest.fixture
def empty_sessions(_migrated_template: Path, tmp_path: Path) -> Any:
    """Another empty, migrated SQLite database."""
    target = tmp_path / "empty.sqlite3"
    shutil.copyfile(_migrated_template, target)
    factory = models.open_database(f"sqlite:///{target}")
    yield factory
    factory.kw["bind"].dispose()


def test_the_json_export_lists_the_team_and_who_did_what_never_a_pin(sessions, tmp_path
                                                                      ) -> None:
    build_team(sessions)
    path = tmp_path / "export.json"
    export_json(sessions, path)
    raw = path.read_text(encoding="utf-8")
    assert "scrypt$" not in raw  # no PIN hash, in any form
    for secret in ("pin", "failed_pins", "locked_until", "last_signed_in_at"):
        assert f'"{secret}"' not in raw
    data = json.loads(raw)
    assert data["staff"] == [
        {"name": "Jo", "role": "clerk", "active": True},
        {"name": "Lee", "role": "shift_lead", "active": True},
        {"name": "Max", "role": "clerk", "active": False},
        {"name": "Sam", "role": "owner", "active": True},
    ]
    [kate] = data["customers"]
    assert [(v["items"], v["logged_by"]) for v in kate["visits"]] == [("oat flat white", "Jo")]
    assert [(n["kind"], n["author"], n["edited_by"]) for n in kate["notes"]] == [
        ("note", "Jo", "Lee"), ("handover", "Lee", "")]
    [problem] = kate["problems"]
    assert problem["logged_by"] == "Jo"
    assert [(a["kind"], a["taken_by"]) for a in problem["actions"]] == [("remade", "Jo")]


def test_export_then_import_into_an_empty_database_keeps_the_team_and_the_authors(
    sessions, empty_sessions, tmp_path
) -> None:
    build_team(sessions)
    path = tmp_path / "export.json"
    export_json(sessions, path)
    with empty_sessions.begin() as session:
        report = import_parsed(session, read_file(path), source_name=path.name)
    assert report.created == 1
    assert attribution(empty_sessions) == attribution(sessions)

    with sessions() as before, empty_sessions() as after:
        def team(session: Any) -> list[tuple[str, Role, bool]]:
            return [(s.name, s.role, s.active) for s in list_staff(session, include_inactive=True)]

        assert team(after) == team(before)
        # Imported without PINs (and without Jo's lock-out): nobody can sign in yet …
        members = list(after.scalars(select(StaffMember)))
        assert {m.pin_hash for m in members} == {""}
        assert {(m.failed_pins, m.locked_until) for m in members} == {(0, None)}
        jo = next(m.id for m in members if m.name == "Jo")
        assert sign_in(after, jo, "1357").actor is None
        # … and the first start still asks the owner to set up their account.
        assert needs_first_owner(after)
        events = [(e.action, e.record_type) for e in find_events(after)]
        assert ("import", "staff") in events and ("import", "customer") in events
    # The owner takes over their imported account (same name) with a new PIN.
    with empty_sessions.begin() as session:
        owner = create_first_owner(session, "sam", "1111")
    assert (owner.name, owner.role) == ("Sam", Role.OWNER)
    with empty_sessions.begin() as session:
        assert not needs_first_owner(session)
        assert sign_in(session, owner.staff_id, "1111").actor == owner  # type: ignore[arg-type]
        assert len(list_staff(session, include_inactive=True)) == 4

    # Exporting the imported shop gives the same file (export time and ids aside).
    again = tmp_path / "again.json"
    export_json(empty_sessions, again)

    def comparable(file: Path) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
        data.pop("exported_at")
        for customer in data["customers"]:
            customer.pop("id")
            for problem in customer["problems"]:
                problem.pop("id")
            for note in customer["notes"]:
                note.pop("updated_at")  # an imported note is as of when it was written
        return data

    assert comparable(again) == comparable(path)


def test_an_import_into_a_shop_with_staff_keeps_theirs(sessions, empty_sessions,
                                                       tmp_path) -> None:
    build_team(sessions)
    path = tmp_path / "export.json"
    export_json(sessions, path)
    with empty_sessions.begin() as session:
        create_first_owner(session, "Sam", "5555")  # the owner set up the new computer first
    with empty_sessions.begin() as session:
        import_parsed(session, read_file(path))
    with empty_sessions() as session:
        members = {m.name: m for m in session.scalars(select(StaffMember))}
        assert sorted(members) == ["Jo", "Lee", "Max", "Sam"]
        assert members["Sam"].pin_hash.startswith("scrypt$")  # their own PIN still works
        assert {members[n].pin_hash for n in ("Jo", "Lee", "Max")} == {""}


def test_an_older_export_with_plain_staff_names_imports_without_accounts(
    sessions, empty_sessions, tmp_path
) -> None:
    with sessions.begin() as session:
        models.create_customer(session, models.CustomerDraft(name="Kate"))
    path = tmp_path / "old.json"
    export_json(sessions, path)
    data = path.read_text(encoding="utf-8").replace('"staff": []', '"staff": ["Sam", "Jo"]')
    path.write_text(data, encoding="utf-8")
    with empty_sessions.begin() as session:
        assert import_parsed(session, read_file(path)).created == 1
    with empty_sessions() as session:
        assert list_staff(session, include_inactive=True) == []


def test_the_csv_export_says_who_logged_the_last_visit_and_wrote_each_note(sessions,
                                                                           tmp_path) -> None:
    build_team(sessions)
    path = tmp_path / "regulars.csv"
    export_csv(sessions, path)
    [kate] = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"),
                                             newline="")))
    assert kate["Notes"] == ("Loves Lisbon — ask about the trip\n\n"
                             "Kate's birthday cake is in the fridge")
    assert kate["Notes by"] == "Jo; Lee"
    assert kate["Last visit logged by"] == "Jo"


def test_a_customers_own_export_names_who_wrote_their_notes(sessions) -> None:
    team = build_team(sessions)
    with sessions.begin() as session:
        mine = export_customer(session, team["kate"])
    assert [(n["author"], n["edited_by"]) for n in mine["notes"]] == [("Jo", "Lee"), ("Lee", "")]
    assert "author" in mine["about"]["notes"]


def test_exports_are_in_the_audit_trail(sessions, tmp_path) -> None:
    team = build_team(sessions)
    owner = as_person(sessions, team["sam"], "Sam", Role.OWNER)
    export_json(owner, tmp_path / "all.json")
    export_csv(owner, tmp_path / "all.csv")
    with owner.begin() as session:
        models.exporting.write_customer_export(session, team["kate"], tmp_path / "kate.json")
    with sessions() as session:
        exports = [e for e in find_events(session, action="export")]
    assert [(e.actor, e.record_id, e.summary) for e in exports] == [
        ("Sam", team["kate"], "one regular's own data (their request)"),
        ("Sam", None, "CSV file all.csv: 1 customer, 1 visit, 2 notes, 1 problem"),
        ("Sam", None, "JSON file all.json: 1 customer, 1 visit, 2 notes, 1 problem"),
    ]


def test_a_restore_is_in_the_restored_databases_audit_trail(tmp_path) -> None:
    from backup_helpers import make_database

    from models.backups import make_backup, restore

    live = make_database(tmp_path / "shop.sqlite3")
    backup = make_backup(live, tmp_path / "backups").path
    restore(backup, live, backup_folder=tmp_path / "safety", actor="Sam")
    sessions = models.open_database(f"sqlite:///{live}")
    try:
        with sessions() as session:
            [event] = find_events(session, action="restore")
    finally:
        sessions.kw["bind"].dispose()
    assert (event.actor, event.record_type) == ("Sam", "database")
    assert event.summary == f"restored the backup {backup.name}"


def test_the_restore_command_signs_its_event(tmp_path, capsys) -> None:
    from backup_helpers import make_database

    from models.backups import make_backup
    from vre_desktop.cli import main

    live = make_database(tmp_path / "shop.sqlite3")
    backup = make_backup(live, tmp_path / "backups").path
    url = f"sqlite:///{live}"
    assert main(["--database-url", url, "restore", str(backup), "--yes"]) == 0
    capsys.readouterr()
    assert main(["--database-url", url, "audit", "--json"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert (events[-1]["actor"], events[-1]["action"]) == ("command line", "restore")
