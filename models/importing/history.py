"""Store an imported regular's history: visits, problems with what was done and the teammate
check-ins, follow-ups and the unsent problem report (``CustomerHistory``, read by vre_json.py).

The regular already exists (the import created or matched them). Writing the same history
twice adds nothing: a visit at a moment already logged (two visits at one moment stay two), a
problem that happened at the same moment with the same story, and a follow-up with the same
task, due date and creation time are left alone (counted as duplicates). Visits go in with one
Core executemany per batch of regulars, never as ORM objects, and ``write_histories`` reads and
recounts a batch of regulars with a few statements, so an import of 100,000 regulars with
millions of visits runs at the database's pace.

Nothing here commits: the caller holds the transaction (one per batch of regulars).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from models import visit_links
from models.base import table_of, utcnow
from models.entities import Customer, CustomerTag, Note, SearchDocument, Visit
from models.errors import NotFoundError
from models.importing.records import CustomerHistory
from models.problem_entities import (
    FollowUp,
    Problem,
    ProblemCategory,
    ProblemDraft,
    RecoveryAction,
    TeammateCheckIn,
)
from models.search.documents import document_values

IMPORTED_CATEGORY = "Imported"
_LOADED = "loaded:"  # marks a category cache filled from the database
_CHUNK = 500  # regulars per statement (ids in an IN list: well under every engine's limit)


@dataclass
class HistoryCounts:
    """What ``write_history`` added (and what it found already there)."""

    visits: int = 0
    problems: int = 0
    actions: int = 0
    teammate_check_ins: int = 0
    follow_ups: int = 0
    problem_drafts: int = 0
    duplicates: int = 0  # visits, problems and follow-ups already stored, left alone
    categories_created: int = 0  # retired categories made for problems of unknown categories

    def __add__(self, other: HistoryCounts) -> HistoryCounts:
        return HistoryCounts(**{
            f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)
        })


_VISIT = table_of(Visit)
_PROBLEM = table_of(Problem)
_ACTION = table_of(RecoveryAction)
_CHECK_IN = table_of(TeammateCheckIn)
_FOLLOW_UP = table_of(FollowUp)
_DRAFT = table_of(ProblemDraft)
_CATEGORY = table_of(ProblemCategory)
_DOCUMENT = table_of(SearchDocument)


def write_history(
    session: Session, customer_id: int, history: CustomerHistory, *,
    categories: dict[str, int] | None = None,
) -> HistoryCounts:
    """Add ``history`` to the regular ``customer_id``, then recount their visits and, if that
    changed their count or last visit, refresh their search document.

    Problems find their category by key, then by name (ignoring case); a category this shop does
    not have is created retired, so old problems keep it without it being offered for new ones.
    ``categories`` is a cache of those look-ups: pass the same (initially empty) dict for every
    regular of one import. The regular's ``earlier_visits`` becomes the larger of theirs and the
    history's. Raises ``NotFoundError`` if the regular does not exist, ``ValueError`` if a
    visit or problem has no time.
    """
    return write_histories(session, [(customer_id, history)], categories=categories)


def write_histories(
    session: Session, histories: Sequence[tuple[int, CustomerHistory]], *,
    categories: dict[str, int] | None = None, refresh_search: bool = True,
) -> HistoryCounts:
    """``write_history`` for many regulars at once (a few statements per batch rather than per
    regular: what an import of 100,000 regulars wants). With ``refresh_search=False`` the
    caller refreshes the search documents itself (after adding notes, say)."""
    counts = HistoryCounts()
    lookup = categories if categories is not None else {}
    now = utcnow()
    for start in range(0, len(histories), _CHUNK):
        chunk = histories[start:start + _CHUNK]
        ids = list(dict.fromkeys(customer_id for customer_id, _history in chunk))
        customers = {
            customer.id: customer for customer in session.scalars(
                select(Customer).where(Customer.id.in_(ids)).with_for_update())
        }
        missing = [i for i in ids if i not in customers]
        if missing:
            raise NotFoundError(f"There is no regular with id {missing[0]} (deleted?).")
        times: dict[int, list[datetime]] = defaultdict(list)
        for customer_id, visited_at in session.execute(
            select(Visit.customer_id, Visit.visited_at).where(Visit.customer_id.in_(ids))
        ):
            times[customer_id].append(visited_at)
        visits: list[dict[str, Any]] = []
        for customer_id, history in chunk:
            visits.extend(_new_visits(customer_id, history, times[customer_id], counts))
            problem_ids: dict[int, int] = {}  # the file's problem id -> ours
            if history.problems:
                problem_ids = _write_problems(session, customer_id, history, lookup, counts)
            if history.follow_ups:
                _write_follow_ups(session, customer_id, history, problem_ids, counts, now)
            if history.problem_draft is not None:
                _write_draft(session, customer_id, history.problem_draft, lookup, counts, now)
            customer = customers[customer_id]
            customer.earlier_visits = max(customer.earlier_visits or 0, history.earlier_visits)
        if visits:
            session.execute(insert(_VISIT), visits)
            # Old visits land among the ones already stored: their links are recomputed.
            visit_links.relink(session.connection(), {visit["customer_id"] for visit in visits})
            counts.visits += len(visits)
        changed = []
        for customer in customers.values():
            count = len(times[customer.id]) + customer.earlier_visits
            last = max(times[customer.id], default=None)
            if (count, last) != (customer.visit_count, customer.last_visit_at):
                customer.visit_count, customer.last_visit_at = count, last
                changed.append(customer)
        # Only visits move a regular in search (problems are not in the search document).
        if refresh_search and changed:
            refresh_documents(session, changed)
    return counts


def refresh_documents(session: Session, customers: Sequence[Customer]) -> None:
    """``models.search.documents.refresh_document`` for many regulars: the same values (from
    ``document_values``), read and written with one statement per table."""
    session.flush()
    ids = [customer.id for customer in customers]
    notes: dict[int, list[str]] = defaultdict(list)
    for customer_id, text in session.execute(
        select(Note.customer_id, Note.text).where(Note.customer_id.in_(ids))
        .order_by(Note.customer_id, Note.id)
    ):
        notes[customer_id].append(text)
    tags: dict[int, list[str]] = defaultdict(list)
    for customer_id, name in session.execute(
        select(CustomerTag.customer_id, CustomerTag.name).where(CustomerTag.customer_id.in_(ids))
    ):
        tags[customer_id].append(name)
    rows = [
        document_values(
            customer_id=customer.id, name=customer.name, goes_by=customer.goes_by,
            phone=customer.phone, email=customer.email, description=customer.description,
            usuals=customer.usuals, preferences=customer.preferences,
            allergies=customer.allergies, talking_points=customer.talking_points,
            tags=tags[customer.id], notes=notes[customer.id],
            last_seen=customer.last_visit_at or customer.created_at,
            visit_count=customer.visit_count,
        )
        for customer in customers
    ]
    # Delete + insert, as refresh_document does (SQLite's triggers re-index once each way).
    session.execute(delete(_DOCUMENT).where(_DOCUMENT.c.customer_id.in_(ids)))
    if rows:
        session.execute(insert(_DOCUMENT), rows)


def _new_visits(
    customer_id: int, history: CustomerHistory, times: list[datetime], counts: HistoryCounts
) -> list[dict[str, Any]]:
    """The visits not stored yet (adding their moments to ``times``). Two visits at the same
    moment stay two: each stored one only stands for one in the history."""
    stored = Counter(times)
    rows = []
    for visit in history.visits:
        at = _required(visit.get("at"), "A visit")
        if stored[at] > 0:
            stored[at] -= 1
            counts.duplicates += 1
            continue
        times.append(at)
        rows.append({"customer_id": customer_id, "visited_at": at,
                     "items": str(visit.get("items") or ""),
                     "logged_by": str(visit.get("logged_by") or "")})
    return rows


def _moment(value: Any) -> datetime | None:
    """A moment from the history: a datetime (as vre_json gives) or ISO text (as the file)."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _required(value: Any, what: str) -> datetime:
    moment = _moment(value)
    if moment is None:
        raise ValueError(f"{what} has no time.")
    return moment


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _write_problems(
    session: Session, customer_id: int, history: CustomerHistory, lookup: dict[str, int],
    counts: HistoryCounts,
) -> dict[int, int]:
    p = _PROBLEM.c
    stored = {
        (row.occurred_at, row.what_happened): row.id
        for row in session.execute(
            select(p.id, p.occurred_at, p.what_happened).where(p.customer_id == customer_id))
    }
    ids: dict[int, int] = {}
    insert_problem = insert(_PROBLEM).returning(p.id)
    for problem in history.problems:
        occurred = _required(problem.get("occurred_at"), "A problem")
        story = str(problem.get("what_happened") or "")
        file_id = problem.get("id")
        existing = stored.get((occurred, story))
        if existing is not None:
            counts.duplicates += 1
            if isinstance(file_id, int):
                ids[file_id] = existing
            continue
        created = _moment(problem.get("created_at")) or occurred
        allergen = bool(problem.get("allergen_or_illness"))
        new_id = session.execute(insert_problem, {
            "customer_id": customer_id,
            "occurred_at": occurred,
            "subject": str(problem.get("subject") or ""),
            "what_happened": story,
            "customer_words": str(problem.get("customer_words") or ""),
            "fair_fix": str(problem.get("fair_fix") or ""),
            "category_id": _category_id(session, lookup, problem.get("category_key"),
                                        problem.get("category"), counts),
            "severity": "safety" if allergen else str(problem.get("severity") or "minor"),
            "allergen_or_illness": allergen,
            "handled_by": str(problem.get("handled_by") or ""),
            "logged_by": str(problem.get("logged_by") or ""),
            "outcome": problem.get("outcome") or None,
            "status": str(problem.get("status") or "open"),
            "resolved_by": str(problem.get("resolved_by") or ""),
            "resolved_at": _moment(problem.get("resolved_at")),
            "created_at": created,
            "updated_at": _moment(problem.get("updated_at")) or created,
        }).scalar_one()
        stored[(occurred, story)] = new_id
        if isinstance(file_id, int):
            ids[file_id] = new_id
        counts.problems += 1
        actions = [
            {"problem_id": new_id, "kind": str(a.get("kind")),
             "details": str(a.get("details") or ""), "cost_cents": a.get("cost_cents"),
             "taken_at": _moment(a.get("taken_at")) or occurred,
             "taken_by": str(a.get("taken_by") or "")}
            for a in problem.get("actions") or ()
        ]
        if actions:
            session.execute(insert(_ACTION), actions)
            counts.actions += len(actions)
        check_ins = [
            {"problem_id": new_id, "teammate": str(t.get("teammate") or ""),
             "reason": str(t.get("reason") or ""), "flagged_by": str(t.get("flagged_by") or ""),
             "created_at": _moment(t.get("created_at")) or created,
             "done_at": _moment(t.get("done_at")), "done_by": str(t.get("done_by") or ""),
             "done_note": str(t.get("done_note") or "")}
            for t in problem.get("teammate_check_ins") or ()
        ]
        if check_ins:
            session.execute(insert(_CHECK_IN), check_ins)
            counts.teammate_check_ins += len(check_ins)
    return ids


