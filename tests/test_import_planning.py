"""Deciding and writing an import: dedupe rules, the preview, all-or-nothing, and history.

Records are built by hand here (the readers have their own tests), so each rule is tested on
exactly the rows it is about.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

import models
from models.entities import Customer, Note, SearchDocument, Visit
from models.importing import applying
from models.importing.applying import ImportCancelled, import_parsed, preview_import
from models.importing.records import ImportedNote, ImportRecord, ParsedFile

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def parsed(*records: ImportRecord) -> ParsedFile:
    return ParsedFile("square", "Square customer directory", records=list(records))


def run(sessions: models.SessionFactory, file: ParsedFile, **kwargs: object):
    with sessions.begin() as session:
        return import_parsed(session, file, now=NOW, **kwargs)  # type: ignore[arg-type]


def customers(sessions: models.SessionFactory) -> list[Customer]:
    with sessions() as session:
        return list(session.scalars(select(Customer).order_by(Customer.id)))


def test_new_rows_become_regulars_with_notes_history_and_a_search_entry(sessions) -> None:
    record = ImportRecord(
        line=2, name="Zoë Park", goes_by="Zoë", phone="'+1 213 555 0142",
        email="zoe@example.com", tags=["Regulars"], birthday_month=4, birthday_day=12,
        notes=[ImportedNote("Oat milk, extra hot", "Square memo")],
        first_visit=datetime(2025, 1, 5, 12, tzinfo=UTC),
        last_visit=datetime(2026, 11, 1, 12, tzinfo=UTC), visit_count=40,
    )
    report = run(sessions, parsed(record))
    assert (report.created, report.updated, len(report.skipped)) == (1, 0, 0)
    [zoe] = customers(sessions)
    assert (zoe.name, zoe.goes_by, zoe.phone) == ("Zoë Park", "Zoë", "+1 213 555 0142")
    assert zoe.visit_count == 40 and zoe.earlier_visits == 38
    assert zoe.last_visit_at == datetime(2026, 11, 1, 12, tzinfo=UTC)
    with sessions() as session:
        note = session.scalars(select(Note)).one()
        assert (note.text, note.source) == ("Oat milk, extra hot", "Square memo")
        assert [r.id for r in models.find_customers(session, "extra hot")] == [zoe.id]
        assert [r.id for r in models.find_customers(session, "zoe")] == [zoe.id]
        card = models.load_card(session, zoe.id)
        assert card.tags == ("regulars",)


def test_phone_email_and_name_matches_update_instead_of_duplicating(
    sessions, add_customer
) -> None:
    by_phone = add_customer(name="Kate Lee", phone="(213) 555-0199")
    by_email = add_customer(name="Sam Ortiz", email="Sam@Example.com")
    by_name = add_customer(name="José Alvarez", usuals=["cortado"])
    other_ann = add_customer(name="Ann Berg", phone="555-111-2222")
    report = run(sessions, parsed(
        ImportRecord(line=2, name="Katherine Lee", phone="+1 213 555 0199", email="k@x.org"),
        ImportRecord(line=3, name="Samuel O.", email="sam@example.com", goes_by="Sam"),
        ImportRecord(line=4, name="jose alvarez", tags=["early"], usuals=["bacon roll"]),
        ImportRecord(line=5, name="Ann Berg", phone="555-999-0000"),
    ))
    reasons = {row.line: (row.action, row.reason) for row in report.plan.rows}
    assert reasons[2] == ("update", f"same phone as Kate Lee (#{by_phone})")
    assert reasons[3] == ("update", f"same e-mail as Sam Ortiz (#{by_email})")
    assert reasons[4] == ("update", f"same name as José Alvarez (#{by_name})")
    assert reasons[5] == ("create", "new regular")  # same name, different phone
    kate, sam, jose, ann, ann2 = customers(sessions)
    assert (kate.name, kate.email) == ("Kate Lee", "k@x.org")  # ours kept, gap filled
    assert sam.goes_by == "Sam"
    assert jose.usuals == ["cortado", "bacon roll"]
    assert ann.id == other_ann and ann2.phone == "555-999-0000"


def test_rows_of_the_same_person_in_one_file_are_combined(sessions) -> None:
    report = run(sessions, parsed(
        ImportRecord(line=2, name="Maggie Chen", phone="415 555 0100", visit_count=10),
        ImportRecord(line=3, name="", goes_by="Mags", phone="+1 (415) 555-0100",
                     visit_count=3, notes=[ImportedNote("Instant profile", "Square memo")]),
    ))
    assert report.created == 1 and report.combined == 1
    [maggie] = customers(sessions)
    assert (maggie.name, maggie.goes_by, maggie.visit_count) == ("Maggie Chen", "Mags", 13)
    row = report.plan.rows[1]
    assert row.into_line == 2 and "same person as line 2 (same phone)" in row.reason


def test_reimporting_the_same_file_changes_nothing(sessions) -> None:
    file = parsed(ImportRecord(line=2, name="Pepe", phone="555 123 4567", tags=["early"],
                               notes=[ImportedNote("Likes it hot", "Square memo")],
                               last_visit=datetime(2026, 1, 2, 12, tzinfo=UTC), visit_count=5))
    run(sessions, file)
    with sessions() as session:
        report = preview_import(session, file)
    assert report.created == 0 and report.updated == 0
    assert report.skipped[0].reason.startswith("already up to date (same phone")
    run(sessions, file)
    with sessions() as session:
        assert session.scalar(select(func.count(Note.id))) == 1
        assert session.scalar(select(func.count(Visit.id))) == 1


def test_unusable_rows_are_listed_with_their_line_and_reason(sessions, add_customer) -> None:
    add_customer(name="Sam Lee")
    add_customer(name="Sam Lee", description="the other Sam")
    file = parsed(
        ImportRecord(line=2, name="Ok Person"),
        ImportRecord(line=3, email="nobody@example.com"),
        ImportRecord(line=4, name="Sam Lee"),
        ImportRecord(line=5, name="Bad Phone", phone="12"),
    )
    file.skipped.append(models.importing.records.SkippedRow(6, "empty row"))
    report = run(sessions, file)
    skipped = {row.line: row.reason for row in report.skipped}
    assert skipped[3] == "Enter a name, or describe how to recognize them."
    assert skipped[4].startswith("2 regulars are already called “Sam Lee”")
    assert "phone number has 2 digits" in skipped[5]
    assert skipped[6] == "empty row"
    assert report.created == 1


def _ten_thousand() -> ParsedFile:
    return parsed(*(ImportRecord(line=n + 2, name=f"Regular {n}", phone=f"555-{n:07d}",
                                 notes=[ImportedNote(f"memo {n}", "Square memo")])
                    for n in range(10_000)))


def _counts(sessions: models.SessionFactory) -> tuple[int, int, int]:
    with sessions() as session:
        return (session.scalar(select(func.count(Customer.id))) or 0,
                session.scalar(select(func.count(Note.id))) or 0,
                session.scalar(select(func.count(SearchDocument.rank_key))) or 0)


def test_a_failure_on_row_9999_of_10000_leaves_the_database_unchanged(
    sessions, add_customer, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_customer(name="Already Here", notes=("keep me",))
    before = _counts(sessions)
    real = applying.insert_rows

    def failing(connection, encoder, entity, columns, rows) -> None:  # type: ignore[no-untyped-def]
        if any("Regular 9997" in row for row in rows):  # file line 9,999
            raise OSError("disk full")
        real(connection, encoder, entity, columns, rows)

    monkeypatch.setattr(applying, "insert_rows", failing)
    with pytest.raises(OSError):
        run(sessions, _ten_thousand())
    assert _counts(sessions) == before
    monkeypatch.undo()
    # The search triggers dropped for the bulk insert came back with the rollback.
    new = models.CustomerDraft(name="Quentin Blake")
    with sessions.begin() as session:
        models.create_customer(session, new)
    with sessions() as session:
        assert [r.name for r in models.find_customers(session, "quent")] == ["Quentin Blake"]


def test_cancelling_leaves_the_database_unchanged(sessions) -> None:
    seen: list[tuple[int, int]] = []

    def cancel_near_the_end(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 8_000

    with pytest.raises(ImportCancelled):
        run(sessions, _ten_thousand(), progress=cancel_near_the_end)
    assert _counts(sessions) == (0, 0, 0)
    assert seen[0] == (0, 10_000) and seen[-1][0] >= 8_000


@pytest.mark.postgres
def test_import_on_postgresql(sessions, add_customer) -> None:
    existing = add_customer(name="Kate Lee", phone="(213) 555-0199")
    report = run(sessions, parsed(
        ImportRecord(line=2, name="Kate Lee", phone="213.555.0199", tags=["vip"]),
        ImportRecord(line=3, name="Zoë Park", notes=[ImportedNote("oat", "Square memo")],
                     last_visit=datetime(2026, 11, 1, tzinfo=UTC), visit_count=2),
    ))
    assert (report.created, report.updated) == (1, 1)
    with sessions.begin() as session:
        new_id = models.create_customer(session, models.CustomerDraft(name="After Import"))
        assert new_id > existing
        assert [r.name for r in models.find_customers(session, "zoe")] == ["Zoë Park"]
