"""The greeting card's "last time": the latest problem, how it was made right, whether they came
back since, and a line to greet them with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.entities import Visit
from models.problem_entities import Problem, ProblemCategory, RecoveryAction
from models.wording import relative_day

# A check-in logged in the same sitting as the problem is not "coming back".
SAME_VISIT = timedelta(hours=2)
_ARTICLES = ("the ", "their ", "a ", "an ", "his ", "her ", "my ", "our ", "some ")


@dataclass(frozen=True)
class LastTime:
    problem_id: int
    occurred_at: datetime
    category: str
    category_key: str | None
    severity: str
    allergen_or_illness: bool
    subject: str
    what_happened: str
    actions: tuple[tuple[str, str], ...]  # (kind, details), in the order they were taken
    outcome: str | None
    status: str
    handled_by: str
    visits_since: int
    logged_by: str = ""  # who wrote the report (``handled_by`` dealt with the customer)

    @property
    def is_safety(self) -> bool:
        return self.severity == "safety"


def last_time(
    session: Session, customer_id: int, *, now: datetime, window_days: int
) -> tuple[LastTime, ...]:
    """The most recent problem of the last ``window_days`` and, if different, the most recent
    safety problem of any age (those are always shown); newest first."""
    recent = session.scalar(
        select(Problem.id).where(
            Problem.customer_id == customer_id,
            Problem.occurred_at >= now - timedelta(days=window_days),
        ).order_by(Problem.occurred_at.desc(), Problem.id.desc()).limit(1)
    )
    safety = session.scalar(
        select(Problem.id).where(Problem.customer_id == customer_id,
                                 Problem.severity == "safety")
        .order_by(Problem.occurred_at.desc(), Problem.id.desc()).limit(1)
    )
    ids = list(dict.fromkeys(i for i in (recent, safety) if i is not None))
    views = [_view(session, problem_id) for problem_id in ids]
    return tuple(sorted(views, key=lambda v: v.occurred_at, reverse=True))


def _view(session: Session, problem_id: int) -> LastTime:
    problem, category, key = session.execute(
        select(Problem, ProblemCategory.name, ProblemCategory.key)
        .join(ProblemCategory, ProblemCategory.id == Problem.category_id)
        .where(Problem.id == problem_id)
    ).one()
    actions = session.execute(
        select(RecoveryAction.kind, RecoveryAction.details)
        .where(RecoveryAction.problem_id == problem_id)
        .order_by(RecoveryAction.taken_at, RecoveryAction.id)
    ).all()
    visits_since = session.scalar(
        select(func.count(Visit.id)).where(
            Visit.customer_id == problem.customer_id,
            Visit.visited_at > problem.occurred_at + SAME_VISIT,
        )
    ) or 0
    return LastTime(
        problem_id=problem.id, occurred_at=problem.occurred_at, category=category,
        category_key=key, severity=problem.severity,
        allergen_or_illness=problem.allergen_or_illness, subject=problem.subject,
        what_happened=problem.what_happened,
        actions=tuple((kind, details) for kind, details in actions),
        outcome=problem.outcome, status=problem.status, handled_by=problem.handled_by,
        visits_since=visits_since, logged_by=problem.logged_by,
    )


def came_back_line(entry: LastTime) -> str:
    if entry.visits_since == 0:
        return "Not back since — this may be their first visit after it."
    times = "once" if entry.visits_since == 1 else f"{entry.visits_since} times"
    return f"Came back {times} since."


def suggested_greeting(entry: LastTime, now: datetime) -> str:
    """A line to open with, e.g. "Last visit the oat latte was wrong and we remade it — ask
    how today's is." Built from the category's key, so renamed categories still read well."""
    when = "Last visit" if entry.visits_since == 0 else relative_day(entry.occurred_at, now)
    if when == "today":
        when = "Earlier today"
    happened = _what_happened(entry)
    done = _what_we_did(entry.actions)
    sentence = f"{when} {happened}" + (f" and {done}" if done else "")
    return f"{sentence[0].upper()}{sentence[1:]} — {_what_to_do(entry)}."


def _the(subject: str, fallback: str) -> str:
    if not subject:
        return fallback
    return subject if subject.lower().startswith(_ARTICLES) else f"the {subject}"


def _what_happened(entry: LastTime) -> str:
    thing = _the(entry.subject, "")
    if entry.allergen_or_illness:
        return f"{thing} caused an allergy or illness scare" if thing else \
            "there was an allergy or illness scare"
    phrases = {
        "wrong_order": (f"{thing} was wrong", "their order was wrong"),
        "product_quality": (f"{thing} was not up to standard",
                            "what we served was not up to standard"),
        "wait_time": (f"they waited too long for {thing}", "they waited too long"),
        "value_for_price": (f"{thing} did not feel worth the price",
                            "it did not feel worth the price"),
        "poor_communication": (f"there was a mix-up about {thing}", "there was a mix-up"),
        "process_breakdown": (f"we got {thing} wrong on our side",
                              "something went wrong on our side"),
        "training_gap": (f"{thing} was not made the way it should be",
                         "we got something wrong"),
        "staff_attitude": ("they felt badly treated", "they felt badly treated"),
    }
    with_thing, without = phrases.get(
        entry.category_key or "", (f"there was a problem with {thing}", "there was a problem")
    )
    return with_thing if thing else without


def _what_we_did(actions: tuple[tuple[str, str], ...]) -> str:
    phrases: list[str] = []
    for kind, details in actions:
        if kind == "remade":
            phrase = "we remade it"
        elif kind == "refund":
            phrase = "we refunded it"
        elif kind == "value_add":
            phrase = f"we gave them {details}" if details and len(details) <= 40 else \
                "we made it up to them"
        elif kind == "apology":
            phrase = "we apologized"
        elif kind == "follow_up_contact":
            phrase = "we followed up"
        else:
            continue
        if phrase not in phrases:
            phrases.append(phrase)
    # Two at most: it is said out loud at the counter. An apology alone is worth saying; beside
    # a remake it goes without saying.
    if len(phrases) > 1 and "we apologized" in phrases:
        phrases.remove("we apologized")
    return " and ".join(phrases[:2])


def _what_to_do(entry: LastTime) -> str:
    if entry.is_safety:
        return "double-check today's order against their allergies"
    if entry.outcome == "unhappy":
        return "they left unhappy, so make today's visit count"
    if entry.status == "open":
        return "it is still open, so ask if it was sorted"
    if entry.category_key == "staff_attitude":
        return "give them an extra-warm welcome"
    if entry.category_key == "wait_time":
        return "keep today's quick"
    return "ask how today's is" if entry.subject else "ask how things are today"
