"""Export every regular with everything about them: our JSON format (read back by
models/importing/vre_json.py), a spreadsheet-friendly CSV, and one regular's own data.

Both shop-wide exports stream: regulars are read a batch of ids at a time (their visits, notes
and problems with ``customer_id BETWEEN a AND b`` Core selects) and written one per line, so
memory stays flat at millions of visits. They write to a hidden temporary file next to the
target and rename it at the end: an interrupted or cancelled export never leaves half a file.

Every moment is written in UTC as ISO 8601 with a ``Z`` ("2026-11-20T15:00:00Z"). Regulars who
asked to be forgotten stay in the JSON as anonymous rows (visit and problem counts survive a
round trip) and are left out of the CSV.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Result, Row, String, Table, func, select, type_coerce, union
from sqlalchemy.orm import Session, sessionmaker

from models.audit import record_event
from models.base import UTCDateTime, table_of, utcnow
from models.database import SCHEMA_REVISION
from models.entities import Customer, CustomerTag, Note, Visit
from models.errors import NotFoundError
from models.problem_entities import (
    AppSetting,
    FollowUp,
    Problem,
    ProblemCategory,
    ProblemDraft,
    ProcessFix,
    RecoveryAction,
    TeammateCheckIn,
)
from models.staff import Permission, acting_name, require
from models.staff.entities import StaffMember

FORMAT = "velvet-rope-export"
FORMAT_VERSION = 1
BATCH_CUSTOMERS = 2_000
# Cells a spreadsheet would run as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = (
    "Customer ID", "Name", "Goes by", "Phone", "Email", "How to recognise", "Usual order",
    "Preferences", "Allergies", "Talking points", "Tags", "Birthday", "Agreed to be remembered",
    "Consent recorded", "Consent recorded by", "Visits", "First visit", "Last visit", "Notes",
    "Problems", "Open problems", "Last problem", "Last visit logged by", "Notes by",
)

# What "Export this customer's data" says about each section, in plain words.
ABOUT = {
    "profile": (
        "name, goes_by, phone, email, description (how staff recognise you), usuals, "
        "preferences, allergies, talking_points, tags and birthday: what staff wrote down so "
        "they can greet you personally."
    ),
    "consent": (
        "consent_given and consent_at: whether and when you agreed to be remembered, and "
        "consent_by: who recorded it. do_not_remember: you asked not to be remembered."
    ),
    "visits": "Each visit we logged: when (in UTC), if noted, what you had, and logged_by: "
              "the staff member who logged it.",
    "notes": "Notes staff wrote about you; pinned ones show on the greeting card. author: who "
             "wrote it, edited_by: who last changed it, kind: \"note\", or \"handover\" for "
             "a note left for the next shift.",
    "problems": (
        "Times something went wrong for you: what happened, what you said, what you would call "
        "fair, who handled it, who logged it (logged_by), how it was made right (actions, "
        "with any cost in cents, and taken_by: who did it) and whether it is resolved. "
        "teammate_check_ins: a colleague was asked to check on the "
        "staff member who served you."
    ),
    "follow_ups": "Things staff planned to do for you (call back, send a replacement) and how "
                  "they went.",
    "problem_draft": "A problem report that was started but not yet saved, if any.",
    "times": "All times are in UTC (the Z at the end), in the format year-month-dayThh:mm:ss.",
}


class ExportCancelled(Exception):  # noqa: N818 -- a cancellation, not an error
    """The progress callback asked to stop; no file was written."""


@dataclass(frozen=True)
class ExportSummary:
    customers: int
    visits: int
    notes: int
    problems: int
    path: Path
    seconds: float


Progress = Callable[[int, int], bool]


# --- values ---------------------------------------------------------------------------------


def iso(moment: datetime | str | None) -> str | None:
    """An aware datetime as ISO 8601 in UTC with a "Z"; None stays None.

    Also takes a timestamp as SQLite stores it (naive UTC text, "2026-11-20 15:00:00.000000"):
    the export reads those raw, as parsing millions of them costs more than all the rest."""
    if moment is None:
        return None
    if isinstance(moment, str):
        if len(moment) == 26 and moment[10] == " " and moment[19] == ".":
            if moment.endswith(".000000"):  # as datetime.isoformat() leaves them out
                return f"{moment[:10]}T{moment[11:19]}Z"
            return f"{moment[:10]}T{moment[11:]}Z"
        moment = datetime.fromisoformat(moment).replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def neutralise_cell(value: str) -> str:
    """A CSV cell no spreadsheet runs as a formula: a leading ``'`` before ``= + - @``, tab or
    carriage return (so a phone number "+1 555 …" shows as "'+1 555 …": accepted practice)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _local_date(moment: datetime | None) -> str:
    """The day as the shop's computer sees it (the card shows local dates too)."""
    return moment.astimezone().date().isoformat() if moment is not None else ""


