"""The audit trail: an append-only record of who did what, for owners to review.

Services that change something sensitive (imports, exports, merges, consent, erasure) call
``record_event`` inside their own transaction, so the event and the change land together or not
at all. Summaries name records by id and never carry a PIN or a forgotten customer's details.

Reading it back (``find_events``, ``audit_actors``, ``audit_actions``) needs the owner
(``Permission.AUDIT``); ``action_label`` and ``record_label`` put the stored codes into the
plain words the audit window and ``vre-desktop audit`` both show.
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
    signed_by: str | None = None,
) -> None:
    """Add one event. Who it names is decided here, not by the caller's typed name: the
    signed-in person if there is one (a name typed into a form is data, never a signature);
    otherwise ``actor`` — the command line's ``--by`` — or "command line". ``signed_by`` is for
    code that already knows for sure (a sign-in, an export that started under someone else)."""
    who = signed_by if signed_by is not None else _signer(session, actor)
    session.add(AuditEvent(
        at=at or utcnow(), actor=" ".join(who.split())[:100], action=action,
        record_type=record_type, record_id=record_id,
        summary=" ".join(summary.split())[:SUMMARY_MAX],
    ))


def _signer(session: Session, typed: str) -> str:
    from models.staff.roles import current_actor  # models.staff imports this module

    acting = current_actor(session)
    if acting is not None and acting.staff_id is not None:
        return acting.name
    return typed.strip() or (acting.name if acting is not None else "")


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
    return [_entry(e) for e in rows]


def _entry(event: AuditEvent) -> AuditEntry:
    return AuditEntry(event.at, event.actor, event.action, event.record_type, event.record_id,
                      event.summary)


# --- reading the trail (the owner) ----------------------------------------------------------

FIND_LIMIT = 1000


def find_events(
    session: Session, *, actor: str | None = None, action: str | None = None,
    record_type: str | None = None, since: datetime | None = None,
    until: datetime | None = None, limit: int = FIND_LIMIT,
) -> list[AuditEntry]:
    """Events newest first, at most ``limit``: by ``actor`` (exactly as recorded), ``action``
    and ``record_type`` codes, at or after ``since`` and before ``until`` (aware datetimes).
    None (or "") leaves a filter out. Sorted and filtered in SQL on ``ix_audit_event_at`` /
    ``ix_audit_event_actor``. Needs the owner."""
    _require_audit(session)
    query = select(AuditEvent)
    if actor is not None:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action == action)
    if record_type:
        query = query.where(AuditEvent.record_type == record_type)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(max(limit, 0))
    return [_entry(e) for e in session.scalars(query)]


def audit_actors(session: Session) -> list[str]:
    """Everyone named in the trail, by name ignoring case (the "person" filter); "" (an event
    nobody was signed in for) is left out. Needs the owner."""
    _require_audit(session)
    names = session.scalars(select(AuditEvent.actor).distinct())
    return sorted((n for n in names if n), key=lambda n: (n.casefold(), n))


def audit_actions(session: Session) -> list[str]:
    """The action codes in the trail, in the order of ``ACTION_WORDS`` and then by name (the
    "kind" filter; ``action_label`` words them). Needs the owner."""
    _require_audit(session)
    found = set(session.scalars(select(AuditEvent.action).distinct()))
    order = list(ACTION_WORDS)
    return sorted(found, key=lambda a: (order.index(a) if a in order else len(order), a))


def audit_record_types(session: Session) -> list[str]:
    """The record type codes in the trail ("" left out), as ``RECORD_WORDS`` orders them."""
    _require_audit(session)
    found = {t for t in session.scalars(select(AuditEvent.record_type).distinct()) if t}
    order = list(RECORD_WORDS)
    return sorted(found, key=lambda t: (order.index(t) if t in order else len(order), t))


def _require_audit(session: Session) -> None:
    # Imported here: models.staff records its own events through this module.
    from models.staff.roles import Permission, require

    require(session, Permission.AUDIT)


# --- plain words ----------------------------------------------------------------------------

# Every action the app records (grep ``record_event(``), worded for the owner.
ACTION_WORDS = {
    "create": "added",
    "update": "changed",
    "delete": "removed",
    "sign_in": "signed in",
    "sign_in_failed": "wrong PIN",
    "staff_added": "added a teammate",
    "merge": "merged",
    "consent": "recorded consent",
    "forget": "forgot a customer",
    "import": "imported",
    "export": "exported",
    "restore": "restored a backup",
}
RECORD_WORDS = {
    "customer": "customer",
    "visit": "visit",
    "note": "note",
    "problem": "problem",
    "recovery": "recovery",
    "follow_up": "follow-up",
    "teammate_check_in": "teammate check-in",
    "category": "category",
    "setting": "setting",
    "process_fix": "process fix",
    "staff": "staff",
    "database": "database",
}


def action_label(action: str) -> str:
    """"update" -> "changed"; an action this version does not know reads as its code."""
    return ACTION_WORDS.get(action) or action.replace("_", " ")


def record_label(record_type: str, record_id: int | None = None) -> str:
    """("note", 12) -> "note #12"; ("", None) -> ""."""
    words = RECORD_WORDS.get(record_type) or record_type.replace("_", " ")
    return f"{words} #{record_id}" if record_id is not None and words else words


@contextmanager
def one_event_for_many(session: Session) -> Iterator[None]:
    """Within the block, changed rows get no event each (the caller records one summary)."""
    previous = session.info.get(QUIET_KEY, False)
    session.info[QUIET_KEY] = True
    try:
        yield
        session.flush()  # the block's rows are written as bulk rows, not at commit
    finally:
        session.info[QUIET_KEY] = previous
