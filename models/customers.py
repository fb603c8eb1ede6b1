"""Add and edit regulars, log their visits and write notes about them."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.entities import Customer, CustomerTag, Note, Visit
from models.errors import NotFoundError, ValidationError
from models.search.documents import refresh_document
from models.staff import Actor, Permission, require
from models.validation import check_birthday, check_email, check_phone, check_text

NAME_MAX = 200
GOES_BY_MAX = 100
ITEM_MAX = 500  # one usual, preference, allergy, talking point
TAG_MAX = 60
DESCRIPTION_MAX = 2000
NOTE_MAX = 10_000
# "handover": written for the next shift, who see it in their briefing (models/briefing.py).
NOTE_KINDS = ("note", "handover")


@dataclass
class CustomerDraft:
    """Everything staff can type about a regular; what the new/edit dialog fills in."""

    name: str = ""
    goes_by: str = ""
    phone: str = ""
    email: str = ""
    description: str = ""
    usuals: list[str] = field(default_factory=list)
    preferences: list[str] = field(default_factory=list)
    allergies: list[str] = field(default_factory=list)
    talking_points: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    birthday_month: int | None = None
    birthday_day: int | None = None
    birthday_year: int | None = None
    consent_given: bool = False

    def cleaned(self) -> CustomerDraft:
        """Surrounding spaces trimmed, empty list items and duplicate tags dropped."""
        return CustomerDraft(
            name=" ".join(self.name.split()),
            goes_by=" ".join(self.goes_by.split()),
            phone=self.phone.strip().lstrip("'"),
            email=self.email.strip(),
            description=self.description.strip(),
            usuals=_items(self.usuals),
            preferences=_items(self.preferences),
            allergies=_items(self.allergies),
            talking_points=_items(self.talking_points),
            tags=list(dict.fromkeys(t.lower() for t in _items(self.tags))),
            birthday_month=self.birthday_month,
            birthday_day=self.birthday_day,
            birthday_year=self.birthday_year,
            consent_given=self.consent_given,
        )

    def problems(self) -> dict[str, str]:
        """Field name -> message, for every field that cannot be saved as it is."""
        errors: dict[str, str] = {}
        if not (self.name or self.goes_by or self.description):
            errors["name"] = "Enter a name, or describe how to recognize them."
        # Only filled-in fields are checked (an import runs this for 100,000 rows), in the
        # order of the form, so the first message is about the first field.
        if self.name and (message := check_text(self.name, "The name", NAME_MAX)):
            errors.setdefault("name", message)
        if self.goes_by and (
                message := check_text(self.goes_by, "The name they go by", GOES_BY_MAX)):
            errors["goes_by"] = message
        if self.phone and (message := check_phone(self.phone)):
            errors["phone"] = message
        if self.email and (message := check_email(self.email)):
            errors["email"] = message
        if self.description and (message := check_text(
                self.description, "The description", DESCRIPTION_MAX, multiline=True)):
            errors["description"] = message
        if (self.birthday_month, self.birthday_day, self.birthday_year) != (None, None, None) \
                and (message := check_birthday(self.birthday_month, self.birthday_day,
                                               self.birthday_year)):
            errors["birthday"] = message
        for name, label, limit in _LIST_CHECKS:
            for value in getattr(self, name):
                if message := check_text(value, label, limit):
                    errors[name] = message
                    break
        return errors


def _items(values: list[str]) -> list[str]:
    return [item for item in map(str.strip, values) if item]


_LIST_CHECKS = (
    ("usuals", "A usual order", ITEM_MAX),
    ("preferences", "A preference", ITEM_MAX),
    ("allergies", "An allergy", ITEM_MAX),
    ("talking_points", "A talking point", ITEM_MAX),
    ("tags", "A tag", TAG_MAX),
)


_SCALAR_FIELDS = [
    f.name for f in fields(CustomerDraft) if f.name not in {"tags", "consent_given"}
]


def _validated(draft: CustomerDraft) -> CustomerDraft:
    clean = draft.cleaned()
    errors = clean.problems()
    if errors:
        raise ValidationError(errors)
    return clean


def _apply(customer: Customer, draft: CustomerDraft, now: datetime) -> None:
    for name in _SCALAR_FIELDS:
        setattr(customer, name, getattr(draft, name))
    if draft.consent_given and not customer.consent_given:
        customer.consent_at = now
    elif not draft.consent_given:
        customer.consent_at = None
    customer.consent_given = draft.consent_given
    kept = {row.name: row for row in customer.tag_rows}
    customer.tag_rows = [kept.get(t) or CustomerTag(name=t) for t in draft.tags]
    customer.updated_at = now


def _get(session: Session, customer_id: int, *, lock: bool = True) -> Customer:
    # Lock the regular's row until commit: on PostgreSQL two counters changing the same regular
    # would otherwise both rewrite its search document (duplicate key) or recount visits
    # without seeing each other's (a lost update). SQLite ignores FOR UPDATE; there a unit of
    # work (sessions.begin()) holds the write lock from its first statement (BEGIN IMMEDIATE,
    # models/sqlite_transactions.py), so this read is already serialized with other writers.
    customer = session.get(Customer, customer_id, with_for_update=lock or None)
    if customer is None:
        raise NotFoundError(f"There is no regular with id {customer_id} (deleted?).")
    return customer


def ensure_rememberable(session: Session, customer_id: int, what: str) -> Customer:
    """The regular, locked for the change; refuses to store ``what`` about one who asked not
    to be remembered (see models/privacy.py)."""
    customer = _get(session, customer_id)
    if customer.do_not_remember:
        who = customer.goes_by or customer.name or "This customer"
        raise ValidationError({"customer": (
            f"{who} asked not to be remembered, so {what} can't be kept about them."
        )})
    return customer


_IDENTITY_FIELDS = {"name", "goes_by", "description"}


def create_customer(session: Session, draft: CustomerDraft, *, now: datetime | None = None) -> int:
    """Add a regular; returns the new id. Raises ValidationError with per-field messages."""
    require(session, Permission.USE_COUNTER)
    clean = _validated(draft)
    now = now or utcnow()
    customer = Customer(created_at=now, visit_count=0)
    _apply(customer, clean, now)
    session.add(customer)
    session.flush()
    refresh_document(session, customer)
    return customer.id


def update_customer(
    session: Session, customer_id: int, draft: CustomerDraft, *, now: datetime | None = None
) -> None:
    require(session, Permission.USE_COUNTER)
    clean = _validated(draft)
    customer = _get(session, customer_id)
    if customer.do_not_remember:
        extra = [n for n in _SCALAR_FIELDS if n not in _IDENTITY_FIELDS and getattr(clean, n)]
        if extra or clean.tags:
            raise ValidationError({"customer": (
                f"{customer.goes_by or customer.name or 'They'} asked not to be remembered: "
                "only the name and how to recognise them are kept."
            )})
        clean.consent_given = False
    # Tags that stay keep their rows (a new row with the same key would clash, and the audit
    # trail would report a change that did not happen); removed ones go first.
    wanted = set(clean.tags)
    customer.tag_rows = [row for row in customer.tag_rows if row.name in wanted]
    session.flush()
    _apply(customer, clean, now or utcnow())
    refresh_document(session, customer)


def load_draft(session: Session, customer_id: int) -> CustomerDraft:
    """The regular as an editable draft (what the edit dialog starts from)."""
    require(session, Permission.USE_COUNTER)
    customer = _get(session, customer_id, lock=False)
    draft = CustomerDraft(
        tags=[t.name for t in customer.tag_rows], consent_given=customer.consent_given
    )
    for name in _SCALAR_FIELDS:
        value = getattr(customer, name)
        setattr(draft, name, list(value) if isinstance(value, list) else value)
    return draft


def check_in(
    session: Session, customer_id: int, *, items: str = "", at: datetime | None = None
) -> int:
    """Log a visit now (or ``at``); returns the visit id so it can be undone."""
    require(session, Permission.USE_COUNTER)
    problem = check_text(items, "What they had", ITEM_MAX, multiline=True)
    if problem:
        raise ValidationError({"items": problem})
    customer = _get(session, customer_id)
    if customer.do_not_remember:
        from models.settings import DO_NOT_REMEMBER_KEEPS_VISITS, get_setting

        if not get_setting(session, DO_NOT_REMEMBER_KEEPS_VISITS):
            raise ValidationError({"customer": (
                f"{customer.goes_by or customer.name or 'They'} asked not to be remembered; "
                "this shop does not log their visits."
            )})
        items = ""  # visits without details
    visit = Visit(customer_id=customer_id, visited_at=at or utcnow(), items=items.strip())
    session.add(visit)
    session.flush()
    recount_visits(session, customer)
    return visit.id


def undo_check_in(session: Session, visit_id: int) -> None:
    """Remove a visit logged by mistake (the wrong person was checked in)."""
    require(session, Permission.USE_COUNTER)
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise NotFoundError("That visit was already removed.")
    customer = _get(session, visit.customer_id)
    session.delete(visit)
    session.flush()
    recount_visits(session, customer)


def recount_visits(session: Session, customer: Customer) -> None:
    """Visit count and last visit from the visit log (plus visits a previous system counted),
    then the search document that ranks by them."""
    count, last = session.execute(
        select(func.count(Visit.id), func.max(Visit.visited_at)).where(
            Visit.customer_id == customer.id
        )
    ).one()
    customer.visit_count = count + customer.earlier_visits
    customer.last_visit_at = last  # func.max keeps the column type: an aware datetime
    refresh_document(session, customer)


def add_note(
    session: Session, customer_id: int, text: str, *, pinned: bool = False,
    kind: str = "note", now: datetime | None = None,
) -> int:
    """A note about the regular; ``kind="handover"`` leaves it for the next shift's briefing."""
    require(session, Permission.USE_COUNTER)
    if kind not in NOTE_KINDS:
        raise ValidationError({"kind": f"A note is one of {', '.join(NOTE_KINDS)}, not {kind!r}."})
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write something in the note first."})
    problem = check_text(text, "The note", NOTE_MAX, multiline=True)
    if problem:
        raise ValidationError({"text": problem})
    customer = ensure_rememberable(session, customer_id, "notes")
    when = now or utcnow()
    note = Note(customer_id=customer_id, text=text, pinned=pinned, kind=kind, created_at=when,
                updated_at=when)
    session.add(note)
    session.flush()
    refresh_document(session, customer)
    return note.id