def _write_follow_ups(
    session: Session, customer_id: int, history: CustomerHistory, problem_ids: dict[int, int],
    counts: HistoryCounts, now: datetime,
) -> None:
    f = _FOLLOW_UP.c
    stored = {
        (row.task, row.due_on, row.created_at)
        for row in session.execute(
            select(f.task, f.due_on, f.created_at).where(f.customer_id == customer_id))
    }
    undated = {(task, due) for task, due, _created in stored}
    rows = []
    for follow_up in history.follow_ups:
        task = str(follow_up.get("task") or "")
        due = _day(follow_up.get("due_on"))
        created = _moment(follow_up.get("created_at"))
        # Without a creation time, the same task due the same day is the same follow-up.
        already = (task, due, created) in stored if created else (task, due) in undated
        if already:
            counts.duplicates += 1
            continue
        stored.add((task, due, created))
        undated.add((task, due))
        problem = follow_up.get("problem")
        rows.append({
            "customer_id": customer_id,
            "problem_id": problem_ids.get(problem) if isinstance(problem, int) else None,
            "task": task,
            "due_on": due,
            "created_by": str(follow_up.get("created_by") or ""),
            "created_at": created or now,
            "done_at": _moment(follow_up.get("done_at")),
            "done_by": str(follow_up.get("done_by") or ""),
            "result": str(follow_up.get("result") or ""),
        })
    if rows:
        session.execute(insert(_FOLLOW_UP), rows)
        counts.follow_ups += len(rows)


