"""Each visit remembers when the same regular's visit before it was (``previous_visit_at``).

Why: the regulars who came in a period are then the period's visits whose previous visit was
before the period began (or who had none), a count read straight from the visit-time index.
Counting distinct customer ids instead costs a temporary B-tree per period: a year by month at
2,000,000 visits took ~0.9 s that way, ~0.35 s this way.

The links are kept by one flush listener for every change made through the ORM (a check-in,
its undo, a merge moving visits, an import adding history to a regular it updates). Bulk writers
that bypass the ORM (the import's and the seeder's batch inserts) write each regular's visits
oldest first and set the link themselves with ``previous_times``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, event, func, inspect, select, update
from sqlalchemy.orm import Session

from models.base import table_of
from models.entities import Visit

_CHANGED_KEY = "vre_visit_links_changed"
_IDS_PER_STATEMENT = 500

Stamp = TypeVar("Stamp")


def previous_times(times: Sequence[Stamp]) -> list[Stamp | None]:
    """The link of each visit of one regular, given their visit times oldest first."""
    return [None, *times[:-1]] if times else []


def relink(connection: Connection, customer_ids: Iterable[int] | None = None) -> None:
    """Set every visit's link from the visits themselves, for these regulars (or everyone).

    Ties in time are ordered by id, as the bulk writers insert them. Only links that differ are
    written, so relinking after a check-in touches one row.
    """
    ids = None if customer_ids is None else sorted(set(customer_ids))
    if ids is None:
        _relink(connection, None)
        return
    for first in range(0, len(ids), _IDS_PER_STATEMENT):
        _relink(connection, ids[first:first + _IDS_PER_STATEMENT])


def _relink(connection: Connection, ids: list[int] | None) -> None:
    previous = func.lag(Visit.visited_at).over(
        partition_by=Visit.customer_id, order_by=(Visit.visited_at, Visit.id))
    links = select(Visit.id, previous.label("previous"))
    if ids is not None:
        links = links.where(Visit.customer_id.in_(ids))
    found = links.subquery("links")
    connection.execute(
        update(table_of(Visit))
        .where(Visit.id == found.c.id,
               Visit.previous_visit_at.is_distinct_from(found.c.previous))
        .values(previous_visit_at=found.c.previous))


def _note_change(_mapper: Any, _connection: Any, target: Visit) -> None:
    state = inspect(target)
    session = state.session
    if session is None:
        return
    changed: set[int] = session.info.setdefault(_CHANGED_KEY, set())
    history = state.attrs.customer_id.history
    # A visit moved to another regular leaves a gap in the old one's chain too.
    changed.update(cid for cid in (*history.deleted, target.customer_id) if cid is not None)


def _note_update(mapper: Any, connection: Any, target: Visit) -> None:
    attrs = inspect(target).attrs
    if attrs.visited_at.history.has_changes() or attrs.customer_id.history.has_changes():
        _note_change(mapper, connection, target)


def _relink_changed(session: Session, _context: Any) -> None:
    changed = session.info.pop(_CHANGED_KEY, None)
    if changed:
        relink(session.connection(), changed)


def _forget_changed(session: Session, _previous: Any) -> None:
    session.info.pop(_CHANGED_KEY, None)  # the failed flush's changes never happened


def install() -> None:
    """Listen on every Session (idempotent)."""
    if not event.contains(Session, "after_flush", _relink_changed):
        event.listen(Session, "after_flush", _relink_changed)
        event.listen(Session, "after_soft_rollback", _forget_changed)
        event.listen(Visit, "after_insert", _note_change)
        event.listen(Visit, "after_update", _note_update)
        event.listen(Visit, "after_delete", _note_change)
