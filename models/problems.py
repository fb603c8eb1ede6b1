"""Log a problem and how it was made right; edit, resolve and reopen it later."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.customers import ensure_rememberable
from models.errors import NotFoundError, ValidationError
from models.problem_entities import (
    FollowUp,
    Problem,
    ProblemCategory,
    ProblemDraft,
    RecoveryAction,
    TeammateCheckIn,
)
from models.problem_report import (
    STAFF_NAME_MAX,
    ActionEntry,
    FollowUpEntry,
    ProblemReport,
    TeammateEntry,
)
from models.staff import Permission, acting_name, require
from models.validation import check_text


def _checked(report: ProblemReport, now: datetime) -> ProblemReport:
    clean = report.cleaned()
    errors = clean.problems(now)
    if errors:
        raise ValidationError(errors)
    return clean


def _category(session: Session, category_id: int | None, *, allow_retired: int | None) -> None:
    category = session.get(ProblemCategory, category_id) if category_id is not None else None
    if category is None:
        raise ValidationError({"category": "That category no longer exists; choose another."})
    if category.retired and category.id != allow_retired:
        raise ValidationError({"category": f"“{category.name}” is retired; choose another."})


def log_problem(
    session: Session, customer_id: int, report: ProblemReport, *, now: datetime | None = None
) -> int:
    """Store a new problem with its recovery actions, follow-up and teammate check-in; the
    regular's unsent draft, if any, goes with it. Returns the problem id."""
    require(session, Permission.USE_COUNTER)
    now = now or utcnow()
    clean = _checked(report, now)
    ensure_rememberable(session, customer_id, "problems")
    _category(session, clean.category_id, allow_retired=None)
    occurred = clean.occurred_at or now
    problem = Problem(customer_id=customer_id, occurred_at=occurred, created_at=now,
                      updated_at=now, status="open")
    _apply(problem, clean)
    problem.actions = [_new_action(a, occurred) for a in clean.actions]
    _set_status(problem, clean.resolved, by=clean.handled_by, now=now)
    session.add(problem)
    session.flush()
    by = clean.handled_by or acting_name(session)
    _sync_follow_up(session, problem, clean.follow_up, by=by, now=now)
    _sync_teammate(session, problem, clean.teammate, by=by, now=now)
    session.execute(delete(ProblemDraft).where(ProblemDraft.customer_id == customer_id))
    return problem.id


def update_problem(
    session: Session, problem_id: int, report: ProblemReport, *, by: str = "",
    now: datetime | None = None,
) -> None:
    """Save an edited problem. Actions keep their ids (and times); new ones are taken now;
    the open follow-up and teammate check-in follow the form; done ones are history."""
    require(session, Permission.RESOLVE_PROBLEMS)
    now = now or utcnow()
    clean = _checked(report, now)
    by = " ".join(by.split()) or acting_name(session)
    if message := check_text(by, "Your name", STAFF_NAME_MAX):
        raise ValidationError({"by": message})
    problem = _get(session, problem_id)
    _category(session, clean.category_id, allow_retired=problem.category_id)
    _apply(problem, clean)
    if clean.occurred_at is not None:
        problem.occurred_at = clean.occurred_at
    existing = {a.id: a for a in problem.actions}
    kept: list[RecoveryAction] = []
    for entry in clean.actions:
        action = existing.get(entry.id) if entry.id is not None else None
        if action is None:
            action = _new_action(entry, now)
        else:
            action.kind, action.details, action.cost_cents = (
                entry.kind, entry.details, entry.cost_cents)
        kept.append(action)
    problem.actions = kept
    problem.updated_at = now
    _set_status(problem, clean.resolved, by=by or clean.handled_by, now=now)
    _sync_follow_up(session, problem, clean.follow_up, by=by or clean.handled_by, now=now)
    _sync_teammate(session, problem, clean.teammate, by=by or clean.handled_by, now=now)


def resolve_problem(
    session: Session, problem_id: int, *, by: str = "", outcome: str | None = None,
    now: datetime | None = None,
) -> None:
    require(session, Permission.RESOLVE_PROBLEMS)
    report = load_report(session, problem_id)
    report.resolved = True
    if outcome is not None:
        report.outcome = outcome
    update_problem(session, problem_id, report, by=by, now=now)


