"""One regular's story in order: visits, notes, problems, what was done, and follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.entities import Note, Visit
from models.problem_entities import FollowUp, Problem, ProblemCategory, RecoveryAction
from models.problem_report import ACTION_LABELS, OUTCOME_LABELS, SEVERITY_LABELS, format_cost
from models.staff import Permission, require

TIMELINE_KINDS = ("visit", "note", "problem", "recovery", "follow_up")
KIND_LABELS = {
    "visit": "Visits", "note": "Notes", "problem": "Problems", "recovery": "Made right",
    "follow_up": "Follow-ups",
}
# A handover note was written for the next shift: it says so wherever it is shown.
NOTE_TITLES = {"note": "Note", "handover": "For next shift"}


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # one of TIMELINE_KINDS
    at: datetime
    title: str
    detail: str = ""
    problem_id: int | None = None  # the problem it belongs to, to open it
    record_id: int | None = None
    severity: str = ""  # problems only; "safety" stands out
    # Who wrote the note, logged the problem or took the action (empty when nobody signed it).
    author: str = ""
    edited_by: str = ""  # notes only: who last changed the text, if not the author

    @property
    def byline(self) -> str:
        """ "logged by Sam", "by Sam, edited by Alex"; empty when nobody signed it."""
        parts = [f"{_BYLINE_VERBS.get(self.kind, 'by')} {self.author}"] if self.author else []
        if self.edited_by:
            parts.append(f"edited by {self.edited_by}")
        return ", ".join(parts)


_BYLINE_VERBS = {"note": "by", "problem": "logged by", "recovery": "by"}


def load_timeline(
    session: Session, customer_id: int, *, kinds: set[str] | frozenset[str] | None = None,
    limit: int = 1000,
) -> list[TimelineEntry]:
    """Newest first; at most ``limit`` entries of each kind before merging."""
    require(session, Permission.USE_COUNTER)
    wanted = set(kinds) if kinds is not None else set(TIMELINE_KINDS)
    entries: list[TimelineEntry] = []
    if "visit" in wanted:
        for visit in session.scalars(
            select(Visit).where(Visit.customer_id == customer_id)
            .order_by(Visit.visited_at.desc()).limit(limit)
        ):
            entries.append(TimelineEntry("visit", visit.visited_at, "Visit",
                                         visit.items, record_id=visit.id))
    if "note" in wanted:
        for note in session.scalars(
            select(Note).where(Note.customer_id == customer_id)
            .order_by(Note.created_at.desc()).limit(limit)
        ):
            title = NOTE_TITLES.get(note.kind, "Note")
            if note.pinned:
                title = "Pinned note" if title == "Note" else f"{title} (pinned)"
            edited_by = note.edited_by if note.edited_by != note.author else ""
            entries.append(TimelineEntry("note", note.created_at, title, note.text,
                                         record_id=note.id, author=note.author,
                                         edited_by=edited_by))
    if "problem" in wanted:
        entries.extend(_problems(session, customer_id, limit))
    if "recovery" in wanted:
        entries.extend(_recoveries(session, customer_id, limit))
    if "follow_up" in wanted:
        entries.extend(_follow_ups(session, customer_id, limit))
    entries.sort(key=lambda e: (e.at, _KIND_ORDER[e.kind]), reverse=True)
    return entries


# At the same moment, what was done about a problem comes after it: above it, newest first.
_KIND_ORDER = {"visit": 0, "problem": 1, "recovery": 2, "follow_up": 3, "note": 4}


def _problems(session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
    rows = session.execute(
        select(Problem, ProblemCategory.name)
        .join(ProblemCategory, ProblemCategory.id == Problem.category_id)
        .where(Problem.customer_id == customer_id)
        .order_by(Problem.occurred_at.desc()).limit(limit)
    )
    entries = []
    for problem, category in rows:
        about = f" — {problem.subject}" if problem.subject else ""
        status = "resolved" if problem.status == "resolved" else "open"
        title = f"Problem: {category}{about} ({SEVERITY_LABELS[problem.severity]}, {status})"
        lines = [problem.what_happened]
        if problem.customer_words:
            lines.append(f"They said: “{problem.customer_words}”")
        if problem.fair_fix:
            lines.append(f"Fair fix, in their words: {problem.fair_fix}")
        if problem.outcome:
            lines.append(OUTCOME_LABELS[problem.outcome])
        if problem.handled_by:
            lines.append(f"Handled by {problem.handled_by}")
        entries.append(TimelineEntry("problem", problem.occurred_at, title, "\n".join(lines),
                                     problem_id=problem.id, record_id=problem.id,
                                     severity=problem.severity, author=problem.logged_by))
    return entries


def _recoveries(session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
    rows = session.scalars(
        select(RecoveryAction).join(Problem, Problem.id == RecoveryAction.problem_id)
        .where(Problem.customer_id == customer_id)
        .order_by(RecoveryAction.taken_at.desc()).limit(limit)
    )
    entries = []
    for action in rows:
        cost = f" (cost {format_cost(action.cost_cents)})" if action.cost_cents else ""
        entries.append(TimelineEntry("recovery", action.taken_at,
                                     f"Made right: {ACTION_LABELS[action.kind]}{cost}",
                                     action.details, problem_id=action.problem_id,
                                     record_id=action.id, author=action.taken_by))
    return entries


def _follow_ups(session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
    entries = []
    for follow_up in session.scalars(
        select(FollowUp).where(FollowUp.customer_id == customer_id)
        .order_by(FollowUp.created_at.desc()).limit(limit)
    ):
        due = f"{follow_up.due_on:%a %d %b %Y}"
        entries.append(TimelineEntry("follow_up", follow_up.created_at,
                                     f"Follow-up set, due {due}", follow_up.task,
                                     problem_id=follow_up.problem_id,
                                     record_id=follow_up.id))
        if follow_up.done_at is not None:
            by = f" by {follow_up.done_by}" if follow_up.done_by else ""
            entries.append(TimelineEntry("follow_up", follow_up.done_at,
                                         f"Follow-up done{by}",
                                         f"{follow_up.task}\n→ {follow_up.result}",
                                         problem_id=follow_up.problem_id,
                                         record_id=follow_up.id))
    return entries

