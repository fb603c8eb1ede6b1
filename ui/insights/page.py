"""What every report tab shares: run the report off the UI thread, show the answer or a plain
error, and offer its tables and charts for export and print."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

import models
from models.insights import Bucket
from ui.insights.charts import PRINT_SIZE, ChartPanel, ChartStyle
from ui.insights.export import ChartPrint, Section, TablePrint
from ui.insights.formatting import local_date
from ui.insights.runner import ReportRunner
from ui.insights.table_view import ReportTableView

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportParams:
    """What the window asks every report for."""

    days: int
    bucket: Bucket
    now: datetime  # aware
    utc_offset: timedelta

    @property
    def today(self) -> date:
        return local_date(self.now, self.utc_offset)


@dataclass(frozen=True)
class ExportTable:
    title: str  # also the CSV file's suggested name
    view: ReportTableView


def error_text(exc: BaseException) -> str:
    """What went wrong, for the owner: the service's own message, or one plain line."""
    if isinstance(exc, models.ValidationError | models.NotFoundError):
        return str(exc)
    if isinstance(exc, models.DatabaseError):
        return f"The database could not be read: {exc}"
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"The report could not be made: {first}"


class ReportPage(QWidget):
    """One report tab. Subclasses set ``title``/``key`` and implement ``compute`` (on a worker
    thread, with its own session) and ``show_result`` (on the UI thread)."""

    loaded = Signal()  # an answer (or an error) is on screen
    customer_activated = Signal(int)  # Enter or a double-click on a regular

    title = ""
    key = ""
    uses_bucket = False
    uses_period = True
    period_note = ""  # why the period does not apply, when it does not

    def __init__(self, sessions: models.SessionFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{self.key}Page")
        self.setAccessibleName(self.title)
        self._sessions = sessions
        self.runner = ReportRunner(self)
        self.params: ReportParams | None = None
        self.result: Any = None
        self.asked_options: Any = None
        self.stale = True  # the period changed since the last request
        self.summary = QLabel()
        self.summary.setObjectName("reportSummary")
        self.summary.setAccessibleName(f"{self.title} summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel()
        self.error.setObjectName("reportError")
        self.error.setAccessibleName(f"{self.title} problem")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.hide()
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(10, 10, 10, 10)
        self.layout_.setSpacing(8)
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(self.error)

    # ----- running ------------------------------------------------------------------------------

    def refresh(self, params: ReportParams | None = None) -> None:
        """Ask for the report again (with new ``params``, or the last ones)."""
        params = params or self.params
        if params is None:
            return
        self.params = params
        self.stale = False
        options = self.options()  # read on the UI thread; the worker never touches widgets
        self.asked_options = options  # the only answer ever shown is the latest request's
        self.runner.run(lambda: self._compute(params, options), self._shown, self._failed)

    def _compute(self, params: ReportParams, options: Any) -> Any:
        with self._sessions() as session:
            return self.compute(session, params, options)

    def _shown(self, result: object) -> None:
        self.result = result
        self.error.hide()
        self.show_result(result)
        for table in self.tables():
            if table.view.hasFocus():  # the keyboard is here: ↑ ↓ and Enter work at once
                table.view.select_first_row()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, models.ValidationError | models.NotFoundError):
            log.warning("%s report failed", self.key, exc_info=exc)
        self.error.setText(error_text(exc))
        self.error.show()
        self.loaded.emit()

    @property
    def has_answer(self) -> bool:
        """The latest request has been answered, with a result or an error."""
        return not self.stale and not self.runner.busy and self.params is not None

    def options(self) -> Any:
        """The page's own filters, taken from its widgets when the report is asked for."""
        return None

    def compute(self, session: Any, params: ReportParams, options: Any) -> Any:
        raise NotImplementedError

    def show_result(self, result: Any) -> None:
        raise NotImplementedError

    # ----- export and print ---------------------------------------------------------------------

    def tables(self) -> Sequence[ExportTable]:
        return ()

    def charts(self) -> Sequence[ChartPanel]:
        return ()

    def notes(self) -> Sequence[str]:
        """Extra lines for the printed section."""
        return ()

    def section(self, style: ChartStyle) -> Section:
        summary = self.error.text() if self.error.isVisible() else self.summary.text()
        return Section(
            self.title, summary,
            charts=[ChartPrint(chart.title, chart.image(style=style, size=PRINT_SIZE),
                               chart.empty_text)
                    for chart in self.charts()],
            tables=[TablePrint(table.title, table.view.model()) for table in self.tables()],
            notes=tuple(self.notes()),
        )

    def focus_first(self) -> None:
        tables = self.tables()
        if tables:
            tables[0].view.setFocus(Qt.FocusReason.OtherFocusReason)
            tables[0].view.select_first_row()

    def _activated(self, row: object) -> None:
        customer_id = getattr(row, "customer_id", None)
        if isinstance(customer_id, int):
            self.customer_activated.emit(customer_id)
