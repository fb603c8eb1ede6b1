"""Decide, for every imported record, whether it adds a regular, updates one, or is skipped.

The rules, in order:

1. A row matches an existing regular with the same phone (its last 10 digits, or all of them
   when shorter) or the same e-mail address (case ignored).
2. Otherwise, a row matches a regular with the same name (accents and case ignored) unless their
   phone numbers or e-mail addresses differ: same name, different phone is another person.
   Two regulars of that name already here is ambiguous, and the row is skipped.
3. Rows within the file are matched against the rows before them the same way (Square's instant
   profiles are often a second copy of a directory entry), and folded into that row.

An update fills what the regular's profile is missing, adds tags, notes and visits it does not
have yet, and never overwrites what staff already wrote; a row that would change nothing is
skipped as "already up to date". Forgotten regulars are never matched (nothing is left to match
on), and a regular who asked not to be remembered is never updated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal, NamedTuple

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from models.customers import NOTE_MAX, CustomerDraft
from models.entities import Customer, CustomerTag, Note, Visit
from models.importing.records import ImportedNote, ImportRecord, ParsedFile
from models.problem_entities import FollowUp, Problem
from models.search.folding import digits, fold
from models.staff import Permission, require
from models.validation import check_text

Action = Literal["create", "update", "skip"]
ACTION_LABELS: dict[str, str] = {"create": "Add", "update": "Update", "skip": "Skip"}
_LOOKUP_CHUNK = 500  # ids per IN (...) list: well under every engine's parameter limit


def phone_key(phone: str) -> str:
    """What two phone numbers must share to be the same number: the last 10 digits (so
    "+1 213 555 0142" is "(213) 555-0142"), or all of them when there are fewer."""
    found = digits(phone.lower().split("x")[0])  # an extension does not identify anyone
    if len(found) < 7:
        return ""
    return found[-10:]


def email_key(email: str) -> str:
    return email.strip().casefold()


def name_key(name: str, goes_by: str, description: str = "") -> str:
    """A full name, or (only when there is none) the name they go by, or (for regulars known
    only by sight) how to recognise them; marked so the kinds never match each other."""
    if name.strip():
        return "n:" + " ".join(fold(name).split())
    if goes_by.strip():
        return "g:" + " ".join(fold(goes_by).split())
    if description.strip():
        return "d:" + " ".join(fold(description).split())
    return ""


@dataclass
class PlannedRow:
    """One line of the preview and of the report."""

    line: int
    action: Action
    reason: str
    record: ImportRecord | None = None  # None for rows the reader already skipped
    customer_id: int | None = None  # the regular an update changes
    into_line: int | None = None  # an earlier row of the file this one was folded into
    label: str = ""  # who the row is about, for the preview ("Zoë Park", "the corgi owner")


@dataclass
class ImportPlan:
    parsed: ParsedFile
    rows: list[PlannedRow] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def creates(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == "create" and row.into_line is None]

    @property
    def updates(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == "update" and row.into_line is None]

    @property
    def skipped(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == "skip"]


@dataclass
class _Known:
    """An existing regular, as much as matching and the "what would change" test need."""

    id: int
    name: str
    goes_by: str
    phone: str
    email: str
    description: str
    birthday: tuple[int | None, int | None, int | None]
    consent_given: bool
    do_not_remember: bool
    earlier_visits: int
    usuals: list[str]
    preferences: list[str]
    allergies: list[str]
    talking_points: list[str]


class _Keys(NamedTuple):
    """A row's phone, e-mail and name keys, worked out once."""

    phone: str
    email: str
    name: str

    @classmethod
    def of(cls, phone: str, email: str, name: str, goes_by: str, description: str) -> _Keys:
        return cls(phone_key(phone), email_key(email), name_key(name, goes_by, description))


