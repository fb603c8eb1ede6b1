"""Exporting every regular (JSON and CSV), one regular's own data, and reading our JSON export
back into an empty database with the whole history."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import models
from models import ActionEntry, FollowUpEntry, ProblemReport, TeammateEntry
from models.database import SCHEMA_REVISION
from models.entities import Customer, Note, SearchDocument, Visit
from models.exporting import (
    CSV_COLUMNS,
    ExportCancelled,
    export_csv,
    export_customer,
    export_json,
    iso,
    neutralise_cell,
    write_customer_export,
)
from models.importing.history import HistoryCounts, write_histories, write_history
from models.importing.records import CustomerHistory, ImportRecord
from models.importing.vre_json import JsonImportError, read_json
from models.insights import record_fix
from models.problem_entities import ProblemCategory
from models.search.documents import refresh_document

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
ADDED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
VISIT_1 = datetime(2026, 10, 1, 8, 15, 30, 250000, tzinfo=UTC)
VISIT_2 = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
PROBLEM_AT = datetime(2026, 11, 3, 12, 5, tzinfo=UTC)
SAFETY_AT = datetime(2026, 9, 14, 17, 45, tzinfo=UTC)
NOTE_AT = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)
DONE_AT = datetime(2026, 11, 6, 16, 0, tzinfo=UTC)


def category_id(session: Any, key: str) -> int:
    return next(c.id for c in models.list_categories(session, include_retired=True)
                if c.key == key)


@dataclasses.dataclass
class Shop:
    kate: int
    plain: int
    forgotten: int
    wrong_order: int  # Kate's resolved problem
    safety: int  # Kate's open allergen problem


def build_shop(sessions: models.SessionFactory) -> Shop:
    """Kate with everything the app can store about a regular, a plain regular, a forgotten one
    and a shop setting."""
    with sessions.begin() as session:
        kate = models.create_customer(session, models.CustomerDraft(
            name="Kate Moreno", goes_by="Kat", phone="+1 555 0100", email="kate@example.com",
            description="green scarf, corgi called Toast", usuals=["oat flat white", "croissant"],
            preferences=["extra hot"], allergies=["walnuts"], talking_points=["Lisbon trip"],
            tags=["corgi", "regular"], birthday_month=3, birthday_day=14, birthday_year=1990,
            consent_given=True,
        ), now=ADDED)
        customer = session.get(Customer, kate)
        assert customer is not None
        customer.consent_by, customer.earlier_visits = "Sam", 4
        models.check_in(session, kate, items="oat flat white", at=VISIT_1)
        models.check_in(session, kate, at=VISIT_2)
        models.add_note(session, kate, "Loves hearing about Lisbon — ask!", pinned=True,
                        now=NOTE_AT)
        models.add_note(session, kate, "Prefers the window seat", now=NOTE_AT + timedelta(days=1))
        wrong_order = models.log_problem(session, kate, ProblemReport(
            what_happened="Oat flat white came with dairy milk",
            subject="oat flat white", customer_words="I asked for oat!",
            fair_fix="A fresh one", category_id=category_id(session, "wrong_order"),
            severity="major", handled_by="Sam", occurred_at=PROBLEM_AT,
            actions=[ActionEntry("remade", "new oat flat white"),
                     ActionEntry("value_add", "free almond croissant", 375)],
            outcome="happy", resolved=True,
            follow_up=FollowUpEntry("Ask how today's was", date(2026, 11, 10)),
            teammate=TeammateEntry("Jo", "Kate was upset with Jo"),
        ), now=PROBLEM_AT + timedelta(minutes=10))
        safety = models.log_problem(session, kate, ProblemReport(
            what_happened="Walnut crumbs on the muffin", category_id=category_id(
                session, "product_quality"), allergen_or_illness=True, handled_by="Ana",
            occurred_at=SAFETY_AT, actions=[ActionEntry("refund", "", 450)], outcome="okay",
        ), now=SAFETY_AT)
        [follow_up] = models.open_follow_ups(session, customer_id=kate)
        models.complete_follow_up(session, follow_up.id, "She loved it", by="Ana", now=DONE_AT)
        [check_in] = models.open_teammate_check_ins(session)
        models.complete_teammate_check_in(session, check_in.id, by="Lee", note="Jo is fine",
                                          now=DONE_AT)
        models.add_follow_up(session, kate, "Save her a croissant", date(2026, 11, 25),
                             by="Lee", now=NOW)
        models.save_problem_draft(session, kate, ProblemReport(
            what_happened="Waited 20 minutes", category_id=category_id(session, "wait_time"),
        ), now=NOW)
        models.set_setting(session, models.LAST_TIME_DAYS, 120)
        record_fix(session, category_id(session, "wait_time"), "A second grinder at the rush",
                   date(2026, 10, 1), recorded_by="Sam", now=DONE_AT)

        plain = models.create_customer(
            session, models.CustomerDraft(description="tall, red fixie"), now=ADDED)
        models.check_in(session, plain, at=VISIT_1)

        forgotten = models.create_customer(
            session, models.CustomerDraft(name="Forget Me", phone="555 0199"), now=ADDED)
        models.check_in(session, forgotten, items="espresso", at=VISIT_2)
        models.add_note(session, forgotten, "secret", now=NOTE_AT)
        gone = session.get(Customer, forgotten)
        assert gone is not None
        gone.name, gone.phone, gone.forgotten_at = "", "", NOW
    return Shop(kate, plain, forgotten, wrong_order, safety)


@pytest.fixture
def second_sessions(_migrated_template: Path, tmp_path: Path) -> Any:
    """Another empty, migrated SQLite database."""
    target = tmp_path / "second.sqlite3"
    shutil.copyfile(_migrated_template, target)
    factory = models.open_database(f"sqlite:///{target}")
    yield factory
    factory.kw["bind"].dispose()


def export_data(sessions: models.SessionFactory, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "export.json"
    export_json(sessions, path)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# --- JSON ------------------------------------------------------------------------------------


def test_the_json_export_holds_every_field_of_a_regular(any_sessions, tmp_path) -> None:
    shop = build_shop(any_sessions)
    path = tmp_path / "export.json"
    summary = export_json(any_sessions, path)
    assert (summary.customers, summary.visits, summary.notes, summary.problems) == (3, 4, 2, 2)
    assert summary.path == path
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "velvet-rope-export"
    assert data["version"] == 1
    assert data["schema_revision"] == SCHEMA_REVISION
    assert data["exported_at"].endswith("Z")
    assert data["settings"] == {"last_time_days": 120}
    assert data["staff"] == []  # accounts (see tests/test_export_staff.py)
    assert data["staff_names"] == ["Ana", "Jo", "Lee", "Sam"]
    assert data["process_fixes"] == [{
        "category_key": "wait_time", "category": "Wait time",
        "what_changed": "A second grinder at the rush", "fixed_on": "2026-10-01",
        "recorded_by": "Sam", "created_at": iso(DONE_AT)}]
    assert {"key": "wrong_order", "name": "Wrong or remade order", "retired": False} \
        .items() <= next(c for c in data["categories"] if c["key"] == "wrong_order").items()
    kate = next(c for c in data["customers"] if c["id"] == shop.kate)
    problem_ids = [p["id"] for p in kate["problems"]]
    assert kate == {
        "id": shop.kate,
        "name": "Kate Moreno",
        "goes_by": "Kat",
        "phone": "+1 555 0100",
        "email": "kate@example.com",
        "description": "green scarf, corgi called Toast",
        "usuals": ["oat flat white", "croissant"],
        "preferences": ["extra hot"],
        "allergies": ["walnuts"],
        "talking_points": ["Lisbon trip"],
        "tags": ["corgi", "regular"],
        "birthday_month": 3, "birthday_day": 14, "birthday_year": 1990,
        "consent_given": True,
        "consent_at": "2026-03-02T09:30:00Z",
        "consent_by": "Sam",
        "do_not_remember": False,
        "do_not_remember_at": None,
        "forgotten_at": None,
        "earlier_visits": 4,
        "created_at": "2026-03-02T09:30:00Z",
        "updated_at": kate["updated_at"],
        "visits": [{"at": "2026-10-01T08:15:30.250000Z", "items": "oat flat white",
                    "logged_by": "command line"},
                   {"at": "2026-11-03T12:00:00Z", "items": "", "logged_by": "command line"}],
        "notes": [
            {"text": "Loves hearing about Lisbon — ask!", "pinned": True, "source": "",
             "kind": "note", "author": "command line", "edited_by": "",
             "created_at": "2026-04-01T10:00:00Z", "updated_at": "2026-04-01T10:00:00Z"},
            {"text": "Prefers the window seat", "pinned": False, "source": "",
             "kind": "note", "author": "command line", "edited_by": "",
             "created_at": "2026-04-02T10:00:00Z", "updated_at": "2026-04-02T10:00:00Z"},
        ],
        "problems": [
            {"id": shop.safety, "category": "Product quality", "category_key": "product_quality",
             "occurred_at": "2026-09-14T17:45:00Z", "subject": "",
             "what_happened": "Walnut crumbs on the muffin", "customer_words": "",
             "fair_fix": "", "severity": "safety", "allergen_or_illness": True,
             "handled_by": "Ana", "logged_by": "command line", "outcome": "okay",
             "status": "open", "resolved_by": "",
             "resolved_at": None, "created_at": "2026-09-14T17:45:00Z",
             "updated_at": "2026-09-14T17:45:00Z",
             "actions": [{"kind": "refund", "details": "", "cost_cents": 450,
                          "taken_at": "2026-09-14T17:45:00Z", "taken_by": "command line"}],
             "teammate_check_ins": []},
            {"id": shop.wrong_order, "category": "Wrong or remade order",
             "category_key": "wrong_order", "occurred_at": "2026-11-03T12:05:00Z",
             "subject": "oat flat white", "what_happened": "Oat flat white came with dairy milk",
             "customer_words": "I asked for oat!", "fair_fix": "A fresh one",
             "severity": "major", "allergen_or_illness": False, "handled_by": "Sam",
             "logged_by": "command line", "outcome": "happy", "status": "resolved",
             "resolved_by": "Sam",
             "resolved_at": "2026-11-03T12:15:00Z", "created_at": "2026-11-03T12:15:00Z",
             "updated_at": "2026-11-03T12:15:00Z",
             "actions": [
                 {"kind": "remade", "details": "new oat flat white", "cost_cents": None,
                  "taken_at": "2026-11-03T12:05:00Z", "taken_by": "command line"},
                 {"kind": "value_add", "details": "free almond croissant", "cost_cents": 375,
                  "taken_at": "2026-11-03T12:05:00Z", "taken_by": "command line"}],
             "teammate_check_ins": [
                 {"teammate": "Jo", "reason": "Kate was upset with Jo", "flagged_by": "Sam",
                  "created_at": "2026-11-03T12:15:00Z", "done_at": "2026-11-06T16:00:00Z",
                  "done_by": "Lee", "done_note": "Jo is fine"}]},
        ],
        "follow_ups": [
            {"problem": shop.wrong_order, "task": "Ask how today's was", "due_on": "2026-11-10",
             "created_by": "Sam", "created_at": "2026-11-03T12:15:00Z",
             "done_at": "2026-11-06T16:00:00Z", "done_by": "Ana", "result": "She loved it"},
            {"problem": None, "task": "Save her a croissant", "due_on": "2026-11-25",
             "created_by": "Lee", "created_at": "2026-11-20T15:00:00Z", "done_at": None,
             "done_by": "", "result": ""},
        ],
        "problem_draft": {
            "saved_at": "2026-11-20T15:00:00Z", "category": "Wait time",
            "category_key": "wait_time", "payload": kate["problem_draft"]["payload"]},
    }
    assert problem_ids == [shop.safety, shop.wrong_order]
    assert kate["problem_draft"]["payload"]["what_happened"] == "Waited 20 minutes"


def test_a_forgotten_regular_stays_in_the_json_as_an_anonymous_row(sessions, tmp_path) -> None:
    shop = build_shop(sessions)
    data = export_data(sessions, tmp_path)
    gone = next(c for c in data["customers"] if c["id"] == shop.forgotten)
    assert gone["forgotten_at"] == "2026-11-20T15:00:00Z"
    assert (gone["name"], gone["phone"], gone["notes"]) == ("", "", [])
    assert gone["visits"] == [{"at": "2026-11-03T12:00:00Z", "items": "",
                               "logged_by": "command line"}]  # staff, not the customer
    assert "secret" not in json.dumps(data) and "espresso" not in json.dumps(data)


def test_the_export_is_one_regular_per_line_whatever_the_batch_size(
    sessions, tmp_path, monkeypatch
) -> None:
    build_shop(sessions)
    with sessions.begin() as session:
        for n in range(4):
            models.create_customer(session, models.CustomerDraft(name=f"Extra {n}"))
    whole = export_data(sessions, tmp_path)
    monkeypatch.setattr("models.exporting.BATCH_CUSTOMERS", 2)
    seen: list[tuple[int, int]] = []
    path = tmp_path / "small.json"
    export_json(sessions, path, progress=lambda done, total: seen.append((done, total)) is None)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert sum(line.startswith('{"id": ') for line in lines) == 7
    small = json.loads(path.read_text(encoding="utf-8"))
    assert [c for c in small["customers"]] == [c for c in whole["customers"]]
    assert seen == [(0, 7), (2, 7), (4, 7), (6, 7), (7, 7)]


def test_a_cancelled_export_leaves_no_file(sessions, tmp_path, monkeypatch) -> None:
    build_shop(sessions)
    monkeypatch.setattr("models.exporting.BATCH_CUSTOMERS", 1)
    folder = tmp_path / "out"
    folder.mkdir()
    for export in (export_json, export_csv):
        with pytest.raises(ExportCancelled):
            export(sessions, folder / "export", progress=lambda done, total: done < 2)
        assert list(folder.iterdir()) == []


def test_a_failed_export_keeps_the_previous_file(sessions, tmp_path) -> None:
    build_shop(sessions)
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "export.json"
    path.write_text("the previous export", encoding="utf-8")

    def fail(done: int, total: int) -> bool:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        export_json(sessions, path, progress=fail)
    assert path.read_text(encoding="utf-8") == "the previous export"
    assert [p.name for p in path.parent.iterdir()] == ["export.json"]


# --- reading it back -------------------------------------------------------------------------


def import_into(sessions: models.SessionFactory, records: list[ImportRecord], *,
                batch: bool = False) -> tuple[dict[str, int], HistoryCounts]:
    """What the importer does with a JSON record: the profile, the extra columns, the notes,
    then the history (one regular at a time, or all at once). Returns {source id: new id} and
    the history counts."""
    ids: dict[str, int] = {}
    total = HistoryCounts()
    categories: dict[str, int] = {}
    histories = []
    with sessions.begin() as session:
        for record in records:
            assert record.history is not None
            if record.history.forgotten_at is not None:
                customer = Customer(created_at=record.created_at, visit_count=0,
                                    forgotten_at=record.history.forgotten_at)
                session.add(customer)
                session.flush()
                new_id = customer.id
            else:
                new_id = models.create_customer(session, models.CustomerDraft(
                    **{f.name: getattr(record, f.name)
                       for f in dataclasses.fields(models.CustomerDraft)}
                ), now=record.created_at)
                customer = session.get(Customer, new_id)
                assert customer is not None
                customer.consent_at, customer.consent_by = record.consent_at, record.consent_by
                customer.do_not_remember = record.do_not_remember
                customer.do_not_remember_at = record.history.do_not_remember_at
                for note in record.notes:
                    session.add(Note(customer_id=new_id, text=note.text, pinned=note.pinned,
                                     source=note.source, created_at=note.created_at,
                                     updated_at=note.created_at))
            if batch:
                histories.append((new_id, record.history))
            else:
                total += write_history(session, new_id, record.history, categories=categories)
            ids[record.source_id] = new_id
        if batch:
            total = write_histories(session, histories, categories=categories)
    return ids, total


def comparable_timeline(session: Any, customer_id: int) -> list[tuple[Any, ...]]:
    return [(e.kind, e.at, e.title, e.detail, e.severity, e.problem_id is None)
            for e in models.load_timeline(session, customer_id)]


def comparable_card(session: Any, customer_id: int) -> dict[str, Any]:
    card = models.load_card(session, customer_id, now=NOW)
    values = dataclasses.asdict(card)
    values.pop("id")
    for note in (*values["pinned_notes"], *values["recent_notes"]):
        note.pop("id")
    for problem in values["last_time"]:
        problem.pop("problem_id")
    for follow_up in values["follow_ups"]:
        follow_up.pop("id"), follow_up.pop("customer_id"), follow_up.pop("problem_id")
    return values


@pytest.mark.parametrize("batch", [False, True], ids=["one_by_one", "batch"])
def test_an_export_read_back_into_an_empty_database_shows_the_same_regulars(
    any_sessions, second_sessions, tmp_path, batch: bool
) -> None:
    shop = build_shop(any_sessions)
    path = tmp_path / "export.json"
    export_json(any_sessions, path)
    parsed = read_json(path.read_bytes())
    assert (parsed.format, parsed.format_label) == ("json", "Velvet Rope export (JSON)")
    assert parsed.skipped == []
    assert [r.line for r in parsed.records] == [1, 2, 3]
    kate_record = next(r for r in parsed.records if r.source_id == str(shop.kate))
    assert (kate_record.first_visit, kate_record.last_visit, kate_record.visit_count) == (
        None, None, None)
    assert kate_record.history is not None and kate_record.history.earlier_visits == 4

    ids, counts = import_into(second_sessions, parsed.records, batch=batch)
    assert counts == HistoryCounts(visits=4, problems=2, actions=3, teammate_check_ins=1,
                                   follow_ups=2, problem_drafts=1)
    for old_id in (shop.kate, shop.plain):
        new_id = ids[str(old_id)]
        with any_sessions() as before, second_sessions() as after:
            assert comparable_timeline(after, new_id) == comparable_timeline(before, old_id)
            assert comparable_card(after, new_id) == comparable_card(before, old_id)
            assert models.load_draft(after, new_id) == models.load_draft(before, old_id)
    with second_sessions() as session:
        kate = session.get(Customer, ids[str(shop.kate)])
        assert kate is not None
        assert (kate.visit_count, kate.earlier_visits, kate.consent_by) == (6, 4, "Sam")
        assert kate.last_visit_at == VISIT_2
        [match] = models.find_customers(session, "Toast")
        assert match.id == kate.id
        draft = models.load_problem_draft(session, kate.id)
        assert draft is not None
        assert draft[0].what_happened == "Waited 20 minutes"
        assert draft[0].category_id == category_id(session, "wait_time")
        assert draft[1] == NOW
        gone = session.get(Customer, ids[str(shop.forgotten)])
        assert gone is not None and gone.forgotten_at == NOW and gone.visit_count == 1
    # And the second database exports exactly what the first did (ids and export time aside).
    (tmp_path / "again").mkdir()
    again = export_data(second_sessions, tmp_path / "again")
    first = json.loads(path.read_text(encoding="utf-8"))
    for data in (first, again):
        data.pop("exported_at")
        for customer in data["customers"]:
            old_ids = {p.pop("id"): n for n, p in enumerate(customer["problems"])}
            for follow_up in customer["follow_ups"]:
                follow_up["problem"] = old_ids.get(follow_up["problem"])
            customer.pop("id"), customer.pop("updated_at")
            for note in customer["notes"]:
                note.pop("updated_at")
            if customer["problem_draft"]:
                customer["problem_draft"]["payload"].pop("category_id")
    assert again.pop("settings") == {}  # shop settings are not imported
    first.pop("settings")
    assert again.pop("process_fixes") == []  # nor the owner's process fixes
    first.pop("process_fixes")
    assert again == first


def test_writing_the_same_history_twice_adds_nothing(sessions, second_sessions,
                                                     tmp_path) -> None:
    shop = build_shop(sessions)
    path = tmp_path / "export.json"
    export_json(sessions, path)
    records = read_json(path.read_bytes()).records
    ids, _ = import_into(second_sessions, records)
    kate_id = ids[str(shop.kate)]
    kate = next(r for r in records if r.source_id == str(shop.kate))
    assert kate.history is not None
    with second_sessions() as session:
        before = comparable_timeline(session, kate_id)
        card = comparable_card(session, kate_id)
    with second_sessions.begin() as session:
        counts = write_history(session, kate_id, kate.history)
    assert counts == HistoryCounts(duplicates=2 + 2 + 2)  # visits, problems, follow-ups
    with second_sessions() as session:
        assert comparable_timeline(session, kate_id) == before
        assert comparable_card(session, kate_id) == card
        assert session.scalar(select(func.count()).select_from(Visit)) == 4


def test_the_search_documents_are_the_ones_refresh_document_writes(
    sessions, second_sessions, tmp_path
) -> None:
    build_shop(sessions)
    path = tmp_path / "export.json"
    export_json(sessions, path)
    ids, _ = import_into(second_sessions, read_json(path.read_bytes()).records, batch=True)

    def documents(session: Any) -> list[tuple[Any, ...]]:
        return sorted(tuple(row) for row in session.execute(select(SearchDocument.__table__)))

    with second_sessions.begin() as session:
        written = documents(session)
        for customer_id in ids.values():
            customer = session.get(Customer, customer_id)
            assert customer is not None
            refresh_document(session, customer)
        assert documents(session) == written
    assert len(written) == 3


def test_two_visits_at_the_same_moment_stay_two(any_sessions) -> None:
    with any_sessions.begin() as session:
        customer = models.create_customer(session, models.CustomerDraft(name="Ana"))
    history = CustomerHistory(visits=[{"at": VISIT_1, "items": "tea"},
                                      {"at": VISIT_1.isoformat(), "items": "cake"},
                                      {"at": VISIT_2, "items": ""}])
    with any_sessions.begin() as session:
        assert write_history(session, customer, history) == HistoryCounts(visits=3)
    with any_sessions.begin() as session:
        assert write_history(session, customer, history) == HistoryCounts(duplicates=3)
        history.visits.append({"at": VISIT_1, "items": "a third"})
        assert write_history(session, customer, history) == HistoryCounts(visits=1,
                                                                          duplicates=3)
    with any_sessions() as session:
        card = models.load_card(session, customer, now=NOW)
    assert (card.visits, card.last_visit) == (4, VISIT_2)


def test_writing_history_for_a_missing_regular_says_so(any_sessions) -> None:
    with any_sessions.begin() as session, pytest.raises(models.NotFoundError):
        write_history(session, 12345, CustomerHistory())


def test_a_problem_of_a_category_this_shop_lacks_gets_a_retired_one(any_sessions) -> None:
    with any_sessions.begin() as session:
        customer = models.create_customer(session, models.CustomerDraft(name="Ana"))
    line = json.dumps({"id": 7, "name": "Ana", "problems": [
        {"id": 1, "category": "Parking", "category_key": None,
         "occurred_at": "2026-05-01T10:00:00Z", "what_happened": "No space"},
        {"id": 2, "category": "WAIT TIME", "category_key": "gone_key",
         "occurred_at": "2026-05-02T10:00:00+02:00", "what_happened": "Slow"},
        {"id": 3, "category": "Renamed", "category_key": "wrong_order",
         "occurred_at": "2026-05-03T10:00:00", "what_happened": "Wrong"},
    ], "follow_ups": [{"problem": 1, "task": "Find a space", "due_on": "2026-05-05"}]})
    data = '{"format": "velvet-rope-export", "version": 1,\n "customers": [\n' + line + "\n]}"
    [record] = read_json(data.encode()).records
    assert record.history is not None
    categories: dict[str, int] = {}
    for _ in range(2):
        with any_sessions.begin() as session:
            write_history(session, customer, record.history, categories=categories)
    with any_sessions() as session:
        parking = session.scalars(
            select(ProblemCategory).where(ProblemCategory.name == "Parking")).one()
        assert parking.retired and parking.key is None
        summaries = {p.what_happened: p for p in models.list_problems(session)}
        assert set(summaries) == {"No space", "Slow", "Wrong"}
        assert summaries["No space"].category == "Parking"
        assert summaries["Slow"].category == "Wait time"
        assert summaries["Wrong"].category == "Wrong or remade order"
        assert summaries["Slow"].occurred_at == datetime(2026, 5, 2, 8, 0, tzinfo=UTC)
        [follow_up] = models.open_follow_ups(session)
        assert follow_up.problem_id == summaries["No space"].id
        assert session.scalar(select(func.count()).select_from(ProblemCategory).where(
            ProblemCategory.retired.is_(True))) == 1


def test_an_editor_reindented_export_reads_the_same(sessions, tmp_path) -> None:
    build_shop(sessions)
    path = tmp_path / "export.json"
    export_json(sessions, path)
    original = read_json(path.read_bytes())
    reindented = json.dumps(json.loads(path.read_bytes()), indent=4).encode()
    assert read_json(reindented) == original
    assert read_json(b"\xef\xbb\xbf" + path.read_bytes()) == original


def test_an_empty_shop_exports_and_reads_back_empty(sessions, tmp_path) -> None:
    summary = export_json(sessions, tmp_path / "empty.json")
    assert (summary.customers, summary.visits) == (0, 0)
    parsed = read_json((tmp_path / "empty.json").read_bytes())
    assert (parsed.records, parsed.skipped) == ([], [])
    export_csv(sessions, tmp_path / "empty.csv")
    assert (tmp_path / "empty.csv").read_bytes() == (
        "\ufeff" + ",".join(CSV_COLUMNS) + "\r\n").encode()


@pytest.mark.parametrize(("data", "words"), [
    (b'{"name": "a contact list"}', "not a Velvet Rope export"),
    (b'[1, 2]', "not a Velvet Rope export"),
    (b'{"format": "velvet-rope-export", "version": 2, "customers": []}', "newer version"),
    (b'{"format": "velvet-rope-export", "customers": []}', "which version"),
    (b'{"format": "velvet-rope-export", "version": 1}', "no list of customers"),
    (b'{"format": "velvet-rope-export", "version": 1, "customers": [}', "not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8"),
])
def test_a_file_that_is_not_our_export_says_so(data: bytes, words: str) -> None:
    with pytest.raises(JsonImportError, match=words) as caught:
        read_json(data)
    assert isinstance(caught.value, ValueError)


def test_a_malformed_regular_is_skipped_with_the_reason() -> None:
    customers = [
        {"name": "Fine", "visits": [{"at": "2026-01-01T10:00:00Z"}]},
        "not an object",
        {"name": "Bad visit", "visits": [{"at": "2026-01-01T10:00:00Z"}, {"items": "tea"}]},
        {"name": "Bad problem", "problems": [
            {"category": "Other", "occurred_at": "2026-01-01T10:00:00Z", "severity": "awful"}]},
        {"name": "Long subject", "problems": [
            {"category": "Other", "occurred_at": "2026-01-01T10:00:00Z", "subject": "x" * 201}]},
        {"name": "Bad tags", "tags": "a, b"},
        {"name": "Bad date", "follow_ups": [{"task": "call", "due_on": "tomorrow"}]},
        {"name": "Allergen", "problems": [
            {"category": "Other", "occurred_at": "2026-01-01T10:00:00Z", "severity": "minor",
             "allergen_or_illness": True, "what_happened": "nuts"}]},
    ]
    data = json.dumps({"format": "velvet-rope-export", "version": 1, "customers": customers})
    parsed = read_json(data.encode())
    assert [r.name for r in parsed.records] == ["Fine", "Allergen"]
    assert [r.line for r in parsed.records] == [1, 8]
    reasons = {s.line: s.reason for s in parsed.skipped}
    assert set(reasons) == {2, 3, 4, 5, 6, 7}
    assert reasons[3] == "Customer #3: Visit 2 has no “at”."
    assert "severity" in reasons[4] and "awful" in reasons[4]
    assert "longer than 200" in reasons[5]
    assert "list of texts" in reasons[6]
    assert "due_on" in reasons[7]
    history = parsed.records[1].history
    assert history is not None and history.problems[0]["severity"] == "safety"


# --- CSV -------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_csv_export_has_a_row_per_regular_for_a_spreadsheet(any_sessions, tmp_path) -> None:
    shop = build_shop(any_sessions)
    path = tmp_path / "regulars.csv"
    summary = export_csv(any_sessions, path)
    raw = path.read_bytes()
    assert raw.endswith(b"\r\n")
    assert raw.replace(b"\r\n", b"").count(b"\n") == 2  # only the blank line between notes
    assert raw.split(b"\r\n")[0].decode("utf-8-sig") == ",".join(CSV_COLUMNS)
    rows = read_csv(path)
    assert summary.customers == len(rows) == 2  # the forgotten regular is left out
    assert str(shop.forgotten) not in {row["Customer ID"] for row in rows}
    kate = next(row for row in rows if row["Customer ID"] == str(shop.kate))
    local = lambda moment: moment.astimezone().date().isoformat()  # noqa: E731
    assert kate == {
        "Customer ID": str(shop.kate), "Name": "Kate Moreno", "Goes by": "Kat",
        "Phone": "'+1 555 0100", "Email": "kate@example.com",
        "How to recognise": "green scarf, corgi called Toast",
        "Usual order": "oat flat white; croissant", "Preferences": "extra hot",
        "Allergies": "walnuts", "Talking points": "Lisbon trip", "Tags": "corgi; regular",
        "Birthday": "1990-03-14", "Agreed to be remembered": "yes",
        "Consent recorded": local(ADDED), "Consent recorded by": "Sam",
        "Visits": "6", "First visit": local(VISIT_1), "Last visit": local(VISIT_2),
        "Notes": "Loves hearing about Lisbon — ask!\n\nPrefers the window seat",
        "Problems": "2", "Open problems": "1",
        "Last problem": f"{local(PROBLEM_AT)} oat flat white",
        "Last visit logged by": "command line", "Notes by": "command line; command line",
    }
    plain = next(row for row in rows if row["Customer ID"] == str(shop.plain))
    assert (plain["Name"], plain["Birthday"], plain["Agreed to be remembered"],
            plain["Last problem"]) == ("", "", "no", "")


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(sessions, tmp_path) -> None:
    with sessions.begin() as session:
        link = models.create_customer(session, models.CustomerDraft(
            name='=HYPERLINK("http://evil.example","click")', birthday_month=7, birthday_day=4))
        total = models.create_customer(session, models.CustomerDraft(description="-2+3"))
        models.add_note(session, total, "@SUM(1)")
        plus = models.create_customer(session, models.CustomerDraft(name="Al", usuals=["+tea"]))
        customer = session.get(Customer, plus)
        assert customer is not None
        customer.do_not_remember = True
    path = tmp_path / "regulars.csv"
    export_csv(sessions, path)
    rows = {row["Customer ID"]: row for row in read_csv(path)}
    assert rows[str(link)]["Name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[str(link)]["Birthday"] == "07-04"
    assert rows[str(total)]["How to recognise"] == "'-2+3"
    assert rows[str(total)]["Notes"] == "'@SUM(1)"
    assert rows[str(plus)]["Usual order"] == "'+tea"
    assert rows[str(plus)]["Agreed to be remembered"] == "asked not to be remembered"
    for row in rows.values():
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values())


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+1 555 0100", "'+1 555 0100"), ("-5", "'-5"), ("@A1", "'@A1"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Kate", "Kate"), ("", ""), ("a=b", "a=b"),
])
def test_neutralise_cell(value: str, expected: str) -> None:
    assert neutralise_cell(value) == expected


# --- one regular's own data ------------------------------------------------------------------


def test_a_regular_can_be_handed_all_their_data(sessions, tmp_path) -> None:
    shop = build_shop(sessions)
    whole = next(c for c in export_data(sessions, tmp_path)["customers"] if c["id"] == shop.kate)
    with sessions() as session:
        mine = export_customer(session, shop.kate)
        path = tmp_path / "kate.json"
        write_customer_export(session, shop.kate, path)
        with pytest.raises(models.NotFoundError):
            export_customer(session, 9999)
    assert mine.pop("exported_at").endswith("Z")
    about = mine.pop("about")
    assert set(about) >= {"profile", "consent", "visits", "notes", "problems", "follow_ups",
                          "problem_draft"}
    assert all(isinstance(text, str) and text for text in about.values())
    assert mine == whole
    for section in ("visits", "notes", "problems", "follow_ups"):
        assert mine[section]
    text = path.read_text(encoding="utf-8")
    assert "Loves hearing about Lisbon — ask!" in text  # not \u escaped
    assert text.startswith('{\n  "exported_at"')
    assert json.loads(text)["name"] == "Kate Moreno"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


# --- the round trip through the real import ------------------------------------------------


def _comparable_export(path: Path) -> dict[str, Any]:
    """An export with what may differ between two databases taken out: the time of export,
    database ids (problem ids become positions) and the schema-level settings order."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    data.pop("exported_at", None)
    for customer in data["customers"]:
        customer.pop("id", None)
        positions = {p["id"]: n for n, p in enumerate(customer.get("problems", []))}
        for problem in customer.get("problems", []):
            problem["id"] = positions[problem["id"]]
        for follow_up in customer.get("follow_ups", []):
            if follow_up.get("problem") is not None:
                follow_up["problem"] = positions[follow_up["problem"]]
    return data


