"""What every importer produces: one ``ImportRecord`` per customer row, and the rows it skipped.

The readers (one per format) only parse and map; they never touch the database. Deciding
whether a record creates, updates or is skipped (planning.py) and writing it (applying.py) is
the same for every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class ImportedNote:
    """A memo or note column, kept as a note that says where it came from."""

    text: str
    source: str  # e.g. "Square memo", "Google Contacts notes"
    created_at: datetime | None = None  # aware UTC; None = the moment of the import
    pinned: bool = False
    # Our own JSON export only: "note" or "handover", who wrote it and who last changed it.
    kind: str = "note"
    author: str = ""
    edited_by: str = ""


@dataclass
class CustomerHistory:
    """Everything after the profile, as our own JSON export writes it (visits, problems …).

    Only the JSON reader fills it; the CSV and vCard formats carry at most first/last visit and a
    visit count (the fields on ``ImportRecord``). Each list holds plain dicts in the export's
    shape (see models/exporting.py).
    """

    visits: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    follow_ups: list[dict[str, Any]] = field(default_factory=list)
    problem_draft: dict[str, Any] | None = None
    # Profile columns ImportRecord has no field for (added after the contract was set):
    # visits the exporting shop counted beyond its visit log (Customer.earlier_visits; written
    # by write_history), and when they asked not to be remembered, or were forgotten.
    earlier_visits: int = 0
    do_not_remember_at: datetime | None = None  # aware UTC
    forgotten_at: datetime | None = None  # aware UTC
    updated_at: datetime | None = None  # aware UTC: when the profile last changed


@dataclass
class ImportRecord:
    """One customer as read from a file, already cleaned and mapped to our fields."""

    line: int  # line in the file where the row starts (the header is line 1); vCard: BEGIN line
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
    notes: list[ImportedNote] = field(default_factory=list)
    first_visit: datetime | None = None  # aware UTC
    last_visit: datetime | None = None  # aware UTC
    visit_count: int | None = None  # as the other system counted them
    consent_given: bool | None = None  # None: the file does not say
    consent_at: datetime | None = None
    consent_by: str = ""
    do_not_remember: bool = False
    created_at: datetime | None = None  # when the other system added them, if it says
    source_id: str = ""  # the other system's id (Square Customer ID …), for the report
    # Field-level problems that did not stop the row ("birthday '13-45' not understood").
    warnings: list[str] = field(default_factory=list)
    history: CustomerHistory | None = None
    # Set once planning has cleaned and checked the record, so the import's second planning
    # (under the write lock, after the preview) does not redo it.
    cleaned: bool = field(default=False, compare=False, repr=False)


@dataclass(frozen=True)
class SkippedRow:
    line: int
    reason: str


@dataclass
class ParsedFile:
    """A whole file read: what format it was, its columns, the records and the skipped rows."""

    format: str  # "square", "shopify", "google", "vcard", "csv", "json"
    format_label: str  # "Square customer directory", …
    columns: list[str] = field(default_factory=list)  # the header (empty for vCard/JSON)
    records: list[ImportRecord] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    encoding: str = "utf-8"
    # Our own JSON export only: the shop's categories, settings, process fixes and staff
    # (name, role, active; never a PIN), restored when it is imported into an empty database.
    shop: dict[str, Any] | None = None
