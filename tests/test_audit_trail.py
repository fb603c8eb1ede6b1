"""The audit trail: every change made through the services is recorded with who did it, the
records say who made them, and nothing in the trail can be edited or holds personal data."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

import models
from models.audit import one_event_for_many, recent_events, record_event
from models.entities import AuditEvent, Note, Visit
from models.insights import record_fix
from models.problem_entities import Problem, RecoveryAction
from models.problem_report import ActionEntry, ProblemReport
from models.staff import Actor, Role, SignedIn, add_staff, create_first_owner, signed_in_sessions

SECRETS = ("Quentin", "Zappa", "555 201 9988", "quentin@example.org", "walnut allergy",
           "spilled the cortado")


def _events(sessions: models.SessionFactory) -> list[tuple[str, str, str]]:
    with sessions() as session:
        return [(e.actor, e.action, e.record_type) for e in reversed(recent_events(session))]


def _team(sessions: models.SessionFactory) -> tuple[SignedIn, Actor, Actor]:
    with sessions.begin() as session:
        owner = create_first_owner(session, "Dana", "2468")
    holder = SignedIn(owner)
    with signed_in_sessions(sessions, holder).begin() as session:
        lee_id = add_staff(session, "Lee", Role.SHIFT_LEAD, "1357")
    return holder, owner, Actor(lee_id, "Lee", Role.SHIFT_LEAD)


def test_every_kind_of_change_is_recorded_with_who_did_it(any_sessions) -> None:
    holder, owner, lee = _team(any_sessions)
    counter = signed_in_sessions(any_sessions, holder)
    before = len(_events(any_sessions))
    holder.actor = lee
    with counter.begin() as session:
        customer = models.create_customer(session, models.CustomerDraft(
            name="Quentin Zappa", phone="555 201 9988", email="quentin@example.org",
            allergies=["walnut allergy"], tags=["regular"]))
        visit = models.check_in(session, customer)
        note = models.add_note(session, customer, "spilled the cortado on his laptop")
        category = models.list_categories(session)[0].id
        problem = models.log_problem(session, customer, ProblemReport(
            what_happened="spilled the cortado", category_id=category,
            actions=[ActionEntry(kind="remade")]))
    with counter.begin() as session:
        models.update_customer(session, customer, models.CustomerDraft(
            name="Quentin Zappa", goes_by="Q", phone="555 201 9988",
            email="quentin@example.org", allergies=["walnut allergy"], tags=["regular", "vip"]))
        models.undo_check_in(session, visit)
        models.set_note_pinned(session, note, True)
        models.resolve_problem(session, problem, outcome="happy")
        follow_up = models.add_follow_up(session, customer, "call Q", date(2026, 11, 25))
        models.complete_follow_up(session, follow_up, "he is fine")
        flagged = models.flag_teammate(session, "Sam", "rough morning")
        models.complete_teammate_check_in(session, flagged, by="Lee")
    holder.actor = owner
    with counter.begin() as session:
        fix = record_fix(session, category, "retrained on lids", date(2026, 11, 20))
        models.set_setting(session, models.LAST_TIME_DAYS, 30)
        models.add_category(session, "Lids")
        models.delete_note(session, note)
    events = _events(any_sessions)[before:]
    done = {(actor, action, kind) for actor, action, kind in events}
    for kind in ("customer", "visit", "note", "problem", "recovery", "follow_up",
                 "teammate_check_in"):
        assert ("Lee", "create", kind) in done, kind
    assert {("Lee", "update", "customer"), ("Lee", "delete", "visit"),
            ("Lee", "update", "note"), ("Lee", "update", "problem"),
            ("Lee", "update", "follow_up"), ("Lee", "update", "teammate_check_in"),
            ("Dana", "create", "process_fix"), ("Dana", "create", "setting"),
            ("Dana", "create", "category"), ("Dana", "delete", "note")} <= done
    with any_sessions() as session:
        changed = session.scalars(select(AuditEvent.summary).where(
            AuditEvent.record_type == "customer", AuditEvent.action == "update")).all()
        fix_event = session.scalars(select(AuditEvent).where(
            AuditEvent.record_type == "process_fix")).one()
    assert any("goes by" in s and "tags" in s for s in changed)
    assert fix_event.record_id == fix and fix_event.actor == "Dana"


def test_no_value_of_a_change_is_written_into_the_trail(any_sessions) -> None:
    holder, _owner, _lee = _team(any_sessions)
    counter = signed_in_sessions(any_sessions, holder)
    with counter.begin() as session:
        customer = models.create_customer(session, models.CustomerDraft(
            name="Quentin Zappa", phone="555 201 9988", email="quentin@example.org",
            allergies=["walnut allergy"]))
        models.add_note(session, customer, "spilled the cortado")
    with counter.begin() as session:
        models.update_customer(session, customer, models.CustomerDraft(
            name="Quentin Zappa Jr", phone="555 201 9988"))
    with any_sessions() as session:
        summaries = " ".join(session.scalars(select(AuditEvent.summary)).all())
        actors = set(session.scalars(select(AuditEvent.actor)).all())
    assert not [s for s in SECRETS if s in summaries]
    assert actors == {"Dana"}


def test_records_say_who_made_them(any_sessions) -> None:
    holder, _owner, lee = _team(any_sessions)
    counter = signed_in_sessions(any_sessions, holder)
    holder.actor = lee
    with counter.begin() as session:
        customer = models.create_customer(session, models.CustomerDraft(name="Ana"))
        models.check_in(session, customer)
        note = models.add_note(session, customer, "likes the window seat")
        category = models.list_categories(session)[0].id
        models.log_problem(session, customer, ProblemReport(
            what_happened="cold latte", category_id=category,
            actions=[ActionEntry(kind="apology")]))
    holder.actor = Actor(None, "Dana", Role.OWNER)
    with counter.begin() as session:
        models.update_note(session, note, "likes the corner seat")
    with any_sessions() as session:
        assert session.scalars(select(Visit.logged_by)).all() == ["Lee"]
        stored = session.get(Note, note)
        assert stored is not None and (stored.author, stored.edited_by) == ("Lee", "Dana")
        assert session.scalars(select(Problem.logged_by)).all() == ["Lee"]
        assert session.scalars(select(RecoveryAction.taken_by)).all() == ["Lee"]


def test_a_failed_change_leaves_no_trace(any_sessions) -> None:
    holder, _owner, _lee = _team(any_sessions)
    counter = signed_in_sessions(any_sessions, holder)
    before = len(_events(any_sessions))
    with pytest.raises(RuntimeError), counter.begin() as session:
        models.create_customer(session, models.CustomerDraft(name="Ana"))
        session.flush()
        raise RuntimeError("the power went out")
    assert len(_events(any_sessions)) == before


def test_the_trail_cannot_be_edited_or_deleted(any_sessions) -> None:
    with any_sessions.begin() as session:
        record_event(session, "export", actor="Dana", summary="exported 3 regulars")
    for statement in ("UPDATE audit_event SET actor = 'Mallory'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"), any_sessions.begin() as session:
            session.execute(text(statement))
    with any_sessions() as session:
        assert [(e.actor, e.action) for e in recent_events(session)] == [("Dana", "export")]


def test_bulk_work_records_one_event_of_its_own(sessions) -> None:
    with sessions.begin() as session, one_event_for_many(session):
        for n in range(50):
            models.create_customer(session, models.CustomerDraft(name=f"Guest {n}"))
        record_event(session, "import", summary="50 regulars")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_rows_removed_by_editing_are_recorded_too(sessions) -> None:
    with sessions.begin() as session:
        customer = models.create_customer(session, models.CustomerDraft(
            name="Ana", tags=["regular", "dog"]))
        category = models.list_categories(session)[0].id
        problem = models.log_problem(session, customer, ProblemReport(
            what_happened="cold latte", category_id=category,
            actions=[ActionEntry(kind="apology"), ActionEntry(kind="remade")]))
    with sessions.begin() as session:
        report = models.load_report(session, problem)
        report.actions = report.actions[:1]  # the remake is taken back
        models.update_problem(session, problem, report)
        models.update_customer(session, customer, models.CustomerDraft(name="Ana", tags=["dog"]))
    with sessions() as session:
        removed = session.scalars(select(AuditEvent.record_type).where(
            AuditEvent.action == "delete")).all()
        changed = session.scalars(select(AuditEvent.summary).where(
            AuditEvent.action == "update", AuditEvent.record_type == "customer")).all()
    assert removed == ["recovery"]
    assert changed == ["changed tags"]


def test_a_typed_name_never_signs_for_the_person_signed_in(sessions, tmp_path) -> None:
    from models.exporting import export_json
    from models.privacy import set_consent

    holder, owner, lee = _team(sessions)
    counter = signed_in_sessions(sessions, holder)
    with counter.begin() as session:
        customer = models.create_customer(session, models.CustomerDraft(name="Ana"))
    holder.actor = lee
    with counter.begin() as session:
        set_consent(session, customer, "agreed", recorded_by="Dana")
    holder.actor = owner
    real_export = models.exporting._record_export

    def someone_else_signs_in_meanwhile(*args: object) -> None:
        holder.actor = lee
        real_export(*args)  # type: ignore[arg-type]

    models.exporting._record_export = someone_else_signs_in_meanwhile  # type: ignore[assignment]
    try:
        export_json(counter, tmp_path / "all.json")
    finally:
        models.exporting._record_export = real_export  # type: ignore[assignment]
    with sessions() as session:
        signed = {e.action: e.actor for e in recent_events(session)}
        consent_by = session.get(models.entities.Customer, customer).consent_by
    assert signed["consent"] == "Lee" and consent_by == "Dana"  # the form's name is data
    assert signed["export"] == "Dana"  # whoever started it, though Lee signed in meanwhile


def test_rows_an_import_adds_are_not_signed_by_the_importer(sessions) -> None:
    holder, _owner, _lee = _team(sessions)
    counter = signed_in_sessions(sessions, holder)
    with counter.begin() as session:
        customer = models.create_customer(session, models.CustomerDraft(name="Ana"))
    with counter.begin() as session, one_event_for_many(session):
        session.add(Note(customer_id=customer, text="Square memo: oat milk", source="Square"))
    with sessions() as session:
        assert session.scalars(select(Note.author)).all() == [""]
