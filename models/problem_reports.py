"""Numbers for the owner's reports about problems and recoveries, computed in SQL.

Periods are half-open, ``since <= moment < until``, in UTC. Each function runs a query or two
whatever the size of the shop, and the same SQL serves SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from models.entities import Customer, Visit
from models.last_time import SAME_VISIT
from models.problem_entities import (
    ACTION_KINDS,
    FollowUp,
    Problem,
    ProblemCategory,
    RecoveryAction,
    TeammateCheckIn,
)
from models.sql_materialize import materialized
from models.sql_time import days_between, year_month
from models.staff import Permission, require

RETURN_WINDOW_DAYS = 30
_SAME_VISIT_DAYS = SAME_VISIT.total_seconds() / 86400


@dataclass(frozen=True)
class CategoryCount:
    category: str
    category_key: str | None
    severity: str
    problems: int
    customers: int


@dataclass(frozen=True)
class ReturnRate:
    """Of ``customers`` (each counted once), ``returned`` came back within the window."""

    kind: str  # a recovery kind, or "no_problem" for the comparison group
    customers: int
    returned: int

    @property
    def share(self) -> float | None:
        return self.returned / self.customers if self.customers else None


@dataclass(frozen=True)
class MonthlyCost:
    month: str  # "2026-11"
    value_add_cents: int
    refund_cents: int


@dataclass(frozen=True)
class OpenWork:
    problems_open: int
    follow_ups_open: int
    follow_ups_due: int  # due today or earlier
    follow_ups_overdue: int  # due before today
    teammate_check_ins_open: int


def problem_counts(session: Session, since: datetime, until: datetime) -> list[CategoryCount]:
    """Problems per category and severity in the period, most frequent first."""
    require(session, Permission.REPORTS)
    rows = session.execute(
        select(
            ProblemCategory.name, ProblemCategory.key, Problem.severity,
            func.count(Problem.id), func.count(func.distinct(Problem.customer_id)),
        )
        .join(ProblemCategory, ProblemCategory.id == Problem.category_id)
        .where(Problem.occurred_at >= since, Problem.occurred_at < until)
        .group_by(ProblemCategory.id, ProblemCategory.name, ProblemCategory.key,
                  Problem.severity)
        .order_by(func.count(Problem.id).desc(), ProblemCategory.name, Problem.severity)
    )
    return [CategoryCount(name, key, severity, problems, customers)
            for name, key, severity, problems, customers in rows]


def _came_back(
    customer_id: ColumnElement[int], reference: ColumnElement[datetime], within_days: int
) -> ColumnElement[bool]:
    """The customer's first visit after the same sitting came within the window.

    Asking for that one visit (an index seek) rather than whether any later visit qualifies
    keeps this fast for regulars with years of visits."""
    next_visit = select(func.min(Visit.visited_at)).where(
        Visit.customer_id == customer_id, Visit.visited_at > reference,
        days_between(Visit.visited_at, reference) > _SAME_VISIT_DAYS,
    ).scalar_subquery()
    return days_between(next_visit, reference) <= within_days


def return_rates(
    session: Session, since: datetime, until: datetime, *,
    within_days: int = RETURN_WINDOW_DAYS,
) -> list[ReturnRate]:
    """For each recovery kind: the customers who got one in the period, and how many came back
    within ``within_days`` of their first such recovery. Last, the same share for customers
    with no problem on record, counted from their first visit in the period.

    Recoveries near the end of the period have had less time to see a return; compare periods
    that ended at least ``within_days`` ago for the fairest numbers.
    """
    require(session, Permission.REPORTS)
    first_recovery = (
        select(Problem.customer_id.label("customer_id"), RecoveryAction.kind.label("kind"),
               func.min(RecoveryAction.taken_at).label("reference"))
        .join(Problem, Problem.id == RecoveryAction.problem_id)
        .where(RecoveryAction.taken_at >= since, RecoveryAction.taken_at < until)
        .group_by(Problem.customer_id, RecoveryAction.kind)
        .subquery()
    )
    came_back = _came_back(first_recovery.c.customer_id, first_recovery.c.reference,
                           within_days)
    by_kind = {
        kind: (customers, returned or 0)
        for kind, customers, returned in session.execute(
            select(first_recovery.c.kind, func.count(),
                   func.sum(case((came_back, 1), else_=0)))
            .group_by(first_recovery.c.kind)
        )
    }
    rates = [ReturnRate(kind, *by_kind.get(kind, (0, 0))) for kind in ACTION_KINDS]

    # One index seek per customer who may have visited in the period (their stored last
    # visit is not older), rather than grouping every visit in it.
    first_visit = materialized(
        select(Customer.id.label("customer_id"),
               select(func.min(Visit.visited_at))
               .where(Visit.customer_id == Customer.id, Visit.visited_at >= since)
               .scalar_subquery().label("reference"))
        .where(Customer.last_visit_at >= since,
               ~exists(select(Problem.id).where(Problem.customer_id == Customer.id))),
        "first_visit",
    )
    came_back = _came_back(first_visit.c.customer_id, first_visit.c.reference, within_days)
    customers, returned = session.execute(
        select(func.count(), func.sum(case((came_back, 1), else_=0)))
        .select_from(first_visit).where(first_visit.c.reference < until)
    ).one()
    rates.append(ReturnRate("no_problem", customers or 0, returned or 0))
    return rates


def value_add_costs(session: Session, since: datetime, until: datetime) -> list[MonthlyCost]:
    """What value-adds (and refunds) cost per month, oldest month first; months with no cost
    are left out."""
    require(session, Permission.REPORTS)
    month = year_month(RecoveryAction.taken_at)
    rows = session.execute(
        select(
            month,
            func.sum(case((RecoveryAction.kind == "value_add", RecoveryAction.cost_cents),
                          else_=0)),
            func.sum(case((RecoveryAction.kind == "refund", RecoveryAction.cost_cents),
                          else_=0)),
        )
        .where(RecoveryAction.taken_at >= since, RecoveryAction.taken_at < until,
               RecoveryAction.cost_cents.is_not(None),
               RecoveryAction.kind.in_(("value_add", "refund")))
        .group_by(month)
        .order_by(month)
    )
    return [MonthlyCost(str(m), int(v or 0), int(r or 0)) for m, v, r in rows]


def open_work(session: Session, today: date) -> OpenWork:
    """What still needs doing: open problems, follow-ups (due and overdue), teammate check-ins."""
    require(session, Permission.USE_COUNTER)  # counts only, as on the counter's badges
    open_follow_up = FollowUp.done_at.is_(None)
    follow_ups_open, due, overdue = session.execute(
        select(
            func.count(FollowUp.id),
            func.sum(case((FollowUp.due_on <= today, 1), else_=0)),
            func.sum(case((FollowUp.due_on < today, 1), else_=0)),
        ).where(open_follow_up)
    ).one()
    problems_open = session.scalar(
        select(func.count(Problem.id)).where(Problem.status == "open")
    ) or 0
    check_ins = session.scalar(
        select(func.count(TeammateCheckIn.id)).where(TeammateCheckIn.done_at.is_(None))
    ) or 0
    return OpenWork(problems_open, follow_ups_open or 0, int(due or 0), int(overdue or 0),
                    check_ins)


__all__ = [
    "RETURN_WINDOW_DAYS",
    "CategoryCount",
    "MonthlyCost",
    "OpenWork",
    "ReturnRate",
    "open_work",
    "problem_counts",
    "return_rates",
    "value_add_costs",
]