class _Index:
    """Phone, e-mail and name -> the rows (existing regulars or earlier file rows) they lead to.

    Names are bucketed by which contacts the row has. A row whose phone was not found can only
    be the same person as a same-named row *without* a phone (a different phone is a different
    person), and likewise for e-mail, so the candidates are whole buckets: no row-by-row
    comparison, which would be quadratic in a file full of "John Smith"s.
    """

    def __init__(self) -> None:
        self.phones: dict[str, int] = {}
        self.emails: dict[str, int] = {}
        # name key -> [(has phone, has e-mail) -> keys]
        self.names: dict[str, dict[tuple[bool, bool], list[int]]] = {}

    def add(self, key: int, phone: str, email: str, name: str, goes_by: str,
            description: str) -> None:
        self.add_keys(key, _Keys.of(phone, email, name, goes_by, description))

    def add_keys(self, key: int, keys: _Keys) -> None:
        p, e, n = keys
        if p and p not in self.phones:
            self.phones[p] = key
        if e and e not in self.emails:
            self.emails[e] = key
        if n:
            self.names.setdefault(n, {}).setdefault((bool(p), bool(e)), []).append(key)

    def match(self, record: ImportRecord, keys: _Keys) -> tuple[int | None, str]:
        """(the matching key, why) or (None, a reason to skip) or (None, "")."""
        p, e, n = keys
        if p and p in self.phones:
            return self.phones[p], "same phone"
        if e and e in self.emails:
            return self.emails[e], "same e-mail"
        buckets = self.names.get(n) if n else None
        if not buckets:
            return None, ""
        allowed = [keys for (has_phone, has_email), keys in buckets.items()
                   if not (p and has_phone) and not (e and has_email)]
        count = sum(len(keys) for keys in allowed)
        if count == 0:
            return None, ""  # same name, different contact: another person
        if count > 1:
            return None, (f"{count} regulars are already called "
                          f"“{record.name or record.goes_by}”; add or merge this one by hand")
        why = "same description" if n.startswith("d:") else "same name"
        return allowed[0][0] if allowed[0] else next(k[0] for k in allowed if k), why


def record_draft(record: ImportRecord) -> CustomerDraft:
    return CustomerDraft(
        name=record.name, goes_by=record.goes_by, phone=record.phone, email=record.email,
        description=record.description, usuals=list(record.usuals),
        preferences=list(record.preferences), allergies=list(record.allergies),
        talking_points=list(record.talking_points), tags=list(record.tags),
        birthday_month=record.birthday_month, birthday_day=record.birthday_day,
        birthday_year=record.birthday_year, consent_given=bool(record.consent_given),
    )


def cleaned_record(record: ImportRecord) -> tuple[ImportRecord, str | None]:
    """The record as it will be stored (the draft's cleaning applied, unusable notes dropped),
    and why it cannot become a regular, if it cannot. Cleans in place: cleaning twice (the
    preview, then the import) gives the same record."""
    if record.cleaned:
        return record, None
    clean = record_draft(record).cleaned()
    errors = clean.problems()
    if errors:
        return record, next(iter(errors.values()))
    notes: list[ImportedNote] = []
    for note in record.notes:
        text = note.text.strip()
        if not text:
            continue
        problem = check_text(text, "A note", NOTE_MAX, multiline=True)
        if problem:
            record.warnings.append(f"line {record.line}: note left out: {problem}")
            continue
        note.text = text
        notes.append(note)
    record.name, record.goes_by, record.phone = clean.name, clean.goes_by, clean.phone
    record.email, record.description = clean.email, clean.description
    record.usuals, record.preferences = clean.usuals, clean.preferences
    record.allergies, record.talking_points = clean.allergies, clean.talking_points
    record.tags, record.notes = clean.tags, notes
    record.cleaned = True
    return record, None


def record_label(record: ImportRecord) -> str:
    if record.name and record.goes_by and record.goes_by != record.name:
        return f"{record.name} ({record.goes_by})"
    return record.name or record.goes_by or record.description[:60] or "(no name)"


