"""Loyal regulars: who came most in the last N days, how often, since when, and whether they
are coming more or less than in the N days before.

Every customer who could have visited in the window (their last visit is not older than the
window) gets one index-range count of their visits in it; the rest of a row (previous window,
first visit, gaps, tags) is looked up only for the page of rows shown, unless the list is sorted
by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.expression import ColumnElement

from models.entities import Customer, CustomerTag, Visit
from models.errors import ValidationError
from models.insights.people import display_name, may_be_listed, sortable_name, tags_of
from models.insights.windows import DayWindow, last_days
from models.sql_materialize import materialized
from models.sql_time import days_between
from models.staff import Permission, require

LoyalSort = Literal["visits", "previous_visits", "change", "average_gap_days", "first_visit",
                    "last_visit", "name"]
LOYAL_SORTS: tuple[LoyalSort, ...] = ("visits", "previous_visits", "change", "average_gap_days",
                                      "first_visit", "last_visit", "name")
Trend = Literal["up", "down", "same"]


@dataclass(frozen=True)
class LoyalRegular:
    rank: int  # by visits in the window; equal visits share a rank (1, 2, 2, 4)
    customer_id: int
    name: str  # the full name for an owner's list (else goes-by name, else description)
    visits: int  # in the window
    previous_visits: int  # in the equal window before it
    average_gap_days: float | None  # between their visits in the window; None for one visit
    first_visit: datetime  # ever: how long they have been coming
    last_visit: datetime
    tags: tuple[str, ...]

    @property
    def change(self) -> int:
        return self.visits - self.previous_visits

    @property
    def trend(self) -> Trend:
        return "up" if self.change > 0 else "down" if self.change < 0 else "same"


@dataclass(frozen=True)
class LoyalReport:
    window: DayWindow
    previous_window: DayWindow
    rows: tuple[LoyalRegular, ...]
    total: int  # customers who qualify and may be listed (``rows`` may stop at the limit)
    unlisted: int  # who qualify but are never named: forgotten, or asked not to be remembered


def _visits(customer_id: Any, window: DayWindow) -> ColumnElement[int]:
    return (select(func.count()).select_from(Visit)
            .where(Visit.customer_id == customer_id, Visit.visited_at >= window.since,
                   Visit.visited_at < window.until)
            .scalar_subquery())


def _first_visit(customer_id: Any, since: datetime | None = None
                 ) -> ColumnElement[datetime]:
    query = select(func.min(Visit.visited_at)).where(Visit.customer_id == customer_id)
    if since is not None:
        query = query.where(Visit.visited_at >= since)
    return query.scalar_subquery()


def _last_visit(customer_id: Any, until: datetime) -> ColumnElement[datetime]:
    return (select(func.max(Visit.visited_at))
            .where(Visit.customer_id == customer_id, Visit.visited_at < until)
            .scalar_subquery())


def _candidates(window: DayWindow, sort: LoyalSort, listed: ColumnElement[bool],
                tag: str | None) -> Select[Any]:
    """Customers who may have visited in the window, with their visits in it and whatever
    the sort needs."""
    columns: list[ColumnElement[Any]] = [
        Customer.id.label("customer_id"), _visits(Customer.id, window).label("visits")]
    if sort in ("previous_visits", "change"):
        columns.append(_visits(Customer.id, window.previous()).label("previous_visits"))
    if sort == "first_visit":
        columns.append(_first_visit(Customer.id).label("first_visit"))
    if sort in ("average_gap_days", "last_visit"):
        columns.append(_first_visit(Customer.id, window.since).label("window_first"))
        columns.append(_last_visit(Customer.id, window.until).label("window_last"))
    if sort == "name":
        columns.append(sortable_name().label("name_key"))
    # The stored last visit is never earlier than a visit in the window, so this only skips
    # customers who cannot have one, without counting their visits.
    query = select(*columns).where(Customer.last_visit_at >= window.since, listed)
    if tag is not None:
        query = query.where(exists().where(CustomerTag.customer_id == Customer.id,
                                           CustomerTag.name == tag))
    return query


def _sort_value(sort: LoyalSort, c: ReadOnlyColumnCollection[str, Any]) -> ColumnElement[Any]:
    """The sort column, from the candidates' columns."""
    if sort == "change":
        return c["visits"] - c["previous_visits"]  # type: ignore[no-any-return]
    if sort == "average_gap_days":
        return days_between(c["window_last"], c["window_first"]) / func.nullif(c["visits"] - 1, 0)
    if sort == "last_visit":
        return c["window_last"]  # type: ignore[no-any-return]
    if sort == "name":
        return c["name_key"]  # type: ignore[no-any-return]
    return c[sort]  # type: ignore[no-any-return]