def delete_problem(session: Session, problem_id: int) -> None:
    """Remove a problem logged by mistake, with its actions, follow-ups and check-ins."""
    require(session, Permission.RESOLVE_PROBLEMS)
    problem = _get(session, problem_id)
    session.delete(problem)
    session.flush()


def load_report(session: Session, problem_id: int) -> ProblemReport:
    """The problem as the form that edits it."""
    require(session, Permission.USE_COUNTER)
    problem = _get(session, problem_id)
    follow_up = session.scalars(
        select(FollowUp).where(FollowUp.problem_id == problem_id, FollowUp.done_at.is_(None))
        .order_by(FollowUp.due_on).limit(1)
    ).first()
    teammate = session.scalars(
        select(TeammateCheckIn).where(
            TeammateCheckIn.problem_id == problem_id, TeammateCheckIn.done_at.is_(None)
        ).limit(1)
    ).first()
    return ProblemReport(
        what_happened=problem.what_happened,
        subject=problem.subject,
        customer_words=problem.customer_words,
        fair_fix=problem.fair_fix,
        category_id=problem.category_id,
        severity=problem.severity,
        allergen_or_illness=problem.allergen_or_illness,
        handled_by=problem.handled_by,
        occurred_at=problem.occurred_at,
        actions=[ActionEntry(a.kind, a.details, a.cost_cents, a.id) for a in problem.actions],
        outcome=problem.outcome,
        resolved=problem.status == "resolved",
        follow_up=FollowUpEntry(follow_up.task, follow_up.due_on) if follow_up else None,
        teammate=TeammateEntry(teammate.teammate, teammate.reason) if teammate else None,
    )


def problem_customer(session: Session, problem_id: int) -> int:
    require(session, Permission.USE_COUNTER)
    return _get(session, problem_id).customer_id


def _get(session: Session, problem_id: int) -> Problem:
    problem = session.get(Problem, problem_id, with_for_update=True)
    if problem is None:
        raise NotFoundError("That problem was deleted.")
    return problem


def _apply(problem: Problem, report: ProblemReport) -> None:
    problem.what_happened = report.what_happened
    problem.subject = report.subject
    problem.customer_words = report.customer_words
    problem.fair_fix = report.fair_fix
    assert report.category_id is not None  # checked by ProblemReport.problems
    problem.category_id = report.category_id
    problem.severity = report.severity
    problem.allergen_or_illness = report.allergen_or_illness
    problem.handled_by = report.handled_by
    problem.outcome = report.outcome


def _new_action(entry: ActionEntry, taken_at: datetime) -> RecoveryAction:
    return RecoveryAction(kind=entry.kind, details=entry.details, cost_cents=entry.cost_cents,
                          taken_at=taken_at)


def _set_status(problem: Problem, resolved: bool, *, by: str, now: datetime) -> None:
    if resolved and problem.status != "resolved":
        problem.status, problem.resolved_by, problem.resolved_at = "resolved", by, now
    elif not resolved:
        problem.status, problem.resolved_by, problem.resolved_at = "open", "", None


def _sync_follow_up(
    session: Session, problem: Problem, entry: FollowUpEntry | None, *, by: str, now: datetime
) -> None:
    open_one = session.scalars(
        select(FollowUp).where(FollowUp.problem_id == problem.id, FollowUp.done_at.is_(None))
        .order_by(FollowUp.due_on).limit(1)
    ).first()
    if entry is None:
        if open_one is not None:
            session.delete(open_one)
    elif open_one is None:
        session.add(FollowUp(customer_id=problem.customer_id, problem_id=problem.id,
                             task=entry.task, due_on=entry.due_on, created_by=by,
                             created_at=now))
    else:
        open_one.task, open_one.due_on = entry.task, entry.due_on


def _sync_teammate(
    session: Session, problem: Problem, entry: TeammateEntry | None, *, by: str, now: datetime
) -> None:
    open_one = session.scalars(
        select(TeammateCheckIn).where(
            TeammateCheckIn.problem_id == problem.id, TeammateCheckIn.done_at.is_(None)
        ).limit(1)
    ).first()
    if entry is None:
        if open_one is not None:
            session.delete(open_one)
    elif open_one is None:
        session.add(TeammateCheckIn(problem_id=problem.id, teammate=entry.teammate,
                                    reason=entry.reason, flagged_by=by, created_at=now))
    else:
        open_one.teammate, open_one.reason = entry.teammate, entry.reason
