"""The permission matrix, enforced in the services: every service call as a clerk, a shift lead
and the owner (and with the screen locked). A refused call raises PermissionDenied naming the
role it needs, and the database is exactly as it was, even when the caller swallows the error
and commits."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

import models
import models.insights
from models import CustomerDraft, FollowUpEntry, ProblemReport, TeammateEntry
from models.audit import recent_events
from models.base import Base
from models.entities import AuditEvent, Customer, Note
from models.exporting import export_csv, export_customer, export_json, write_customer_export
from models.importing import import_parsed, plan_import, preview_import
from models.importing.records import ImportRecord, ParsedFile
from models.insights import (
    delete_fix,
    fix_impacts,
    lapsed_regulars,
    list_fixes,
    load_fix,
    loyal_regulars,
    record_fix,
    recoveries,
    root_causes,
    update_fix,
    visit_activity,
)
from models.merging import merge_customers
from models.privacy import forget_customer, set_consent
from models.problem_entities import FollowUp
from models.problem_reports import open_work, problem_counts, return_rates, value_add_costs
from models.staff import (
    Actor,
    PermissionDenied,
    Role,
    SignedIn,
    add_staff,
    create_first_owner,
    signed_in_sessions,
)

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
TODAY = NOW.date()
LOCKED = "locked"  # nobody signed in
NEEDS = {Role.SHIFT_LEAD: "needs a shift lead or the owner", Role.OWNER: "needs the owner"}


@dataclass(frozen=True)
class Shop:
    """Ids of what the shop holds before each test, and who works there."""

    staff: dict[str, Actor]  # by role value
    kate: int
    other: int  # a second profile of Kate, to merge
    visit: int
    problem: int
    follow_up: int
    check_in: int
    category: int  # one the owner added
    fix: int
    note_by_clerk: int
    note_by_lead: int
    unsigned_note: int  # came in with an import: nobody's


@dataclass
class Context:
    shop: Shop
    sessions: models.SessionFactory  # acting for the role under test
    out: Path  # where exports go


# ----- the shop ------------------------------------------------------------------------------


def _acting(sessions: models.SessionFactory, actor: Actor | None) -> models.SessionFactory:
    return signed_in_sessions(sessions, SignedIn(actor))


def _fill(sessions: models.SessionFactory) -> Shop:
    with sessions.begin() as session:
        owner = create_first_owner(session, "Olive", "1357")
        lead_id = add_staff(session, "Lee", Role.SHIFT_LEAD, "2468")
        clerk_id = add_staff(session, "Cleo", Role.CLERK, "1234")
    lead = Actor(lead_id, "Lee", Role.SHIFT_LEAD)
    clerk = Actor(clerk_id, "Cleo", Role.CLERK)
    with sessions.begin() as session:
        kate = models.create_customer(session, CustomerDraft(
            name="Kate Lee", phone="555 123 4567", usuals=["flat white"], tags=["early"]))
        other = models.create_customer(session, CustomerDraft(name="Katie", email="k@x.org"))
        visit = models.check_in(session, kate, at=NOW - timedelta(days=3))
        models.check_in(session, kate, at=NOW - timedelta(days=40))
        category = models.add_category(session, "Noise")
        problem = models.log_problem(session, kate, ProblemReport(
            what_happened="Milk was burnt", category_id=category, handled_by="Lee",
            occurred_at=NOW - timedelta(days=3),
            actions=[models.ActionEntry("remade", "new flat white")],
            follow_up=FollowUpEntry("Ask if the new one was better", TODAY),
            teammate=TeammateEntry("Cleo", "Kate was sharp with her"),
        ), now=NOW)
        [follow_up] = models.open_follow_ups(session)
        [check_in] = models.open_teammate_check_ins(session)
        fix = record_fix(session, category, "New milk jugs", TODAY - timedelta(days=10),
                         recorded_by="Olive")
        unsigned = models.add_note(session, kate, "From the old till")
        session.execute(update(Note).where(Note.id == unsigned).values(author=""))
    with _acting(sessions, clerk).begin() as session:
        note_by_clerk = models.add_note(session, kate, "Likes the window seat")
    with _acting(sessions, lead).begin() as session:
        note_by_lead = models.add_note(session, kate, "Training for a marathon")
    return Shop({"owner": owner, "shift_lead": lead, "clerk": clerk}, kate, other, visit,
                problem, follow_up.id, check_in.id, category, fix, note_by_clerk,
                note_by_lead, unsigned)


@pytest.fixture(scope="session")
def _shop_template(
    _migrated_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Shop]:
    """One filled shop per test run (three PIN hashes are slow on purpose); each test copies it."""
    path = tmp_path_factory.mktemp("permissions") / "shop.sqlite3"
    shutil.copyfile(_migrated_template, path)
    factory = models.open_database(f"sqlite:///{path}")
    shop = _fill(factory)
    with factory.begin() as session:
        session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    factory.kw["bind"].dispose()
    return path, shop


@pytest.fixture
def shop_sessions(
    _shop_template: tuple[Path, Shop], tmp_path: Path
) -> Iterator[tuple[models.SessionFactory, Shop]]:
    template, shop = _shop_template
    target = tmp_path / "shop.sqlite3"
    shutil.copyfile(template, target)
    factory = models.open_database(f"sqlite:///{target}")
    yield factory, shop
    factory.kw["bind"].dispose()


def _context(shop_sessions: tuple[models.SessionFactory, Shop], role: str, tmp_path: Path
             ) -> Context:
    sessions, shop = shop_sessions
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    actor = None if role == LOCKED else shop.staff[role]
    return Context(shop, _acting(sessions, actor), out)


def fingerprint(sessions: models.SessionFactory, out: Path) -> dict[str, Any]:
    """Every row of every table (the audit trail too), and the files in the export folder."""
    state: dict[str, Any] = {}
    with sessions() as session:
        for table in Base.metadata.sorted_tables:
            rows = session.execute(select(table)).all()
            state[table.name] = sorted(repr(tuple(row)) for row in rows)
    state["files"] = sorted(p.name for p in out.iterdir())
    return state


# ----- every service call, and the least role that may make it -------------------------------

Call = Callable[[Session, Context], object]


def _report(c: Context) -> ProblemReport:
    return ProblemReport(what_happened="Oat milk ran out", category_id=c.shop.category)


def _parsed() -> ParsedFile:
    return ParsedFile("square", "Square customer directory", records=[
        ImportRecord(line=2, name="Zoë Park", phone="555 987 6543"),
        ImportRecord(line=3, name="Kate Lee", phone="555 123 4567", email="kate@x.org"),
    ])


CASES: list[tuple[str, Role, Call]] = [
    # --- the counter: any signed-in teammate ---
    ("find_customers", Role.CLERK, lambda s, c: models.find_customers(s, "kate")),
    ("recent_customers", Role.CLERK, lambda s, c: models.recent_customers(s)),
    ("match_for", Role.CLERK, lambda s, c: models.match_for(s, c.shop.kate)),
    ("load_card", Role.CLERK, lambda s, c: models.load_card(s, c.shop.kate, now=NOW)),
    ("load_timeline", Role.CLERK, lambda s, c: models.load_timeline(s, c.shop.kate)),
    ("load_draft", Role.CLERK, lambda s, c: models.load_draft(s, c.shop.kate)),
    ("count_customers", Role.CLERK, lambda s, c: models.count_customers(s)),
    ("create_customer", Role.CLERK,
     lambda s, c: models.create_customer(s, CustomerDraft(name="Zoë Park"))),
    ("update_customer", Role.CLERK,
     lambda s, c: models.update_customer(s, c.shop.kate, CustomerDraft(name="Kate B. Lee"))),
    ("check_in", Role.CLERK, lambda s, c: models.check_in(s, c.shop.kate)),
    ("undo_check_in", Role.CLERK, lambda s, c: models.undo_check_in(s, c.shop.visit)),
    ("add_note", Role.CLERK, lambda s, c: models.add_note(s, c.shop.kate, "Has a new puppy")),
    ("update_note (own)", Role.CLERK,
     lambda s, c: models.update_note(s, c.shop.note_by_clerk, "Likes the corner seat")),
    ("set_note_pinned (own)", Role.CLERK,
     lambda s, c: models.set_note_pinned(s, c.shop.note_by_clerk, True)),
    ("delete_note (own)", Role.CLERK, lambda s, c: models.delete_note(s, c.shop.note_by_clerk)),
    ("log_problem with follow-up and check-in", Role.CLERK,
     lambda s, c: models.log_problem(s, c.shop.kate, ProblemReport(
         what_happened="Waited 20 minutes", category_id=c.shop.category,
         follow_up=FollowUpEntry("Call her", TODAY + timedelta(days=2)),
         teammate=TeammateEntry("Lee", "a long queue")), now=NOW)),
    ("load_report", Role.CLERK, lambda s, c: models.load_report(s, c.shop.problem)),
    ("problem_customer", Role.CLERK, lambda s, c: models.problem_customer(s, c.shop.problem)),
    ("save_problem_draft", Role.CLERK,
     lambda s, c: models.save_problem_draft(s, c.shop.kate, _report(c), now=NOW)),
    ("load_problem_draft", Role.CLERK,
     lambda s, c: models.load_problem_draft(s, c.shop.kate)),
    ("discard_problem_draft", Role.CLERK,
     lambda s, c: models.discard_problem_draft(s, c.shop.kate)),
    ("set_consent", Role.CLERK, lambda s, c: set_consent(s, c.shop.kate, "agreed", now=NOW)),
    ("flag_teammate", Role.CLERK, lambda s, c: models.flag_teammate(s, "Cleo", "rough day")),
    ("open_follow_ups", Role.CLERK, lambda s, c: models.open_follow_ups(s)),
    ("count_follow_ups_due", Role.CLERK, lambda s, c: models.count_follow_ups_due(s, TODAY)),
    ("open_teammate_check_ins", Role.CLERK, lambda s, c: models.open_teammate_check_ins(s)),
    ("count_open_teammate_check_ins", Role.CLERK,
     lambda s, c: models.count_open_teammate_check_ins(s)),
    ("open_work", Role.CLERK, lambda s, c: open_work(s, TODAY)),
    ("list_categories", Role.CLERK, lambda s, c: models.list_categories(s)),
    ("list_problems", Role.CLERK, lambda s, c: models.list_problems(s)),
    ("known_staff_names", Role.CLERK, lambda s, c: models.known_staff_names(s)),
    # --- a shift lead ---
    ("update_note (teammate's)", Role.SHIFT_LEAD,
     lambda s, c: models.update_note(s, c.shop.note_by_lead, "Ran the marathon")),
    ("set_note_pinned (teammate's)", Role.SHIFT_LEAD,
     lambda s, c: models.set_note_pinned(s, c.shop.note_by_lead, True)),
    ("delete_note (teammate's)", Role.SHIFT_LEAD,
     lambda s, c: models.delete_note(s, c.shop.note_by_lead)),
    ("update_problem", Role.SHIFT_LEAD,
     lambda s, c: models.update_problem(s, c.shop.problem, _report(c), now=NOW)),
    ("resolve_problem", Role.SHIFT_LEAD,
     lambda s, c: models.resolve_problem(s, c.shop.problem, outcome="happy", now=NOW)),
    ("delete_problem", Role.SHIFT_LEAD, lambda s, c: models.delete_problem(s, c.shop.problem)),
    ("add_follow_up", Role.SHIFT_LEAD,
     lambda s, c: models.add_follow_up(s, c.shop.kate, "Birthday card", TODAY)),
    ("complete_follow_up", Role.SHIFT_LEAD,
     lambda s, c: models.complete_follow_up(s, c.shop.follow_up, "She loved it")),
    ("complete_teammate_check_in", Role.SHIFT_LEAD,
     lambda s, c: models.complete_teammate_check_in(s, c.shop.check_in, by="Lee")),
    ("merge_customers", Role.SHIFT_LEAD,
     lambda s, c: merge_customers(s, c.shop.kate, c.shop.other)),
    # --- the owner ---
    ("loyal_regulars", Role.OWNER, lambda s, c: loyal_regulars(s, TODAY)),
    ("lapsed_regulars", Role.OWNER, lambda s, c: lapsed_regulars(s, NOW)),
    ("root_causes", Role.OWNER, lambda s, c: root_causes(s, TODAY)),
    ("visit_activity", Role.OWNER, lambda s, c: visit_activity(s, TODAY)),
    ("recoveries", Role.OWNER, lambda s, c: recoveries(s, TODAY)),
    ("fix_impacts", Role.OWNER, lambda s, c: fix_impacts(s, TODAY)),
    ("problem_counts", Role.OWNER,
     lambda s, c: problem_counts(s, NOW - timedelta(days=30), NOW)),
    ("return_rates", Role.OWNER, lambda s, c: return_rates(s, NOW - timedelta(days=30), NOW)),
    ("value_add_costs", Role.OWNER,
     lambda s, c: value_add_costs(s, NOW - timedelta(days=30), NOW)),
    ("list_fixes", Role.OWNER, lambda s, c: list_fixes(s)),
    ("load_fix", Role.OWNER, lambda s, c: load_fix(s, c.shop.fix)),
    ("record_fix", Role.OWNER,
     lambda s, c: record_fix(s, c.shop.category, "Quieter grinder", TODAY)),
    ("update_fix", Role.OWNER,
     lambda s, c: update_fix(s, c.shop.fix, category_id=c.shop.category,
                             what_changed="New jugs, and training", fixed_on=TODAY)),
    ("delete_fix", Role.OWNER, lambda s, c: delete_fix(s, c.shop.fix)),
    ("export_json", Role.OWNER, lambda s, c: export_json(c.sessions, c.out / "all.json")),
    ("export_csv", Role.OWNER, lambda s, c: export_csv(c.sessions, c.out / "all.csv")),
    ("export_customer", Role.OWNER, lambda s, c: export_customer(s, c.shop.kate)),
    ("write_customer_export", Role.OWNER,
     lambda s, c: write_customer_export(s, c.shop.kate, c.out / "kate.json")),
    ("plan_import", Role.OWNER, lambda s, c: plan_import(s, _parsed())),
    ("preview_import", Role.OWNER, lambda s, c: preview_import(s, _parsed())),
    ("import_parsed", Role.OWNER, lambda s, c: import_parsed(s, _parsed(), now=NOW)),
    ("forget_customer", Role.OWNER, lambda s, c: forget_customer(s, c.shop.kate, now=NOW)),
    ("set_setting", Role.OWNER,
     lambda s, c: models.set_setting(s, models.LAST_TIME_DAYS, 30)),
    ("add_category", Role.OWNER, lambda s, c: models.add_category(s, "Music too loud")),
    ("rename_category", Role.OWNER,
     lambda s, c: models.rename_category(s, c.shop.category, "Noise and music")),
    ("set_category_retired", Role.OWNER,
     lambda s, c: models.set_category_retired(s, c.shop.category, True)),
]
ROLES = [Role.CLERK, Role.SHIFT_LEAD, Role.OWNER]
MATRIX = [
    pytest.param(call, least, role, id=f"{name}-as-{role.value}")
    for name, least, call in CASES for role in ROLES
]


@pytest.mark.parametrize(("call", "least", "role"), MATRIX)
def test_every_service_call_as_every_role(
    shop_sessions: tuple[models.SessionFactory, Shop], tmp_path: Path, call: Call, least: Role,
    role: Role,
) -> None:
    context = _context(shop_sessions, role.value, tmp_path)
    if role.rank >= least.rank:
        with context.sessions.begin() as session:
            call(session, context)
        return
    before = fingerprint(shop_sessions[0], context.out)
    # A caller that swallows the refusal and commits: still nothing changed.
    with context.sessions.begin() as session, pytest.raises(PermissionDenied) as refused:
        call(session, context)
    message = str(refused.value)
    assert NEEDS[least] in message
    assert f"{context.shop.staff[role.value].name} is signed in as" in message
    assert fingerprint(shop_sessions[0], context.out) == before


@pytest.mark.parametrize("call", [pytest.param(call, id=name) for name, _least, call in CASES])
def test_a_locked_screen_may_do_nothing_not_even_search(
    shop_sessions: tuple[models.SessionFactory, Shop], tmp_path: Path, call: Call
) -> None:
    context = _context(shop_sessions, LOCKED, tmp_path)
    before = fingerprint(shop_sessions[0], context.out)
    with context.sessions.begin() as session, pytest.raises(
            PermissionDenied, match="Nobody is signed in"):
        call(session, context)
    assert fingerprint(shop_sessions[0], context.out) == before


# The services whose permissions this file checks; a new public function taking a session in
# one of them needs a row in CASES (or a reason here).
SERVICE_MODULES = (
    "customers", "follow_ups", "greeting", "timeline", "merging", "privacy", "problems",
    "problem_categories", "problem_drafts", "problem_list", "problem_reports", "settings",
    "teammates", "exporting", "search.service", "importing.applying", "importing.planning",
    *(f"insights.{module.name}" for module in pkgutil.iter_modules(models.insights.__path__)),
)
UNCHECKED = {
    "ensure_rememberable": "a helper of checked services (note, follow-up, problem)",
    "recount_visits": "a helper of checked services (check-in, merge, import)",
    "checkpoint": "moves SQLite's log into the file; reads or shows nothing",
    "get_setting": "the greeting card and the lock timer read settings",
    "load_existing": "a helper of import_parsed",
    "count_per_bucket": "a helper of visit_activity",
    "tags_of": "a helper of the reports",
}


def test_every_service_taking_a_session_is_in_the_matrix() -> None:
    covered = {name.split()[0] for name, _least, _call in CASES} | set(UNCHECKED)
    services = set()
    for module_name in SERVICE_MODULES:
        module = importlib.import_module(f"models.{module_name}")
        for name, function in vars(module).items():
            if (not name.startswith("_") and inspect.isfunction(function)
                    and function.__module__ == module.__name__
                    and next(iter(inspect.signature(function).parameters), "")
                    in {"session", "sessions"}):
                services.add(name)
    assert services - covered == set()
    assert {least for _name, least, _call in CASES} == set(ROLES)
    assert len({name for name, _least, _call in CASES}) == len(CASES)


def test_the_card_can_still_read_the_shop_settings_while_locked(
    shop_sessions: tuple[models.SessionFactory, Shop], tmp_path: Path
) -> None:
    context = _context(shop_sessions, LOCKED, tmp_path)
    with context.sessions() as session:
        assert models.get_setting(session, models.LAST_TIME_DAYS) == 90


# ----- notes: your own, or a teammate's ------------------------------------------------------


def _note(sessions: models.SessionFactory, note_id: int) -> Note | None:
    with sessions() as session:
        note = session.get(Note, note_id)
        if note is not None:
            session.expunge(note)
        return note


def test_a_clerk_changes_their_own_notes_but_not_a_teammates(
    shop_sessions: tuple[models.SessionFactory, Shop], tmp_path: Path
) -> None:
    sessions, shop = shop_sessions
    clerk = _context(shop_sessions, "clerk", tmp_path).sessions
    with clerk.begin() as session:
        models.update_note(session, shop.note_by_clerk, "Likes the corner seat")
        models.set_note_pinned(session, shop.note_by_clerk, True)
    mine = _note(sessions, shop.note_by_clerk)
    assert mine is not None and (mine.text, mine.pinned, mine.author, mine.edited_by) == (
        "Likes the corner seat", True, "Cleo", "Cleo")
    changes: tuple[Callable[[Session], None], ...] = (
        lambda s: models.update_note(s, shop.unsigned_note, "From the old till (checked)"),
        lambda s: models.update_note(s, shop.note_by_lead, "Gave up running"),
        lambda s: models.set_note_pinned(s, shop.note_by_lead, True),
        lambda s: models.delete_note(s, shop.note_by_lead),
    )
    for change in changes:
        with clerk.begin() as session, pytest.raises(
                PermissionDenied, match="Changing a teammate's note needs a shift lead"):
            change(session)
    theirs = _note(sessions, shop.note_by_lead)
    assert theirs is not None and (theirs.text, theirs.pinned, theirs.edited_by) == (
        "Training for a marathon", False, "")
    with clerk.begin() as session:
        models.delete_note(session, shop.note_by_clerk)
    assert _note(sessions, shop.note_by_clerk) is None


def test_a_shift_lead_changes_a_clerks_note_and_is_named_as_its_editor(
    shop_sessions: tuple[models.SessionFactory, Shop], tmp_path: Path
) -> None:
    sessions, shop = shop_sessions
    lead = _context(shop_sessions, "shift_lead", tmp_path).sessions
    with lead.begin() as session:
        models.update_note(session, shop.note_by_clerk, "Likes the window seat, not the bar")
    note = _note(sessions, shop.note_by_clerk)
    assert note is not None and (note.author, note.edited_by) == ("Cleo", "Lee")
    with lead.begin() as session:
        assert models.find_customers(session, "bar")[0].id == shop.kate  # search follows
        models.delete_note(session, shop.note_by_clerk)
    assert _note(sessions, shop.note_by_clerk) is None


# ----- who did it, when the caller did not say ------------------------------------------------


def test_work_is_signed_by_whoever_is_signed_in(
    shop_sessions: tuple[models.SessionFactory, Shop], tmp_path: Path
) -> None:
    sessions, shop = shop_sessions
    clerk = _context(shop_sessions, "clerk", tmp_path).sessions
    lead = _context(shop_sessions, "shift_lead", tmp_path).sessions
    owner = _context(shop_sessions, "owner", tmp_path).sessions
    with clerk.begin() as session:
        set_consent(session, shop.kate, "agreed", now=NOW)
        flagged = models.flag_teammate(session, "Lee", "long shift")
    with lead.begin() as session:
        models.resolve_problem(session, shop.problem, now=NOW)
        models.complete_follow_up(session, shop.follow_up, "All good")
        added = models.add_follow_up(session, shop.kate, "Birthday card", TODAY)
        merge_customers(session, shop.kate, shop.other, now=NOW)
    with owner.begin() as session:
        forget_customer(session, shop.kate, now=NOW)
    with sessions() as session:
        check_ins = {v.id: v for v in models.open_teammate_check_ins(session)}
        assert check_ins[flagged].flagged_by == "Cleo"
        [problem] = models.list_problems(session)
        assert problem.resolved_by == "Lee"
        done, new = session.get(FollowUp, shop.follow_up), session.get(FollowUp, added)
        assert done is not None and new is not None
        assert (done.done_by, new.created_by) == ("Lee", "Lee")
        events = {(e.action, e.actor) for e in recent_events(session)}
    assert {("consent", "Cleo"), ("merge", "Lee"), ("forget", "Olive")} <= events


# ----- bulk work writes one summary, not one audit row per regular ----------------------------


def test_an_import_writes_one_audit_event_not_one_per_row(
    shop_sessions: tuple[models.SessionFactory, Shop], tmp_path: Path
) -> None:
    sessions, shop = shop_sessions
    owner = _context(shop_sessions, "owner", tmp_path).sessions

    def events() -> int:
        with sessions() as session:
            return session.scalar(select(func.count(AuditEvent.id))) or 0

    before = events()
    records = [ImportRecord(line=n + 2, name=f"Regular {n}", phone=f"555 000 {n:04d}")
               for n in range(50)]
    records.append(ImportRecord(line=60, name="Kate Lee", phone="555 123 4567",
                                email="kate@x.org"))  # an update of Kate, through the ORM
    with owner.begin() as session:
        report = import_parsed(session, ParsedFile("square", "Square", records=records),
                               source_name="square.csv", now=NOW)
    assert (report.created, report.updated) == (50, 1)
    assert events() == before + 1
    with sessions() as session:
        [event] = recent_events(session, limit=1)
        kate = session.get(Customer, shop.kate)
        assert kate is not None and kate.email == "kate@x.org"
    assert (event.action, event.actor) == ("import", "Olive")
