"""Notice changes made by another window, process or counter: a timer polls the database's
change counter (models/changes.py) about once a second and emits ``changed``.

A poll costs microseconds on SQLite (well under a millisecond on PostgreSQL) and never waits
for a lock, so it cannot hold up typing.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

import models
from models.changes import ChangeWatcher

POLL_MS = 1000


class ChangePoller(QObject):
    """Emits ``changed`` when something was committed elsewhere since the last poll."""

    changed = Signal()

    def __init__(
        self, sessions: models.SessionFactory, *, interval_ms: int = POLL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._watcher = ChangeWatcher(sessions.kw["bind"])
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.poll)
        if self._watcher.supported:
            self._timer.start()

    @Slot()
    def poll(self) -> bool:
        """Poll now; True (and ``changed`` emitted) when something changed."""
        if not self._watcher.poll():
            return False
        self.changed.emit()
        return True

    def absorb(self) -> None:
        """Forget changes so far: the caller is about to reload everything anyway."""
        self._watcher.poll()

    def stop(self) -> None:
        self._timer.stop()
        self._watcher.close()
