"""Read our own JSON export (models/exporting.py) back into import records.

Each regular becomes an ``ImportRecord``: the profile on its fields, notes as ``ImportedNote``
and everything after the profile (visits, problems with their actions and teammate check-ins,
follow-ups, the unsent problem draft) in ``record.history``, which
``models.importing.history.write_history`` stores. The history's dicts keep the export's shape
and keys, with the values checked and parsed: moments are aware UTC datetimes, ``due_on`` a
date, every text fits its column and every choice (severity, outcome, status, action kind) is
one the database accepts, so writing them never fails half-way.

A regular whose entry cannot be used is skipped with the reason; ``SkippedRow.line`` is its
position in the file's "customers" list (1 = the first regular), not a line of the file.

Our exporter writes one regular per line; such a file is read a line at a time, so a big export
is never held as one huge string. Any other layout of the same JSON (re-indented by an editor)
is read too, just with more memory.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import String, Table

from models.customers import NOTE_KINDS
from models.entities import Customer, Note, Visit
from models.exporting import FORMAT, FORMAT_VERSION
from models.importing.records import (
    CustomerHistory,
    ImportedNote,
    ImportRecord,
    ParsedFile,
    SkippedRow,
)
from models.problem_entities import (
    ACTION_KINDS,
    OUTCOMES,
    SEVERITIES,
    STATUSES,
    FollowUp,
    Problem,
    ProblemCategory,
    RecoveryAction,
    TeammateCheckIn,
)
from models.staff.entities import ROLE_VALUES, StaffMember

FORMAT_NAME = "json"
FORMAT_LABEL = "Velvet Rope export (JSON)"
_LIST_FIELDS = ("usuals", "preferences", "allergies", "talking_points", "tags")
_TEXT_FIELDS = ("name", "goes_by", "phone", "email", "description")
_BY_LIMIT = 100  # visit.logged_by (checked against the column in _visit's slow path)


class JsonImportError(ValueError):
    """The file cannot be read as a Velvet Rope export; the message is a sentence for a person."""


class _EntryError(Exception):
    """One regular's entry cannot be used; the message says why."""


