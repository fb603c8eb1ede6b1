"""Every change made through the ORM lands in the audit trail, signed by whoever is acting.

A flush listener (installed once, for every Session) does two things:

* before the flush it signs new visits, notes, problems and recovery actions with the acting
  person's name, and notes who last edited a note, so attribution never depends on each service
  remembering to do it;
* after the flush it writes one ``audit_event`` row per created, changed or deleted record, in
  the same transaction, so the change and its trace commit together or not at all.

Summaries name the record by id and list the *names* of changed fields, never their values, so
the trail holds no customer's personal data (forgetting a customer leaves it intact) and no PIN.
Bulk operations (an import) switch per-row events off with ``one_event_for_many`` and record one
summary event of their own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, object_session

from models.audit import QUIET_KEY
from models.base import utcnow
from models.entities import AuditEvent, Customer, CustomerTag, Note, Visit
from models.problem_entities import (
    AppSetting,
    FollowUp,
    Problem,
    ProblemCategory,
    ProcessFix,
    RecoveryAction,
    TeammateCheckIn,
)
from models.staff.entities import StaffMember
from models.staff.roles import current_actor

# The record types of the trail, as the audit view and `vre-desktop audit` show them.
RECORD_TYPES: dict[type[Any], str] = {
    Customer: "customer",
    Visit: "visit",
    Note: "note",
    Problem: "problem",
    RecoveryAction: "recovery",
    FollowUp: "follow_up",
    TeammateCheckIn: "teammate_check_in",
    ProblemCategory: "category",
    AppSetting: "setting",
    ProcessFix: "process_fix",
    StaffMember: "staff",
}
# Columns kept up to date by the app itself, or by signing in: not somebody's edit.
_BOOKKEEPING = {"updated_at", "visit_count", "last_visit_at", "edited_by", "failed_pins",
                "locked_until", "last_signed_in_at"}
# Columns whose change is worth a word but whose value must never be written down.
_SECRET = {"pin_hash": "PIN"}
# Who did it, per newly created kind of record.
_SIGNED_BY = {Visit: "logged_by", Note: "author", Problem: "logged_by",
              RecoveryAction: "taken_by"}


_DELETED_KEY = "vre_deleted_in_flush"
# Customers added, or whose tag change is already noted, in this transaction: a service that
# flushes twice must not say "changed tags" twice, nor about a customer it is adding.
_CREATED_KEY = "vre_customers_tagged"


def _sign_new_records(session: Session, _context: Any, _instances: Any) -> None:
    actor = current_actor(session)
    # Rows an import adds to regulars it updates come from the other system, not the importer.
    if actor is None or session.info.get(QUIET_KEY):
        return
    for obj in session.new:
        column = _SIGNED_BY.get(type(obj))
        if column and not getattr(obj, column, ""):
            setattr(obj, column, actor.name)
    for obj in session.dirty:
        if isinstance(obj, Note) and "text" in _changed_fields(obj):
            obj.edited_by = actor.name


def _remember_deletion(_mapper: Any, _connection: Any, target: Any) -> None:
    """Every row the flush deletes, including orphans (a recovery action removed by editing a
    problem, a tag taken off) and cascades, which ``session.deleted`` does not list."""
    session = object_session(target)
    if session is not None:
        session.info.setdefault(_DELETED_KEY, []).append(target)


def _forget_deletions(session: Session, _previous: Any) -> None:
    session.info.pop(_DELETED_KEY, None)  # the failed flush's deletions never happened
    session.info.pop(_CREATED_KEY, None)


def _forget_created(session: Session) -> None:
    session.info.pop(_CREATED_KEY, None)


def _record_changes(session: Session, _context: Any) -> None:
    deleted = session.info.pop(_DELETED_KEY, [])
    if session.info.get(QUIET_KEY):
        return
    actor = current_actor(session)
    name = actor.name if actor is not None else ""
    now = utcnow()
    rows: list[dict[str, Any]] = []
    tag_changes: set[int] = set()
    for obj in session.new:
        if isinstance(obj, CustomerTag):
            tag_changes.add(obj.customer_id)
        elif type(obj) in RECORD_TYPES:
            rows.append(_row(now, name, "create", obj, _created_summary(obj)))
    for obj in session.dirty:
        if type(obj) not in RECORD_TYPES:
            continue
        fields = _changed_fields(obj)
        if fields:
            rows.append(_row(now, name, "update", obj, "changed " + ", ".join(fields)))
    for obj in deleted:
        if isinstance(obj, CustomerTag):
            tag_changes.add(obj.customer_id)
        elif type(obj) in RECORD_TYPES:
            rows.append(_row(now, name, "delete", obj, _created_summary(obj)))
    created = session.info.setdefault(_CREATED_KEY, set())
    created.update(row["record_id"] for row in rows
                   if row["record_type"] == "customer" and row["action"] == "create")
    for customer_id in sorted(tag_changes - created):
        _note_tag_change(rows, now, name, customer_id)
    created.update(tag_changes)
    if rows:
        session.connection().execute(insert(AuditEvent), rows)


def _note_tag_change(rows: list[dict[str, Any]], now: Any, actor: str, customer_id: int) -> None:
    """Tags are rows of their own; to the owner they are a field of the customer."""
    for row in rows:
        if row["record_type"] == "customer" and row["record_id"] == customer_id:
            if row["action"] == "update":
                row["summary"] += ", tags"
            return  # a new or deleted customer's tags need no word of their own
    rows.append({"at": now, "actor": actor, "action": "update", "record_type": "customer",
                 "record_id": customer_id, "summary": "changed tags"})


def _row(now: Any, actor: str, action: str, obj: Any, summary: str) -> dict[str, Any]:
    identity = inspect(obj).identity
    record_id = identity[0] if identity and isinstance(identity[0], int) else getattr(
        obj, "id", None)
    return {"at": now, "actor": actor, "action": action, "record_type": RECORD_TYPES[type(obj)],
            "record_id": record_id if isinstance(record_id, int) else None,
            "summary": summary[:500]}


def _created_summary(obj: Any) -> str:
    if isinstance(obj, AppSetting):
        return f"setting {obj.key}"
    if isinstance(obj, StaffMember):
        return f"{obj.name} ({obj.role.replace('_', ' ')})"
    customer_id = getattr(obj, "customer_id", None)
    if customer_id is not None:
        return f"of customer #{customer_id}"
    problem_id = getattr(obj, "problem_id", None)
    if problem_id is not None:
        return f"of problem #{problem_id}"
    return ""


def _changed_fields(obj: Any) -> list[str]:
    state = inspect(obj)
    fields = []
    for attribute in state.mapper.column_attrs:
        key = attribute.key
        if key in _BOOKKEEPING:
            continue
        if state.attrs[key].history.has_changes():
            fields.append(_SECRET.get(key, key.replace("_", " ")))
    return fields


def install() -> None:
    """Listen on every Session (idempotent)."""
    if not event.contains(Session, "before_flush", _sign_new_records):
        event.listen(Session, "before_flush", _sign_new_records)
        event.listen(Session, "after_flush", _record_changes)
        event.listen(Session, "after_soft_rollback", _forget_deletions)
        event.listen(Session, "after_commit", _forget_created)
        for entity in (*RECORD_TYPES, CustomerTag):
            event.listen(entity, "after_delete", _remember_deletion)