def test_json_export_then_import_into_an_empty_database_reproduces_the_same_data(
    sessions, second_sessions, tmp_path
) -> None:
    from models.importing import import_parsed, read_file

    shop = build_shop(sessions)
    with sessions.begin() as session:  # one who asked not to be remembered, too
        from models.privacy import set_consent

        quiet = models.create_customer(session, models.CustomerDraft(name="Quiet Quinn"))
        models.check_in(session, quiet, at=VISIT_1)
        set_consent(session, quiet, "do_not_remember", recorded_by="Sam", now=NOW)
    first = tmp_path / "first.json"
    export_json(sessions, first)

    parsed = read_file(first)  # format detected from the file
    assert parsed.format == "json"
    with second_sessions.begin() as session:
        report = import_parsed(session, parsed, source_name=first.name)
    assert (report.created, report.updated, len(report.skipped)) == (4, 0, 0)
    second = tmp_path / "second.json"
    export_json(second_sessions, second)
    assert _comparable_export(second) == _comparable_export(first)

    with second_sessions() as session:
        kate = models.find_customers(session, "kat")[0].id
        card = models.load_card(session, kate)
        assert card.visits == 6 and card.last_time  # 2 logged + 4 earlier; the safety problem
        assert models.find_customers(session, "forget") == []
    # Importing the same file again changes nothing.
    with second_sessions.begin() as session:
        again = import_parsed(session, read_file(first))
    assert again.created == again.updated == 0
    third = tmp_path / "third.json"
    export_json(second_sessions, third)
    assert _comparable_export(third) == _comparable_export(first)
    assert shop.kate
