"""The tables: customers (regulars), their tags, visits, notes, the search document and the
audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy import text as sql_text  # "text" is also a column name below
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, RowidBigInteger, UTCDateTime, utcnow


class Customer(Base):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    goes_by: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    # "How to recognize them", for regulars whose name nobody knows.
    description: Mapped[str] = mapped_column(Text, default="")
    usuals: Mapped[list[str]] = mapped_column(JSON, default=list)
    preferences: Mapped[list[str]] = mapped_column(JSON, default=list)
    allergies: Mapped[list[str]] = mapped_column(JSON, default=list)
    talking_points: Mapped[list[str]] = mapped_column(JSON, default=list)
    birthday_month: Mapped[int | None] = mapped_column(Integer)
    birthday_day: Mapped[int | None] = mapped_column(Integer)
    birthday_year: Mapped[int | None] = mapped_column(Integer)
    consent_given: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_by: Mapped[str] = mapped_column(String(100), server_default=sql_text("''"))
    # Asked not to be remembered: only their name (to honour the request) and, if the owner
    # allows, visits without details are kept. See models/privacy.py.
    do_not_remember: Mapped[bool] = mapped_column(Boolean, server_default=false())
    do_not_remember_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Erased on request: the row stays, anonymous, so that visit and problem counts in reports
    # stay correct.
    forgotten_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Visits a previous system counted that are not in the visit log (an import's visit count
    # beyond the first and last visit it gave); included in ``visit_count``.
    earlier_visits: Mapped[int] = mapped_column(Integer, server_default=sql_text("0"))
    # Kept in step with the visit table by the visit services, so that search results and the
    # greeting card never count millions of visit rows.
    visit_count: Mapped[int] = mapped_column(Integer, default=0)
    last_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    tag_rows: Mapped[list[CustomerTag]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="CustomerTag.name"
    )
    visits: Mapped[list[Visit]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", passive_deletes=True
    )
    notes: Mapped[list[Note]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", passive_deletes=True
    )


class CustomerTag(Base):
    __tablename__ = "customer_tag"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(60), primary_key=True)

    customer: Mapped[Customer] = relationship(back_populates="tag_rows")

    __table_args__ = (Index("ix_customer_tag_name", "name"),)


class Visit(Base):
    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    items: Mapped[str] = mapped_column(Text, default="")
    # Who checked them in (the signed-in teammate; models/audit_trail.py fills it in).
    logged_by: Mapped[str] = mapped_column(String(100), server_default=sql_text("''"))
    # The same regular's visit before this one (None for their first): kept by
    # models/visit_links.py so reports count different regulars per period without a DISTINCT.
    # Set in SQL after a flush, so read it in queries: a loaded Visit may hold an older value.
    previous_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    customer: Mapped[Customer] = relationship(back_populates="visits")

    __table_args__ = (
        Index("ix_visit_customer_time", "customer_id", "visited_at"),
        # Reports over a period count visits, distinct customers and newcomers from this index
        # alone, never reading the table.
        Index("ix_visit_time_customer_previous", "visited_at", "customer_id",
              "previous_visit_at"),
    )


class Note(Base):
    __tablename__ = "note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where an imported note came from ("Square memo"); empty for notes written here.
    source: Mapped[str] = mapped_column(String(100), server_default=sql_text("''"))
    # "note", or "handover": left for the next shift, shown in their briefing.
    kind: Mapped[str] = mapped_column(String(20), server_default=sql_text("'note'"))
    author: Mapped[str] = mapped_column(String(100), server_default=sql_text("''"))
    edited_by: Mapped[str] = mapped_column(String(100), server_default=sql_text("''"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="notes")

    __table_args__ = (
        Index("ix_note_customer", "customer_id", "pinned", "created_at"),
        # The shift briefing lists recent handover notes.
        Index("ix_note_kind_time", "kind", "created_at"),
    )


class SearchDocument(Base):
    """One row per customer: the folded text that search matches against.

    ``rank_key`` is the row's primary key *and* its ranking: recency and frequency of visits in
    the high bits, the customer id in the low bits. Full-text indexes on SQLite use it as their
    rowid, so "best first" is the order the index already gives and no per-keystroke sort of
    every match is needed (see models/search/ranking.py).
    """

    __tablename__ = "search_document"

    rank_key: Mapped[int] = mapped_column(RowidBigInteger, primary_key=True, autoincrement=False)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), unique=True
    )
    names: Mapped[str] = mapped_column(Text, default="")
    other: Mapped[str] = mapped_column(Text, default="")
    name_compact: Mapped[str] = mapped_column(Text, default="")
    phone_digits: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")


class AuditEvent(Base):
    """One line of the append-only audit trail: who did what to which record, and when.

    ``summary`` never holds personal data of a forgotten customer, nor a PIN.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(40))
    record_type: Mapped[str] = mapped_column(String(40), default="")
    record_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (
        Index("ix_audit_event_at", "at"),
        Index("ix_audit_event_actor", "actor", "at"),
    )
