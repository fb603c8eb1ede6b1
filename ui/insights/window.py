"""The owner's Insights window: six reports in tabs, one period for all of them, grouping by
day, week or month where a chart has a time axis, and every table, chart and the whole set
exported, printed or saved as a PDF.

Keyboard: Ctrl+1 … Ctrl+6 (or Ctrl+Tab) change report, Alt+P the period, Alt+G the grouping,
F5 refreshes, Ctrl+E exports the table, Ctrl+Shift+S saves the chart, Ctrl+P prints,
Ctrl+Shift+P saves everything as a PDF, Esc closes. Enter on a regular opens their card.

Reports run off the UI thread; the window stays responsive and shows "Working…" meanwhile. A
tab is computed when it is shown, and again after the period changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QKeyEvent,
    QKeySequence,
    QPagedPaintDevice,
    QShowEvent,
    QStandardItemModel,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

import models
from models.base import utcnow
from models.insights import Bucket, local_utc_offset
from ui.insights.causes_page import CausesPage
from ui.insights.charts import LIGHT_STYLE, ChartPanel
from ui.insights.export import (
    CSV_FILTER,
    PDF_FILTER,
    PNG_FILTER,
    AskSavePath,
    ask_save_path,
    build_document,
    documents_folder,
    print_document,
    save_pdf,
    save_png,
    with_suffix,
    write_csv,
)
from ui.insights.fixes_page import Confirm, FixesPage, confirm
from ui.insights.formatting import day_text, plural
from ui.insights.lapsed_page import LapsedPage
from ui.insights.loyal_page import LoyalPage
from ui.insights.page import ExportTable, ReportPage, ReportParams
from ui.insights.recoveries_page import RecoveriesPage
from ui.insights.style import insights_style
from ui.insights.visits_page import VisitsPage
from ui.shortcuts import trigger_matching_action

PERIODS = (30, 90, 365)
DEFAULT_PERIOD = 90
BUCKETS: tuple[tuple[Bucket, str], ...] = (("day", "Day"), ("week", "Week"), ("month", "Month"))
DEFAULT_BUCKET: Bucket = "week"
MAX_DAY_BUCKETS = 31  # a bar per day beyond a month is too thin to read
TAB_LABELS = {"loyal": "&Loyal", "lapsed": "L&apsed", "causes": "Root &causes",
              "fixes": "Process &fixes", "recoveries": "&Recoveries", "visits": "&Visits"}
Clock = Callable[[], datetime]
AskPrinter = Callable[[QWidget], QPagedPaintDevice | None]


def ask_printer(parent: QWidget) -> QPagedPaintDevice | None:
    """The system's print dialog (it also offers printing to a PDF file); None if cancelled."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print insights")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class InsightsWindow(QMainWindow):
    open_customer = Signal(int)  # Enter or a double-click on a regular
    exported = Signal(str)  # the file written (CSV, PNG, PDF), or "printer"
    closed = Signal()

    def __init__(
        self, sessions: models.SessionFactory, *, clock: Clock | None = None,
        utc_offset: timedelta | None = None, staff_name: Callable[[], str] = lambda: "",
        ask_path: AskSavePath = ask_save_path, ask_print: AskPrinter = ask_printer,
        confirm_delete: Confirm = confirm, shop_title: str = "Velvet Rope",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setObjectName("insightsWindow")
        self.setWindowTitle(f"Insights — {shop_title}")
        self.setAccessibleName("Insights for the owner")
        self.resize(1240, 800)
        self.setStyleSheet(insights_style(self.palette()))
        self._sessions = sessions
        self._clock = clock or utcnow
        self._utc_offset = utc_offset
        self._ask_path = ask_path
        self._ask_print = ask_print
        self._shop_title = shop_title
        self._waiting: list[tuple[ReportPage, Callable[[], None]]] = []

        self.pages: list[ReportPage] = [
            LoyalPage(sessions), LapsedPage(sessions), CausesPage(sessions),
            FixesPage(sessions, recorded_by=staff_name, confirm_delete=confirm_delete),
            RecoveriesPage(sessions), VisitsPage(sessions),
        ]
        self.tabs = QTabWidget()
        self.tabs.setObjectName("insightsTabs")
        self.tabs.setAccessibleName("Reports")
        self.tabs.setDocumentMode(True)
        for page in self.pages:
            self.tabs.addTab(page, TAB_LABELS[page.key])
            page.runner.busy_changed.connect(self._update_busy)
            page.customer_activated.connect(self.open_customer)

        self._build_controls()
        self._build_actions()
        self.tabs.currentChanged.connect(self._tab_changed)
        self._update_bucket_choices()
        self._tab_changed(self.tabs.currentIndex())

    # ----- construction -------------------------------------------------------------------------

    def _build_controls(self) -> None:
        title = QLabel("Insights")
        title.setObjectName("insightsTitle")
        owner = QLabel("for the owner")
        owner.setObjectName("ownerOnlyLabel")
        owner.setToolTip("Meant for the owner. Until staff roles exist, anyone at this computer "
                         "can open it.")
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("periodCombo")
        self.period_combo.setAccessibleName("Period")
        for days in PERIODS:
            self.period_combo.addItem(f"Last {days} days", days)
        self.period_combo.setCurrentIndex(PERIODS.index(DEFAULT_PERIOD))
        self.bucket_combo = QComboBox()
        self.bucket_combo.setObjectName("bucketCombo")
        self.bucket_combo.setAccessibleName("Group by")
        for bucket, label in BUCKETS:
            self.bucket_combo.addItem(label, bucket)
        self.bucket_combo.setCurrentIndex(self.bucket_combo.findData(DEFAULT_BUCKET))
        self.refresh_button = QPushButton("Refresh   F5")
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.setAccessibleName("Refresh")
        self.refresh_button.setAutoDefault(False)
        self.busy = QLabel("Working…")
        self.busy.setObjectName("insightsBusy")
        self.busy.setAccessibleName("Working")
        self.busy.hide()
        self.period_note = QLabel()
        self.period_note.setObjectName("periodNote")
        self.period_note.setTextFormat(Qt.TextFormat.PlainText)
        self.period_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(owner)
        top.addSpacing(18)
        for text, combo in (("&Period", self.period_combo), ("&Group by", self.bucket_combo)):
            buddy = QLabel(text)
            buddy.setBuddy(combo)
            top.addWidget(buddy)
            top.addWidget(combo)
            top.addSpacing(8)
        top.addWidget(self.refresh_button)
        top.addWidget(self.busy)
        top.addWidget(self.period_note, 1)

        self.export_button = self._button("Export table…   Ctrl+E", "exportTableButton",
                                          "Export this table as CSV")
        self.chart_button = self._button("Save chart…   Ctrl+Shift+S", "saveChartButton",
                                         "Save this chart as PNG")
        self.print_button = self._button("Print…   Ctrl+P", "printButton", "Print every report")
        self.pdf_button = self._button("Save all as PDF…   Ctrl+Shift+P", "savePdfButton",
                                       "Save every report as one PDF")
        self.message = QLabel()
        self.message.setObjectName("insightsMessage")
        self.message.setAccessibleName("Message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        close_button = self._button("Close", "closeInsightsButton", "Close Insights")
        bottom = QHBoxLayout()
        for button in (self.export_button, self.chart_button, self.print_button, self.pdf_button):
            bottom.addWidget(button)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(close_button)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.setCentralWidget(central)

        self.period_combo.activated.connect(lambda _i: self._period_changed())
        self.bucket_combo.activated.connect(lambda _i: self._bucket_changed())
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export_table)
        self.chart_button.clicked.connect(self.save_chart)
        self.print_button.clicked.connect(self.print_all)
        self.pdf_button.clicked.connect(self.save_all_pdf)
        close_button.clicked.connect(self.close)

    def _button(self, text: str, name: str, accessible: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.setAutoDefault(False)
        return button

    def _action(self, shortcuts: Sequence[QKeySequence | str | QKeySequence.StandardKey],
                slot: Callable[[], object], name: str) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.refresh_action = self._action(["F5"], self.refresh, "refreshAction")
        self.export_action = self._action(["Ctrl+E"], self.export_table, "exportTableAction")
        self.chart_action = self._action(["Ctrl+Shift+S"], self.save_chart, "saveChartAction")
        self.print_action = self._action(["Ctrl+P"], self.print_all, "printAction")
        self.pdf_action = self._action(["Ctrl+Shift+P"], self.save_all_pdf, "savePdfAction")
        self._action(["Esc", "Ctrl+W"], self.close, "closeAction")
        for number in range(len(self.pages)):
            self._action([f"Ctrl+{number + 1}"], self._show_tab(number), f"tab{number + 1}Action")

    def _show_tab(self, number: int) -> Callable[[], None]:
        def show() -> None:
            self.tabs.setCurrentIndex(number)
            self.current_page.focus_first()

        return show

    # ----- period, grouping, refreshing -------------------------------------------------------

    @property
    def current_page(self) -> ReportPage:
        page = self.tabs.currentWidget()
        assert isinstance(page, ReportPage)
        return page

    def page(self, key: str) -> ReportPage:
        return next(page for page in self.pages if page.key == key)

    @property
    def days(self) -> int:
        return int(self.period_combo.currentData())

    @property
    def bucket(self) -> Bucket:
        value = self.bucket_combo.currentData()
        return next(b for b, _label in BUCKETS if b == value)

    def set_period(self, days: int) -> None:
        self.period_combo.setCurrentIndex(self.period_combo.findData(days))
        self._period_changed()

    def set_bucket(self, bucket: Bucket) -> None:
        self.bucket_combo.setCurrentIndex(self.bucket_combo.findData(bucket))
        self._bucket_changed()

    def params(self) -> ReportParams:
        now = self._clock()
        offset = self._utc_offset if self._utc_offset is not None else local_utc_offset(now)
        return ReportParams(self.days, self.bucket, now, offset)

    def _update_bucket_choices(self) -> None:
        """Grouping by day only for a month or less: more bars than that cannot be read."""
        model = self.bucket_combo.model()
        day_allowed = self.days <= MAX_DAY_BUCKETS
        if isinstance(model, QStandardItemModel):
            item = model.item(self.bucket_combo.findData("day"))
            if item is not None:
                item.setEnabled(day_allowed)
        if not day_allowed and self.bucket == "day":
            self.bucket_combo.setCurrentIndex(self.bucket_combo.findData("week"))

    def _period_changed(self) -> None:
        self._update_bucket_choices()
        self._mark_stale(lambda page: page.uses_period or page.uses_bucket)
        self._show_current()

    def _bucket_changed(self) -> None:
        self._mark_stale(lambda page: page.uses_bucket)
        self._show_current()

    def _mark_stale(self, which: Callable[[ReportPage], bool]) -> None:
        for page in self.pages:
            if which(page):
                page.stale = True

    def refresh(self) -> None:
        """F5: every report is read again (this one now, the others when shown)."""
        self._mark_stale(lambda page: True)
        self._show_current()

    def _show_current(self) -> None:
        page = self.current_page
        if page.stale or page.params is None:
            page.refresh(self.params())

    def _tab_changed(self, _index: int) -> None:
        page = self.current_page
        self.period_combo.setEnabled(page.uses_period)
        self.bucket_combo.setEnabled(page.uses_bucket)
        self.period_note.setText(page.period_note)
        self.period_note.setToolTip(page.period_note)
        self.chart_button.setEnabled(bool(page.charts()))
        self.chart_action.setEnabled(bool(page.charts()))
        self.message.clear()
        self._show_current()
        self._update_busy()

    def _update_busy(self, *_args: object) -> None:
        self.busy.setVisible(any(page.runner.busy for page in self.pages))

    # ----- events -------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.current_page.focus_first()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not trigger_matching_action(self, event):
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        for page in self.pages:
            page.runner.wait_all()
        self._waiting.clear()
        super().closeEvent(event)
        self.closed.emit()

    # ----- messages -----------------------------------------------------------------------------

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    # ----- export -------------------------------------------------------------------------------

    def _file_name(self, what: str, suffix: str, *, period: bool | None = None) -> str:
        params = self.current_page.params or self.params()
        if period is None:
            period = self.current_page.uses_period
        days = f"-{params.days}-days" if period else ""
        name = f"{slug(what)}{days}-{params.today.isoformat()}{suffix}"
        return str(documents_folder() / name)

    def _focused_table(self) -> ExportTable | None:
        tables = list(self.current_page.tables())
        focus = QApplication.focusWidget()
        for table in tables:
            if focus is not None and (focus is table.view or table.view.isAncestorOf(focus)):
                return table
        return tables[0] if tables else None

    def _focused_chart(self) -> ChartPanel | None:
        charts = list(self.current_page.charts())
        focus = QApplication.focusWidget()
        for chart in charts:
            if focus is not None and chart.isAncestorOf(focus):
                return chart
        return charts[0] if charts else None

    def export_table(self) -> Path | None:
        """Ctrl+E: the table in view (or with the focus) as a spreadsheet-safe CSV file."""
        table = self._focused_table()
        page = self.current_page
        if table is None:
            self.show_message("This report has no table.", error=True)
            return None
        if not page.has_answer:
            self.show_message("The report is still being worked out; export it in a moment.",
                              error=True)
            return None
        chosen = self._ask_path(self, f"Export “{table.title}” as CSV",
                                self._file_name(table.title, ".csv"), CSV_FILTER)
        if not chosen:
            return None
        target = with_suffix(chosen, ".csv")
        model = table.view.model()
        try:
            rows = write_csv(target, model)
        except OSError as exc:
            self.show_message(f"Could not write {target.name}: {exc.strerror or exc}",
                              error=True)
            return None
        self.show_message(f"✓ Saved {plural(rows, 'row')} to {target.name}.")
        self.exported.emit(str(target))
        return target

    def save_chart(self) -> Path | None:
        """Ctrl+Shift+S: the chart in view (or with the focus) as a PNG image."""
        chart = self._focused_chart()
        if chart is None:
            self.show_message("This report has no chart; Ctrl+E exports its table.", error=True)
            return None
        image = chart.image()
        if image is None:
            self.show_message(chart.empty_text or "There is no chart to save yet.", error=True)
            return None
        chosen = self._ask_path(self, f"Save “{chart.title}” as PNG",
                                self._file_name(chart.title, ".png"), PNG_FILTER)
        if not chosen:
            return None
        target = with_suffix(chosen, ".png")
        try:
            save_png(image, target)
        except OSError as exc:
            self.show_message(str(exc), error=True)
            return None
        self.show_message(f"✓ Saved the chart to {target.name}.")
        self.exported.emit(str(target))
        return target

    # ----- the whole set ------------------------------------------------------------------------

    def when_all_answered(self, then: Callable[[], None]) -> None:
        """Run ``then`` once every report has an answer for the current period."""
        waiting = [page for page in self.pages if not page.has_answer]
        if not waiting:
            then()
            return
        self.show_message(f"Preparing all {len(self.pages)} reports…")
        params = self.params()
        remaining = set(waiting)

        def answered() -> None:
            for page in list(remaining):
                if page.has_answer:
                    remaining.discard(page)
                    page.loaded.disconnect(answered)
            if not remaining:
                self._waiting.clear()
                then()

        for page in waiting:
            page.loaded.connect(answered)
            self._waiting.append((page, answered))
            if page.stale or page.params is None or not page.runner.busy:
                page.refresh(params)

    def _document_title(self) -> str:
        return f"Insights — {self._shop_title}"

    def _document(self) -> QTextDocument:
        params = self.params()
        subtitle = (f"Last {params.days} days, printed {day_text(params.today)}. Lapsed "
                    "regulars are as of today.")
        sections = [page.section(LIGHT_STYLE) for page in self.pages]
        return build_document(self._document_title(), subtitle, sections)

    def print_all(self) -> None:
        """Ctrl+P: every report, printed (the print dialog can also print to a PDF file)."""
        printer = self._ask_print(self)
        if printer is None:
            return

        def go() -> None:
            document = self._document()
            print_document(document, printer)
            self.show_message("✓ Sent every report to the printer.")
            self.exported.emit("printer")

        self.when_all_answered(go)

    def save_all_pdf(self) -> None:
        """Ctrl+Shift+P: every report, with its charts and tables, in one PDF file."""
        chosen = self._ask_path(self, "Save every report as PDF",
                                self._file_name("insights", ".pdf", period=True), PDF_FILTER)
        if not chosen:
            return
        target = with_suffix(chosen, ".pdf")

        def go() -> None:
            try:
                save_pdf(self._document(), target, self._document_title())
            except OSError as exc:
                self.show_message(str(exc), error=True)
                return
            self.show_message(f"✓ Saved every report to {target.name}.")
            self.exported.emit(str(target))

        self.when_all_answered(go)
