"""Who a report may name, and how.

Customers who were forgotten on request, or who asked not to be remembered, are never listed by
name in a report: their visits and problems still count in every total, and lists say how many
such customers they left out, so the numbers still add up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from models.entities import Customer, CustomerTag

_CHUNK = 500  # ids per IN list: under every engine's parameter limit


def may_be_listed() -> ColumnElement[bool]:
    return Customer.forgotten_at.is_(None) & Customer.do_not_remember.is_(False)


def display_name(name: str, goes_by: str, description: str) -> str:
    """The full name for an owner's list: name, else the name they go by, else how to
    recognise them."""
    return name or goes_by or description


def sortable_name() -> ColumnElement[str]:
    """``display_name`` in SQL, lower-cased, for sorting a list by name."""
    return func.lower(func.coalesce(
        func.nullif(Customer.name, ""), func.nullif(Customer.goes_by, ""), Customer.description))


def tags_of(session: Session, customer_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """The tags of a page of customers (never of every customer), alphabetically."""
    ids = list(customer_ids)
    tags: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        for customer_id, name in session.execute(
            select(CustomerTag.customer_id, CustomerTag.name)
            .where(CustomerTag.customer_id.in_(ids[start:start + _CHUNK]))
            .order_by(CustomerTag.customer_id, CustomerTag.name)
        ):
            tags[customer_id].append(name)
    return {customer_id: tuple(names) for customer_id, names in tags.items()}