def plan_import(session: Session, parsed: ParsedFile) -> ImportPlan:
    """The plan for ``parsed`` against what is in the database now (read-only)."""
    require(session, Permission.IMPORT)
    plan = ImportPlan(parsed)
    rows: list[PlannedRow] = [
        PlannedRow(skipped.line, "skip", skipped.reason) for skipped in parsed.skipped
    ]
    records: list[ImportRecord] = []
    empty = session.scalar(select(Customer.id).limit(1)) is None
    for record in parsed.records:
        if record.history is not None and record.history.forgotten_at is not None:
            # An erased customer in our own export: nothing identifies them, so they can only
            # be restored (for the counts) into an empty database, never matched.
            rows.append(PlannedRow(record.line, "create", "erased customer, kept anonymously "
                                   "for the counts", record, label="(erased)")
                        if empty else
                        PlannedRow(record.line, "skip", "an erased customer is only restored "
                                   "into an empty database", label="(erased)"))
            continue
        clean, problem = cleaned_record(record)
        if problem:
            rows.append(PlannedRow(record.line, "skip", problem, label=record_label(record)))
        else:
            records.append(clean)

    known = _load_identities(session)
    existing = _Index()
    for customer in known.values():
        existing.add(customer.id, customer.phone, customer.email, customer.name,
                     customer.goes_by, customer.description)
    in_file = _Index()
    first_rows: dict[int, PlannedRow] = {}  # file line -> the row others fold into
    matched: dict[int, PlannedRow] = {}  # regular id -> the row updating it
    for record in records:
        label = record_label(record)
        keys = _Keys.of(record.phone, record.email, record.name, record.goes_by,
                        record.description)
        earlier, why = in_file.match(record, keys)
        if earlier is not None:
            target = first_rows[earlier]
            assert target.record is not None
            target.record = fold_records(target.record, record)
            rows.append(PlannedRow(record.line, target.action,
                                   f"same person as line {earlier} ({why}); combined with it",
                                   record, target.customer_id, earlier, label))
            continue
        customer_id, why = existing.match(record, keys) if known else (None, "")
        if customer_id is None and why:
            row = PlannedRow(record.line, "skip", why, record, label=label)
        elif customer_id is None:
            row = PlannedRow(record.line, "create", "new regular", record, label=label)
        elif known[customer_id].do_not_remember:
            row = PlannedRow(record.line, "skip",
                             f"{_who(known[customer_id])} asked not to be remembered",
                             record, customer_id, label=label)
        elif customer_id in matched:
            first = matched[customer_id]
            assert first.record is not None
            first.record = fold_records(first.record, record)
            row = PlannedRow(record.line, first.action,
                             f"same regular as line {first.line} ({why}); combined with it",
                             record, customer_id, first.line, label)
        else:
            row = PlannedRow(record.line, "update", f"{why} as {_who(known[customer_id])}",
                             record, customer_id, label=label)
            matched[customer_id] = row
        rows.append(row)
        if row.into_line is None and (row.action != "skip" or row.customer_id is not None):
            first_rows[record.line] = row
            in_file.add_keys(record.line, keys)

    _skip_unchanged(session, [r for r in rows if r.action == "update"
                                     and r.into_line is None])
    # Rows folded into a row that turned out unchanged are unchanged too.
    by_line = {row.line: row for row in rows if row.into_line is None}
    for row in rows:
        if row.into_line is not None and by_line[row.into_line].action == "skip":
            row.action = "skip"
    rows.sort(key=lambda row: row.line)
    plan.rows = rows
    return plan


def _who(customer: _Identity) -> str:
    name = customer.name or customer.goes_by or customer.description[:40] or "a regular"
    return f"{name} (#{customer.id})"