def loyal_regulars(
    session: Session, today: date, *, days: int = 90, min_visits: int = 1,
    tag: str | None = None, sort: LoyalSort = "visits", descending: bool = True,
    limit: int | None = 100, utc_offset: timedelta = timedelta(0),
) -> LoyalReport:
    """Regulars ranked by visits in the ``days`` local days through ``today``.

    ``tag`` keeps those with that tag; ``min_visits`` those with at least that many visits in
    the window. ``sort`` is any column (ties: more visits first, then the lower customer id);
    empty values (the gap of a single visit) always sort last.
    """
    require(session, Permission.REPORTS)
    if sort not in LOYAL_SORTS:
        raise ValidationError({"sort": f"Cannot sort by {sort!r}."})
    if min_visits < 1:
        raise ValidationError({"min_visits": "At least one visit in the window is needed."})
    if limit is not None and limit < 1:
        raise ValidationError({"limit": "Show at least one row."})
    window = last_days(today, days, utc_offset)
    if tag is not None:
        tag = " ".join(tag.split()).lower() or None  # tags are stored lower-case

    candidates = materialized(_candidates(window, sort, may_be_listed(), tag), "candidates")
    sort_value = _sort_value(sort, candidates.c)
    ranked = (
        select(candidates.c.customer_id, candidates.c.visits, sort_value.label("sort_value"),
               func.rank().over(order_by=candidates.c.visits.desc()).label("rank"),
               func.count().over().label("total"))
        .where(candidates.c.visits >= min_visits)
    )
    ranked = ranked.order_by(*_ordering(sort_value, candidates.c.visits,
                                        candidates.c.customer_id, descending))
    if limit is not None:
        ranked = ranked.limit(limit)
    top = ranked.subquery("top")

    previous = window.previous()
    rows = session.execute(
        select(top.c.customer_id, top.c.rank, top.c.total, top.c.visits,
               _visits(top.c.customer_id, previous),
               _first_visit(top.c.customer_id),
               _first_visit(top.c.customer_id, window.since),
               _last_visit(top.c.customer_id, window.until),
               Customer.name, Customer.goes_by, Customer.description)
        .join(Customer, Customer.id == top.c.customer_id)
        .order_by(*_ordering(top.c.sort_value, top.c.visits, top.c.customer_id, descending))
    ).all()
    tags = tags_of(session, (row[0] for row in rows))
    regulars = tuple(
        LoyalRegular(
            rank=rank, customer_id=customer_id, name=display_name(name, goes_by, description),
            visits=visits, previous_visits=previous_visits,
            average_gap_days=_average_gap(window_first, window_last, visits),
            first_visit=first_visit, last_visit=window_last, tags=tags.get(customer_id, ()),
        )
        for (customer_id, rank, _total, visits, previous_visits, first_visit, window_first,
             window_last, name, goes_by, description) in rows
    )
    total = rows[0][2] if rows else 0
    unlisted = _count(session, window, ~may_be_listed(), tag, min_visits)
    return LoyalReport(window, previous, regulars, total, unlisted)


def _ordering(sort_value: ColumnElement[Any], visits: ColumnElement[int],
              customer_id: ColumnElement[int], descending: bool) -> list[ColumnElement[Any]]:
    first = sort_value.desc() if descending else sort_value.asc()
    return [first.nulls_last(), visits.desc(), customer_id.asc()]


def _average_gap(first: datetime, last: datetime, visits: int) -> float | None:
    if visits < 2:
        return None
    return (last - first).total_seconds() / 86400 / (visits - 1)


def _count(session: Session, window: DayWindow, listed: ColumnElement[bool], tag: str | None,
           min_visits: int) -> int:
    candidates = materialized(_candidates(window, "visits", listed, tag), "candidates")
    return session.scalar(
        select(func.count()).select_from(candidates).where(candidates.c.visits >= min_visits)
    ) or 0
