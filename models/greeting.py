"""What the greeting card shows about one regular, as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.entities import Customer, CustomerTag, Note
from models.errors import NotFoundError
from models.follow_ups import FollowUpView, open_follow_ups
from models.last_time import LastTime, last_time
from models.settings import LAST_TIME_DAYS, get_setting
from models.staff import Permission, require
from models.wording import greeting_name, relative_day

RECENT_NOTES = 3


@dataclass(frozen=True)
class NoteView:
    id: int
    text: str
    created_at: datetime
    pinned: bool
    author: str = ""  # who wrote it (empty for notes from before sign-in, or imported)
    kind: str = "note"  # or "handover": left for the next shift
    edited_by: str = ""  # who last changed the text, if anyone did

    @property
    def is_handover(self) -> bool:
        return self.kind == "handover"


@dataclass(frozen=True)
class GreetingCard:
    id: int
    greet_as: str  # the name to say out loud; empty when nobody knows it
    name: str
    goes_by: str
    description: str
    phone: str
    email: str
    usuals: tuple[str, ...]
    preferences: tuple[str, ...]
    allergies: tuple[str, ...]
    talking_points: tuple[str, ...]
    tags: tuple[str, ...]
    visits: int
    last_visit: datetime | None
    first_seen: datetime
    birthday: tuple[int, int, int | None] | None  # month, day, year
    consent_given: bool
    consent_at: datetime | None
    pinned_notes: tuple[NoteView, ...]
    recent_notes: tuple[NoteView, ...]
    # The latest problem (and any safety problem), newest first; see models/last_time.py.
    last_time: tuple[LastTime, ...] = ()
    follow_ups: tuple[FollowUpView, ...] = ()
    consent_by: str = ""
    # Asked not to be remembered (models/privacy.py): the card says so and offers nothing to add.
    do_not_remember_at: datetime | None = None

    def days_to_birthday(self, today: date) -> int | None:
        """0 on the day, 1 tomorrow …; None without a birthday. Feb 29 counts as Mar 1."""
        if self.birthday is None:
            return None
        month, day, _ = self.birthday
        for year in (today.year, today.year + 1):
            try:
                next_one = date(year, month, day)
            except ValueError:
                next_one = date(year, 3, 1)
            if next_one >= today:
                return (next_one - today).days
        return None


def load_card(
    session: Session, customer_id: int, *, now: datetime | None = None,
    last_time_days: int | None = None,
) -> GreetingCard:
    """The card for one regular; ``last_time_days`` defaults to the shop's setting."""
    require(session, Permission.USE_COUNTER)
    customer = session.get(Customer, customer_id)
    if customer is None or customer.forgotten_at is not None:
        raise NotFoundError(f"There is no regular with id {customer_id} (deleted?).")
    tags = session.scalars(
        select(CustomerTag.name).where(CustomerTag.customer_id == customer_id)
        .order_by(CustomerTag.name)
    ).all()
    pinned = session.scalars(
        select(Note).where(Note.customer_id == customer_id, Note.pinned.is_(True))
        .order_by(Note.created_at.desc())
    ).all()
    recent = session.scalars(
        select(Note).where(Note.customer_id == customer_id, Note.pinned.is_(False))
        .order_by(Note.created_at.desc(), Note.id.desc()).limit(RECENT_NOTES)
    ).all()
    birthday = (
        (customer.birthday_month, customer.birthday_day, customer.birthday_year)
        if customer.birthday_month and customer.birthday_day else None
    )
    return GreetingCard(
        id=customer.id,
        greet_as=greeting_name(customer.name, customer.goes_by),
        name=customer.name,
        goes_by=customer.goes_by,
        description=customer.description,
        phone=customer.phone,
        email=customer.email,
        usuals=tuple(customer.usuals),
        preferences=tuple(customer.preferences),
        allergies=tuple(customer.allergies),
        talking_points=tuple(customer.talking_points),
        tags=tuple(tags),
        visits=customer.visit_count,
        last_visit=customer.last_visit_at,
        first_seen=customer.created_at,
        birthday=birthday,
        consent_given=customer.consent_given,
        consent_at=customer.consent_at,
        pinned_notes=tuple(_view(n) for n in pinned),
        recent_notes=tuple(_view(n) for n in recent),
        last_time=last_time(
            session, customer_id, now=now or utcnow(),
            window_days=last_time_days or get_setting(session, LAST_TIME_DAYS),
        ),
        follow_ups=tuple(open_follow_ups(session, customer_id=customer_id, limit=3)),
        consent_by=customer.consent_by,
        do_not_remember_at=customer.do_not_remember_at if customer.do_not_remember else None,
    )


def attribution(author: str, moment: datetime, now: datetime | None = None) -> str:
    """ "Sam · 2 days ago"; just "2 days ago" when nobody signed it (older or imported notes)."""
    when = relative_day(moment, now)
    return f"{author} · {when}" if author else when


def _view(note: Note) -> NoteView:
    return NoteView(id=note.id, text=note.text, created_at=note.created_at, pinned=note.pinned,
                    author=note.author, kind=note.kind, edited_by=note.edited_by)