def _birthday(month: int | None, day: int | None, year: int | None) -> str:
    if month is None or day is None:
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"{month:02d}-{day:02d}"


# --- reading a batch of regulars -------------------------------------------------------------


_CUSTOMER = table_of(Customer)
_VISIT = table_of(Visit)
_NOTE = table_of(Note)
_TAG = table_of(CustomerTag)
_PROBLEM = table_of(Problem)
_ACTION = table_of(RecoveryAction)
_CHECK_IN = table_of(TeammateCheckIn)
_FOLLOW_UP = table_of(FollowUp)
_DRAFT = table_of(ProblemDraft)
_CATEGORY = table_of(ProblemCategory)

Categories = dict[int, tuple[str | None, str]]  # id -> (key, name)


def _categories(connection: Connection) -> Categories:
    return {
        row.id: (row.key, row.name)
        for row in connection.execute(select(_CATEGORY.c.id, _CATEGORY.c.key, _CATEGORY.c.name))
    }


def _columns(table: Table, connection: Connection) -> list[Any]:
    """The table's columns, timestamps as SQLite's raw text there (``iso`` formats both)."""
    if connection.dialect.name != "sqlite":
        return list(table.c)
    return [
        type_coerce(column, String).label(column.name)
        if isinstance(column.type, UTCDateTime) else column
        for column in table.c
    ]


def _grouped(result: Result[Any], key: str) -> dict[int, list[Any]]:
    """Rows by the value of their ``key`` column (fetched at once: row by row costs more)."""
    index = list(result.keys()).index(key)
    groups: dict[int, list[Any]] = defaultdict(list)
    for row in result.all():
        groups[row[index]].append(row)
    return groups


def _customer_dicts(
    connection: Connection, first: int, last: int, categories: Categories
) -> Iterator[dict[str, Any]]:
    """Every regular with first <= id <= last, in id order, in the export's shape."""

    def between(column: Any) -> Any:
        return column.between(first, last)

    def columns(table: Table) -> list[Any]:
        return _columns(table, connection)

    c = _CUSTOMER.c
    customers = connection.execute(
        select(*columns(_CUSTOMER)).where(between(c.id)).order_by(c.id)).all()
    tags = _grouped(connection.execute(
        select(_TAG.c.customer_id, _TAG.c.name).where(between(_TAG.c.customer_id))
        .order_by(_TAG.c.customer_id, _TAG.c.name)), "customer_id")
    v = _VISIT.c
    # Millions of these: positional access, timestamps raw (see ``iso``).
    visited_at = columns(_VISIT)[list(v.keys()).index("visited_at")]
    visits = _grouped(connection.execute(
        select(v.customer_id, visited_at, v["items"], v.logged_by).where(between(v.customer_id))
        .order_by(v.customer_id, v.visited_at, v.id)), "customer_id")
    n = _NOTE.c
    notes = _grouped(connection.execute(
        select(*columns(_NOTE)).where(between(n.customer_id))
        .order_by(n.customer_id, n.created_at, n.id)), "customer_id")
    p = _PROBLEM.c
    problems = _grouped(connection.execute(
        select(*columns(_PROBLEM)).where(between(p.customer_id))
        .order_by(p.customer_id, p.occurred_at, p.id)), "customer_id")
    a = _ACTION.c
    actions = _grouped(connection.execute(
        select(*columns(_ACTION)).join(_PROBLEM, p.id == a.problem_id)
        .where(between(p.customer_id)).order_by(a.problem_id, a.taken_at, a.id)), "problem_id")
    t = _CHECK_IN.c
    check_ins = _grouped(connection.execute(
        select(*columns(_CHECK_IN)).join(_PROBLEM, p.id == t.problem_id)
        .where(between(p.customer_id)).order_by(t.problem_id, t.created_at, t.id)),
        "problem_id")
    f = _FOLLOW_UP.c
    follow_ups = _grouped(connection.execute(
        select(*columns(_FOLLOW_UP)).where(between(f.customer_id))
        .order_by(f.customer_id, f.created_at, f.id)), "customer_id")
    drafts = {row.customer_id: row for row in connection.execute(
        select(*columns(_DRAFT)).where(between(_DRAFT.c.customer_id)))}

    for row in customers:
        customer = _profile(row, [t.name for t in tags.get(row.id, ())])
        customer["visits"] = [
            {"at": iso(visit[1]), "items": visit[2], "logged_by": visit[3]}
            for visit in visits.get(row.id, ())
        ]
        customer["notes"] = [
            {"text": note.text, "pinned": note.pinned, "source": note.source,
             "kind": note.kind, "author": note.author, "edited_by": note.edited_by,
             "created_at": iso(note.created_at), "updated_at": iso(note.updated_at)}
            for note in notes.get(row.id, ())
        ]
        customer["problems"] = [
            _problem(problem, categories, actions.get(problem.id, ()),
                     check_ins.get(problem.id, ()))
            for problem in problems.get(row.id, ())
        ]
        customer["follow_ups"] = [_follow_up(f) for f in follow_ups.get(row.id, ())]
        draft = drafts.get(row.id)
        customer["problem_draft"] = _draft(draft, categories) if draft is not None else None
        yield _anonymised(customer) if row.forgotten_at is not None else customer


