"""Write an import plan in one transaction: everything lands, or (on an error or a cancel)
nothing does.

New regulars go in bulk, as the seeder writes them (models/seeding/writer.py): one executemany
per table and, on SQLite, the new search documents full-text indexed once instead of by row
triggers. Updated regulars go through the ORM one by one, since an update only fills gaps and
re-importing a file updates few of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from models.audit import one_event_for_many, record_event
from models.base import utcnow
from models.customers import recount_visits
from models.entities import Customer, CustomerTag, Note, Visit
from models.errors import ValidationError
from models.importing.planning import (
    ImportPlan,
    PlannedRow,
    earlier_visits,
    known_customer,
    load_existing,
    plan_import,
    profile_changes,
    visit_times,
)
from models.importing.records import ImportRecord, ParsedFile
from models.importing.staff_list import restore_staff
from models.problem_entities import AppSetting, ProblemCategory
from models.seeding.rows import TAG_COLUMNS, Documents, Encoder
from models.seeding.writer import begin_batch, insert_documents, insert_rows, next_customer_id
from models.staff import Permission, acting_name, require
from models.visit_links import previous_times

Progress = Callable[[int, int], bool]  # (done, total) -> keep going?
BATCH = 5_000
IMPORT_CACHE_KIB = 65_536


class ImportCancelled(Exception):  # noqa: N818 (a cancel is not an error)
    """The person cancelled; the transaction must be rolled back (nothing was written)."""


@dataclass
class ImportReport:
    format_label: str
    plan: ImportPlan
    dry_run: bool
    created: int = 0
    updated: int = 0
    combined: int = 0  # rows folded into an earlier row of the same file
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> list[PlannedRow]:
        return self.plan.skipped

    def summary(self) -> str:
        verb = "Would add" if self.dry_run else "Added"
        update = "update" if self.dry_run else "updated"
        parts = [f"{verb} {self.created:,} new regular{'s' * (self.created != 1)}",
                 f"{update} {self.updated:,}"]
        if self.combined:
            parts.append(f"{self.combined:,} row{'s' * (self.combined != 1)} combined with "
                         "an earlier row of the same person")
        parts.append(f"skipped {len(self.skipped):,} row{'s' * (len(self.skipped) != 1)}")
        return ", ".join(parts) + "."


def report_for(plan: ImportPlan, *, dry_run: bool) -> ImportReport:
    report = ImportReport(plan.parsed.format_label, plan, dry_run)
    report.created = len(plan.creates)
    report.updated = len(plan.updates)
    report.combined = sum(1 for row in plan.rows
                          if row.into_line is not None and row.action != "skip")
    report.warnings = [w for row in plan.rows if row.record and row.into_line is None
                       for w in row.record.warnings]
    return report


def preview_import(session: Session, parsed: ParsedFile) -> ImportReport:
    """What importing would do, without writing anything (``--dry-run`` and the preview)."""
    require(session, Permission.IMPORT)
    return report_for(plan_import(session, parsed), dry_run=True)


def import_parsed(
    session: Session, parsed: ParsedFile, *, progress: Progress | None = None,
    actor: str = "", source_name: str = "", now: datetime | None = None,
) -> ImportReport:
    """Plan again under the write lock (the database may have changed since the preview) and
    write. The caller owns the transaction: ``with sessions.begin() as session``."""
    require(session, Permission.IMPORT)
    actor = actor.strip() or acting_name(session)
    started = time.perf_counter()
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return _import(session, connection, parsed, progress, actor, source_name,
                       now or utcnow(), started)
    # A larger page cache while 100,000 regulars go in: their visits and notes update indexes
    # all over the file, and the default 2 MB cache thrashes (as when seeding).
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    try:
        return _import(session, connection, parsed, progress, actor, source_name,
                       now or utcnow(), started)
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous or -2000)}")


def _import(
    session: Session, connection: Connection, parsed: ParsedFile, progress: Progress | None,
    actor: str, source_name: str, now: datetime, started: float,
) -> ImportReport:
    begin_batch(connection)  # SQLite: take the write lock before reading what to match
    restoring = session.scalar(select(Customer.id).limit(1)) is None
    plan = plan_import(session, parsed)
    report = report_for(plan, dry_run=False)
    updates, creates = plan.updates, plan.creates
    with_history = [row for row in [*updates, *creates]
                    if row.record is not None and _needs_history(row)]
    total = len(updates) + len(creates) + len(with_history)
    done = 0

    def advance(step: int) -> None:
        nonlocal done
        done += step
        if progress is not None and not progress(done, total):
            raise ImportCancelled

    advance(0)
    # One "import" event below stands for every regular added or updated: a 100,000-row
    # import must not write 100,000 audit rows (models/audit_trail.py).
    with one_event_for_many(session):
        existing = load_existing(session, [row.customer_id for row in updates
                                           if row.customer_id is not None])
        for row in updates:
            assert row.record is not None and row.customer_id is not None
            _update(session, row.customer_id, row.record, existing[row.customer_id], now)
            advance(1)
        session.flush()
        new_ids = _create_all(session, connection, creates, now, advance)
        if with_history:
            from models.importing.history import write_histories  # only JSON files carry history

            categories: dict[str, int] = {}
            for start in range(0, len(with_history), BATCH):
                chunk = with_history[start:start + BATCH]
                histories = []
                for row in chunk:
                    assert row.record is not None and row.record.history is not None
                    customer_id = (row.customer_id if row.customer_id is not None
                                   else new_ids[row.line])
                    history = row.record.history
                    if row.action == "create":  # its visits went in with the bulk insert
                        history = replace(history, visits=[])
                    histories.append((customer_id, history))
                write_histories(session, histories, categories=categories)
                advance(len(chunk))
        if restoring and parsed.shop:
            _restore_shop(session, parsed.shop)
        session.flush()
    record_event(session, "import", actor=actor, record_type="customer",
                 summary=f"{source_name or 'a file'} ({parsed.format_label}): "
                         f"{report.summary()}")
    session.flush()
    report.seconds = time.perf_counter() - started
    return report


def _needs_history(row: PlannedRow) -> bool:
    """Whether the row's JSON history still has something to write after the bulk insert
    (which takes a new regular's visits)."""
    history = row.record.history if row.record is not None else None
    if history is None:
        return False
    if row.action == "create":
        return bool(history.problems or history.follow_ups or history.problem_draft)
    return bool(history.visits or history.problems or history.follow_ups
                or history.problem_draft)


def _update(
    session: Session, customer_id: int, record: ImportRecord, existing: Any, now: datetime
) -> None:
    customer = session.get(Customer, customer_id, with_for_update=True)
    assert customer is not None
    known = known_customer(customer)
    for column, value in profile_changes(known, record).items():
        setattr(customer, column, value)
    if customer.consent_given and customer.consent_at is None:
        customer.consent_at = now
    for tag in record.tags:
        if tag not in existing.tags:
            session.add(CustomerTag(customer_id=customer_id, name=tag))
    for note in record.notes:
        if note.text not in existing.notes:
            at = note.created_at or now
            session.add(Note(customer_id=customer_id, text=note.text, pinned=note.pinned,
                             source=note.source, kind=note.kind, author=note.author,
                             edited_by=note.edited_by, created_at=at, updated_at=at))
    for at in visit_times(record):
        if at not in existing.visits:
            session.add(Visit(customer_id=customer_id, visited_at=at, items=""))
    customer.updated_at = now
    session.flush()
    recount_visits(session, customer)


def _history_visits(record: ImportRecord) -> list[tuple[datetime, str, str]]:
    """(moment, items, logged by) of each visit to insert, oldest first."""
    if record.history is None or not record.history.visits:
        return [(at, "", "") for at in visit_times(record)]
    visits: list[tuple[datetime, str, str]] = []
    for visit in record.history.visits:
        at = visit.get("at")
        moment = datetime.fromisoformat(at) if isinstance(at, str) else at
        if isinstance(moment, datetime):
            visits.append((moment if moment.tzinfo else moment.replace(tzinfo=UTC),
                           str(visit.get("items") or ""), str(visit.get("logged_by") or "")))
    return sorted(visits)


def _earlier(record: ImportRecord, logged: int) -> int:
    if record.history is not None:
        return int(getattr(record.history, "earlier_visits", 0) or 0)
    return earlier_visits(record, logged)


# The columns the bulk insert fills, in table order (insert_rows checks the order).
_CUSTOMER_COLUMNS = (
    "id", "name", "goes_by", "phone", "email", "description", "usuals", "preferences",
    "allergies", "talking_points", "birthday_month", "birthday_day", "birthday_year",
    "consent_given", "consent_at", "consent_by", "do_not_remember", "do_not_remember_at",
    "forgotten_at", "earlier_visits", "visit_count", "last_visit_at", "created_at", "updated_at",
)
_NOTE_COLUMNS = ("customer_id", "text", "pinned", "source", "kind", "author", "edited_by",
                 "created_at", "updated_at")
_VISIT_COLUMNS = ("customer_id", "visited_at", "items", "logged_by", "previous_visit_at")


class _Stamps(dict[datetime, Any]):
    """Moment -> its stored form, each worked out once: imports repeat a few moments a lot
    ("now", the import's visit days at noon)."""

    def __init__(self, encoder: Encoder) -> None:
        super().__init__()
        self._moment = encoder.moment

    def __missing__(self, at: datetime) -> Any:
        value = self[at] = self._moment(at)
        return value

    def of(self, at: datetime | None) -> Any:
        return None if at is None else self[at]


def _create_all(
    session: Session, connection: Connection, rows: Sequence[PlannedRow], now: datetime,
    advance: Callable[[int], None],
) -> dict[int, int]:
    """Insert the new regulars in batches; returns file line -> new customer id.

    Rows are built as tuples already in the driver's form (see Encoder): at 100,000 regulars,
    dicts and a conversion pass cost more than SQLite takes to store them.
    """
    encoder = Encoder.for_connection(connection)
    stamp, to_json = _Stamps(encoder), encoder.json
    build_document = Documents().of
    new_ids: dict[int, int] = {}
    # Indexed for search once at the end: SQLite's full-text index takes one big batch much
    # faster than many small ones.
    documents: list[tuple[Any, ...]] = []
    first_new_id = next_customer_id(connection)  # under the write lock: no one else adds
    now_stamp = stamp[now]
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        customers: list[tuple[Any, ...]] = []
        tags: list[tuple[Any, ...]] = []
        notes: list[tuple[Any, ...]] = []
        visits: list[tuple[Any, ...]] = []
        for offset, row in enumerate(batch, start):
            record = row.record
            assert record is not None
            cid = first_new_id + offset
            new_ids[row.line] = cid
            created = record.created_at or now
            history = record.history
            times = _history_visits(record)
            count = len(times) + _earlier(record, len(times))
            last_visit = times[-1][0] if times else None
            consent = bool(record.consent_given)
            forgotten = history.forgotten_at if history else None
            customers.append((
                cid, record.name, record.goes_by, record.phone, record.email,
                record.description, to_json(record.usuals), to_json(record.preferences),
                to_json(record.allergies), to_json(record.talking_points),
                record.birthday_month, record.birthday_day, record.birthday_year, consent,
                # Also set for "do not remember" (when they asked, and who recorded it).
                stamp.of(record.consent_at or (now if consent else None)), record.consent_by,
                record.do_not_remember,
                stamp[(history and history.do_not_remember_at) or now]
                if record.do_not_remember else None,
                stamp.of(forgotten), count - len(times), count, stamp.of(last_visit),
                stamp[created],
                stamp[history.updated_at if history and history.updated_at else created],
            ))
            tags.extend((cid, tag) for tag in record.tags)
            notes.extend(
                (cid, note.text, note.pinned, note.source, note.kind, note.author,
                 note.edited_by, at, at)
                for note in record.notes
                for at in (stamp[note.created_at] if note.created_at else now_stamp,)
            )
            stamps = [stamp[at] for at, _items, _by in times]  # oldest first
            visits.extend((cid, at, items, by, previous) for at, (_at, items, by), previous
                          in zip(stamps, times, previous_times(stamps), strict=True))
            if forgotten is None:  # an erased customer is in the counts, never in search
                documents.append(build_document(
                    cid, record, [note.text for note in record.notes], last_visit or created,
                    count))
        insert_rows(connection, encoder, Customer, _CUSTOMER_COLUMNS, customers)
        insert_rows(connection, encoder, CustomerTag, TAG_COLUMNS, tags)
        insert_rows(connection, encoder, Note, _NOTE_COLUMNS, notes)
        insert_rows(connection, encoder, Visit, _VISIT_COLUMNS, visits)
        advance(len(batch))
    if documents:
        insert_documents(connection, encoder, documents, first_new_id)
        _advance_sequence(connection)
    return new_ids


def _advance_sequence(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('customer', 'id'), "
            "(SELECT coalesce(max(id), 1) FROM customer))"
        )


def _restore_shop(session: Session, shop: dict[str, Any]) -> None:
    """Categories (renamed, retired, added) and settings from our own export, for a restore
    into an empty database."""
    existing = {c.key or f"name:{c.name}": c for c in session.scalars(select(ProblemCategory))}
    for entry in shop.get("categories", []):
        key, name = entry.get("key"), entry.get("name")
        if not isinstance(name, str) or not name.strip():
            continue
        category = existing.get(key) if key else existing.get(f"name:{name}")
        if category is None:
            category = ProblemCategory(key=key or None, name=name, created_at=utcnow())
            session.add(category)
        category.name = name
        category.retired = bool(entry.get("retired"))
        if isinstance(entry.get("position"), int):
            category.position = entry["position"]
        session.flush()
    for key, value in shop.get("settings", {}).items():
        row = session.get(AppSetting, key)
        if row is None:
            session.add(AppSetting(key=key, value=value))
        else:
            row.value = value
    _restore_process_fixes(session, shop.get("process_fixes", []))
    restore_staff(session, shop.get("staff", []))


def _restore_process_fixes(session: Session, fixes: list[dict[str, Any]]) -> None:
    """The owner's process fixes (Insights), matched to their category by key, else name; an
    entry the fix service refuses is left out rather than failing the whole restore."""
    from models.insights import record_fix

    categories = list(session.scalars(select(ProblemCategory)))
    by_key = {c.key: c.id for c in categories if c.key}
    by_name = {c.name: c.id for c in categories}
    for entry in fixes:
        category_id = by_key.get(entry.get("category_key") or "") or by_name.get(
            entry.get("category") or "")
        try:
            fixed_on = date.fromisoformat(str(entry.get("fixed_on")))
            created_at = datetime.fromisoformat(str(entry.get("created_at")).replace("Z", "+00:00"))
            record_fix(session, category_id, str(entry.get("what_changed") or ""), fixed_on,
                       recorded_by=str(entry.get("recorded_by") or ""),
                       now=created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC))
        except (ValueError, ValidationError):
            continue
