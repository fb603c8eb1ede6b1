"""Problems as a list, newest first: for the command line and for exports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.entities import Customer
from models.problem_entities import Problem, ProblemCategory, RecoveryAction
from models.problem_report import format_cost
from models.staff import Permission, require
from models.wording import greeting_name


@dataclass(frozen=True)
class ActionSummary:
    kind: str
    details: str
    cost_cents: int | None
    taken_at: datetime


@dataclass(frozen=True)
class ProblemSummary:
    id: int
    customer_id: int
    customer: str
    occurred_at: datetime
    category: str
    severity: str
    status: str
    subject: str
    what_happened: str
    outcome: str | None
    handled_by: str
    resolved_by: str
    resolved_at: datetime | None
    actions: tuple[ActionSummary, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "customer_id": self.customer_id,
            "customer": self.customer,
            "occurred_at": self.occurred_at.isoformat(),
            "category": self.category,
            "severity": self.severity,
            "status": self.status,
            "subject": self.subject,
            "what_happened": self.what_happened,
            "outcome": self.outcome,
            "handled_by": self.handled_by,
            "resolved_by": self.resolved_by,
            "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None,
            "actions": [
                {"kind": a.kind, "details": a.details,
                 "cost": format_cost(a.cost_cents) or None,
                 "taken_at": a.taken_at.isoformat()}
                for a in self.actions
            ],
        }


def list_problems(
    session: Session, *, open_only: bool = False, since: datetime | None = None,
    limit: int | None = None,
) -> list[ProblemSummary]:
    require(session, Permission.USE_COUNTER)
    query = (
        select(Problem, ProblemCategory.name, Customer.name, Customer.goes_by,
               Customer.description)
        .join(ProblemCategory, ProblemCategory.id == Problem.category_id)
        .join(Customer, Customer.id == Problem.customer_id)
        .order_by(Problem.occurred_at.desc(), Problem.id.desc())
    )
    if open_only:
        query = query.where(Problem.status == "open")
    if since is not None:
        query = query.where(Problem.occurred_at >= since)
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    actions: dict[int, list[ActionSummary]] = defaultdict(list)
    ids = [row[0].id for row in rows]
    for chunk_start in range(0, len(ids), 500):  # stay under every engine's parameter limit
        chunk = ids[chunk_start:chunk_start + 500]
        for action in session.scalars(
            select(RecoveryAction).where(RecoveryAction.problem_id.in_(chunk))
            .order_by(RecoveryAction.taken_at, RecoveryAction.id)
        ):
            actions[action.problem_id].append(ActionSummary(
                action.kind, action.details, action.cost_cents, action.taken_at))
    return [
        ProblemSummary(
            id=problem.id, customer_id=problem.customer_id,
            customer=greeting_name(name, goes_by) or description,
            occurred_at=problem.occurred_at, category=category, severity=problem.severity,
            status=problem.status, subject=problem.subject,
            what_happened=problem.what_happened, outcome=problem.outcome,
            handled_by=problem.handled_by, resolved_by=problem.resolved_by,
            resolved_at=problem.resolved_at, actions=tuple(actions[problem.id]),
        )
        for problem, category, name, goes_by, description in rows
    ]


def known_staff_names(session: Session, limit: int = 50) -> list[str]:
    """Names that handled recent problems, most recent first: suggestions for the form."""
    require(session, Permission.USE_COUNTER)
    names = session.scalars(
        select(Problem.handled_by).where(Problem.handled_by != "")
        .order_by(Problem.created_at.desc()).limit(limit * 10)
    )
    return list(dict.fromkeys(names))[:limit]
