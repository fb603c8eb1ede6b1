"""Lapsed regulars: customers whose time since their last visit is more than twice their usual
gap between visits (and at least two weeks), with their last problem if any.

Those whose last problem is still open or left them unhappy come first: the ones to win back.
A customer's usual gap is the span from their first to their last visit divided by the gaps in
it; visits a previous system counted (``earlier_visits``, which lie between the first and last
visit it reported) count as visits, so an imported regular's gap is not overstated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from models.base import UTCDateTime
from models.entities import Customer, Visit
from models.errors import ValidationError
from models.insights.people import display_name, may_be_listed
from models.problem_entities import Problem, ProblemCategory
from models.sql_materialize import materialized
from models.sql_time import days_between
from models.staff import Permission, require

MIN_GAP_DAYS = 14
GAP_FACTOR = 2.0


@dataclass(frozen=True)
class LastProblem:
    problem_id: int
    occurred_at: datetime
    category: str
    severity: str
    status: str  # "open" or "resolved"
    outcome: str | None  # "happy", "okay", "unhappy", or None if not recorded

    @property
    def left_badly(self) -> bool:
        """Still open, or they left unhappy: worth a personal word to win them back."""
        return self.status == "open" or self.outcome == "unhappy"


@dataclass(frozen=True)
class LapsedRegular:
    customer_id: int
    name: str
    visits: int  # up to now, including visits a previous system counted
    first_visit: datetime
    last_visit: datetime
    usual_gap_days: float
    days_since: float  # since the last visit
    last_problem: LastProblem | None

    @property
    def days_overdue(self) -> float:
        """How long past the day they would usually have been back."""
        return self.days_since - self.usual_gap_days

    @property
    def win_back(self) -> bool:
        return self.last_problem is not None and self.last_problem.left_badly


@dataclass(frozen=True)
class LapsedReport:
    now: datetime
    rows: tuple[LapsedRegular, ...]  # win-backs first, then the most overdue
    total: int  # lapsed customers who may be listed (``rows`` may stop at the limit)
    unlisted: int  # lapsed but never named: forgotten, or asked not to be remembered


def _lapsed(now: datetime, min_gap_days: int, factor: float, listed: ColumnElement[bool]
            ) -> Select[Any]:
    """The lapsed customers' numbers, one row each."""
    at = literal(now, UTCDateTime())
    cutoff = now - timedelta(days=min_gap_days)
    stored_is_past = Customer.last_visit_at < now
    # The stored count and last visit are exact unless visits are logged after ``now`` (a
    # report as of an earlier day); only then are the visit rows counted.
    last_visit = case(
        (stored_is_past, Customer.last_visit_at),
        else_=select(func.max(Visit.visited_at))
        .where(Visit.customer_id == Customer.id, Visit.visited_at < now).scalar_subquery(),
    )
    logged = case(
        (stored_is_past, Customer.visit_count - Customer.earlier_visits),
        else_=select(func.count()).select_from(Visit)
        .where(Visit.customer_id == Customer.id, Visit.visited_at < now).scalar_subquery(),
    )
    first_visit = (select(func.min(Visit.visited_at))
                   .where(Visit.customer_id == Customer.id).scalar_subquery())
    numbers_query = (
        select(Customer.id.label("customer_id"), last_visit.label("last_visit"),
               first_visit.label("first_visit"), logged.label("logged"),
               Customer.earlier_visits.label("earlier"))
        # Only customers whose stored last visit is old enough, or after ``now``, can qualify.
        .where((Customer.last_visit_at <= cutoff) | (Customer.last_visit_at >= now), listed)
    )
    numbers = materialized(numbers_query, "numbers")
    visits = numbers.c.logged + numbers.c.earlier
    # NULLIF: PostgreSQL may evaluate this before the filter that needs two visits.
    usual_gap = (days_between(numbers.c.last_visit, numbers.c.first_visit)
                 / func.nullif(visits - 1, 0))
    days_since = days_between(at, numbers.c.last_visit)
    last_problem = (
        select(Problem.id)
        .where(Problem.customer_id == numbers.c.customer_id, Problem.occurred_at < now)
        .order_by(Problem.occurred_at.desc(), Problem.id.desc()).limit(1)
        .scalar_subquery()
    )
    return (
        select(numbers.c.customer_id, visits.label("visits"), numbers.c.first_visit,
               numbers.c.last_visit, usual_gap.label("usual_gap"),
               days_since.label("days_since"), last_problem.label("last_problem_id"))
        .where(numbers.c.logged >= 2, numbers.c.last_visit <= cutoff,
               days_since > factor * usual_gap)
    )


def lapsed_regulars(
    session: Session, now: datetime, *, min_gap_days: int = MIN_GAP_DAYS,
    factor: float = GAP_FACTOR, limit: int | None = 100,
) -> LapsedReport:
    """Customers with two or more visits whose last visit, as of ``now``, is at least
    ``min_gap_days`` ago and more than ``factor`` times their usual gap."""
    require(session, Permission.REPORTS)
    if now.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
    if min_gap_days < 1 or factor <= 0:
        raise ValidationError({"min_gap_days": "The gap must be at least a day."})
    if limit is not None and limit < 1:
        raise ValidationError({"limit": "Show at least one row."})
    lapsed = materialized(_lapsed(now, min_gap_days, factor, may_be_listed()), "lapsed")
    win_back = case((Problem.status == "open", 1), (Problem.outcome == "unhappy", 1), else_=0)
    query = (
        select(lapsed.c.customer_id, lapsed.c.visits, lapsed.c.first_visit,
               lapsed.c.last_visit, lapsed.c.usual_gap, lapsed.c.days_since,
               Customer.name, Customer.goes_by, Customer.description,
               Problem.id, Problem.occurred_at, ProblemCategory.name, Problem.severity,
               Problem.status, Problem.outcome, func.count().over())
        .join(Customer, Customer.id == lapsed.c.customer_id)
        .outerjoin(Problem, Problem.id == lapsed.c.last_problem_id)
        .outerjoin(ProblemCategory, ProblemCategory.id == Problem.category_id)
        .order_by(win_back.desc(), (lapsed.c.days_since - lapsed.c.usual_gap).desc(),
                  lapsed.c.customer_id)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    regulars = tuple(
        LapsedRegular(
            customer_id=customer_id, name=display_name(name, goes_by, description),
            visits=visits, first_visit=first_visit, last_visit=last_visit,
            usual_gap_days=float(usual_gap), days_since=float(days_since),
            last_problem=None if problem_id is None else LastProblem(
                problem_id, occurred_at, category, severity, status, outcome),
        )
        for (customer_id, visits, first_visit, last_visit, usual_gap, days_since, name, goes_by,
             description, problem_id, occurred_at, category, severity, status, outcome,
             _total) in rows
    )
    unlisted_query = materialized(_lapsed(now, min_gap_days, factor, ~may_be_listed()), "lapsed")
    unlisted = session.scalar(select(func.count()).select_from(unlisted_query)) or 0
    return LapsedReport(now, regulars, rows[0][-1] if rows else 0, unlisted)
