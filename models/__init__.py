"""The domain of Velvet Rope Desktop, free of Qt: tables, search and services.

The scripting API::

    import models
    sessions = models.open_database("sqlite:///shop.db")   # creates or upgrades the schema
    with sessions() as session:
        for match in models.find_customers(session, "corgi", limit=10):
            print(match.display_name, match.usual, match.visits, match.last_visit)
    with sessions.begin() as session:                       # one transaction
        customer_id = models.create_customer(session, models.CustomerDraft(name="Zoë Park"))
        models.check_in(session, customer_id)
"""

from models.customers import (
    CustomerDraft,
    add_note,
    check_in,
    count_customers,
    create_customer,
    delete_note,
    load_draft,
    set_note_pinned,
    undo_check_in,
    update_customer,
)
from models.database import DatabaseError, SessionFactory, open_database
from models.errors import NotFoundError, ValidationError
from models.greeting import GreetingCard, NoteView, load_card, relative_day
from models.search.service import CustomerMatch, find_customers, match_for, recent_customers

__all__ = [
    "CustomerDraft",
    "CustomerMatch",
    "DatabaseError",
    "GreetingCard",
    "NotFoundError",
    "NoteView",
    "SessionFactory",
    "ValidationError",
    "add_note",
    "check_in",
    "count_customers",
    "create_customer",
    "delete_note",
    "find_customers",
    "load_card",
    "load_draft",
    "match_for",
    "open_database",
    "recent_customers",
    "relative_day",
    "set_note_pinned",
    "undo_check_in",
    "update_customer",
]
