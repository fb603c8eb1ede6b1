"""Check on our teammate: who had a hard encounter and needs a word, and who gave it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.entities import Customer
from models.errors import NotFoundError, ValidationError
from models.problem_entities import Problem, TeammateCheckIn
from models.problem_report import ACTION_DETAILS_MAX, RESULT_MAX, STAFF_NAME_MAX
from models.staff import Permission, acting_name, require
from models.validation import check_text
from models.wording import greeting_name


@dataclass(frozen=True)
class TeammateCheckInView:
    id: int
    teammate: str
    reason: str
    flagged_by: str
    created_at: datetime
    problem_id: int | None
    customer: str  # whose encounter it was, if it came from a problem


def flag_teammate(
    session: Session, teammate: str, reason: str = "", *, by: str = "",
    problem_id: int | None = None, now: datetime | None = None,
) -> int:
    require(session, Permission.USE_COUNTER)
    by = by.strip() or acting_name(session)
    teammate = " ".join(teammate.split())
    message = (
        "Name the teammate to check on." if not teammate
        else check_text(teammate, "The teammate's name", STAFF_NAME_MAX)
        or check_text(reason, "Why", ACTION_DETAILS_MAX, multiline=True)
    )
    if message:
        raise ValidationError({"teammate": message})
    if message := check_text(by.strip(), "Your name", STAFF_NAME_MAX):
        raise ValidationError({"by": message})
    check_in = TeammateCheckIn(problem_id=problem_id, teammate=teammate, reason=reason.strip(),
                               flagged_by=by.strip(), created_at=now or utcnow())
    session.add(check_in)
    session.flush()
    return check_in.id


def complete_teammate_check_in(
    session: Session, check_in_id: int, *, by: str, note: str = "", now: datetime | None = None,
) -> None:
    """Record that someone checked in with the teammate (who, when, and a line if wanted)."""
    require(session, Permission.TEAMMATE_CHECK_INS)
    by = " ".join(by.split())
    message = (
        "Say who checked in with them." if not by
        else check_text(by, "The name", STAFF_NAME_MAX)
        or check_text(note, "The note", RESULT_MAX)
    )
    if message:
        raise ValidationError({"by": message})
    check_in = session.get(TeammateCheckIn, check_in_id, with_for_update=True)
    if check_in is None:
        raise NotFoundError("That check-in was deleted.")
    if check_in.done_at is not None:
        raise ValidationError({"by": f"{check_in.done_by} already checked in with them."})
    check_in.done_at, check_in.done_by, check_in.done_note = now or utcnow(), by, note.strip()


def open_teammate_check_ins(session: Session, *, limit: int = 500) -> list[TeammateCheckInView]:
    """Who still needs a word, longest waiting first."""
    require(session, Permission.USE_COUNTER)
    rows = session.execute(
        select(TeammateCheckIn, Customer.name, Customer.goes_by, Customer.description)
        .outerjoin(Problem, Problem.id == TeammateCheckIn.problem_id)
        .outerjoin(Customer, Customer.id == Problem.customer_id)
        .where(TeammateCheckIn.done_at.is_(None))
        .order_by(TeammateCheckIn.created_at, TeammateCheckIn.id)
        .limit(limit)
    )
    return [
        TeammateCheckInView(
            id=row.id, teammate=row.teammate, reason=row.reason, flagged_by=row.flagged_by,
            created_at=row.created_at, problem_id=row.problem_id,
            customer=greeting_name(name or "", goes_by or "") or (description or ""),
        )
        for row, name, goes_by, description in rows
    ]


def count_open_teammate_check_ins(session: Session) -> int:
    require(session, Permission.USE_COUNTER)
    return session.scalar(
        select(func.count(TeammateCheckIn.id)).where(TeammateCheckIn.done_at.is_(None))
    ) or 0
