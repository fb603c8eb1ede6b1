"""Whatever is typed or pasted, every text field is either stored and read back exactly (as the
service cleans it: surrounding spaces trimmed, a single-line field's runs of spaces joined) or
refused with a clear message: never a crash, never a half-written record.

Any Unicode (lone surrogates included, as a broken clipboard or file can carry), control
characters, NUL, and texts of every length up to 100,000 characters, around each field's limit.
Runs on SQLite and on PostgreSQL (which refuses NUL in text and enforces column lengths)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import models
from models.base import Base
from models.entities import Note, Visit
from models.privacy import set_consent
from models.problem_entities import FollowUp, TeammateCheckIn
from models.staff import COMMAND_LINE

SETTINGS = settings(
    max_examples=40, deadline=None, derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
LENGTHS = [39, 40, 41, 59, 60, 61, 79, 80, 81, 99, 100, 101, 199, 200, 201, 253, 254, 255,
           499, 500, 501, 1999, 2000, 2001, 9_999, 10_000, 10_001, 100_000]
SPECIAL = "\x00\x01\x07\t\n\x0b\x0c\r\x1b\x1f \x7f\x85\xa0\u200b\u2028\u2029\ufeff\ufffd\uffff" \
          "\ud800\udfffaZé王😀'\"%_\\*"
any_char = st.characters(exclude_categories=())  # every code point, lone surrogates too
short_text = st.one_of(
    st.text(any_char, max_size=40),
    st.text(st.sampled_from(SPECIAL), max_size=20),
    st.text(st.characters(codec="utf-8"), max_size=40),
)
long_text = st.builds(
    lambda head, char, length: (head + char * length)[:length],
    short_text, st.sampled_from(["a", " ", "é", "😀", "\x00", "\n"]), st.sampled_from(LENGTHS),
)
texts = st.one_of(short_text, short_text, long_text)


def single_line(value: str) -> str:
    return " ".join(value.split())


def signed(by: str) -> str:
    """Who a record names: the name given, else whoever the session acts for."""
    return by or COMMAND_LINE.name


def row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def assert_clear(error: models.ValidationError) -> None:
    """A message for a person: says what is wrong, never a driver error, never echoes a whole
    pasted text back."""
    assert error.errors
    for message in error.errors.values():
        assert isinstance(message, str) and 10 <= len(message) <= 300, message
        assert message.endswith((".", "?")), message
        lowered = message.lower()
        assert not any(word in lowered for word in
                       ("sqlite", "psycopg", "traceback", "codec", "utf-8", "(0x", "varchar"))


@contextmanager
def refusal_changes_nothing(sessions: models.SessionFactory) -> Iterator[list[bool]]:
    """Run a write; a ValidationError must leave every table as it was. Yields [stored?]."""
    with sessions() as session:
        before = row_counts(session)
    outcome = [False]
    try:
        yield outcome
        outcome[0] = True
    except models.ValidationError as error:
        assert_clear(error)
        with sessions() as session:
            assert row_counts(session) == before


def write(sessions: models.SessionFactory, work: Callable[[Session], object]) -> object:
    with sessions.begin() as session:
        return work(session)


@pytest.fixture
def regular(any_sessions: models.SessionFactory) -> int:
    with any_sessions.begin() as session:
        return models.create_customer(session, models.CustomerDraft(name="Property Regular"))


def _category(sessions: models.SessionFactory) -> int:
    with sessions() as session:
        return models.list_categories(session)[0].id


CUSTOMER_TEXT_FIELDS = ["name", "goes_by", "phone", "email", "description"]
CUSTOMER_LIST_FIELDS = ["usuals", "preferences", "allergies", "talking_points", "tags"]


def _tags_sorted(draft: models.CustomerDraft) -> models.CustomerDraft:
    return replace(draft, tags=sorted(draft.tags))


@SETTINGS
@given(field=st.sampled_from(CUSTOMER_TEXT_FIELDS + CUSTOMER_LIST_FIELDS), value=texts,
       other=short_text)
def test_customer_fields(any_sessions, field: str, value: str, other: str) -> None:
    values: dict[str, object] = {"description": "the one with the property test"}
    values[field] = [value, other] if field in CUSTOMER_LIST_FIELDS else value
    draft = models.CustomerDraft(**values)  # type: ignore[arg-type]
    # Tags are a set, listed in the database's name order (which differs between engines).
    expected = _tags_sorted(draft.cleaned())
    with refusal_changes_nothing(any_sessions) as stored:
        customer_id = write(any_sessions, lambda s: models.create_customer(s, draft))
    if stored[0]:
        with any_sessions() as session:
            assert _tags_sorted(models.load_draft(session, customer_id)) == expected
    # The same text as an edit of an existing regular.
    with any_sessions.begin() as session:
        existing = models.create_customer(session, models.CustomerDraft(name="Edit Me"))
    with refusal_changes_nothing(any_sessions) as stored:
        write(any_sessions, lambda s: models.update_customer(s, existing, draft))
    with any_sessions() as session:
        after = _tags_sorted(models.load_draft(session, existing))
    assert after == (expected if stored[0] else models.CustomerDraft(name="Edit Me"))


@SETTINGS
@given(value=texts)
def test_searching_for_anything_never_fails(any_sessions, regular, value: str) -> None:
    with any_sessions() as session:
        try:
            matches = models.find_customers(session, value, limit=10)
        except models.ValidationError as error:
            assert_clear(error)
        else:
            assert all(isinstance(m.id, int) for m in matches)


@SETTINGS
@given(value=texts)
def test_visit_items(any_sessions, regular, value: str) -> None:
    with refusal_changes_nothing(any_sessions) as stored:
        visit_id = write(any_sessions, lambda s: models.check_in(s, regular, items=value))
    if stored[0]:
        with any_sessions() as session:
            visit = session.get(Visit, visit_id)
            assert visit is not None and visit.items == value.strip()


@SETTINGS
@given(value=texts)
def test_notes(any_sessions, regular, value: str) -> None:
    with refusal_changes_nothing(any_sessions) as stored:
        note_id = write(any_sessions, lambda s: models.add_note(s, regular, value))
    if stored[0]:
        with any_sessions() as session:
            note = session.get(Note, note_id)
            assert note is not None and note.text == value.strip()
            card = models.load_card(session, regular)
            assert note_id in {n.id for n in card.recent_notes + card.pinned_notes}


PROBLEM_FIELDS = ["what_happened", "subject", "customer_words", "fair_fix", "handled_by",
                  "action", "follow_up", "teammate", "reason"]


def _report(field: str, value: str, category_id: int) -> models.ProblemReport:
    report = models.ProblemReport(what_happened="the oat latte was cold",
                                  category_id=category_id,
                                  occurred_at=datetime(2026, 1, 2, tzinfo=UTC))
    if field in ("what_happened", "subject", "customer_words", "fair_fix", "handled_by"):
        setattr(report, field, value)
    elif field == "action":
        report.actions = [models.ActionEntry("other", value)]
    elif field == "follow_up":
        report.follow_up = models.FollowUpEntry(value, date(2026, 1, 9))
    elif field == "teammate":
        report.teammate = models.TeammateEntry(value, "a hard one")
    else:
        report.teammate = models.TeammateEntry("Sam", value)
    return report


def _same_report(stored: models.ProblemReport, expected: models.ProblemReport) -> None:
    for name in ("what_happened", "subject", "customer_words", "fair_fix", "handled_by",
                 "follow_up", "teammate"):
        assert getattr(stored, name) == getattr(expected, name), name
    assert [(a.kind, a.details) for a in stored.actions] == [
        (a.kind, a.details) for a in expected.actions]


@SETTINGS
@given(field=st.sampled_from(PROBLEM_FIELDS), value=texts, by=short_text)
def test_problem_fields(any_sessions, regular, field: str, value: str, by: str) -> None:
    category_id = _category(any_sessions)
    report = _report(field, value, category_id)
    with refusal_changes_nothing(any_sessions) as stored:
        problem_id = write(any_sessions, lambda s: models.log_problem(s, regular, report))
    if not stored[0]:
        return
    with any_sessions() as session:
        _same_report(models.load_report(session, problem_id), report.cleaned())
    # Editing it with the same text, and resolving it in someone's name.
    with refusal_changes_nothing(any_sessions):
        write(any_sessions, lambda s: models.update_problem(s, problem_id, report, by=by))
    with refusal_changes_nothing(any_sessions) as resolved:
        write(any_sessions, lambda s: models.resolve_problem(s, problem_id, by=by))
    with any_sessions() as session:
        stored_report = models.load_report(session, problem_id)
        _same_report(stored_report, report.cleaned())
        assert stored_report.resolved == resolved[0]


@SETTINGS
@given(value=texts)
def test_problem_drafts_keep_anything(any_sessions, regular, value: str) -> None:
    """An unsent draft is never refused: it keeps whatever was typed, to be fixed later."""
    report = models.ProblemReport(what_happened=value, subject=value,
                                  follow_up=models.FollowUpEntry(value, date(2026, 1, 9)))
    write(any_sessions, lambda s: models.save_problem_draft(s, regular, report))
    with any_sessions() as session:
        loaded = models.load_problem_draft(session, regular)
    if report.has_content():
        assert loaded is not None
        # As JSON carries it: a pair of surrogates comes back as the one character it encodes.
        assert loaded[0].to_payload() == json.loads(json.dumps(report.to_payload()))
    else:
        assert loaded is None


@SETTINGS
@given(task=texts, by=short_text, result=texts)
def test_follow_ups(any_sessions, regular, task: str, by: str, result: str) -> None:
    with refusal_changes_nothing(any_sessions) as stored:
        follow_up_id = write(any_sessions, lambda s: models.add_follow_up(
            s, regular, task, date(2026, 1, 9), by=by))
    if not stored[0]:
        return
    with any_sessions() as session:
        follow_up = session.get(FollowUp, follow_up_id)
        assert follow_up is not None
        assert (follow_up.task, follow_up.created_by) == (task.strip(), signed(by.strip()))
    with refusal_changes_nothing(any_sessions) as done:
        write(any_sessions, lambda s: models.complete_follow_up(s, follow_up_id, result, by=by))
    with any_sessions() as session:
        follow_up = session.get(FollowUp, follow_up_id)
        assert follow_up is not None
        if done[0]:
            assert (follow_up.result, follow_up.done_by) == (
                single_line(result), signed(by.strip()))
        else:
            assert (follow_up.done_at, follow_up.result) == (None, "")


@SETTINGS
@given(teammate=texts, reason=texts, by=short_text, note=texts)
def test_teammate_check_ins(
    any_sessions, teammate: str, reason: str, by: str, note: str
) -> None:
    with refusal_changes_nothing(any_sessions) as stored:
        check_in_id = write(any_sessions, lambda s: models.flag_teammate(
            s, teammate, reason, by=by))
    if not stored[0]:
        return
    with any_sessions() as session:
        row = session.get(TeammateCheckIn, check_in_id)
        assert row is not None
        assert (row.teammate, row.reason, row.flagged_by) == (
            single_line(teammate), reason.strip(), signed(by.strip()))
    with refusal_changes_nothing(any_sessions) as done:
        write(any_sessions, lambda s: models.complete_teammate_check_in(
            s, check_in_id, by=by, note=note))
    with any_sessions() as session:
        row = session.get(TeammateCheckIn, check_in_id)
        assert row is not None
        if done[0]:
            assert (row.done_by, row.done_note) == (single_line(by), note.strip())
        else:
            assert row.done_at is None


@SETTINGS
@given(name=texts, rename=texts)
def test_category_names(any_sessions, name: str, rename: str) -> None:
    with refusal_changes_nothing(any_sessions) as stored:
        category_id = write(any_sessions, lambda s: models.add_category(s, name))
    if not stored[0]:
        return
    with refusal_changes_nothing(any_sessions) as renamed:
        write(any_sessions, lambda s: models.rename_category(s, category_id, rename))
    with any_sessions() as session:
        names = {c.id: c.name for c in models.list_categories(session, include_retired=True)}
    assert names[category_id] == single_line(rename if renamed[0] else name)


@SETTINGS
@given(recorded_by=texts)
def test_consent_recorded_by(any_sessions, regular, recorded_by: str) -> None:
    with any_sessions.begin() as session:
        customer_id = models.create_customer(session, models.CustomerDraft(name="Consent"))
    with refusal_changes_nothing(any_sessions) as stored:
        write(any_sessions, lambda s: set_consent(s, customer_id, "agreed",
                                                  recorded_by=recorded_by))
    with any_sessions() as session:
        card = models.load_card(session, customer_id)
    assert card.consent_given == stored[0]
    if stored[0]:
        assert card.consent_by == signed(single_line(recorded_by))