def _profile(row: Row[Any], tags: list[str]) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "goes_by": row.goes_by,
        "phone": row.phone,
        "email": row.email,
        "description": row.description,
        "usuals": list(row.usuals or ()),
        "preferences": list(row.preferences or ()),
        "allergies": list(row.allergies or ()),
        "talking_points": list(row.talking_points or ()),
        "tags": tags,
        "birthday_month": row.birthday_month,
        "birthday_day": row.birthday_day,
        "birthday_year": row.birthday_year,
        "consent_given": bool(row.consent_given),
        "consent_at": iso(row.consent_at),
        "consent_by": row.consent_by or "",
        "do_not_remember": bool(row.do_not_remember),
        "do_not_remember_at": iso(row.do_not_remember_at),
        "forgotten_at": iso(row.forgotten_at),
        "earlier_visits": row.earlier_visits or 0,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def _problem(
    row: Row[Any], categories: Categories, actions: Iterable[Row[Any]],
    check_ins: Iterable[Row[Any]],
) -> dict[str, Any]:
    key, name = categories.get(row.category_id, (None, ""))
    return {
        "id": row.id,  # only links follow-ups to it within the file
        "category": name,
        "category_key": key,
        "occurred_at": iso(row.occurred_at),
        "subject": row.subject,
        "what_happened": row.what_happened,
        "customer_words": row.customer_words,
        "fair_fix": row.fair_fix,
        "severity": row.severity,
        "allergen_or_illness": bool(row.allergen_or_illness),
        "handled_by": row.handled_by,
        "logged_by": row.logged_by,
        "outcome": row.outcome,
        "status": row.status,
        "resolved_by": row.resolved_by,
        "resolved_at": iso(row.resolved_at),
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "actions": [
            {"kind": a.kind, "details": a.details, "cost_cents": a.cost_cents,
             "taken_at": iso(a.taken_at), "taken_by": a.taken_by}
            for a in actions
        ],
        "teammate_check_ins": [
            {"teammate": t.teammate, "reason": t.reason, "flagged_by": t.flagged_by,
             "created_at": iso(t.created_at), "done_at": iso(t.done_at), "done_by": t.done_by,
             "done_note": t.done_note}
            for t in check_ins
        ],
    }


def _follow_up(row: Row[Any]) -> dict[str, Any]:
    due: date = row.due_on
    return {
        "problem": row.problem_id,
        "task": row.task,
        "due_on": due.isoformat(),
        "created_by": row.created_by,
        "created_at": iso(row.created_at),
        "done_at": iso(row.done_at),
        "done_by": row.done_by,
        "result": row.result,
    }


def _draft(row: Row[Any], categories: Categories) -> dict[str, Any]:
    """The unsent report as saved (``payload``), with its category by name and key: the
    payload's ``category_id`` only means something in this database."""
    payload = row.payload if isinstance(row.payload, dict) else {}
    category_id = payload.get("category_id")
    key, name = (
        categories.get(category_id, (None, None)) if isinstance(category_id, int)
        else (None, None)
    )
    return {"saved_at": iso(row.saved_at), "category": name, "category_key": key,
            "payload": payload}


