"""Run slow work (imports, exports, erasing) off the UI thread, with progress and Cancel.

``BackgroundTask`` runs ``work(report)`` on a QThread. The work calls ``report(done, total)``
now and then; it returns False once the person pressed Cancel, and the work is expected to stop
(raising its own "cancelled" exception, after rolling back). The result or the exception comes
back on the UI thread through ``finished`` / ``failed``. ``run_with_progress`` wraps it in a
modal progress dialog for the common case.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

Report = Callable[[int, int], bool]


class _Worker(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    errored = Signal(object)

    def __init__(self, work: Callable[[Report], Any], cancelled: threading.Event) -> None:
        super().__init__()
        self._work = work
        self._cancelled = cancelled

    def run(self) -> None:
        def report(done: int, total: int) -> bool:
            self.progressed.emit(done, total)
            return not self._cancelled.is_set()

        try:
            result = self._work(report)
        except BaseException as exc:  # handed to the UI thread, which shows it plainly
            self.errored.emit(exc)
        else:
            self.succeeded.emit(result)


class BackgroundTask(QObject):
    """One piece of work on its own thread; ``cancel()`` asks it to stop."""

    progressed = Signal(int, int)
    finished = Signal(object)  # the work's result
    failed = Signal(object)  # the exception it raised

    def __init__(self, work: Callable[[Report], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancelled = threading.Event()
        self._thread = QThread()
        self._worker = _Worker(work, self._cancelled)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self.progressed)
        self._worker.succeeded.connect(self._on_success)
        self._worker.errored.connect(self._on_error)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, ms: int = 30_000) -> bool:
        return self._thread.wait(ms)

    def _stop_thread(self) -> None:
        self._thread.quit()
        self._thread.wait()

    def _on_success(self, result: object) -> None:
        self._stop_thread()
        self.finished.emit(result)

    def _on_error(self, exc: object) -> None:
        self._stop_thread()
        self.failed.emit(exc)


def run_with_progress(
    parent: QWidget, label: str, work: Callable[[Report], Any],
    on_done: Callable[[Any], None], on_error: Callable[[BaseException], None],
) -> BackgroundTask:
    """Start ``work`` with a modal progress dialog (Cancel asks the work to stop)."""
    dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
    dialog.setObjectName("progressDialog")
    dialog.setAccessibleName(label)
    dialog.setWindowTitle(label)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    task = BackgroundTask(work, parent)

    def progressed(done: int, total: int) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))

    def cancel() -> None:
        dialog.setLabelText("Cancelling… nothing will be changed.")
        task.cancel()

    def finish(result: object) -> None:
        dialog.canceled.disconnect(cancel)  # closing the dialog would emit it
        dialog.close()
        on_done(result)

    def fail(exc: object) -> None:
        dialog.canceled.disconnect(cancel)
        dialog.close()
        on_error(exc if isinstance(exc, BaseException) else RuntimeError(str(exc)))

    task.progressed.connect(progressed)
    dialog.canceled.connect(cancel)
    task.finished.connect(finish)
    task.failed.connect(fail)
    task.start()
    return task
