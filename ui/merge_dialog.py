"""Merge two profiles of the same person: find the other one, choose field by field, merge.

Keyboard: type to find the other profile, ↓ or Enter picks it (↓ first walks the list, Enter
there picks), Tab walks the choices (K / O / B pick Keep / Other / Both in a choice),
Ctrl+Enter merges from anywhere, Esc cancels.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

import models
from models.entities import Customer
from models.merging import MERGE_FIELDS, Choice, MergeField, default_choices, field_value
from models.merging import merge_customers as merge_profiles
from ui.customer_dialog import format_birthday
from ui.labels import plain_label
from ui.theme import LIGHT

log = logging.getLogger(__name__)

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
CHOICE_TEXT: dict[Choice, str] = {"keep": "Keep", "other": "Other", "both": "Both"}
SEARCH_LIMIT = 20
_ID_ROLE = Qt.ItemDataRole.UserRole
EMPTY = "—"

_STYLE = f"""
QLabel[mergeValue="true"] {{ color: {LIGHT.text}; }}
QLabel[mergeValue="true"][empty="true"] {{ color: {LIGHT.muted}; }}
QLabel[mergeValue="true"][dropped="true"] {{
    color: {LIGHT.muted}; text-decoration: line-through;
}}
QLabel#mergeFieldLabel {{ color: {LIGHT.muted}; font-weight: 600; }}
QLabel[mergeSame="true"] {{ color: {LIGHT.muted}; font-style: italic; padding-left: 8px; }}
QLabel#mergeSummary {{ color: {LIGHT.text}; }}
QListWidget#mergeResults {{
    background: {LIGHT.surface}; border: 1px solid {LIGHT.border}; border-radius: 8px;
    selection-background-color: {LIGHT.selection}; selection-color: {LIGHT.text};
}}
QListWidget#mergeResults::item {{ padding: 4px 6px; }}
QFrame#mergeTable {{
    background: {LIGHT.surface}; border: 1px solid {LIGHT.border}; border-radius: 8px;
}}
QPushButton#mergeButton {{
    background: {LIGHT.accent}; color: {LIGHT.accent_text}; border: none; font-weight: 700;
    padding: 8px 18px;
}}
QPushButton#mergeButton:focus {{ border: 2px solid {LIGHT.text}; }}
QPushButton#mergeButton:disabled {{ background: {LIGHT.border}; color: {LIGHT.muted}; }}
"""


@dataclass(frozen=True)
class MergeProfile:
    """One side of the merge as plain values (safe after the session closes)."""

    id: int
    shown_name: str
    visits: int
    values: dict[str, str]  # MERGE_FIELDS key -> the value as the dialog shows it ("" = none)
    do_not_remember: bool


def shown_name(customer_id: int, name: str, goes_by: str, description: str) -> str:
    """How a profile is named in messages: its name, else goes-by, else how to recognise it."""
    text = name or goes_by or description
    text = " ".join(text.split())
    if len(text) > 40:
        text = text[:39].rstrip() + "…"
    return text or f"Regular #{customer_id}"


def value_text(customer: Customer, merge_field: MergeField) -> str:
    value = field_value(customer, merge_field.key)
    if merge_field.key == "birthday":
        assert isinstance(value, tuple)
        month, day, year = value
        return format_birthday(month, day, year)
    if merge_field.key == "consent":
        assert isinstance(value, tuple)
        given, at, by = value
        if not given:
            return "Not asked yet"
        when = f" on {at.astimezone():%d %b %Y}" if at is not None else ""
        return f"Agreed{when}" + (f" (recorded by {by})" if by else "")
    if merge_field.is_list:
        assert isinstance(value, list)
        return "; ".join(str(item) for item in value)
    return str(value or "")


def _profile(customer: Customer) -> MergeProfile:
    return MergeProfile(
        id=customer.id,
        shown_name=shown_name(customer.id, customer.name, customer.goes_by,
                              customer.description),
        visits=customer.visit_count,
        values={f.key: value_text(customer, f) for f in MERGE_FIELDS},
        do_not_remember=customer.do_not_remember,
    )


def load_profiles(
    sessions: models.SessionFactory, keep_id: int, other_id: int | None = None
) -> tuple[MergeProfile, MergeProfile | None, dict[str, Choice]]:
    """Both sides and the choices a person would make without thinking."""
    with sessions() as session:
        keep = session.get(Customer, keep_id)
        if keep is None or keep.forgotten_at is not None:
            raise models.NotFoundError("This profile is gone (merged or forgotten elsewhere).")
        if other_id is None:
            return _profile(keep), None, {}
        other = session.get(Customer, other_id)
        if other is None or other.forgotten_at is not None:
            raise models.NotFoundError("That profile is gone (merged or forgotten elsewhere).")
        return _profile(keep), _profile(other), default_choices(keep, other)


def _visits(count: int) -> str:
    return f"{count} visit" if count == 1 else f"{count:,} visits"


class _Row:
    """One MERGE_FIELD: its label, both values and the choice."""

    def __init__(self, merge_field: MergeField) -> None:
        self.field = merge_field
        self.label = QLabel(merge_field.label)
        self.label.setObjectName("mergeFieldLabel")
        self.keep_value = self._value_label(f"keepValue_{merge_field.key}")
        self.other_value = self._value_label(f"otherValue_{merge_field.key}")
        self.choice = QComboBox()
        self.choice.setObjectName(f"mergeChoice_{merge_field.key}")
        self.choice.setAccessibleName(f"{merge_field.label}: which to keep")
        choices: list[Choice] = ["keep", "other", "both"] if merge_field.is_list else [
            "keep", "other"]
        for choice in choices:
            self.choice.addItem(CHOICE_TEXT[choice], choice)
        self.choice.setMinimumWidth(96)
        self.choice.setToolTip("K keeps the kept profile's, O takes the other's"
                               + (", B keeps both" if merge_field.is_list else ""))
        self.label.setBuddy(self.choice)
        # Where both sides say the same there is nothing to choose: "same" instead of a choice
        # (a hidden choice is also skipped by Tab).
        self.same = QLabel("same")
        self.same.setObjectName(f"mergeSame_{merge_field.key}")
        self.same.setProperty("mergeSame", True)
        self.same.hide()
        self.keep_text = ""
        self.other_text: str | None = None

    @staticmethod
    def _value_label(object_name: str) -> QLabel:
        label = plain_label(object_name)
        label.setProperty("mergeValue", True)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return label

    def selected(self) -> Choice:
        data = self.choice.currentData()
        assert data in CHOICE_TEXT
        return data  # type: ignore[no-any-return]

    def select(self, choice: Choice) -> None:
        index = self.choice.findData(choice)
        self.choice.setCurrentIndex(max(index, 0))

    def show_values(self, keep: str, other: str | None) -> None:
        """``other`` is None until the other profile is picked."""
        self.keep_text, self.other_text = keep, other
        self.keep_value.setText(keep or EMPTY)
        self.other_value.setText("" if other is None else other or EMPTY)
        self.keep_value.setProperty("empty", not keep)
        self.other_value.setProperty("empty", not other)
        same = other is None or keep == other
        self.choice.setEnabled(not same)
        self.choice.setVisible(not same)  # nothing to choose before the other is picked
        self.same.setVisible(other is not None and same)
        self.choice.setAccessibleDescription(
            f"Kept profile: {keep or 'nothing'}. Other profile: {other or 'nothing'}."
        )

    def mark_dropped(self) -> None:
        """Strike through the value that will not survive the merge."""
        choice = self.selected()
        differ = self.choice.isEnabled()
        dropped = (
            (self.keep_value, differ and choice == "other" and bool(self.keep_text)),
            (self.other_value, differ and choice == "keep" and bool(self.other_text)),
        )
        for label, is_dropped in dropped:
            label.setProperty("dropped", is_dropped)
            label.style().unpolish(label)
            label.style().polish(label)


class MergeDialog(QDialog):
    """Fold another profile into ``keep_id``; emits ``merged(keep_id)`` once done."""

    merged = Signal(int)

    def __init__(
        self, sessions: models.SessionFactory, keep_id: int, parent: QWidget | None = None,
        *, actor: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle("Merge two profiles of the same person")
        self.setAccessibleName("Merge two profiles of the same person")
        self.setStyleSheet(_STYLE)
        self.resize(880, 840)
        self._sessions = sessions
        self._keep_id = keep_id
        self._actor = actor
        self._keep: MergeProfile | None = None
        self._other: MergeProfile | None = None

        title = QLabel("Merge two profiles of the same person")
        title.setObjectName("workListTitle")
        self.intro = plain_label("emptyHint")

        find_label = QLabel("&Find the other profile:")
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("mergeSearchEdit")
        self.search_edit.setAccessibleName("Find the other profile")
        self.search_edit.setAccessibleDescription(
            "Type part of a name, phone digits or a word noted about them; Down or Enter picks."
        )
        self.search_edit.setPlaceholderText("name, phone or “corgi” — ↓ or Enter picks")
        self.search_edit.setClearButtonEnabled(True)
        find_label.setBuddy(self.search_edit)
        self.search_edit.textChanged.connect(self.search)
        self.search_edit.installEventFilter(self)

        self.results = QListWidget()
        self.results.setObjectName("mergeResults")
        self.results.setAccessibleName("Matching profiles")
        self.results.setFixedHeight(108)
        self.results.installEventFilter(self)
        self.results.itemClicked.connect(lambda item: self.pick(int(item.data(_ID_ROLE))))
        self.results_hint = plain_label("emptyHint")
        self.results_hint.hide()

        table = QFrame()
        table.setObjectName("mergeTable")
        grid = QGridLayout(table)
        grid.setContentsMargins(12, 10, 12, 10)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        self.keep_header = plain_label("sectionTitle")
        self.other_header = plain_label("sectionTitle")
        use_header = QLabel("USE")
        use_header.setObjectName("sectionTitle")
        grid.addWidget(self.keep_header, 0, 1)
        grid.addWidget(self.other_header, 0, 2)
        grid.addWidget(use_header, 0, 3)
        self.rows: dict[str, _Row] = {}
        for number, merge_field in enumerate(MERGE_FIELDS, start=1):
            row = _Row(merge_field)
            self.rows[merge_field.key] = row
            grid.addWidget(row.label, number, 0, Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(row.keep_value, number, 1)
            grid.addWidget(row.other_value, number, 2)
            grid.addWidget(row.choice, number, 3, Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(row.same, number, 3, Qt.AlignmentFlag.AlignVCenter)
            grid.setRowMinimumHeight(number, row.choice.sizeHint().height())
            row.choice.currentIndexChanged.connect(lambda _i, row=row: self._choice_changed(row))
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        grid.setColumnMinimumWidth(1, 220)
        grid.setColumnMinimumWidth(2, 220)
        widest_choice = max(r.choice.sizeHint().width() for r in self.rows.values())
        grid.setColumnMinimumWidth(3, widest_choice)  # steady columns before a pick
        grid.setRowStretch(len(MERGE_FIELDS) + 1, 1)
        scroll = QScrollArea()
        scroll.setObjectName("mergeScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(table)

        self.summary = plain_label("mergeSummary")
        self.error = plain_label("fieldError")
        self.error.setObjectName("mergeError")
        self.error.setAccessibleName("Why the merge did not happen")
        self.error.setStyleSheet(f"color: {LIGHT.alert}; font-weight: 600;")
        self.error.hide()

        self.merge_button = QPushButton("&Merge   Ctrl+Enter")
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.setAccessibleName("Merge")
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.merge)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        for button in self.buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)  # Enter picks a profile; only Ctrl+Enter merges

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.intro)
        layout.addSpacing(4)
        layout.addWidget(find_label)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.results)
        layout.addWidget(self.results_hint)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        QWidget.setTabOrder(self.search_edit, self.results)
        previous: QWidget = self.results
        for row in self.rows.values():
            QWidget.setTabOrder(previous, row.choice)
            previous = row.choice
        QWidget.setTabOrder(previous, self.merge_button)
        QWidget.setTabOrder(self.merge_button,
                            self.buttons.button(QDialogButtonBox.StandardButton.Cancel))
        self._load()
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- state ------------------------------------------------------------------------------

    @property
    def other_id(self) -> int | None:
        return self._other.id if self._other is not None else None

    def choices(self) -> dict[str, Choice]:
        return {key: row.selected() for key, row in self.rows.items()}

    def _load(self, other_id: int | None = None) -> None:
        try:
            keep, other, defaults = load_profiles(self._sessions, self._keep_id, other_id)
        except models.NotFoundError as exc:
            self._show_error(str(exc))
            if other_id is None:
                self.search_edit.setEnabled(False)
            return
        except SQLAlchemyError:
            log.exception("Could not load the profiles to merge")
            self._show_error("The database did not answer; try again in a moment.")
            return
        self._keep, self._other = keep, other
        self.intro.setText(
            f"“{keep.shown_name}” stays. Find the other profile of the same person; choose "
            "what to keep where they differ. The other profile is then removed."
        )
        self.keep_header.setText(f"STAYS · {_visits(keep.visits).upper()}")
        self.other_header.setText(f"REMOVED · {_visits(other.visits).upper()}" if other
                                  else "THE OTHER PROFILE")
        for key, row in self.rows.items():
            row.show_values(keep.values[key], other.values[key] if other else None)
            row.select(defaults.get(key, "keep"))
            row.mark_dropped()
        self._update_summary()
        self._hide_error()
        if keep.do_not_remember or (other is not None and other.do_not_remember):
            self._show_error(
                "One of these profiles asked not to be remembered; merging would bring their "
                "details back. Mark the kept profile instead."
            )
        self.merge_button.setEnabled(
            other is not None and not keep.do_not_remember and not other.do_not_remember
        )

    def _update_summary(self) -> None:
        keep, other = self._keep, self._other
        if keep is None:
            self.summary.setText("")
        elif other is None:
            self.summary.setText(
                "Visits, notes, problems, follow-ups and tags of both profiles are kept.")
        else:
            self.summary.setText(
                "Visits, notes, problems, follow-ups and tags of both are kept "
                f"({keep.visits:,} + {other.visits:,} visits)."
            )

    def _choice_changed(self, row: _Row) -> None:
        row.mark_dropped()
        self._hide_error()

    # --- finding the other profile ------------------------------------------------------------

    def search(self, text: str) -> None:
        self.results.clear()
        self.results_hint.hide()
        if not text.strip():
            return
        try:
            with self._sessions() as session:
                matches = models.find_customers(session, text, limit=SEARCH_LIMIT + 1)
        except SQLAlchemyError:
            log.exception("Search failed in the merge dialog")
            self._hint("The search did not answer; try again in a moment.")
            return
        for match in matches:
            if match.id == self._keep_id:
                continue
            details = [d for d in (match.phone or match.email, match.usual) if d]
            details.append(f"{_visits(match.visits)}, last {models.relative_day(match.last_visit)}")
            item = QListWidgetItem(f"{match.display_name}   ·   " + "   ·   ".join(details))
            item.setData(_ID_ROLE, match.id)
            self.results.addItem(item)
            if self.results.count() >= SEARCH_LIMIT:
                break
        if self.results.count():
            self.results.setCurrentRow(0)
        else:
            self._hint(f"No other profile matches “{text.strip()}”.")

    def _hint(self, message: str) -> None:
        self.results_hint.setText(message)
        self.results_hint.show()

    def pick(self, other_id: int) -> None:
        """Show ``other_id`` next to the kept profile, with the usual choices made."""
        if other_id == self._keep_id:
            return
        if other_id != self.other_id:
            self._load(other_id)
        for number in range(self.results.count()):
            if self.results.item(number).data(_ID_ROLE) == other_id:
                self.results.setCurrentRow(number)
        first = next((r.choice for r in self.rows.values() if r.choice.isEnabled()), None)
        target = first if first is not None and self.merge_button.isEnabled() else (
            self.merge_button if self.merge_button.isEnabled() else self.search_edit)
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _pick_current(self) -> None:
        item = self.results.currentItem() or self.results.item(0)
        if item is not None:
            self.pick(int(item.data(_ID_ROLE)))

    # --- keys ------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.activateWindow()
        self.search_edit.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key in _ENTER_KEYS and control:
            self.merge()
            return True
        if watched is self.search_edit:
            if key in _ENTER_KEYS:
                self._pick_current()
                return True
            if key == Qt.Key.Key_Down and self.results.count():
                self.results.setFocus(Qt.FocusReason.OtherFocusReason)
                if self.results.currentRow() < 0:
                    self.results.setCurrentRow(0)
                return True
        elif watched is self.results:
            if key in _ENTER_KEYS:
                self._pick_current()
                return True
            if key == Qt.Key.Key_Up and self.results.currentRow() <= 0:
                self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Ctrl+Enter from a choice or a button (the fields forward theirs in eventFilter).
        if event.key() in _ENTER_KEYS and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.merge()
            event.accept()
            return
        super().keyPressEvent(event)

    # --- merging ----------------------------------------------------------------------------

    def merge(self) -> None:
        keep, other = self._keep, self._other
        if keep is None:
            return
        if other is None:
            self._show_error("Find and pick the other profile first.")
            self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if not self.merge_button.isEnabled():
            return
        answer = QMessageBox.question(
            self, "Merge profiles",
            f"<p>Merge “{escape(other.shown_name)}” into “{escape(keep.shown_name)}”? "
            "The second profile is removed.</p>"
            "<p>This cannot be undone.</p>",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        choices = self.choices()
        try:
            with self._sessions.begin() as session:
                merge_profiles(session, keep.id, other.id, choices, actor=self._actor)
        except models.ValidationError as exc:
            self._show_error(" ".join(exc.errors.values()))
            row = next((self.rows[k] for k in exc.errors if k in self.rows), None)
            if row is not None and row.choice.isEnabled():
                row.choice.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        except models.NotFoundError:
            self._show_error("One of the two profiles is gone (merged or forgotten at another "
                             "counter); nothing was changed.")
            return
        except SQLAlchemyError:
            log.exception("Merging #%s into #%s failed", other.id, keep.id)
            self._show_error("The database did not answer; nothing was merged. "
                             "Try again in a moment.")
            return
        self.merged.emit(keep.id)
        self.accept()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.merge_button.setAccessibleDescription(message)

    def _hide_error(self) -> None:
        self.error.hide()
        self.error.setText("")
        self.merge_button.setAccessibleDescription("")

