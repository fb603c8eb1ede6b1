"""Check-ins on the undo stack: Ctrl+Z takes back a visit logged for the wrong person."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

import models

# Long enough to notice the wrong person was checked in; short enough that Ctrl+Z pressed to
# fix a typo an hour later cannot silently delete a correct visit.
UNDO_WINDOW_SECONDS = 120


class CheckInCommand(QUndoCommand):
    """A visit that has already been logged; undo removes it, redo logs it again."""

    def __init__(
        self, sessions: models.SessionFactory, customer_id: int, visit_id: int, name: str,
        on_change: Callable[[int, str], None], clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(f"check-in of {name}")
        self._sessions = sessions
        self.customer_id = customer_id
        self.visit_id: int | None = visit_id
        self._name = name
        self._on_change = on_change
        self._clock = clock
        self._done_at = clock()
        self._already_done = True

    def is_recent(self) -> bool:
        return self._clock() - self._done_at <= UNDO_WINDOW_SECONDS

    def redo(self) -> None:
        if self._already_done:  # pushed after the visit was saved
            self._already_done = False
            return
        try:
            with self._sessions.begin() as session:
                self.visit_id = models.check_in(session, self.customer_id)
        except models.NotFoundError:
            self.setObsolete(True)  # the regular was removed meanwhile: nothing to redo
            self._on_change(self.customer_id, f"{self._name} is no longer in the database.")
            return
        self._done_at = self._clock()
        self._on_change(self.customer_id, f"Checked in {self._name} again.")

    def undo(self) -> None:
        if self.visit_id is None:
            return
        try:
            with self._sessions.begin() as session:
                models.undo_check_in(session, self.visit_id)
            message = f"Undid the check-in of {self._name}."
        except models.NotFoundError:
            message = f"The check-in of {self._name} was already removed."
        self.visit_id = None
        self._on_change(self.customer_id, message)
