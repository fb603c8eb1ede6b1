"""Consent, "do not remember" and "forget this customer".

- **Consent**: whether the customer agreed to be remembered, when, and who recorded it.
- **Do not remember**: the customer asked us not to keep details. Everything personal goes
  (contact, birthday, usuals, notes, tags, what was said in problems); the name stays, so staff
  see the request and do not add them again, and visits are kept without what they had if the
  owner allows it (a setting). Notes, details and problems can no longer be added.
- **Forget**: erasure on request. The row stays as an anonymous regular so that visit and problem
  counts in reports stay right, but every word about them is removed: profile, notes, problem and
  recovery texts, follow-ups, search index, drafts. The audit trail records that an erasure
  happened and by whom, never whose. On SQLite the deleted bytes are overwritten
  (``PRAGMA secure_delete``, set for every connection in models/database.py) and the full-text
  indexes are merged so no old index segment still holds their words; ``checkpoint`` then moves
  the result into the database file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from models.audit import record_event
from models.base import utcnow
from models.customers import recount_visits
from models.entities import Customer, Note, SearchDocument, Visit
from models.errors import NotFoundError, ValidationError
from models.problem_entities import (
    FollowUp,
    Problem,
    ProblemDraft,
    RecoveryAction,
    TeammateCheckIn,
)
from models.settings import DO_NOT_REMEMBER_KEEPS_VISITS, get_setting
from models.staff import Permission, acting_name, require
from models.validation import check_text

ConsentState = Literal["unknown", "agreed", "do_not_remember"]
CONSENT_LABELS: dict[str, str] = {
    "unknown": "Not asked yet",
    "agreed": "Agreed to be remembered",
    "do_not_remember": "Asked not to be remembered",
}
ERASED = "(erased on request)"
RECORDED_BY_MAX = 100


def consent_state(customer: Customer) -> ConsentState:
    if customer.do_not_remember:
        return "do_not_remember"
    return "agreed" if customer.consent_given else "unknown"


def _customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id, with_for_update=True)
    if customer is None or customer.forgotten_at is not None:
        raise NotFoundError(f"There is no regular with id {customer_id} (deleted?).")
    return customer


def set_consent(
    session: Session, customer_id: int, state: ConsentState, *, recorded_by: str = "",
    now: datetime | None = None,
) -> None:
    """Record the customer's answer. "do_not_remember" erases their details at once."""
    require(session, Permission.USE_COUNTER)
    if state not in CONSENT_LABELS:
        raise ValidationError({"consent": f"Unknown consent state {state!r}."})
    recorded_by = " ".join(recorded_by.split()) or acting_name(session)
    problem = check_text(recorded_by, "Who recorded it", RECORDED_BY_MAX)
    if problem:
        raise ValidationError({"recorded_by": problem})
    now = now or utcnow()
    customer = _customer(session, customer_id)
    summary = CONSENT_LABELS[state]
    if state == "do_not_remember":
        require(session, Permission.ERASE_DETAILS)
        if customer.do_not_remember:
            return
        notes = session.scalar(select(func.count(Note.id)).where(Note.customer_id == customer_id))
        summary += f"; erased their details and {_counted(notes or 0, 'note')}"
        keep_visits = bool(get_setting(session, DO_NOT_REMEMBER_KEEPS_VISITS))
        _erase_details(session, customer, keep_visits=keep_visits)
        customer.consent_given = False
        customer.consent_at = now
        customer.consent_by = recorded_by
        customer.do_not_remember = True
        customer.do_not_remember_at = now
        recount_visits(session, customer)
    elif state == "agreed":
        if not customer.consent_given:
            customer.consent_at = now
            customer.consent_by = recorded_by
        customer.consent_given = True
        customer.do_not_remember = False
        customer.do_not_remember_at = None
    else:
        customer.consent_given = False
        customer.consent_at = None
        customer.consent_by = ""
        customer.do_not_remember = False
        customer.do_not_remember_at = None
    customer.updated_at = now
    record_event(session, "consent", actor=recorded_by, record_type="customer",
                 record_id=customer_id, summary=summary, at=now)


