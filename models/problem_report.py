"""What staff fill in about a problem: the report, its checks, and its form as a saved draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from models.problem_entities import ACTION_KINDS, OUTCOMES, SEVERITIES
from models.validation import check_text

SUBJECT_MAX = 200
STORY_MAX = 10_000
STAFF_NAME_MAX = 100
ACTION_DETAILS_MAX = 2000
RESULT_MAX = 500
MAX_COST_CENTS = 100_000_00  # a comp worth more than this is a typo
# A problem logged a little "in the future" is a clock difference between counters, not a typo.
CLOCK_SLACK = timedelta(minutes=10)

ACTION_LABELS = {
    "apology": "Listened and apologized",
    "remade": "Remade",
    "refund": "Refund",
    "value_add": "Value-add / comp",
    "follow_up_contact": "Follow-up contact",
    "other": "Other",
}
SEVERITY_LABELS = {"minor": "Minor", "major": "Major", "safety": "Safety"}
OUTCOME_LABELS = {"happy": "Left happy", "okay": "Left okay", "unhappy": "Still unhappy"}


@dataclass
class ActionEntry:
    """One recovery action; ``id`` is set for actions already saved."""

    kind: str
    details: str = ""
    cost_cents: int | None = None
    id: int | None = None


@dataclass
class FollowUpEntry:
    task: str
    due_on: date


@dataclass
class TeammateEntry:
    teammate: str
    reason: str = ""


@dataclass
class ProblemReport:
    """Everything the problem dialog collects; the services check it and store it."""

    what_happened: str = ""
    subject: str = ""
    customer_words: str = ""
    fair_fix: str = ""
    category_id: int | None = None
    severity: str = "minor"
    allergen_or_illness: bool = False
    handled_by: str = ""
    occurred_at: datetime | None = None  # None: now
    actions: list[ActionEntry] = field(default_factory=list)
    outcome: str | None = None
    resolved: bool = False
    follow_up: FollowUpEntry | None = None
    teammate: TeammateEntry | None = None

    def cleaned(self) -> ProblemReport:
        return ProblemReport(
            what_happened=self.what_happened.strip(),
            subject=" ".join(self.subject.split()),
            customer_words=self.customer_words.strip(),
            fair_fix=self.fair_fix.strip(),
            category_id=self.category_id,
            # An allergen or illness case is always a safety problem.
            severity="safety" if self.allergen_or_illness else self.severity,
            allergen_or_illness=self.allergen_or_illness,
            handled_by=" ".join(self.handled_by.split()),
            occurred_at=self.occurred_at,
            actions=[
                ActionEntry(a.kind, a.details.strip(), a.cost_cents, a.id) for a in self.actions
            ],
            outcome=self.outcome or None,
            resolved=self.resolved,
            follow_up=(
                FollowUpEntry(self.follow_up.task.strip(), self.follow_up.due_on)
                if self.follow_up else None
            ),
            teammate=(
                TeammateEntry(" ".join(self.teammate.teammate.split()),
                              self.teammate.reason.strip())
                if self.teammate else None
            ),
        )

    def problems(self, now: datetime) -> dict[str, str]:
        """Field name -> message for everything that cannot be saved as it is."""
        errors: dict[str, str] = {}
        if not self.what_happened:
            errors["what_happened"] = "Say what happened, in your own words."
        if self.category_id is None:
            errors["category"] = "Choose what kind of problem it was."
        if self.severity not in SEVERITIES:
            errors["severity"] = "Choose minor, major or safety."
        if self.outcome is not None and self.outcome not in OUTCOMES:
            errors["outcome"] = "Choose how they left: happy, okay or still unhappy."
        if self.occurred_at is not None and self.occurred_at > now + CLOCK_SLACK:
            errors["occurred_at"] = "That time is in the future; when did it happen?"
        for name, label, limit, multiline in (
            ("what_happened", "What happened", STORY_MAX, True),
            ("subject", "What it was about", SUBJECT_MAX, False),
            ("customer_words", "What they said", STORY_MAX, True),
            ("fair_fix", "What they would call fair", STORY_MAX, True),
            ("handled_by", "The name of who handled it", STAFF_NAME_MAX, False),
        ):
            message = check_text(getattr(self, name), label, limit, multiline=multiline)
            if message and name not in errors:
                errors[name] = message
        action_message = next(filter(None, map(_action_problem, self.actions)), None)
        if action_message:
            errors["actions"] = action_message
        if self.follow_up is not None:
            message = (
                "Say what to follow up on, or untick the follow-up."
                if not self.follow_up.task
                else check_text(self.follow_up.task, "The follow-up", ACTION_DETAILS_MAX)
            )
            if message:
                errors["follow_up"] = message
        if self.teammate is not None:
            message = (
                "Name the teammate to check on, or untick the check-in."
                if not self.teammate.teammate
                else check_text(self.teammate.teammate, "The teammate's name", STAFF_NAME_MAX)
                or check_text(self.teammate.reason, "Why", ACTION_DETAILS_MAX, multiline=True)
            )
            if message:
                errors["teammate"] = message
        return errors

    def has_content(self) -> bool:
        """Whether anything was typed that would be lost by closing the form."""
        return bool(
            self.what_happened.strip() or self.subject.strip() or self.customer_words.strip()
            or self.fair_fix.strip() or any(a.details.strip() for a in self.actions)
            or (self.follow_up and self.follow_up.task.strip())
            or (self.teammate and self.teammate.teammate.strip())
        )

    def to_payload(self) -> dict[str, Any]:
        """JSON-safe form, for an unsent draft."""
        return {
            "what_happened": self.what_happened,
            "subject": self.subject,
            "customer_words": self.customer_words,
            "fair_fix": self.fair_fix,
            "category_id": self.category_id,
            "severity": self.severity,
            "allergen_or_illness": self.allergen_or_illness,
            "handled_by": self.handled_by,
            "occurred_at": self.occurred_at.isoformat() if self.occurred_at else None,
            "actions": [
                {"kind": a.kind, "details": a.details, "cost_cents": a.cost_cents}
                for a in self.actions
            ],
            "outcome": self.outcome,
            "resolved": self.resolved,
            "follow_up": (
                {"task": self.follow_up.task, "due_on": self.follow_up.due_on.isoformat()}
                if self.follow_up else None
            ),
            "teammate": (
                {"teammate": self.teammate.teammate, "reason": self.teammate.reason}
                if self.teammate else None
            ),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> ProblemReport:
        """The draft back; anything unreadable (an older app's draft) is left at its default."""
        report = cls()
        for name in ("what_happened", "subject", "customer_words", "fair_fix", "handled_by",
                     "severity"):
            if isinstance(payload.get(name), str):
                setattr(report, name, payload[name])
        if isinstance(payload.get("category_id"), int):
            report.category_id = payload["category_id"]
        report.allergen_or_illness = bool(payload.get("allergen_or_illness"))
        report.resolved = bool(payload.get("resolved"))
        if payload.get("outcome") in OUTCOMES:
            report.outcome = payload["outcome"]
        try:
            if payload.get("occurred_at"):
                report.occurred_at = datetime.fromisoformat(payload["occurred_at"])
            follow_up = payload.get("follow_up")
            if isinstance(follow_up, dict):
                report.follow_up = FollowUpEntry(
                    str(follow_up.get("task", "")), date.fromisoformat(follow_up["due_on"])
                )
        except (KeyError, TypeError, ValueError):
            pass
        teammate = payload.get("teammate")
        if isinstance(teammate, dict):
            report.teammate = TeammateEntry(
                str(teammate.get("teammate", "")), str(teammate.get("reason", ""))
            )
        for action in payload.get("actions") or []:
            if isinstance(action, dict) and action.get("kind") in ACTION_KINDS:
                cost = action.get("cost_cents")
                report.actions.append(ActionEntry(
                    action["kind"], str(action.get("details", "")),
                    cost if isinstance(cost, int) else None,
                ))
        return report


def _action_problem(action: ActionEntry) -> str | None:
    label = ACTION_LABELS.get(action.kind)
    if label is None:
        return f"Unknown kind of recovery action: {action.kind!r}."
    if action.kind == "value_add" and not action.details:
        return "Say what was given as the value-add (a free pastry, a bag of beans …)."
    if action.kind == "other" and not action.details:
        return "Say what else was done."
    if action.cost_cents is not None and not 0 <= action.cost_cents <= MAX_COST_CENTS:
        return f"The cost of “{label}” must be between 0 and {MAX_COST_CENTS // 100:,}."
    return check_text(action.details, f"“{label}”", ACTION_DETAILS_MAX, multiline=True)


def parse_cost(text: str) -> int | None:
    """'4.50', '$4.50', '4,50', '€ 3' -> cents; '' -> None. Raises ValueError if unreadable."""
    cleaned = "".join(ch for ch in text.strip() if ch.isdigit() or ch in ".,-")
    if not text.strip():
        return None
    if not cleaned or cleaned.count("-") or not any(ch.isdigit() for ch in cleaned):
        raise ValueError(f"“{text.strip()}” is not an amount; type it like 4.50.")
    # The last separator followed by one or two digits is the decimal point, whatever the locale.
    head, sep, tail = max(cleaned.rpartition("."), cleaned.rpartition(","), key=lambda p: len(p[0]))
    if sep and 1 <= len(tail) <= 2:
        whole, fraction = head.replace(".", "").replace(",", ""), tail.ljust(2, "0")
    else:
        whole, fraction = cleaned.replace(".", "").replace(",", ""), "00"
    return int(whole or "0") * 100 + int(fraction)


def format_cost(cents: int | None) -> str:
    return "" if cents is None else f"{cents // 100:,}.{cents % 100:02d}"