def read_json(data: bytes) -> ParsedFile:
    """Parse a Velvet Rope JSON export. Raises ``JsonImportError`` if it is not one (or is from
    a newer version of the app)."""
    parsed = ParsedFile(format=FORMAT_NAME, format_label=FORMAT_LABEL, encoding="utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not _read_by_lines(data, parsed):
        parsed.records.clear()
        parsed.skipped.clear()
        _read_whole(data, parsed)
    return parsed


# --- the file -------------------------------------------------------------------------------


def _check_header(header: Any) -> None:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise JsonImportError(
            "This JSON file is not a Velvet Rope export (it does not say "
            f"\"format\": \"{FORMAT}\")."
        )
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise JsonImportError("This Velvet Rope export does not say which version it is.")
    if version > FORMAT_VERSION:
        raise JsonImportError(
            f"This file was exported by a newer version of Velvet Rope (format version "
            f"{version}); update the app to import it."
        )


def _read_by_lines(data: bytes, parsed: ParsedFile) -> bool:
    """The layout export_json writes: the header keys, then ``"customers": [`` and one regular
    per line. False if the file is laid out otherwise (the caller reads it whole instead)."""
    marker = data.find(b'"customers": [\n')
    if marker < 0:
        return False
    try:
        header = json.loads(data[:marker].rstrip() + b' "customers": []}')
    except ValueError:
        return False  # the marker was not at the top level, or the header is not plain
    if not isinstance(header, dict):
        return False
    _check_header(header)
    parsed.shop = _shop(header)
    position = marker + len(b'"customers": [\n')
    index = 0
    while position < len(data):
        end = data.find(b"\n", position)
        end = len(data) if end < 0 else end
        line = data[position:end].strip()
        position = end + 1
        if not line:
            continue
        if line.startswith(b"]"):
            rest = (line[1:] + data[position:]).strip()
            return rest == b"}"
        try:
            entry = json.loads(line[:-1] if line.endswith(b",") else line)
        except ValueError:
            return False  # a regular spread over several lines
        index += 1
        _add(parsed, index, entry)
    return False


def _read_whole(data: bytes, parsed: ParsedFile) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonImportError(
            "This file is not a Velvet Rope export: it is not UTF-8 text."
        ) from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonImportError(
            f"This file is not a Velvet Rope export: it is not valid JSON "
            f"({exc.msg} on line {exc.lineno})."
        ) from exc
    _check_header(document)
    parsed.shop = _shop(document)
    customers = document.get("customers")
    if not isinstance(customers, list):
        raise JsonImportError("This Velvet Rope export has no list of customers.")
    for index, entry in enumerate(customers, start=1):
        _add(parsed, index, entry)


def _shop(header: dict[str, Any]) -> dict[str, Any]:
    categories = header.get("categories")
    settings = header.get("settings")
    fixes = header.get("process_fixes")
    return {
        "categories": [c for c in categories if isinstance(c, dict)]
        if isinstance(categories, list) else [],
        "settings": settings if isinstance(settings, dict) else {},
        "process_fixes": [f for f in fixes if isinstance(f, dict)]
        if isinstance(fixes, list) else [],
        "staff": _staff(header.get("staff")),
    }


def _staff(entries: Any) -> list[dict[str, Any]]:
    """The team as exported: {"name", "role", "active"} each, checked; anything else (an
    older export's list of plain names, a PIN someone added by hand) is left out."""
    if not isinstance(entries, list):
        return []
    limit = _length(StaffMember, "name") or 100
    staff: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        name, role, active = entry.get("name"), entry.get("role"), entry.get("active", True)
        if not isinstance(name, str) or role not in ROLE_VALUES or not isinstance(active, bool):
            continue
        name = " ".join(name.split())
        if not name or len(name) > limit or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        staff.append({"name": name, "role": role, "active": active})
    return staff


def _add(parsed: ParsedFile, index: int, entry: Any) -> None:
    try:
        parsed.records.append(_record(index, entry))
    except _EntryError as exc:
        parsed.skipped.append(SkippedRow(index, f"Customer #{index}: {exc}"))


# --- checking values ------------------------------------------------------------------------


def _length(entity: type[Any], column: str) -> int | None:
    table = entity.__table__
    assert isinstance(table, Table)
    kind = table.c[column].type
    return kind.length if isinstance(kind, String) else None


def _text(item: dict[str, Any], key: str, what: str, *, limit: int | None = None,
          required: bool = False) -> str:
    value = item.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _EntryError(f"{what}: “{key}” should be text.")
    if required and not value.strip():
        raise _EntryError(f"{what}: “{key}” is empty.")
    if limit is not None and len(value) > limit:
        raise _EntryError(f"{what}: “{key}” is longer than {limit:,} characters.")
    return value


def _column_text(item: dict[str, Any], key: str, what: str, entity: type[Any],
                 column: str | None = None, *, required: bool = False) -> str:
    return _text(item, key, what, limit=_length(entity, column or key), required=required)


def _flag(item: dict[str, Any], key: str, what: str, default: bool = False) -> bool:
    value = item.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _EntryError(f"{what}: “{key}” should be true or false.")
    return value


def _whole(item: dict[str, Any], key: str, what: str) -> int | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise _EntryError(f"{what}: “{key}” should be a whole number.")
    return value


def _moment(item: dict[str, Any], key: str, what: str, *, required: bool = False
            ) -> datetime | None:
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise _EntryError(f"{what} has no “{key}”.")
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _EntryError(f"{what}: “{key}” is not a date and time ({value!r}).") from None
    # Our exports always say UTC; a time without a zone is read as UTC too.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _one_of(item: dict[str, Any], key: str, what: str, choices: tuple[str, ...],
            default: str | None) -> str | None:
    value = item.get(key)
    if value is None or value == "":
        if default is None:
            return None
        value = default
    if value not in choices:
        raise _EntryError(f"{what}: “{key}” should be one of {', '.join(choices)} (not {value!r}).")
    return str(value)


def _objects(item: dict[str, Any], key: str, what: str) -> list[dict[str, Any]]:
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _EntryError(f"{what}: “{key}” should be a list of objects.")
    return value


def _texts(item: dict[str, Any], key: str) -> list[str]:
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _EntryError(f"“{key}” should be a list of texts.")
    return list(value)


# --- one regular ----------------------------------------------------------------------------