def _merge_lists(first: Sequence[str], second: Iterable[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def fold_records(first: ImportRecord, second: ImportRecord) -> ImportRecord:
    """Two rows about one person: the first row's values win, the second fills its gaps;
    lists, notes and visit history are combined."""
    def pick(a: str, b: str) -> str:
        return a or b

    count: int | None = None
    if first.visit_count is not None or second.visit_count is not None:
        count = (first.visit_count or 0) + (second.visit_count or 0)
    firsts = [d for d in (first.first_visit, second.first_visit) if d is not None]
    lasts = [d for d in (first.last_visit, second.last_visit) if d is not None]
    birthday_from = first if first.birthday_month is not None else second
    return replace(
        first,
        name=pick(first.name, second.name), goes_by=pick(first.goes_by, second.goes_by),
        phone=pick(first.phone, second.phone), email=pick(first.email, second.email),
        description=pick(first.description, second.description),
        usuals=_merge_lists(first.usuals, second.usuals),
        preferences=_merge_lists(first.preferences, second.preferences),
        allergies=_merge_lists(first.allergies, second.allergies),
        talking_points=_merge_lists(first.talking_points, second.talking_points),
        tags=_merge_lists(first.tags, second.tags),
        birthday_month=birthday_from.birthday_month, birthday_day=birthday_from.birthday_day,
        birthday_year=birthday_from.birthday_year,
        notes=[*first.notes, *(n for n in second.notes
                               if n.text not in {m.text for m in first.notes})],
        first_visit=min(firsts) if firsts else None, last_visit=max(lasts) if lasts else None,
        visit_count=count,
        consent_given=first.consent_given if first.consent_given is not None
        else second.consent_given,
        warnings=[*first.warnings, *second.warnings],
    )


def visit_times(record: ImportRecord) -> list[datetime]:
    """The visits an import logs for a CSV/vCard row: its first and last visit, once each."""
    return sorted({d for d in (record.first_visit, record.last_visit) if d is not None})


def earlier_visits(record: ImportRecord, logged: int | None = None) -> int:
    """Visits the other system counted beyond the ones the import logs (``logged``, if the
    caller has counted them already)."""
    if record.visit_count is None:
        return 0
    return max(0, record.visit_count - (len(visit_times(record)) if logged is None else logged))


def known_customer(customer: Customer) -> _Known:
    return _Known(
        customer.id, customer.name, customer.goes_by, customer.phone, customer.email,
        customer.description,
        (customer.birthday_month, customer.birthday_day, customer.birthday_year),
        customer.consent_given, customer.do_not_remember, customer.earlier_visits,
        list(customer.usuals), list(customer.preferences), list(customer.allergies),
        list(customer.talking_points),
    )


@dataclass(frozen=True)
class _Identity:
    """What matching needs of every regular (the rest is loaded for matched ones only)."""

    id: int
    name: str
    goes_by: str
    phone: str
    email: str
    description: str
    do_not_remember: bool


def _load_identities(session: Session) -> dict[int, _Identity]:
    rows = session.execute(
        select(Customer.id, Customer.name, Customer.goes_by, Customer.phone, Customer.email,
               Customer.description, Customer.do_not_remember)
        .where(Customer.forgotten_at.is_(None)).order_by(Customer.id)
    )
    return {row[0]: _Identity(*row) for row in rows}


_LIST_COLUMNS = (Customer.usuals, Customer.preferences, Customer.allergies,
                 Customer.talking_points)
_NO_LISTS = tuple(literal(None).label(column.key) for column in _LIST_COLUMNS)


def _load_known(
    session: Session, ids: Sequence[int], with_lists: set[int] | None = None
) -> dict[int, _Known]:
    """The regulars ``ids``; their list columns only for ``with_lists`` (all if None): most
    files have no usuals or allergies to compare, and decoding every regular's JSON lists
    would be most of a re-import's reading."""
    found: dict[int, _Known] = {}
    if with_lists is None:
        parts = [(part, True) for part in chunks(list(ids))]
    else:
        parts = [*((part, True) for part in chunks([i for i in ids if i in with_lists])),
                 *((part, False) for part in chunks([i for i in ids if i not in with_lists]))]
    for part, lists in parts:
        found.update(_load_known_part(session, part, lists))
    return found


def _load_known_part(session: Session, ids: Sequence[int], lists: bool) -> dict[int, _Known]:
    rows = session.execute(
        select(
            Customer.id, Customer.name, Customer.goes_by, Customer.phone, Customer.email,
            Customer.description, Customer.birthday_month, Customer.birthday_day,
            Customer.birthday_year, Customer.consent_given, Customer.do_not_remember,
            Customer.earlier_visits, *(_LIST_COLUMNS if lists else _NO_LISTS),
        ).where(Customer.id.in_(ids))
    )
    found: dict[int, _Known] = {}
    for (cid, name, goes_by, phone, email, description, month, day, year, consent, forget,
         earlier, usuals, preferences, allergies, talking_points) in rows:
        found[cid] = _Known(
            cid, name, goes_by, phone, email, description, (month, day, year), consent, forget,
            earlier, list(usuals or []), list(preferences or []), list(allergies or []),
            list(talking_points or []),
        )
    return found


def chunks(values: Sequence[int], size: int = _LOOKUP_CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


@dataclass
class Existing:
    """What a matched regular already has of the things an import can add."""

    tags: set[str] = field(default_factory=set)
    notes: set[str] = field(default_factory=set)
    visits: set[datetime] = field(default_factory=set)
    problems: set[tuple[datetime, str]] = field(default_factory=set)  # occurred_at, story
    follow_ups: set[tuple[str, date]] = field(default_factory=set)  # task, due on


def load_existing(session: Session, ids: Sequence[int]) -> dict[int, Existing]:
    found: dict[int, Existing] = {cid: Existing() for cid in ids}
    for part in chunks(list(ids)):
        for cid, tag in session.execute(
            select(CustomerTag.customer_id, CustomerTag.name)
            .where(CustomerTag.customer_id.in_(part))
        ):
            found[cid].tags.add(tag)
        for cid, text in session.execute(
            select(Note.customer_id, Note.text).where(Note.customer_id.in_(part))
        ):
            found[cid].notes.add(text)
        for cid, at in session.execute(
            select(Visit.customer_id, Visit.visited_at).where(Visit.customer_id.in_(part))
        ):
            found[cid].visits.add(at)
        for cid, at, story in session.execute(
            select(Problem.customer_id, Problem.occurred_at, Problem.what_happened)
            .where(Problem.customer_id.in_(part))
        ):
            found[cid].problems.add((at, story))
        for cid, task, due in session.execute(
            select(FollowUp.customer_id, FollowUp.task, FollowUp.due_on)
            .where(FollowUp.customer_id.in_(part))
        ):
            found[cid].follow_ups.add((task, due))
    return found


def _history_adds(record: ImportRecord, existing: Existing, earlier: int) -> bool:
    """Whether a JSON record's history has anything the regular does not have yet."""
    history = record.history
    if history is None:
        return False
    return (
        history.earlier_visits > earlier
        or any(v.get("at") not in existing.visits for v in history.visits)
        or any((p.get("occurred_at"), p.get("what_happened")) not in existing.problems
               for p in history.problems)
        or any((f.get("task"), f.get("due_on")) not in existing.follow_ups
               for f in history.follow_ups)
    )


def profile_changes(customer: _Known | None, record: ImportRecord) -> dict[str, object]:
    """Column -> new value for what the record fills in on the regular's profile."""
    if customer is None:
        return {}
    changes: dict[str, object] = {}
    for column in ("name", "goes_by", "phone", "email", "description"):
        if not getattr(customer, column) and getattr(record, column):
            changes[column] = getattr(record, column)
    for column in ("usuals", "preferences", "allergies", "talking_points"):
        current: list[str] = getattr(customer, column)
        added = [v for v in getattr(record, column) if v not in current]
        if added:
            changes[column] = [*current, *added]
    if customer.birthday[0] is None and record.birthday_month is not None:
        changes.update(birthday_month=record.birthday_month, birthday_day=record.birthday_day,
                       birthday_year=record.birthday_year)
    if record.consent_given and not customer.consent_given:
        changes.update(consent_given=True, consent_at=record.consent_at,
                       consent_by=record.consent_by)
    if earlier_visits(record) > customer.earlier_visits:
        changes["earlier_visits"] = earlier_visits(record)
    return changes


def _skip_unchanged(session: Session, rows: list[PlannedRow]) -> None:
    ids = [row.customer_id for row in rows if row.customer_id is not None]
    have = load_existing(session, ids)
    known = _load_known(session, ids, with_lists={
        row.customer_id for row in rows if row.customer_id is not None and row.record
        and (row.record.usuals or row.record.preferences or row.record.allergies
             or row.record.talking_points)})
    for row in rows:
        assert row.record is not None and row.customer_id is not None
        record = row.record
        existing = have[row.customer_id]
        new_tags = set(record.tags) - existing.tags
        new_notes = [n for n in record.notes if n.text not in existing.notes]
        new_visits = [t for t in visit_times(record) if t not in existing.visits]
        customer = known[row.customer_id]
        history = _history_adds(record, existing, customer.earlier_visits)
        if not (profile_changes(customer, record) or new_tags or new_notes
                or new_visits or history):
            row.action = "skip"
            row.reason = f"already up to date ({row.reason})"
