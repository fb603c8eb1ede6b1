"""The owner's audit trail: who added, changed or removed what, sign-ins and wrong PINs,
imports, exports and restores, newest first, filtered by person, kind, record and dates.

Keyboard: Alt+P person, Alt+K kind, Alt+R record, Alt+F / Alt+T the first and last day, F5
reads again (and refreshes the lists of people and kinds), Ctrl+E saves what is shown as a
spreadsheet-safe CSV file, Esc closes. A header click sorts the rows shown.

The events are read off the UI thread (``ReportRunner``): a long trail never freezes the window,
and an answer to an older filter that arrives late is dropped. Reading the trail needs the
owner; the models refuse anyone else (the message is shown in the window).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

from PySide6.QtCore import QDate, QSortFilterProxyModel, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

import models
from models.audit import (
    FIND_LIMIT,
    AuditEntry,
    action_label,
    audit_actions,
    audit_actors,
    audit_record_types,
    find_events,
    record_label,
)
from models.base import utcnow
from models.errors import PermissionDenied
from ui.insights.colours import is_dark
from ui.insights.export import (
    CSV_FILTER,
    AskSavePath,
    ask_save_path,
    documents_folder,
    with_suffix,
    write_csv,
)
from ui.insights.formatting import NO_VALUE
from ui.insights.runner import ReportRunner
from ui.insights.style import insights_style
from ui.insights.table_model import Column, ReportTableModel, sorting_proxy
from ui.insights.table_view import ReportTableView
from ui.shortcuts import trigger_matching_action
from ui.theme import LIGHT

Clock = Callable[[], datetime]
DEFAULT_DAYS = 30  # the first view: the last month
DATE_FORMAT = "yyyy-MM-dd"
DATE_SETTLE_MS = 250  # typing a date: read once the digits stop
ANYONE, ANY_KIND, ANY_RECORD = "Everyone", "Every kind", "Any record"
# The window's data role of the "nobody" entry of a filter (None would read as "no data").
_ALL = ""


@dataclass(frozen=True)
class AuditFilters:
    """What the window asks for; ``until`` is the day after the last day (exclusive)."""

    actor: str | None
    action: str
    record_type: str
    since: datetime
    until: datetime


@dataclass(frozen=True)
class AuditAnswer:
    events: list[AuditEntry]
    actors: list[str] | None = None  # the filters' choices, when they were read too
    actions: list[str] | None = None
    record_types: list[str] | None = None


def read_trail(sessions: models.SessionFactory, filters: AuditFilters,
               with_choices: bool) -> AuditAnswer:
    """On a worker thread: the events (and, if asked, who and what the trail names)."""
    with sessions() as session:
        events = find_events(session, actor=filters.actor, action=filters.action,
                             record_type=filters.record_type, since=filters.since,
                             until=filters.until, limit=FIND_LIMIT)
        if not with_choices:
            return AuditAnswer(events)
        return AuditAnswer(events, audit_actors(session), audit_actions(session),
                           audit_record_types(session))


def audit_columns(zone: tzinfo | None) -> list[Column[AuditEntry]]:
    """Time (the shop's local time), who, what, which record, the summary."""

    def when(entry: AuditEntry) -> str:
        return f"{entry.at.astimezone(zone):%Y-%m-%d %H:%M}"

    def when_exactly(entry: AuditEntry) -> str:
        return f"{entry.at.astimezone(zone):%Y-%m-%d %H:%M:%S}"

    def who(entry: AuditEntry) -> str:
        return entry.actor or NO_VALUE

    def record(entry: AuditEntry) -> str:
        return record_label(entry.record_type, entry.record_id) or NO_VALUE

    return [
        Column("Time", when, sort=lambda e: e.at.timestamp(), csv=when_exactly,
               tooltip=when_exactly, descending_first=True),
        Column("Who", who, sort=lambda e: e.actor.casefold(), csv=lambda e: e.actor,
               spoken=lambda e: e.actor or "nobody signed in"),
        Column("What", lambda e: action_label(e.action),
               sort=lambda e: action_label(e.action).casefold()),
        Column("Record", record, sort=lambda e: f"{e.record_type}#{e.record_id or 0:012d}",
               csv=lambda e: record_label(e.record_type, e.record_id)),
        Column("Summary", lambda e: e.summary or NO_VALUE, sort=lambda e: e.summary.casefold(),
               csv=lambda e: e.summary, tooltip=lambda e: e.summary),
    ]


class AuditWindow(QMainWindow):
    exported = Signal(str)  # the CSV file written
    loaded = Signal()  # an answer is shown (or its error)
    closed = Signal()

    def __init__(
        self, sessions: models.SessionFactory, *, clock: Clock | None = None,
        zone: tzinfo | None = None, ask_path: AskSavePath = ask_save_path,
        shop_title: str = "Velvet Rope", parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setObjectName("auditWindow")
        self.setWindowTitle(f"Audit trail — {shop_title}")
        self.setAccessibleName("Audit trail for the owner")
        self.resize(1100, 720)
        self.setStyleSheet(audit_style(self.palette()))
        self._sessions = sessions
        self._clock = clock or utcnow
        self._zone = zone  # None: this computer's local time
        self._ask_path = ask_path
        self._filling = False  # the filter lists are being refilled: no reload per item
        self._has_answer = False
        self._shown_filters: AuditFilters | None = None
        self.runner = ReportRunner(self)
        self.runner.busy_changed.connect(self._busy_changed)
        self._date_timer = QTimer(self, singleShot=True, interval=DATE_SETTLE_MS)
        self._date_timer.timeout.connect(self.reload)

        self._build_controls()
        self._build_actions()
        self.reload(with_choices=True)

    # ----- construction -------------------------------------------------------------------------

    def _combo(self, name: str, accessible: str, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.addItem(everything, _ALL)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.setMinimumWidth(130)
        combo.currentIndexChanged.connect(self._filter_changed)
        return combo

    def _date_edit(self, name: str, accessible: str, day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setCalendarPopup(True)
        edit.dateChanged.connect(lambda _day: self._date_timer.start())
        return edit

    def _build_controls(self) -> None:
        title = QLabel("Audit trail")
        title.setObjectName("auditTitle")
        owner = QLabel("for the owner: who did what, and when")
        owner.setObjectName("auditOwnerLabel")

        today = self.today()
        self.person_combo = self._combo("auditPersonCombo", "Person", ANYONE)
        self.kind_combo = self._combo("auditKindCombo", "Kind of action", ANY_KIND)
        self.record_combo = self._combo("auditRecordCombo", "Record type", ANY_RECORD)
        self.from_edit = self._date_edit("auditFromDate", "From day",
                                         today - timedelta(days=DEFAULT_DAYS - 1))
        self.to_edit = self._date_edit("auditToDate", "To day", today)
        self.refresh_button = self._button("Refresh   F5", "auditRefreshButton", "Refresh")
        self.busy = QLabel("Working…")
        self.busy.setObjectName("auditBusy")
        self.busy.setAccessibleName("Working")
        self.busy.hide()

        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(owner)
        top.addStretch(1)
        top.addWidget(self.busy)
        top.addWidget(self.refresh_button)
        filters = QHBoxLayout()
        for text, widget in (("&Person", self.person_combo), ("&Kind", self.kind_combo),
                             ("&Record", self.record_combo), ("&From", self.from_edit),
                             ("&To", self.to_edit)):
            buddy = QLabel(text)
            buddy.setBuddy(widget)
            # The underlined mnemonic is drawn without kerning: "To" needs a little more room.
            buddy.setMinimumWidth(buddy.sizeHint().width() + 4)
            filters.addWidget(buddy)
            filters.addWidget(widget)
            filters.addSpacing(8)
        filters.addStretch(1)

        self.model: ReportTableModel[AuditEntry] = ReportTableModel(
            audit_columns(self._zone), self)
        self.proxy: QSortFilterProxyModel = sorting_proxy(self.model, self)
        self.table = ReportTableView("auditTable", "Audit events, newest first",
                                     stretch_column=4)
        self.table.setModel(self.proxy)
        self.table.enable_sorting()
        self.table.export_requested.connect(self.export_csv)

        self.summary = QLabel()
        self.summary.setObjectName("auditSummary")
        self.summary.setAccessibleName("How many events are shown")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.message = QLabel()
        self.message.setObjectName("auditMessage")
        self.message.setAccessibleName("Message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.export_button = self._button("Export CSV…   Ctrl+E", "auditExportButton",
                                          "Export the events shown as CSV")
        close_button = self._button("Close", "closeAuditButton", "Close the audit trail")
        bottom = QHBoxLayout()
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(close_button)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.setCentralWidget(central)

        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export_csv)
        close_button.clicked.connect(self.close)

    def _button(self, text: str, name: str, accessible: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.setAutoDefault(False)
        return button

    def _action(self, shortcuts: Sequence[str], slot: Callable[[], object], name: str
                ) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.refresh_action = self._action(["F5"], self.refresh, "auditRefreshAction")
        self.export_action = self._action(["Ctrl+E"], self.export_csv, "auditExportAction")
        self._action(["Esc", "Ctrl+W"], self.close, "auditCloseAction")

    # ----- filters and reading --------------------------------------------------------------

    def today(self) -> date:
        return self._clock().astimezone(self._zone).date()

    def filters(self) -> AuditFilters:
        first, last = self.from_edit.date().toPython(), self.to_edit.date().toPython()
        assert isinstance(first, date) and isinstance(last, date)
        actor = self.person_combo.currentData()
        return AuditFilters(
            actor=actor if actor != _ALL else None,
            action=str(self.kind_combo.currentData() or ""),
            record_type=str(self.record_combo.currentData() or ""),
            since=self._start_of(first), until=self._start_of(last + timedelta(days=1)),
        )

    def _start_of(self, day: date) -> datetime:
        start = datetime.combine(day, time.min)
        # A zone given (tests, another shop's clock) or this computer's own local time.
        return start.replace(tzinfo=self._zone) if self._zone else start.astimezone()

    def set_filter(self, combo: QComboBox, value: str) -> None:
        """Choose ``value`` (a stored code or name; "" = all) as a person at the keyboard
        would: the events are read again."""
        index = combo.findData(value)
        if index < 0:
            raise ValueError(f"{value!r} is not offered in {combo.objectName()}")
        combo.setCurrentIndex(index)

    @Slot()
    def _filter_changed(self) -> None:
        if not self._filling:
            self.reload()

    @Slot()
    def refresh(self) -> None:
        """F5: the events and the lists of people, kinds and records, read again."""
        self.reload(with_choices=True)

    def reload(self, *, with_choices: bool = False) -> None:
        self._date_timer.stop()
        filters = self.filters()
        if filters.since >= filters.until:
            self.model.set_rows([])
            self._has_answer = True
            self._show_summary([], filters)
            self.show_message("The From day is after the To day.", error=True)
            self.loaded.emit()
            return
        sessions = self._sessions
        self._has_answer = False
        self.runner.run(lambda: read_trail(sessions, filters, with_choices),
                        lambda answer: self._answered(filters, answer), self._failed)

    @property
    def has_answer(self) -> bool:
        return self._has_answer and not self.runner.busy

    def _answered(self, filters: AuditFilters, answer: AuditAnswer) -> None:
        if answer.actors is not None:
            self._fill(self.person_combo, answer.actors, lambda name: name)
        if answer.actions is not None:
            self._fill(self.kind_combo, answer.actions, action_label)
        if answer.record_types is not None:
            self._fill(self.record_combo, answer.record_types, record_label)
        self.model.set_rows(answer.events)
        self.table.select_first_row()
        self._shown_filters = filters
        self._has_answer = True
        self._show_summary(answer.events, filters)
        self.message.clear()
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        self.model.set_rows([])
        self._has_answer = True
        self.summary.clear()
        # PermissionDenied and the database's own errors are sentences for a person.
        plain = (PermissionDenied, models.DatabaseError)
        text = str(error) if isinstance(error, plain) else (
            f"The audit trail could not be read: {error}")
        self.show_message(text, error=True)
        self.loaded.emit()

    def _fill(self, combo: QComboBox, values: list[str], label: Callable[[str], str]) -> None:
        """New choices, keeping the current one (even if it vanished from the trail)."""
        current = combo.currentData()
        self._filling = True
        try:
            while combo.count() > 1:
                combo.removeItem(1)
            for value in values:
                combo.addItem(label(value), value)
            if current != _ALL and combo.findData(current) < 0:
                combo.addItem(label(str(current)), current)
            combo.setCurrentIndex(max(combo.findData(current), 0))
        finally:
            self._filling = False

    def _show_summary(self, events: list[AuditEntry], filters: AuditFilters) -> None:
        first = self.from_edit.date().toString(DATE_FORMAT)
        last = self.to_edit.date().toString(DATE_FORMAT)
        days = f"{first} to {last}" if first != last else first
        if not events:
            text = f"No events from {days} match these filters."
        elif len(events) >= FIND_LIMIT:
            text = (f"The newest {len(events):,} events from {days}: choose fewer days or a "
                    "person to see the older ones.")
        else:
            text = f"{len(events):,} event{'s' * (len(events) != 1)} from {days}, newest first."
        self.summary.setText(text)

    @Slot(bool)
    def _busy_changed(self, busy: bool) -> None:
        self.busy.setVisible(busy)

    # ----- export -------------------------------------------------------------------------------

    @Slot()
    def export_csv(self) -> Path | None:
        """Ctrl+E: the rows shown, in the order shown, as a spreadsheet-safe CSV file."""
        suggestion = str(documents_folder() / f"audit-trail-{self.today().isoformat()}.csv")
        chosen = self._ask_path(self, "Export the audit trail", suggestion, CSV_FILTER)
        if not chosen:
            return None
        path = with_suffix(chosen, ".csv")
        try:
            rows = write_csv(path, self.proxy)
        except OSError as exc:
            self.show_message(f"Could not write {path.name}: {exc.strerror or exc}", error=True)
            return None
        self.show_message(f"✓ Saved {rows:,} event{'s' * (rows != 1)} to {path.name}.")
        self.exported.emit(str(path))
        return path

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    # ----- events -------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.person_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not trigger_matching_action(self, event):
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._date_timer.stop()
        self.runner.wait_all()
        super().closeEvent(event)
        self.closed.emit()


def audit_style(palette: QPalette) -> str:
    """The Insights window's rules (tables, headers) and the same tokens for this window's
    own labels, on a light or a dark palette."""
    dark = is_dark(palette)
    alert = "#ff8a80" if dark else LIGHT.alert
    success = "#6fcf97" if dark else LIGHT.success
    caution = "#f5c26b" if dark else LIGHT.caution
    caution_soft = "#4a3510" if dark else LIGHT.caution_soft
    text = palette.color(QPalette.ColorRole.Text)
    muted = f"rgba({text.red()}, {text.green()}, {text.blue()}, 170)"
    return insights_style(palette) + f"""
QLabel#auditTitle {{ font-size: 20px; font-weight: 700; }}
QLabel#auditOwnerLabel, QLabel#auditSummary {{ color: {muted}; }}
QLabel#auditBusy {{
    color: {caution}; background: {caution_soft}; border-radius: 6px; padding: 3px 8px;
    font-weight: 600;
}}
QLabel#auditMessage {{ color: {success}; font-weight: 600; }}
QLabel#auditMessage[error="true"] {{ color: {alert}; }}
"""