# Left of a forgotten regular: when they were added and forgotten, and when they came and had
# problems (counts in reports), never what was said or written about them.
_ANONYMOUS_TEXT = ("subject", "what_happened", "customer_words", "fair_fix")


def _anonymised(customer: dict[str, Any]) -> dict[str, Any]:
    blank = _profile_blank()
    anonymous = {**customer, **blank}
    anonymous["visits"] = [{**v, "items": ""} for v in customer["visits"]]
    anonymous["notes"] = []
    anonymous["problems"] = [
        {**p, **dict.fromkeys(_ANONYMOUS_TEXT, ""),
         "actions": [{**a, "details": ""} for a in p["actions"]],
         "teammate_check_ins": [{**t, "reason": "", "done_note": ""}
                                for t in p["teammate_check_ins"]]}
        for p in customer["problems"]
    ]
    anonymous["follow_ups"] = []
    anonymous["problem_draft"] = None
    return anonymous


def _profile_blank() -> dict[str, Any]:
    return {
        "name": "", "goes_by": "", "phone": "", "email": "", "description": "",
        "usuals": [], "preferences": [], "allergies": [], "talking_points": [], "tags": [],
        "birthday_month": None, "birthday_day": None, "birthday_year": None,
        "consent_given": False, "consent_at": None, "consent_by": "",
    }


# --- the shop-wide exports ------------------------------------------------------------------


@contextmanager
def _snapshot(sessions: sessionmaker[Session]) -> Iterator[tuple[Connection, str]]:
    """One read transaction for the whole export, so it is one consistent moment; with the
    name of whoever started it (the counter may be locked, or someone else, by the end)."""
    with sessions() as session:
        exporter = require(session, Permission.EXPORT).name  # before the file is created
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        elif connection.dialect.name == "sqlite":
            # pysqlite opens a transaction only before a write, so each read would see the
            # latest commit; a deferred BEGIN keeps one snapshot (WAL: writers go on).
            dbapi = connection.connection.dbapi_connection
            if dbapi is not None and not getattr(dbapi, "in_transaction", True):
                connection.exec_driver_sql("BEGIN")
        try:
            yield connection, exporter
        finally:
            session.rollback()


def _id_batches(connection: Connection, size: int) -> Iterator[tuple[int, int, int]]:
    """(first id, last id, how many) of each batch of regulars, in id order."""
    after = 0
    while True:
        ids = connection.execute(
            select(_CUSTOMER.c.id).where(_CUSTOMER.c.id > after)
            .order_by(_CUSTOMER.c.id).limit(size)
        ).scalars().all()
        if not ids:
            return
        yield ids[0], ids[-1], len(ids)
        after = ids[-1]


