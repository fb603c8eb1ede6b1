"""The audit trail: an append-only record of who did what, for owners to review.

Services that change something sensitive (imports, exports, merges, consent, erasure) call
``record_event`` inside their own transaction, so the event and the change land together or not
at all. Summaries name records by id and never carry a PIN or a forgotten customer's details.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.entities import AuditEvent

SUMMARY_MAX = 500
# Set while a bulk change runs: models/audit_trail.py then records no event per row.
QUIET_KEY = "vre_one_event_for_many"


def record_event(
    session: Session, action: str, *, actor: str = "", record_type: str = "",
    record_id: int | None = None, summary: str = "", at: datetime | None = None,
) -> None:
    session.add(AuditEvent(
        at=at or utcnow(), actor=actor.strip()[:100], action=action, record_type=record_type,
        record_id=record_id, summary=" ".join(summary.split())[:SUMMARY_MAX],
    ))


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    record_type: str
    record_id: int | None
    summary: str


def recent_events(session: Session, *, limit: int = 200) -> list[AuditEntry]:
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit))
    return [AuditEntry(e.at, e.actor, e.action, e.record_type, e.record_id, e.summary)
            for e in rows]


@contextmanager
def one_event_for_many(session: Session) -> Iterator[None]:
    """Within the block, changed rows get no event each (the caller records one summary)."""
    previous = session.info.get(QUIET_KEY, False)
    session.info[QUIET_KEY] = True
    try:
        yield
    finally:
        session.info[QUIET_KEY] = previous
