"""The two to-do lists: follow-ups due (for the counter) and teammate check-ins (for leads)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtWidgets import QWidget

import models
from ui.work_list_dialog import WorkItem, WorkListDialog, WorkListText

FOLLOW_UPS_TEXT = WorkListText(
    object_name="followUpsDialog",
    title="Follow-ups",
    intro="Promises made to regulars, soonest first. Overdue ones are in red.",
    columns=("Due", "Regular", "Follow-up", "About"),
    stretch_column=2,
    empty="No follow-ups open. Add one when you log a problem.",
    result_label="How did it go?",
    result_placeholder="one line: “called, the new grinder works fine”",
    by_label="Your name",
    done_button="Mark done",
)

TEAMMATES_TEXT = WorkListText(
    object_name="teammateCheckInsDialog",
    title="Check on our teammates",
    intro="For shift leads and owners: teammates who had a hard encounter and should get a "
          "word from you. Mark it when you have talked to them.",
    columns=("Since", "Teammate", "Why", "Flagged by", "Customer"),
    stretch_column=2,
    empty="Nobody is waiting for a check-in.",
    result_label="Note",
    result_placeholder="optional: “talked after close, she's fine”",
    by_label="Who checked in",
    done_button="Checked in",
)


def due_text(due_on: date, today: date) -> str:
    days = (due_on - today).days
    if days < 0:
        return f"{-days} day{'s' if days < -1 else ''} overdue"
    if days == 0:
        return "Today"
    if days == 1:
        return "Tomorrow"
    return f"{due_on:%a %d %b}"


def follow_ups_dialog(
    sessions: models.SessionFactory, *, clock: Callable[[], datetime], by_default: str,
    parent: QWidget | None = None,
) -> WorkListDialog:
    def load() -> list[WorkItem]:
        today = clock().astimezone().date()
        with sessions() as session:
            open_ones = models.open_follow_ups(session)
        return [
            WorkItem(f.id, f.customer_id,
                     (due_text(f.due_on, today), f.customer, f.task, f.problem_subject),
                     f.task, urgent=f.due_on < today)
            for f in open_ones
        ]

    def complete(follow_up_id: int, result: str, by: str) -> None:
        with sessions.begin() as session:
            models.complete_follow_up(session, follow_up_id, result, by=by, now=clock())

    return WorkListDialog(FOLLOW_UPS_TEXT, load=load, complete=complete,
                          by_default=by_default, parent=parent)


def teammate_check_ins_dialog(
    sessions: models.SessionFactory, *, clock: Callable[[], datetime], by_default: str,
    parent: QWidget | None = None,
) -> WorkListDialog:
    def load() -> list[WorkItem]:
        now = clock()
        with sessions() as session:
            open_ones = models.open_teammate_check_ins(session)
        return [
            WorkItem(c.id, None,
                     (models.relative_day(c.created_at, now), c.teammate, c.reason,
                      c.flagged_by, c.customer),
                     c.teammate)
            for c in open_ones
        ]

    def complete(check_in_id: int, note: str, by: str) -> None:
        with sessions.begin() as session:
            models.complete_teammate_check_in(session, check_in_id, by=by, note=note,
                                              now=clock())

    return WorkListDialog(TEAMMATES_TEXT, load=load, complete=complete,
                          by_default=by_default, parent=parent)
