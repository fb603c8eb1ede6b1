"""Process fixes: the owner records what changed so a root cause stops recurring ("retrained
everyone on milk steaming"), when, and for which category."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from models.base import utcnow
from models.errors import NotFoundError, ValidationError
from models.problem_entities import ProblemCategory, ProcessFix
from models.staff import Permission, require
from models.validation import check_text

WHAT_CHANGED_MAX = 2000
RECORDED_BY_MAX = 100


@dataclass(frozen=True)
class ProcessFixView:
    id: int
    category_id: int
    category: str
    what_changed: str
    fixed_on: date
    recorded_by: str
    created_at: datetime


def _checked(session: Session, category_id: int | None, what_changed: str, recorded_by: str
             ) -> tuple[int, str, str]:
    errors: dict[str, str] = {}
    what_changed = what_changed.strip()
    recorded_by = " ".join(recorded_by.split())
    if category_id is None or session.get(ProblemCategory, category_id) is None:
        errors["category_id"] = "Choose the root cause this fix addresses."
    message = ("Say what changed, e.g. “retrained everyone on milk steaming”."
               if not what_changed
               else check_text(what_changed, "What changed", WHAT_CHANGED_MAX, multiline=True))
    if message:
        errors["what_changed"] = message
    message = check_text(recorded_by, "Who recorded it", RECORDED_BY_MAX)
    if message:
        errors["recorded_by"] = message
    if errors:
        raise ValidationError(errors)
    assert category_id is not None  # checked above
    return category_id, what_changed, recorded_by


def record_fix(
    session: Session, category_id: int | None, what_changed: str, fixed_on: date, *,
    recorded_by: str = "", now: datetime | None = None,
) -> int:
    require(session, Permission.REPORTS)
    category_id, what_changed, recorded_by = _checked(session, category_id, what_changed,
                                                      recorded_by)
    fix = ProcessFix(category_id=category_id, what_changed=what_changed, fixed_on=fixed_on,
                     recorded_by=recorded_by, created_at=now or utcnow())
    session.add(fix)
    session.flush()
    return fix.id


def update_fix(
    session: Session, fix_id: int, *, category_id: int | None, what_changed: str,
    fixed_on: date, recorded_by: str = "",
) -> None:
    require(session, Permission.REPORTS)
    fix = _get(session, fix_id)
    fix.category_id, fix.what_changed, fix.recorded_by = _checked(
        session, category_id, what_changed, recorded_by)
    fix.fixed_on = fixed_on


def delete_fix(session: Session, fix_id: int) -> None:
    require(session, Permission.REPORTS)
    session.delete(_get(session, fix_id))


def load_fix(session: Session, fix_id: int) -> ProcessFixView:
    require(session, Permission.REPORTS)
    fixes = _views(session, ProcessFix.id == fix_id)
    if not fixes:
        raise NotFoundError("That process fix was deleted.")
    return fixes[0]


def list_fixes(session: Session, *, category_id: int | None = None) -> list[ProcessFixView]:
    """Newest fix first."""
    require(session, Permission.REPORTS)
    if category_id is None:
        return _views(session)
    return _views(session, ProcessFix.category_id == category_id)


def _views(session: Session, *conditions: ColumnElement[bool]) -> list[ProcessFixView]:
    query = (select(ProcessFix, ProblemCategory.name)
             .join(ProblemCategory, ProblemCategory.id == ProcessFix.category_id)
             .where(*conditions)
             .order_by(ProcessFix.fixed_on.desc(), ProcessFix.id.desc()))
    return [
        ProcessFixView(fix.id, fix.category_id, category, fix.what_changed, fix.fixed_on,
                       fix.recorded_by, fix.created_at)
        for fix, category in session.execute(query)
    ]


def _get(session: Session, fix_id: int) -> ProcessFix:
    fix = session.get(ProcessFix, fix_id)
    if fix is None:
        raise NotFoundError("That process fix was deleted.")
    return fix
