"""Log a problem and how it was made right, keyboard only, in well under 30 seconds.

Enter moves to the next field (a half-filled report is never sent by accident); Ctrl+Enter
saves; Esc closes and keeps what was typed as a draft that is offered again next time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from models import (
    ACTION_LABELS,
    ActionEntry,
    CategoryView,
    FollowUpEntry,
    ProblemReport,
    TeammateEntry,
    ValidationError,
    format_cost,
    parse_cost,
    relative_day,
)

DRAFT_SAVE_MS = 600
FOLLOW_UP_DAYS = 3
ACTION_PLACEHOLDERS = {
    "apology": "what you said (optional)",
    "remade": "what was remade (optional)",
    "refund": "what was refunded",
    "value_add": "what was given (a free pastry …)",
    "follow_up_contact": "how and when you followed up",
    "other": "what else was done",
}
COSTED_KINDS = ("refund", "value_add")
OUTCOME_CHOICES = (("happy", "&Happy"), ("okay", "O&kay"), ("unhappy", "&Still unhappy"),
                   (None, "&Not known"))


def _error_label(accessible: str) -> QLabel:
    label = QLabel()
    label.setObjectName("fieldError")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName(f"{accessible} problem")
    label.setWordWrap(True)
    label.hide()
    return label


def _line(object_name: str, accessible: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(object_name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    return edit


def _text(object_name: str, accessible: str, placeholder: str, lines: int) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(object_name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field of the form
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 16)
    return edit


def to_qdatetime(moment: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


def from_qdatetime(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), UTC)


def tick_when_typed(edit: QLineEdit, check: QCheckBox) -> None:
    def tick(text: str) -> None:
        if text:
            check.setChecked(True)

    edit.textEdited.connect(tick)


class _TabLeavesDateTimeEdit(QDateTimeEdit):
    """Tab goes to the next field, not the next part of the date (← → move between parts):
    otherwise passing the date takes five presses of Tab."""

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


class _TabLeavesDateEdit(QDateEdit):
    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


class _ActionRow:
    """A recovery action kind: tick it, say what was done, and (for comps) what it cost."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.action_id: int | None = None
        self.check = QCheckBox(ACTION_LABELS[kind])
        self.check.setObjectName(f"actionCheck_{kind}")
        self.check.setAccessibleName(ACTION_LABELS[kind])
        self.details = _line(f"actionDetails_{kind}", f"{ACTION_LABELS[kind]}: details",
                             ACTION_PLACEHOLDERS[kind])
        self.cost: QLineEdit | None = None
        if kind in COSTED_KINDS:
            self.cost = _line(f"actionCost_{kind}", f"{ACTION_LABELS[kind]}: cost", "cost")
            self.cost.setMaximumWidth(90)
        # Writing what was done means it was done.
        tick_when_typed(self.details, self.check)
        if self.cost is not None:
            tick_when_typed(self.cost, self.check)

    def set(self, entry: ActionEntry | None) -> None:
        self.check.setChecked(entry is not None)
        self.action_id = entry.id if entry else None
        self.details.setText(entry.details if entry else "")
        if self.cost is not None:
            self.cost.setText(format_cost(entry.cost_cents) if entry else "")

    def entry(self) -> ActionEntry | None:
        """The action, or None when not ticked. Raises ValueError for an unreadable cost."""
        if not self.check.isChecked():
            return None
        cost = parse_cost(self.cost.text()) if self.cost is not None else None
        return ActionEntry(self.kind, self.details.text(), cost, self.action_id)