@dataclass(frozen=True)
class ForgetSummary:
    customer_id: int
    visits_kept: int
    problems_kept: int
    notes_removed: int


def forget_customer(
    session: Session, customer_id: int, *, actor: str = "", now: datetime | None = None
) -> ForgetSummary:
    """Erase a customer's personal data everywhere, keeping anonymous counts (see module doc).

    Call ``checkpoint`` after the transaction commits, so the database file itself no longer
    holds the erased bytes (on SQLite they may otherwise sit in the write-ahead log a while).
    """
    require(session, Permission.FORGET)
    actor = actor.strip() or acting_name(session)
    now = now or utcnow()
    customer = _customer(session, customer_id)
    notes = session.scalar(select(func.count(Note.id)).where(Note.customer_id == customer_id))
    _erase_details(session, customer, keep_visits=True)
    for column in ("name", "goes_by", "description", "consent_by"):
        setattr(customer, column, "")
    customer.consent_given = False
    customer.consent_at = None
    customer.do_not_remember = False
    customer.do_not_remember_at = None
    customer.forgotten_at = now
    customer.updated_at = now
    session.execute(delete(SearchDocument).where(SearchDocument.customer_id == customer_id))
    session.flush()
    visits = session.scalar(select(func.count(Visit.id)).where(Visit.customer_id == customer_id))
    problems = session.scalar(
        select(func.count(Problem.id)).where(Problem.customer_id == customer_id)
    )
    record_event(session, "forget", actor=actor, record_type="customer", record_id=customer_id,
                 summary=f"Erased a customer's personal data on request; {visits or 0} visits "
                         f"and {problems or 0} problems kept as anonymous counts.", at=now)
    _merge_search_indexes(session)
    return ForgetSummary(customer_id, visits or 0, problems or 0, notes or 0)


def _erase_details(session: Session, customer: Customer, *, keep_visits: bool) -> None:
    """Everything personal except the name and description (the callers decide those)."""
    cid = customer.id
    for column in ("phone", "email"):
        setattr(customer, column, "")
    for column in ("usuals", "preferences", "allergies", "talking_points"):
        setattr(customer, column, [])
    customer.birthday_month = customer.birthday_day = customer.birthday_year = None
    customer.tag_rows = []
    session.flush()
    session.execute(delete(Note).where(Note.customer_id == cid))
    session.execute(delete(ProblemDraft).where(ProblemDraft.customer_id == cid))
    if keep_visits:
        session.execute(update(Visit).where(Visit.customer_id == cid).values(items=""))
    else:
        session.execute(delete(Visit).where(Visit.customer_id == cid))
        customer.earlier_visits = 0
    problem_ids = select(Problem.id).where(Problem.customer_id == cid).scalar_subquery()
    session.execute(update(Problem).where(Problem.customer_id == cid).values(
        subject="", what_happened=ERASED, customer_words="", fair_fix=""))
    session.execute(update(RecoveryAction).where(RecoveryAction.problem_id.in_(problem_ids))
                    .values(details=""))
    session.execute(update(TeammateCheckIn).where(TeammateCheckIn.problem_id.in_(problem_ids))
                    .values(reason=ERASED, done_note=""))
    now = utcnow()
    session.execute(update(FollowUp).where(FollowUp.customer_id == cid).values(task=ERASED,
                                                                             result=""))
    session.execute(update(FollowUp).where(FollowUp.customer_id == cid,
                                           FollowUp.done_at.is_(None))
                    .values(done_at=now, result=ERASED))


def _merge_search_indexes(session: Session) -> None:
    """SQLite's full-text indexes record a deletion as a marker and keep the old entry until
    segments merge; merging them all now removes every trace of the erased words."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    from models.migrations.fts import SEARCH_INDEXES

    existing = set(connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table'").scalars())
    for table in SEARCH_INDEXES:
        if table in existing:
            connection.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('optimize')")


def checkpoint(session: Session) -> None:
    """Move committed pages from SQLite's write-ahead log into the file and empty the log."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _counted(number: int, word: str) -> str:
    return f"{number:,} {word}{'s' * (number != 1)}"