def _write_draft(
    session: Session, customer_id: int, draft: dict[str, Any], lookup: dict[str, int],
    counts: HistoryCounts, now: datetime,
) -> None:
    """The unsent report, unless the regular already has one here (that one is newer news)."""
    if session.get(ProblemDraft, customer_id) is not None:
        return
    payload = dict(draft.get("payload") or {})
    _load_categories(session, lookup)
    key, name = draft.get("category_key"), draft.get("category")
    # The payload's category id meant something only in the exporting shop's database; a
    # category this shop lacks is left for whoever sends the report to choose.
    payload["category_id"] = (
        lookup.get(f"key:{key}") if key else None
    ) or (lookup.get(f"name:{str(name).casefold()}") if name else None)
    session.execute(insert(_DRAFT), {"customer_id": customer_id, "payload": payload,
                                     "saved_at": _moment(draft.get("saved_at")) or now})
    counts.problem_drafts += 1


def _load_categories(session: Session, lookup: dict[str, int]) -> None:
    if _LOADED in lookup:
        return
    for row in session.execute(select(_CATEGORY.c.id, _CATEGORY.c.key, _CATEGORY.c.name)):
        if row.key:
            lookup[f"key:{row.key}"] = row.id
        lookup[f"name:{row.name.casefold()}"] = row.id
    lookup[_LOADED] = 1


def _category_id(
    session: Session, lookup: dict[str, int], key: Any, name: Any, counts: HistoryCounts
) -> int:
    _load_categories(session, lookup)
    name = " ".join(str(name or "").split())
    if key and f"key:{key}" in lookup:
        return lookup[f"key:{key}"]
    if name and f"name:{name.casefold()}" in lookup:
        return lookup[f"name:{name.casefold()}"]
    name = (name or str(key or "") or IMPORTED_CATEGORY)[:80]
    if f"name:{name.casefold()}" in lookup:
        return lookup[f"name:{name.casefold()}"]
    position = session.scalar(select(func.max(_CATEGORY.c.position))) or 0
    # The key stays empty: a key belongs to the app's own built-in categories.
    category_id = session.execute(
        insert(_CATEGORY).returning(_CATEGORY.c.id),
        {"key": None, "name": name, "retired": True, "position": position + 1,
         "created_at": utcnow()},
    ).scalar_one()
    lookup[f"name:{name.casefold()}"] = category_id
    if key:
        lookup[f"key:{key}"] = category_id
    counts.categories_created += 1
    return int(category_id)
