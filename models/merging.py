"""Merge two profiles of the same person into one, choosing field by field what to keep.

Two clerks each added the same regular, or an import brought in a second copy: the visits,
notes, problems and follow-ups of both end up on the one that stays; the other is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from models import visit_links
from models.audit import record_event
from models.base import utcnow
from models.customers import recount_visits
from models.entities import Customer, CustomerTag, Note, SearchDocument, Visit
from models.errors import NotFoundError, ValidationError
from models.problem_entities import FollowUp, Problem, ProblemDraft
from models.staff import Permission, acting_name, require

Choice = Literal["keep", "other", "both"]


@dataclass(frozen=True)
class MergeField:
    key: str
    label: str
    is_list: bool = False  # lists can also keep both sides' items


MERGE_FIELDS: tuple[MergeField, ...] = (
    MergeField("name", "Name"),
    MergeField("goes_by", "Goes by"),
    MergeField("phone", "Phone"),
    MergeField("email", "Email"),
    MergeField("description", "How to recognise them"),
    MergeField("usuals", "Usual order", is_list=True),
    MergeField("preferences", "Preferences", is_list=True),
    MergeField("allergies", "Allergies", is_list=True),
    MergeField("talking_points", "Ask about", is_list=True),
    MergeField("birthday", "Birthday"),
    MergeField("consent", "Consent"),
)
_BIRTHDAY = ("birthday_month", "birthday_day", "birthday_year")
_CONSENT = ("consent_given", "consent_at", "consent_by")


def field_value(customer: Customer, key: str) -> object:
    if key == "birthday":
        return tuple(getattr(customer, c) for c in _BIRTHDAY)
    if key == "consent":
        return tuple(getattr(customer, c) for c in _CONSENT)
    return getattr(customer, key)


def _is_empty(value: object) -> bool:
    if isinstance(value, tuple):
        return value[0] in (None, False)
    return not value


def default_choices(keep: Customer, other: Customer) -> dict[str, Choice]:
    """What a person would pick without thinking: the kept profile's value where it has one,
    else the other's; for lists, the items of both."""
    choices: dict[str, Choice] = {}
    for merge_field in MERGE_FIELDS:
        if merge_field.is_list:
            choices[merge_field.key] = "both"
        elif _is_empty(field_value(keep, merge_field.key)) and not _is_empty(
            field_value(other, merge_field.key)
        ):
            choices[merge_field.key] = "other"
        else:
            choices[merge_field.key] = "keep"
    return choices


def _load(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id, with_for_update=True)
    if customer is None or customer.forgotten_at is not None:
        raise NotFoundError(f"There is no regular with id {customer_id} (deleted?).")
    return customer


def merge_customers(
    session: Session, keep_id: int, other_id: int, choices: dict[str, Choice] | None = None,
    *, actor: str = "", now: datetime | None = None,
) -> None:
    """Fold ``other_id`` into ``keep_id``; ``choices`` maps a MERGE_FIELDS key to where its
    value comes from (missing keys: ``default_choices``)."""
    require(session, Permission.MERGE_CUSTOMERS)
    actor = actor.strip() or acting_name(session)
    if keep_id == other_id:
        raise ValidationError({"other": "Choose two different profiles to merge."})
    keep = _load(session, keep_id)
    other = _load(session, other_id)
    if keep.do_not_remember or other.do_not_remember:
        raise ValidationError({"other": (
            "One of these profiles asked not to be remembered; merging would bring their "
            "details back. Mark the kept profile instead."
        )})
    picked = default_choices(keep, other) | (choices or {})
    for merge_field in MERGE_FIELDS:
        choice = picked[merge_field.key]
        if choice == "both" and not merge_field.is_list:
            raise ValidationError({merge_field.key: f"{merge_field.label}: pick one side."})
        if merge_field.key == "birthday" or merge_field.key == "consent":
            columns = _BIRTHDAY if merge_field.key == "birthday" else _CONSENT
            if choice == "other":
                for column in columns:
                    setattr(keep, column, getattr(other, column))
        elif choice == "other":
            value = getattr(other, merge_field.key)
            setattr(keep, merge_field.key, list(value) if merge_field.is_list else value)
        elif choice == "both":
            mine: list[str] = getattr(keep, merge_field.key)
            theirs: list[str] = getattr(other, merge_field.key)
            setattr(keep, merge_field.key, list(dict.fromkeys([*mine, *theirs])))
    if not (keep.name or keep.goes_by or keep.description):
        raise ValidationError({"name": "The merged profile needs a name or a description."})
    keep_tags = set(session.scalars(select(CustomerTag.name)
                                    .where(CustomerTag.customer_id == keep_id)))
    other_tags = set(session.scalars(select(CustomerTag.name)
                                     .where(CustomerTag.customer_id == other_id)))
    for tag in sorted(other_tags - keep_tags):
        session.add(CustomerTag(customer_id=keep_id, name=tag))
    for table in (Visit, Note, Problem, FollowUp):
        session.execute(update(table).where(table.customer_id == other_id)
                        .values(customer_id=keep_id))
    # A bulk UPDATE passes by the flush listener that keeps visit links.
    visit_links.relink(session.connection(), [keep_id])
    if session.get(ProblemDraft, keep_id) is None:
        session.execute(update(ProblemDraft).where(ProblemDraft.customer_id == other_id)
                        .values(customer_id=keep_id))
    session.execute(delete(ProblemDraft).where(ProblemDraft.customer_id == other_id))
    keep.earlier_visits += other.earlier_visits
    keep.created_at = min(keep.created_at, other.created_at)
    keep.updated_at = now or utcnow()
    session.execute(delete(SearchDocument).where(SearchDocument.customer_id == other_id))
    session.execute(delete(CustomerTag).where(CustomerTag.customer_id == other_id))
    session.flush()
    session.expunge(other)
    session.execute(delete(Customer).where(Customer.id == other_id))
    recount_visits(session, keep)
    record_event(session, "merge", actor=actor, record_type="customer", record_id=keep_id,
                 summary=f"Merged regular #{other_id} into #{keep_id}.", at=now)