@contextmanager
def _replacing(path: Path, *, encoding: str, newline: str | None = None) -> Iterator[IO[str]]:
    """A temporary file next to ``path`` that becomes ``path`` only if the block succeeds."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline=newline) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise ExportCancelled("The export was cancelled; no file was written.")


def _staff(connection: Connection) -> list[dict[str, Any]]:
    """The team's accounts: name, role and whether active. Never a PIN hash nor the sign-in
    lock-out state: an imported account has no PIN until the owner sets one."""
    staff = table_of(StaffMember)
    return [
        {"name": row.name, "role": row.role, "active": bool(row.active)}
        for row in connection.execute(
            select(staff.c.name, staff.c.role, staff.c.active)
            .order_by(func.lower(staff.c.name), staff.c.id))
    ]


def _staff_names(connection: Connection) -> list[str]:
    """Everyone named in problems, follow-ups, check-ins and consents as having done something
    (not only those with an account)."""
    p, f, t = _PROBLEM.c, _FOLLOW_UP.c, _CHECK_IN.c
    columns = (p.handled_by, p.resolved_by, f.created_by, f.done_by, t.teammate, t.flagged_by,
               t.done_by, _CUSTOMER.c.consent_by)
    query = union(*(select(column.label("name")).distinct() for column in columns))
    names = {str(name).strip() for name in connection.execute(query).scalars() if name}
    return sorted((n for n in names if n), key=lambda n: (n.casefold(), n))


def _process_fixes(connection: Connection, categories: Categories) -> list[dict[str, Any]]:
    """What the owner changed to stop a root cause recurring (Insights → Process fixes)."""
    fixes = table_of(ProcessFix)
    found = []
    for row in connection.execute(select(fixes).order_by(fixes.c.fixed_on, fixes.c.id)):
        key, name = categories.get(row.category_id, (None, ""))
        found.append({"category_key": key, "category": name, "what_changed": row.what_changed,
                      "fixed_on": str(row.fixed_on), "recorded_by": row.recorded_by,
                      "created_at": iso(row.created_at)})
    return found


def export_json(
    sessions: sessionmaker[Session], path: Path, *, progress: Progress | None = None
) -> ExportSummary:
    """Write every regular with everything about them to ``path`` (see the module docstring)."""
    started = time.perf_counter()
    path = Path(path)
    counts = {"customers": 0, "visits": 0, "notes": 0, "problems": 0}
    with _snapshot(sessions) as (connection, exporter), \
            _replacing(path, encoding="utf-8") as out:
        total = connection.execute(select(func.count()).select_from(_CUSTOMER)).scalar_one()
        _tick(progress, 0, total)
        categories = _categories(connection)
        header = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "exported_at": iso(utcnow()),
            "schema_revision": SCHEMA_REVISION,
            "categories": [
                {"key": row.key, "name": row.name, "retired": bool(row.retired),
                 "position": row.position}
                for row in connection.execute(
                    select(_CATEGORY).order_by(_CATEGORY.c.position, _CATEGORY.c.id))
            ],
            "settings": {
                row.key: row.value for row in connection.execute(
                    select(table_of(AppSetting)).order_by(table_of(AppSetting).c.key))
            },
            "staff": _staff(connection),
            "staff_names": _staff_names(connection),
            "process_fixes": _process_fixes(connection, categories),
        }
        out.write("{\n")
        for key, value in header.items():
            out.write(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
        out.write(' "customers": [')
        separator = "\n"
        for first, last, _size in _id_batches(connection, BATCH_CUSTOMERS):
            for customer in _customer_dicts(connection, first, last, categories):
                out.write(separator)
                out.write(json.dumps(customer, ensure_ascii=False))
                separator = ",\n"
                counts["customers"] += 1
                counts["visits"] += len(customer["visits"])
                counts["notes"] += len(customer["notes"])
                counts["problems"] += len(customer["problems"])
            _tick(progress, counts["customers"], max(total, counts["customers"]))
        out.write("\n ]\n}\n")
    _record_export(sessions, path, "JSON", counts, exporter)
    return ExportSummary(path=path, seconds=time.perf_counter() - started, **counts)


def export_csv(
    sessions: sessionmaker[Session], path: Path, *, progress: Progress | None = None
) -> ExportSummary:
    """One row per regular for a spreadsheet: UTF-8 with a BOM, CRLF, formulas neutralised.
    Forgotten regulars are left out; ``customers`` counts the rows written."""
    started = time.perf_counter()
    path = Path(path)
    counts = {"customers": 0, "visits": 0, "notes": 0, "problems": 0}
    with _snapshot(sessions) as (connection, exporter), \
            _replacing(path, encoding="utf-8-sig", newline="") as out:
        total = connection.execute(select(func.count()).select_from(_CUSTOMER)).scalar_one()
        _tick(progress, 0, total)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        done = 0
        for first, last, size in _id_batches(connection, BATCH_CUSTOMERS):
            for row in _csv_rows(connection, first, last, counts):
                writer.writerow([neutralise_cell(cell) for cell in row])
                counts["customers"] += 1
            done += size
            _tick(progress, done, max(total, done))
    _record_export(sessions, path, "CSV", counts, exporter)
    return ExportSummary(path=path, seconds=time.perf_counter() - started, **counts)


def _record_export(
    sessions: sessionmaker[Session], path: Path, kind: str, counts: dict[str, int],
    exporter: str,
) -> None:
    """The audit event of a finished export (its own short transaction: the export itself
    only read). Names the file, never its contents."""
    with sessions.begin() as session:
        what = ", ".join(_counted(counts[key], key[:-1]) for key in counts)
        record_event(session, "export", signed_by=exporter, record_type="customer",
                     summary=f"{kind} file {path.name}: {what}")


def _counted(number: int, word: str) -> str:
    return f"{number:,} {word}{'s' * (number != 1)}"


def _csv_rows(
    connection: Connection, first: int, last: int, counts: dict[str, int]
) -> Iterator[list[str]]:
    c, v, n, p = _CUSTOMER.c, _VISIT.c, _NOTE.c, _PROBLEM.c
    customers = connection.execute(
        select(_CUSTOMER).where(c.id.between(first, last), c.forgotten_at.is_(None))
        .order_by(c.id)).all()
    tags = _grouped(connection.execute(
        select(_TAG.c.customer_id, _TAG.c.name).where(_TAG.c.customer_id.between(first, last))
        .order_by(_TAG.c.customer_id, _TAG.c.name)), "customer_id")
    visits = {row.customer_id: row for row in connection.execute(
        select(v.customer_id, func.count().label("visits"),
               func.min(v.visited_at).label("first")).where(v.customer_id.between(first, last))
        .group_by(v.customer_id))}
    # Who logged each regular's latest visit (ix_visit_customer_time finds it).
    last_logged_by = {row.customer_id: row.logged_by for row in connection.execute(
        select(v.customer_id, v.logged_by)
        .join(_CUSTOMER, (c.id == v.customer_id) & (c.last_visit_at == v.visited_at))
        .where(v.customer_id.between(first, last)).order_by(v.customer_id, v.id))}
    notes = _grouped(connection.execute(
        select(n.customer_id, n.text, n.author).where(n.customer_id.between(first, last))
        .order_by(n.customer_id, n.created_at, n.id)), "customer_id")
    problems = _grouped(connection.execute(
        select(p.customer_id, p.occurred_at, p.subject, p.status,
               _CATEGORY.c.name.label("category"))
        .join(_CATEGORY, _CATEGORY.c.id == p.category_id)
        .where(p.customer_id.between(first, last))
        .order_by(p.customer_id, p.occurred_at, p.id)), "customer_id")
    for row in customers:
        visit = visits.get(row.id)
        # min() keeps the column's type: an aware datetime.
        first_visit = visit.first if visit is not None else None
        customer_notes = [note.text for note in notes.get(row.id, ())]
        # One name per note, in the order of "Notes" ("?" if nobody signed it).
        authors = "; ".join(note.author or "?" for note in notes.get(row.id, ()))
        customer_problems = problems.get(row.id, [])
        latest = customer_problems[-1] if customer_problems else None
        counts["visits"] += visit.visits if visit is not None else 0
        counts["notes"] += len(customer_notes)
        counts["problems"] += len(customer_problems)
        if row.do_not_remember:
            agreed = "asked not to be remembered"
        else:
            agreed = "yes" if row.consent_given else "no"
        yield [
            str(row.id), row.name, row.goes_by, row.phone, row.email, row.description,
            "; ".join(row.usuals or ()), "; ".join(row.preferences or ()),
            "; ".join(row.allergies or ()), "; ".join(row.talking_points or ()),
            "; ".join(t.name for t in tags.get(row.id, ())),
            _birthday(row.birthday_month, row.birthday_day, row.birthday_year),
            agreed, _local_date(row.consent_at), row.consent_by or "",
            str(row.visit_count or 0), _local_date(first_visit), _local_date(row.last_visit_at),
            "\n\n".join(customer_notes),
            str(len(customer_problems)),
            str(sum(1 for problem in customer_problems if problem.status == "open")),
            (f"{_local_date(latest.occurred_at)} {latest.subject or latest.category}"
             if latest is not None else ""),
            last_logged_by.get(row.id, ""), authors,
        ]


# --- one regular's own data -----------------------------------------------------------------


def export_customer(session: Session, customer_id: int) -> dict[str, Any]:
    """One regular's complete data (the shape of one element of the JSON export's
    "customers"), with "exported_at" and an "about" explaining each section."""
    require(session, Permission.EXPORT)
    connection = session.connection()
    customer = next(iter(_customer_dicts(connection, customer_id, customer_id,
                                         _categories(connection))), None)
    if customer is None:
        raise NotFoundError(f"There is no regular with id {customer_id} (deleted?).")
    return {"exported_at": iso(utcnow()), "about": dict(ABOUT), **customer}


def write_customer_export(session: Session, customer_id: int, path: Path) -> None:
    """Write ``export_customer`` as a readable JSON file (the one to hand to the customer) and
    record it in the audit trail (commit with ``sessions.begin()`` for the event to stay)."""
    data = export_customer(session, customer_id)
    with _replacing(Path(path), encoding="utf-8") as out:
        json.dump(data, out, indent=2, ensure_ascii=False)
        out.write("\n")
    record_event(session, "export", actor=acting_name(session), record_type="customer",
                 record_id=customer_id, summary="one regular's own data (their request)")
