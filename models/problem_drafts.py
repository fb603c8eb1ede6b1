"""Unsent problem reports, kept so that closing the dialog or the app never loses them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from models.base import utcnow
from models.problem_entities import ProblemDraft
from models.problem_report import ProblemReport
from models.staff import Permission, require


def save_problem_draft(
    session: Session, customer_id: int, report: ProblemReport, *, now: datetime | None = None
) -> None:
    """Keep (or replace) the regular's unsent report; an empty form removes it."""
    require(session, Permission.USE_COUNTER)
    if not report.has_content():
        discard_problem_draft(session, customer_id)
        return
    draft = session.get(ProblemDraft, customer_id)
    if draft is None:
        draft = ProblemDraft(customer_id=customer_id)
        session.add(draft)
    draft.payload = report.to_payload()
    draft.saved_at = now or utcnow()


def load_problem_draft(
    session: Session, customer_id: int
) -> tuple[ProblemReport, datetime] | None:
    """The unsent report and when it was last saved, or None."""
    require(session, Permission.USE_COUNTER)
    draft = session.get(ProblemDraft, customer_id)
    if draft is None or not isinstance(draft.payload, dict):
        return None
    return ProblemReport.from_payload(draft.payload), draft.saved_at


def discard_problem_draft(session: Session, customer_id: int) -> None:
    require(session, Permission.USE_COUNTER)
    session.execute(delete(ProblemDraft).where(ProblemDraft.customer_id == customer_id))
