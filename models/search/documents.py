"""Build and store the search document of a customer (what search matches against)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from models.entities import Customer, CustomerTag, Note, SearchDocument
from models.search.folding import compact, digits, fold, word_text
from models.search.ranking import rank_key


def document_values(
    *,
    customer_id: int,
    name: str,
    goes_by: str,
    phone: str,
    email: str,
    description: str,
    usuals: Iterable[str],
    preferences: Iterable[str],
    allergies: Iterable[str],
    talking_points: Iterable[str],
    tags: Iterable[str],
    notes: Iterable[str],
    last_seen: Any,
    visit_count: int,
) -> dict[str, Any]:
    return {
        "rank_key": rank_key(customer_id, last_seen, visit_count),
        "customer_id": customer_id,
        "names": word_text(name, goes_by),
        "other": word_text(
            description, *usuals, *preferences, *allergies, *talking_points, *tags, *notes
        ),
        # Name and goes-by compacted separately: "obrien" matches O'Brien, "kat" matches Kate.
        "name_compact": f"{compact(name)} {compact(goes_by)}".strip(),
        "phone_digits": digits(phone),
        "email": fold(email).strip(),
    }


def refresh_document(session: Session, customer: Customer) -> None:
    """Rewrite the customer's search document from what is stored now."""
    session.flush()
    note_texts = session.scalars(
        select(Note.text).where(Note.customer_id == customer.id).order_by(Note.id)
    ).all()
    tags = session.scalars(
        select(CustomerTag.name).where(CustomerTag.customer_id == customer.id)
    ).all()
    values = document_values(
        customer_id=customer.id,
        name=customer.name,
        goes_by=customer.goes_by,
        phone=customer.phone,
        email=customer.email,
        description=customer.description,
        usuals=customer.usuals,
        preferences=customer.preferences,
        allergies=customer.allergies,
        talking_points=customer.talking_points,
        tags=tags,
        notes=note_texts,
        last_seen=customer.last_visit_at or customer.created_at,
        visit_count=customer.visit_count,
    )
    # Delete + insert rather than update: on SQLite the triggers then re-index once each way.
    session.execute(delete(SearchDocument).where(SearchDocument.customer_id == customer.id))
    session.execute(insert(SearchDocument).values(**values))
