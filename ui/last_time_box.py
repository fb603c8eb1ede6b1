"""The greeting card's "last time" box: what went wrong, what we did, and what to say today."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from models import (
    ACTION_LABELS,
    OUTCOME_LABELS,
    SEVERITY_LABELS,
    LastTime,
    came_back_line,
    relative_day,
    suggested_greeting,
)
from ui.labels import plain_label

STORY_CHARS = 180  # the card is read at a glance; the timeline has the whole story


def headline(entry: LastTime, now: datetime) -> str:
    when = relative_day(entry.occurred_at, now)
    parts = [f"{when[0].upper()}{when[1:]}", entry.category]
    if entry.is_safety:
        parts.insert(0, "⚠ SAFETY")
    elif entry.severity == "major":
        parts.append(SEVERITY_LABELS["major"])
    status = "resolved" if entry.status == "resolved" else "still open"
    parts.append(f"{status}, {OUTCOME_LABELS[entry.outcome].lower()}" if entry.outcome
                 else status)
    return "  ·  ".join(parts)


def made_right(entry: LastTime) -> str:
    if not entry.actions:
        return "Nothing logged yet to make it right."
    done = [f"{ACTION_LABELS[kind]}" + (f" ({details})" if details else "")
            for kind, details in entry.actions]
    return "Made right: " + "; ".join(done)


def who_line(entry: LastTime) -> str:
    """ "Logged by Sam · handled by Jo"; empty when nobody is named."""
    logged, handled = entry.logged_by, entry.handled_by
    if logged and logged == handled:
        return f"Logged and handled by {logged}"
    parts = ([f"Logged by {logged}"] if logged else []) + (
        [f"handled by {handled}" if logged else f"Handled by {handled}"] if handled else [])
    return " · ".join(parts)


class LastTimeBox(QFrame):
    """One problem on the card; a safety problem is drawn in the alert colour."""

    def __init__(self, entry: LastTime, now: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lastTimeBox")
        self.setProperty("safety", entry.is_safety)
        self.setAccessibleName("Last time" + (" (safety)" if entry.is_safety else ""))
        self.problem_id = entry.problem_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(3)
        self.headline = plain_label("lastTimeHeadline")
        self.headline.setText(headline(entry, now))
        story = entry.what_happened
        if entry.subject:
            story = f"{entry.subject}: {story}"
        if len(story) > STORY_CHARS:
            story = story[: STORY_CHARS - 1].rstrip() + "…"
        self.story = plain_label("lastTimeStory")
        self.story.setText(story)
        self.made_right = plain_label("lastTimeActions")
        self.made_right.setText(made_right(entry))
        self.came_back = plain_label("lastTimeCameBack")
        self.came_back.setText(came_back_line(entry))
        self.who = plain_label("lastTimeWho")
        self.who.setAccessibleName("Who logged and handled it")
        self.who.setText(who_line(entry))
        self.who.setVisible(bool(self.who.text()))
        self.suggestion = plain_label("greetingSuggestion")
        self.suggestion.setAccessibleName("Suggested greeting")
        self.suggestion.setText("Say: " + suggested_greeting(entry, now))
        for label in (self.headline, self.story, self.made_right, self.came_back, self.who,
                      self.suggestion):
            layout.addWidget(label)