def _record(index: int, entry: Any) -> ImportRecord:
    if not isinstance(entry, dict):
        raise _EntryError("not an object with a customer's fields.")
    record = ImportRecord(line=index)
    for key in _TEXT_FIELDS:
        setattr(record, key, _text(entry, key, "The profile"))
    for key in _LIST_FIELDS:
        setattr(record, key, _texts(entry, key))
    for key in ("birthday_month", "birthday_day", "birthday_year"):
        setattr(record, key, _whole(entry, key, "The birthday"))
    consent = entry.get("consent_given")
    if consent is not None and not isinstance(consent, bool):
        raise _EntryError("“consent_given” should be true or false.")
    record.consent_given = consent
    record.consent_at = _moment(entry, "consent_at", "The consent")
    record.consent_by = _column_text(entry, "consent_by", "The consent", Customer)
    record.do_not_remember = _flag(entry, "do_not_remember", "The profile")
    record.created_at = _moment(entry, "created_at", "The profile")
    identity = entry.get("id")
    record.source_id = "" if identity is None or isinstance(identity, bool) else str(identity)
    record.notes = _notes(entry, record.warnings)
    earlier = _whole(entry, "earlier_visits", "The profile") or 0
    if earlier < 0:
        raise _EntryError("“earlier_visits” is negative.")
    history = CustomerHistory(
        visits=[_visit(v, n) for n, v in enumerate(_objects(entry, "visits", "Visits"), 1)],
        earlier_visits=earlier,
        do_not_remember_at=_moment(entry, "do_not_remember_at", "The profile"),
        forgotten_at=_moment(entry, "forgotten_at", "The profile"),
        updated_at=_moment(entry, "updated_at", "The profile"),
    )
    history.problems = [
        _problem(p, n) for n, p in enumerate(_objects(entry, "problems", "Problems"), 1)
    ]
    ids = [p["id"] for p in history.problems if p["id"] is not None]
    if len(ids) != len(set(ids)):
        raise _EntryError("two problems have the same “id”.")
    history.follow_ups = [
        _follow_up(f, n, set(ids), record.warnings)
        for n, f in enumerate(_objects(entry, "follow_ups", "Follow-ups"), 1)
    ]
    history.problem_draft = _draft(entry.get("problem_draft"))
    record.history = history
    return record


def _notes(entry: dict[str, Any], warnings: list[str]) -> list[ImportedNote]:
    notes = []
    for number, note in enumerate(_objects(entry, "notes", "Notes"), 1):
        what = f"Note {number}"
        text = _text(note, "text", what)
        if not text.strip():
            warnings.append(f"{what} is empty; left out.")
            continue
        kind = note.get("kind") or "note"
        if kind not in NOTE_KINDS:
            warnings.append(f"{what}: kind {kind!r} is not known here; kept as a note.")
            kind = "note"
        notes.append(ImportedNote(
            text=text,
            source=_column_text(note, "source", what, Note),
            created_at=_moment(note, "created_at", what),
            pinned=_flag(note, "pinned", what),
            kind=str(kind),
            author=_column_text(note, "author", what, Note),
            edited_by=_column_text(note, "edited_by", what, Note),
        ))
    return notes


def _visit(visit: dict[str, Any], number: int) -> dict[str, Any]:
    at, items, by = visit.get("at"), visit.get("items", ""), visit.get("logged_by", "")
    # Millions of these: the usual case first.
    if type(at) is str and type(items) is str and type(by) is str and len(by) <= _BY_LIMIT:
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is UTC:
            return {"at": moment, "items": items, "logged_by": by}
    what = f"Visit {number}"
    return {"at": _moment(visit, "at", what, required=True), "items": _text(visit, "items", what),
            "logged_by": _column_text(visit, "logged_by", what, Visit)}


