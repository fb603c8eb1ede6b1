"""Follow-ups: what to do for a regular by when, the list of those due, and marking them done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.customers import ensure_rememberable
from models.entities import Customer
from models.errors import NotFoundError, ValidationError
from models.problem_entities import FollowUp, Problem
from models.problem_report import ACTION_DETAILS_MAX, RESULT_MAX, STAFF_NAME_MAX
from models.staff import Permission, acting_name, require
from models.validation import check_text
from models.wording import greeting_name


@dataclass(frozen=True)
class FollowUpView:
    id: int
    customer_id: int
    customer: str  # the name to greet them by, or their description
    task: str
    due_on: date
    problem_id: int | None
    problem_subject: str
    created_by: str

    def days_overdue(self, today: date) -> int:
        return (today - self.due_on).days


def add_follow_up(
    session: Session, customer_id: int, task: str, due_on: date, *, by: str = "",
    problem_id: int | None = None, now: datetime | None = None,
) -> int:
    require(session, Permission.FOLLOW_UPS)
    by = by.strip() or acting_name(session)
    task = task.strip()
    message = (
        "Say what to follow up on." if not task
        else check_text(task, "The follow-up", ACTION_DETAILS_MAX)
    )
    if message:
        raise ValidationError({"task": message})
    if message := check_text(by.strip(), "Your name", STAFF_NAME_MAX):
        raise ValidationError({"by": message})
    ensure_rememberable(session, customer_id, "follow-ups")
    follow_up = FollowUp(customer_id=customer_id, problem_id=problem_id, task=task,
                         due_on=due_on, created_by=by.strip(), created_at=now or utcnow())
    session.add(follow_up)
    session.flush()
    return follow_up.id


def complete_follow_up(
    session: Session, follow_up_id: int, result: str, *, by: str = "",
    now: datetime | None = None,
) -> None:
    """Mark a follow-up done with a one-line result ("replacement grinder works fine")."""
    require(session, Permission.FOLLOW_UPS)
    by = by.strip() or acting_name(session)
    result = " ".join(result.split())
    message = (
        "Write one line about how it went." if not result
        else check_text(result, "The result", RESULT_MAX)
        or check_text(by, "The name", STAFF_NAME_MAX)
    )
    if message:
        raise ValidationError({"result": message})
    follow_up = session.get(FollowUp, follow_up_id, with_for_update=True)
    if follow_up is None:
        raise NotFoundError("That follow-up was deleted.")
    if follow_up.done_at is not None:
        raise ValidationError({"result": f"Already done by {follow_up.done_by or 'someone'}."})
    follow_up.done_at, follow_up.done_by, follow_up.result = now or utcnow(), by.strip(), result


def open_follow_ups(
    session: Session, *, due_by: date | None = None, customer_id: int | None = None,
    limit: int = 500,
) -> list[FollowUpView]:
    """Open follow-ups, soonest due first (overdue at the top); only those due by ``due_by``."""
    require(session, Permission.USE_COUNTER)
    query = (
        select(FollowUp, Customer.name, Customer.goes_by, Customer.description, Problem.subject)
        .join(Customer, Customer.id == FollowUp.customer_id)
        .outerjoin(Problem, Problem.id == FollowUp.problem_id)
        .where(FollowUp.done_at.is_(None))
        .order_by(FollowUp.due_on, FollowUp.id)
        .limit(limit)
    )
    if due_by is not None:
        query = query.where(FollowUp.due_on <= due_by)
    if customer_id is not None:
        query = query.where(FollowUp.customer_id == customer_id)
    return [
        FollowUpView(
            id=row.id, customer_id=row.customer_id,
            customer=greeting_name(name, goes_by) or description,
            task=row.task, due_on=row.due_on, problem_id=row.problem_id,
            problem_subject=subject or "", created_by=row.created_by,
        )
        for row, name, goes_by, description, subject in session.execute(query)
    ]


def count_follow_ups_due(session: Session, today: date) -> int:
    """Open follow-ups due today or earlier: the number on the badge."""
    require(session, Permission.USE_COUNTER)
    return session.scalar(
        select(func.count(FollowUp.id)).where(FollowUp.done_at.is_(None),
                                              FollowUp.due_on <= today)
    ) or 0
