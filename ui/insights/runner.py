"""Reports computed off the UI thread; only the latest request's result is shown.

Each ``run`` starts a ``BackgroundTask``. A result (or error) arriving after a newer request was
made is dropped: changing the period twice quickly never shows the first period's numbers.
Tasks are kept until they end, and ``wait_all`` lets the window close cleanly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEventLoop, QObject, QThread, Signal

from ui.background import BackgroundTask, Report


class ReportRunner(QObject):
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: set[BackgroundTask] = set()
        self._latest = 0  # the newest request
        self._answered = 0  # the newest request whose answer was shown

    @property
    def busy(self) -> bool:
        return self._answered < self._latest

    def run(self, work: Callable[[], Any], done: Callable[[Any], None],
            failed: Callable[[BaseException], None]) -> int:
        """Start ``work`` on a worker thread; returns the request number."""
        self._latest += 1
        request = self._latest

        def task_work(_report: Report) -> Any:
            return work()

        task = BackgroundTask(task_work, self)
        self._tasks.add(task)
        task.finished.connect(lambda result: self._finish(task, request, done, result))
        task.failed.connect(lambda exc: self._fail(task, request, failed, exc))
        task.start()
        self.busy_changed.emit(True)
        return request

    def _retire(self, task: BackgroundTask, request: int) -> bool:
        """Forget the task; True if its answer is still wanted."""
        self._tasks.discard(task)
        task.deleteLater()
        if request != self._latest:
            return False
        self._answered = request
        return True

    def _finish(self, task: BackgroundTask, request: int, done: Callable[[Any], None],
                result: object) -> None:
        if self._retire(task, request):
            self.busy_changed.emit(False)
            done(result)

    def _fail(self, task: BackgroundTask, request: int, failed: Callable[[BaseException], None],
              exc: object) -> None:
        if self._retire(task, request):
            self.busy_changed.emit(False)
            failed(exc if isinstance(exc, BaseException) else RuntimeError(str(exc)))

    def wait_all(self, timeout_ms: int = 30_000) -> None:
        """Drop every pending answer and wait until the started reports have ended (before the
        window goes away). A task's thread ends only once the UI thread has taken its result,
        so this handles events (not the person's input) while it waits."""
        self._latest += 1  # whatever still arrives is stale
        self._answered = self._latest
        clock = QElapsedTimer()
        clock.start()
        while self._tasks and clock.elapsed() < timeout_ms:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents, 50)
            if self._tasks:
                QThread.msleep(5)