def _problem(problem: dict[str, Any], number: int) -> dict[str, Any]:
    what = f"Problem {number}"
    identity = _whole(problem, "id", what)
    category = _column_text(problem, "category", what, ProblemCategory, "name")
    key = problem.get("category_key")
    if key is not None and not (isinstance(key, str) and len(key) <= (
            _length(ProblemCategory, "key") or 40)):
        raise _EntryError(f"{what}: “category_key” should be a short text.")
    if not category.strip() and not key:
        raise _EntryError(f"{what} has no category.")
    allergen = _flag(problem, "allergen_or_illness", what)
    severity = _one_of(problem, "severity", what, SEVERITIES, "minor")
    occurred = _moment(problem, "occurred_at", what, required=True)
    text = {
        name: _column_text(problem, name, what, Problem)
        for name in ("subject", "what_happened", "customer_words", "fair_fix", "handled_by",
                     "resolved_by", "logged_by")
    }
    return {
        "id": identity,
        "category": category,
        "category_key": key or None,
        "occurred_at": occurred,
        **text,
        # An allergen or illness case is always a safety problem (a database rule).
        "severity": "safety" if allergen else severity,
        "allergen_or_illness": allergen,
        "outcome": _one_of(problem, "outcome", what, OUTCOMES, None),
        "status": _one_of(problem, "status", what, STATUSES, "open"),
        "resolved_at": _moment(problem, "resolved_at", what),
        "created_at": _moment(problem, "created_at", what) or occurred,
        "updated_at": _moment(problem, "updated_at", what),
        "actions": [
            _action(a, f"{what}, action {n}", occurred)
            for n, a in enumerate(_objects(problem, "actions", what), 1)
        ],
        "teammate_check_ins": [
            _check_in(t, f"{what}, teammate check-in {n}")
            for n, t in enumerate(_objects(problem, "teammate_check_ins", what), 1)
        ],
    }


def _action(action: dict[str, Any], what: str, occurred: datetime | None) -> dict[str, Any]:
    cost = _whole(action, "cost_cents", what)
    if cost is not None and cost < 0:
        raise _EntryError(f"{what}: the cost is negative.")
    return {
        "kind": _one_of(action, "kind", what, ACTION_KINDS, None) or _missing(what, "kind"),
        "details": _column_text(action, "details", what, RecoveryAction),
        "cost_cents": cost,
        "taken_at": _moment(action, "taken_at", what) or occurred,
        "taken_by": _column_text(action, "taken_by", what, RecoveryAction),
    }


def _missing(what: str, key: str) -> str:
    raise _EntryError(f"{what} has no “{key}”.")


def _check_in(check_in: dict[str, Any], what: str) -> dict[str, Any]:
    entity = TeammateCheckIn
    return {
        "teammate": _column_text(check_in, "teammate", what, entity, required=True),
        "reason": _column_text(check_in, "reason", what, entity),
        "flagged_by": _column_text(check_in, "flagged_by", what, entity),
        "created_at": _moment(check_in, "created_at", what),
        "done_at": _moment(check_in, "done_at", what),
        "done_by": _column_text(check_in, "done_by", what, entity),
        "done_note": _column_text(check_in, "done_note", what, entity),
    }


def _follow_up(follow_up: dict[str, Any], number: int, problem_ids: set[int],
               warnings: list[str]) -> dict[str, Any]:
    what = f"Follow-up {number}"
    due = follow_up.get("due_on")
    try:
        if not isinstance(due, str):
            raise ValueError
        due_on = date.fromisoformat(due)
    except ValueError:
        raise _EntryError(f"{what}: “due_on” is not a date like 2026-11-20 ({due!r}).") from None
    problem = _whole(follow_up, "problem", what)
    if problem is not None and problem not in problem_ids:
        warnings.append(f"{what} belongs to a problem that is not in the file; kept on its own.")
        problem = None
    return {
        "problem": problem,
        "task": _column_text(follow_up, "task", what, FollowUp),
        "due_on": due_on,
        "created_by": _column_text(follow_up, "created_by", what, FollowUp),
        "created_at": _moment(follow_up, "created_at", what),
        "done_at": _moment(follow_up, "done_at", what),
        "done_by": _column_text(follow_up, "done_by", what, FollowUp),
        "result": _column_text(follow_up, "result", what, FollowUp),
    }


def _draft(draft: Any) -> dict[str, Any] | None:
    if draft is None:
        return None
    if not isinstance(draft, dict):
        raise _EntryError("“problem_draft” should be an object.")
    what = "The unsent problem report"
    if "payload" not in draft:  # a bare payload
        draft = {"payload": draft}
    payload = draft.get("payload")
    if not isinstance(payload, dict):
        raise _EntryError(f"{what}: “payload” should be an object.")
    key = draft.get("category_key")
    return {
        "saved_at": _moment(draft, "saved_at", what),
        "category": _text(draft, "category", what),
        "category_key": key if isinstance(key, str) and key else None,
        "payload": payload,
    }