def _may_change_note(session: Session, note: Note) -> Actor:
    """Anyone at the counter may change a note they wrote; a teammate's note, or one nobody
    signed (imported, or written before sign-in existed), needs a shift lead. Call
    ``require(…USE_COUNTER)`` before loading the note."""
    actor = require(session, Permission.USE_COUNTER)
    if not note.author or note.author.casefold() != actor.name.casefold():
        require(session, Permission.EDIT_OTHERS_NOTES)
    return actor


def update_note(session: Session, note_id: int, text: str, *, now: datetime | None = None
                ) -> None:
    """Change a note's text (who edited it is recorded by models/audit_trail.py)."""
    require(session, Permission.USE_COUNTER)
    note = session.get(Note, note_id)
    if note is None:
        raise NotFoundError("That note was deleted.")
    _may_change_note(session, note)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write something in the note first."})
    problem = check_text(text, "The note", NOTE_MAX, multiline=True)
    if problem:
        raise ValidationError({"text": problem})
    if text == note.text:
        return
    customer = _get(session, note.customer_id)
    note.text = text
    note.updated_at = now or utcnow()
    session.flush()
    refresh_document(session, customer)


def set_note_pinned(session: Session, note_id: int, pinned: bool) -> None:
    require(session, Permission.USE_COUNTER)
    note = session.get(Note, note_id)
    if note is None:
        raise NotFoundError("That note was deleted.")
    _may_change_note(session, note)
    note.pinned = pinned


def delete_note(session: Session, note_id: int) -> None:
    require(session, Permission.USE_COUNTER)
    note = session.get(Note, note_id)
    if note is None:
        raise NotFoundError("That note was already deleted.")
    _may_change_note(session, note)
    customer = _get(session, note.customer_id)
    session.delete(note)  # through the ORM, so the audit trail sees it
    session.flush()
    refresh_document(session, customer)


def count_customers(session: Session) -> int:
    require(session, Permission.USE_COUNTER)
    return session.scalar(select(func.count(Customer.id))) or 0