class ProblemDialog(QDialog):
    def __init__(
        self,
        save: Callable[[ProblemReport], int],
        *,
        about: str,
        categories: Sequence[CategoryView],
        now: datetime,
        report: ProblemReport | None = None,
        editing: bool = False,
        save_draft: Callable[[ProblemReport], None] | None = None,
        discard_draft: Callable[[], None] | None = None,
        draft_saved_at: datetime | None = None,
        staff_names: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("problemDialog")
        title = f"Problem — {about}" if editing else f"Log a problem — {about}"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self._save = save
        self._save_draft = save_draft
        self._discard_draft = discard_draft
        self._now = now
        self._editing = editing
        self._extra_actions: list[ActionEntry] = []  # a second action of one kind, kept as is
        self.saved_id: int | None = None
        self.kept_as_draft = False
        self._draft_timer = QTimer(self, singleShot=True, interval=DRAFT_SAVE_MS)
        self._draft_timer.timeout.connect(self.keep_draft)

        self.draft_banner = QLabel()
        self.draft_banner.setObjectName("draftBanner")
        self.draft_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.draft_banner.setWordWrap(True)
        self.draft_banner.hide()
        self.discard_button = QPushButton("&Discard draft")
        self.discard_button.setObjectName("discardDraftButton")
        self.discard_button.clicked.connect(self.discard_and_close)
        self.discard_button.hide()

        layout = QVBoxLayout(self)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.draft_banner, 1)
        banner_row.addWidget(self.discard_button)
        layout.addLayout(banner_row)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addWidget(self._build_what_happened(categories, staff_names), 4)
        columns.addWidget(self._build_making_it_right(), 5)
        layout.addLayout(columns)
        layout.addWidget(self._build_buttons())

        self.set_report(report or ProblemReport(occurred_at=now))
        if draft_saved_at is not None:
            self.draft_banner.setText(
                f"Restored the report you had not sent ({relative_day(draft_saved_at, now)}, "
                f"{draft_saved_at.astimezone():%H:%M}). Finish it, or discard it."
            )
            self.draft_banner.show()
            self.discard_button.setVisible(discard_draft is not None)
        self._watch_changes()
        self.what_happened.setFocus(Qt.FocusReason.OtherFocusReason)

    # ----- construction ------------------------------------------------------------------

    def _build_what_happened(
        self, categories: Sequence[CategoryView], staff_names: Sequence[str]
    ) -> QGroupBox:
        box = QGroupBox("What happened")
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.what_happened = _text("whatHappenedEdit", "What happened",
                                   "In your words: the oat latte came with dairy milk …", 3)
        self.what_happened_error = _error_label("What happened")
        self.subject = _line("subjectEdit", "What it was about", "oat latte, grinder, booking …")
        self.category = QComboBox()
        self.category.setObjectName("categoryCombo")
        self.category.setAccessibleName("Category (root cause)")
        self.category.setPlaceholderText("choose the root cause (type to pick)")
        for category in categories:
            label = f"{category.name} (retired)" if category.retired else category.name
            self.category.addItem(label, category.id)
        self.category_error = _error_label("Category")
        self.severity = QComboBox()
        self.severity.setObjectName("severityCombo")
        self.severity.setAccessibleName("Severity")
        for value, label in (("minor", "Minor"), ("major", "Major"), ("safety", "Safety")):
            self.severity.addItem(label, value)
        self.allergen = QCheckBox("&Allergen or illness (always safety)")
        self.allergen.setObjectName("allergenCheck")
        self.allergen.toggled.connect(self._on_allergen)
        severity_row = QHBoxLayout()
        severity_row.addWidget(self.severity)
        severity_row.addWidget(self.allergen, 1)
        self.customer_words = _text("customerWordsEdit", "What the customer said",
                                    "their words, as close as you can", 2)
        self.fair_fix = _line("fairFixEdit", "What they would consider fair",
                              "ask them: “what would make this right?”")
        self.occurred = _TabLeavesDateTimeEdit()
        self.occurred.setObjectName("occurredEdit")
        self.occurred.setAccessibleName("When it happened")
        self.occurred.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        self.occurred.setCalendarPopup(True)
        self.occurred_error = _error_label("When")
        self.handled_by = _line("handledByEdit", "Handled by", "your name")
        if staff_names:
            completer = QCompleter(list(staff_names), self.handled_by)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.handled_by.setCompleter(completer)
            if not self.handled_by.text():
                self.handled_by.setText(staff_names[0])

        form.addRow(self._buddy("W&hat happened", self.what_happened), self.what_happened)
        form.addRow("", self.what_happened_error)
        form.addRow(self._buddy("A&bout", self.subject), self.subject)
        form.addRow(self._buddy("&Category", self.category), self.category)
        form.addRow("", self.category_error)
        form.addRow(self._buddy("Se&verity", self.severity), severity_row)
        form.addRow(self._buddy("They sa&id", self.customer_words), self.customer_words)
        form.addRow(self._buddy("&Fair fix", self.fair_fix), self.fair_fix)
        form.addRow(self._buddy("&When", self.occurred), self.occurred)
        form.addRow("", self.occurred_error)
        form.addRow(self._buddy("Handled b&y", self.handled_by), self.handled_by)
        return box

    def _build_making_it_right(self) -> QGroupBox:
        box = QGroupBox("Making it right")
        layout = QVBoxLayout(box)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        self.action_rows = {kind: _ActionRow(kind) for kind in ACTION_LABELS}
        for row, action in enumerate(self.action_rows.values()):
            grid.addWidget(action.check, row, 0)
            grid.addWidget(action.details, row, 1, 1, 1 if action.cost else 2)
            if action.cost is not None:
                grid.addWidget(action.cost, row, 2)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.actions_error = _error_label("Recovery actions")
        layout.addWidget(self.actions_error)

        outcome_row = QHBoxLayout()
        outcome_label = QLabel("They left:")
        outcome_row.addWidget(outcome_label)
        self.outcome_group = QButtonGroup(self)
        self.outcome_buttons: dict[str | None, QRadioButton] = {}
        for value, label in OUTCOME_CHOICES:
            button = QRadioButton(label)
            button.setObjectName(f"outcome_{value or 'unknown'}")
            self.outcome_group.addButton(button)
            self.outcome_buttons[value] = button
            outcome_row.addWidget(button)
        outcome_row.addStretch(1)
        layout.addLayout(outcome_row)
        self.resolved = QCheckBox("&Resolved — nothing more to do")
        self.resolved.setObjectName("resolvedCheck")
        layout.addWidget(self.resolved)

        self.follow_up_check = QCheckBox("F&ollow up:")
        self.follow_up_check.setObjectName("followUpCheck")
        self.follow_up_task = _line("followUpEdit", "Follow-up",
                                    "call Thursday to check the replacement grinder")
        self.follow_up_due = _TabLeavesDateEdit()
        self.follow_up_due.setObjectName("followUpDateEdit")
        self.follow_up_due.setAccessibleName("Follow up by")
        self.follow_up_due.setDisplayFormat("ddd d MMM")
        self.follow_up_due.setCalendarPopup(True)
        tick_when_typed(self.follow_up_task, self.follow_up_check)
        follow_up_row = QHBoxLayout()
        follow_up_row.addWidget(self.follow_up_check)
        follow_up_row.addWidget(self.follow_up_task, 1)
        follow_up_row.addWidget(QLabel("by"))
        follow_up_row.addWidget(self.follow_up_due)
        layout.addLayout(follow_up_row)
        self.follow_up_error = _error_label("Follow-up")
        layout.addWidget(self.follow_up_error)

        self.teammate_check = QCheckBox("Check on our &teammate:")
        self.teammate_check.setObjectName("teammateCheck")
        self.teammate_check.setToolTip("The encounter was hard on someone; a shift lead will "
                                       "check in with them.")
        self.teammate_name = _line("teammateEdit", "Teammate to check on", "who")
        self.teammate_name.setMaximumWidth(120)
        self.teammate_reason = _line("teammateReasonEdit", "Why", "what was hard (optional)")
        tick_when_typed(self.teammate_name, self.teammate_check)
        self.teammate_check.toggled.connect(self._on_teammate_toggled)
        teammate_row = QHBoxLayout()
        teammate_row.addWidget(self.teammate_check)
        teammate_row.addWidget(self.teammate_name)
        teammate_row.addWidget(self.teammate_reason, 1)
        layout.addLayout(teammate_row)
        self.teammate_error = _error_label("Teammate check-in")
        layout.addWidget(self.teammate_error)
        layout.addStretch(1)
        return box

    def _build_buttons(self) -> QWidget:
        footer = QWidget()
        row = QHBoxLayout(footer)
        row.setContentsMargins(0, 0, 0, 0)
        self.summary_error = _error_label("Report")
        hint = QLabel("Enter: next field · Ctrl+Enter: save · Esc: close (kept as a draft)")
        hint.setObjectName("emptyHint")
        if self._editing:
            hint.setText("Enter: next field · Ctrl+Enter: save · Esc: close without saving")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("Save problem")  # its shortcut, Ctrl+Enter, is in the hint beside it
        save.setObjectName("saveProblemButton")
        save.setToolTip("Save the problem (Ctrl+Enter)")
        for button in self.buttons.buttons():
            # Enter in a field goes to the next field, never to a button.
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        row.addWidget(hint, 1)
        row.addWidget(self.summary_error)
        row.addWidget(self.buttons)
        return footer

    @staticmethod
    def _buddy(text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    def _watch_changes(self) -> None:
        for edit in self.findChildren(QLineEdit):
            edit.textChanged.connect(self._changed)
            edit.installEventFilter(self)
        for text in self.findChildren(QPlainTextEdit):
            text.textChanged.connect(self._changed)
            text.installEventFilter(self)
        for widget in (*self.findChildren(QComboBox), *self.findChildren(QAbstractButton),
                       *self.findChildren(QDateTimeEdit)):
            widget.installEventFilter(self)
        for combo in self.findChildren(QComboBox):
            combo.currentIndexChanged.connect(self._changed)
        for check in self.findChildren(QCheckBox):
            check.toggled.connect(self._changed)
        self.outcome_group.buttonToggled.connect(self._changed)

    # ----- events ------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.activateWindow()
        self.what_happened.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) and isinstance(
            event, QKeyEvent
        ) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            # A completer's popup takes Enter to pick a name; leave that to it.
            completer = watched.completer() if isinstance(watched, QLineEdit) else None
            popup = completer.popup() if completer is not None else None
            popup_open = popup is not None and popup.isVisible()
            if control or (isinstance(watched, QLineEdit) and not popup_open):
                if event.type() == QEvent.Type.KeyPress:
                    if control:
                        self.accept()
                    else:
                        self.focusNextChild()
                event.accept()
                return True
        return super().eventFilter(watched, event)

    def _changed(self, *_args: object) -> None:
        if self._save_draft is not None:
            self._draft_timer.start()

    def _on_allergen(self, checked: bool) -> None:
        if checked:
            self.severity.setCurrentIndex(self.severity.findData("safety"))
        self.severity.setEnabled(not checked)

    def _on_teammate_toggled(self, checked: bool) -> None:
        if checked and not self.teammate_name.text():
            self.teammate_name.setText(self.handled_by.text())

    # ----- the report --------------------------------------------------------------------

    def set_report(self, report: ProblemReport) -> None:
        self.what_happened.setPlainText(report.what_happened)
        self.subject.setText(report.subject)
        index = self.category.findData(report.category_id) if report.category_id else -1
        self.category.setCurrentIndex(index)
        self.severity.setCurrentIndex(max(self.severity.findData(report.severity), 0))
        self.allergen.setChecked(report.allergen_or_illness)
        self.customer_words.setPlainText(report.customer_words)
        self.fair_fix.setText(report.fair_fix)
        self.occurred.setDateTime(to_qdatetime(report.occurred_at or self._now))
        if report.handled_by:
            self.handled_by.setText(report.handled_by)
        self._extra_actions = []
        for row in self.action_rows.values():
            row.set(None)
        for action in report.actions:
            row = self.action_rows[action.kind]
            if row.check.isChecked():
                self._extra_actions.append(action)
            else:
                row.set(action)
        self.outcome_buttons[report.outcome].setChecked(True)
        self.resolved.setChecked(report.resolved)
        local_today = self._now.astimezone().date()
        due = report.follow_up.due_on if report.follow_up else \
            local_today + timedelta(days=FOLLOW_UP_DAYS)
        self.follow_up_due.setDate(QDate(due.year, due.month, due.day))
        self.follow_up_check.setChecked(report.follow_up is not None)
        self.follow_up_task.setText(report.follow_up.task if report.follow_up else "")
        self.teammate_check.setChecked(report.teammate is not None)
        self.teammate_name.setText(report.teammate.teammate if report.teammate else "")
        self.teammate_reason.setText(report.teammate.reason if report.teammate else "")

    def report(self) -> tuple[ProblemReport, dict[str, str]]:
        """The report from the form, and messages for what could not even be read."""
        errors: dict[str, str] = {}
        actions: list[ActionEntry] = []
        for row in self.action_rows.values():
            try:
                entry = row.entry()
            except ValueError as exc:
                errors["actions"] = str(exc)
                continue
            if entry is not None:
                actions.append(entry)
        outcome = next((value for value, button in self.outcome_buttons.items()
                        if button.isChecked()), None)
        due = self.follow_up_due.date()
        report = ProblemReport(
            what_happened=self.what_happened.toPlainText(),
            subject=self.subject.text(),
            customer_words=self.customer_words.toPlainText(),
            fair_fix=self.fair_fix.text(),
            category_id=self.category.currentData(),
            severity=str(self.severity.currentData()),
            allergen_or_illness=self.allergen.isChecked(),
            handled_by=self.handled_by.text(),
            occurred_at=from_qdatetime(self.occurred.dateTime()),
            actions=actions + self._extra_actions,
            outcome=outcome,
            resolved=self.resolved.isChecked(),
            follow_up=(
                FollowUpEntry(self.follow_up_task.text(), date(due.year(), due.month(), due.day()))
                if self.follow_up_check.isChecked() else None
            ),
            teammate=(
                TeammateEntry(self.teammate_name.text(), self.teammate_reason.text())
                if self.teammate_check.isChecked() else None
            ),
        )
        return report, errors

    def show_errors(self, errors: dict[str, str]) -> None:
        labels = {
            "what_happened": (self.what_happened_error, self.what_happened),
            "category": (self.category_error, self.category),
            "occurred_at": (self.occurred_error, self.occurred),
            "actions": (self.actions_error, None),
            "follow_up": (self.follow_up_error, self.follow_up_task),
            "teammate": (self.teammate_error, self.teammate_name),
        }
        first: QWidget | None = None
        for key, (label, widget) in labels.items():
            message = errors.get(key, "")
            label.setText(message)
            label.setVisible(bool(message))
            if message and first is None:
                first = widget
        leftover = [message for key, message in errors.items() if key not in labels]
        self.summary_error.setText(" ".join(leftover))
        self.summary_error.setVisible(bool(leftover))
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def accept(self) -> None:
        self._draft_timer.stop()
        report, errors = self.report()
        errors = {**report.cleaned().problems(datetime.now(UTC)), **errors}
        if not errors:
            try:
                self.saved_id = self._save(report)
            except ValidationError as exc:
                errors = exc.errors
        if errors:
            self.show_errors(errors)
            return
        super().accept()

    def keep_draft(self) -> None:
        """Store what is typed so far as the regular's unsent report (new reports only)."""
        self._draft_timer.stop()
        if self._save_draft is None or self.saved_id is not None:
            return
        report, _errors = self.report()
        self._save_draft(report)
        self.kept_as_draft = report.has_content()

    def reject(self) -> None:
        self.keep_draft()
        super().reject()

    def discard_and_close(self) -> None:
        self._draft_timer.stop()
        if self._discard_draft is not None:
            self._discard_draft()
        self._save_draft = None  # closing now must not write it back
        self.kept_as_draft = False
        super().reject()
