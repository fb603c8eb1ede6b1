"""Automatic backups while the counter runs: at start-up when the last one is older than a day,
then daily, each on a worker thread so the counter never waits.

Every few minutes the scheduler asks (on the worker) whether the newest backup in the folder is
older than a day; if so it makes one (verified, see models.backups) and rotates the folder. A
failure (disk full, the USB stick not plugged in) is reported through ``failed`` with a plain
message and retried after ``retry_after``; the live database is never touched. The clock is
injectable so tests can move time on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from models.backups import (
    BackupCancelled,
    BackupError,
    BackupInfo,
    FileState,
    RotationResult,
    due,
    inspect_database_file,
    make_backup,
    rotate,
)
from models.base import utcnow
from ui.background import BackgroundTask, Report

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
CHECK_EVERY_MS = 10 * 60_000
START_DELAY_MS = 20_000  # let the counter settle (and the clerk type) before the first copy
RETRY_AFTER = timedelta(minutes=30)
INTEGRITY_DELAY_MS = 3_000  # after the first paint, not competing with it


@dataclass(frozen=True)
class BackupOutcome:
    backup: BackupInfo
    rotation: RotationResult
    manual: bool


class BackupScheduler(QObject):
    started = Signal()
    succeeded = Signal(object)  # BackupOutcome
    failed = Signal(str)  # a plain message for the owner
    not_due = Signal()  # checked; the last backup is recent enough
    damaged = Signal(object)  # FileState: the background quick_check found the file damaged
    integrity_ok = Signal()

    def __init__(
        self, database: Path, folder: Callable[[], Path], *, clock: Clock = utcnow,
        check_every_ms: int = CHECK_EVERY_MS, start_delay_ms: int = START_DELAY_MS,
        retry_after: timedelta = RETRY_AFTER, parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("backupScheduler")
        self._database = database
        self._folder = folder
        self._clock = clock
        self._retry_after = retry_after
        self._start_delay_ms = start_delay_ms
        self._task: BackgroundTask | None = None
        self._stopped = False
        self.retry_at: datetime | None = None
        self.last_error: str | None = None
        self.last_backup: BackupInfo | None = None
        self._timer = QTimer(self, interval=check_every_ms)
        self._timer.setObjectName("backupTimer")
        self._timer.timeout.connect(self.check)

    @property
    def folder(self) -> Path:
        return self._folder()

    def start(self, *, check_integrity: bool = False) -> None:
        """Check soon after start-up, then every ``check_every_ms``; ``check_integrity`` first
        runs SQLite's quick_check on the live file (for files too big to check before the
        window opened)."""
        self._stopped = False
        if check_integrity:
            QTimer.singleShot(INTEGRITY_DELAY_MS, self, self.check_integrity)
        QTimer.singleShot(self._start_delay_ms, self, self.check)
        self._timer.start()

    @Slot()
    def check_integrity(self) -> bool:
        """quick_check of the live database on a worker thread (read-only)."""
        if self._stopped or self._task is not None:
            return False
        database = self._database

        def work(_report: Report) -> FileState:
            return inspect_database_file(database, check="quick")

        task = BackgroundTask(work, self)
        task.finished.connect(self._integrity_checked)
        task.failed.connect(self._integrity_check_failed)
        self._task = task
        task.start()
        return True

    def _integrity_check_failed(self, exc: object) -> None:
        self._finish_task()
        log.warning("background integrity check could not run: %s", exc)

    def _integrity_checked(self, state: object) -> None:
        self._finish_task()
        if isinstance(state, FileState) and not state.usable:
            log.error("background quick_check: %s (%s)", state.message, state.detail)
            self.damaged.emit(state)
        else:
            self.integrity_ok.emit()

    def is_running(self) -> bool:
        return self._task is not None

    @Slot()
    def check(self) -> bool:
        """Back up if the last backup is older than a day (and no retry is pending)."""
        if self._stopped or self._task is not None:
            return False
        if self.retry_at is not None and self._clock() < self.retry_at:
            return False
        return self._run(manual=False)

    def back_up_now(self) -> bool:
        """An owner's "Back up now": regardless of when the last one was made."""
        if self._task is not None:
            return False
        return self._run(manual=True)

    @Slot()
    def shutdown(self, wait_ms: int = 30_000) -> None:
        """Stop scheduling; stop a backup in progress (its copy is deleted) and wait for it."""
        self._stopped = True
        self._timer.stop()
        if self._task is not None:
            self._task.cancel()
            self._task.wait(wait_ms)

    def _run(self, *, manual: bool) -> bool:
        database, folder, now = self._database, self._folder(), self._clock()

        def work(report: Report) -> BackupOutcome | None:
            if not manual and not due(folder, now):
                return None
            backup = make_backup(database, folder, now=now, reason="manual" if manual else "",
                                 report=report)
            return BackupOutcome(backup, rotate(folder, now=now), manual)

        task = BackgroundTask(work, self)
        task.finished.connect(self._done)
        task.failed.connect(self._failed)
        self._task = task
        self.started.emit()
        task.start()
        return True

    def _finish_task(self) -> None:
        if self._task is not None:
            self._task.deleteLater()
            self._task = None

    def _done(self, outcome: object) -> None:
        self._finish_task()
        if not isinstance(outcome, BackupOutcome):
            self.not_due.emit()
            return
        self.retry_at = None
        self.last_error = None
        self.last_backup = outcome.backup
        self.succeeded.emit(outcome)

    def _failed(self, exc: object) -> None:
        self._finish_task()
        if isinstance(exc, BackupCancelled):
            return  # asked to stop: the app is closing or restoring
        if isinstance(exc, BackupError):
            message = str(exc)
        else:
            text = str(exc).strip().splitlines()
            message = f"The backup failed: {text[0] if text else type(exc).__name__}."
            log.error("backup failed", exc_info=exc if isinstance(exc, BaseException) else None)
        self.retry_at = self._clock() + self._retry_after
        self.last_error = message
        log.warning("backup failed, retrying after %s: %s", self.retry_at, message)
        self.failed.emit(message)
