"""The PIN pad: who you are (big name buttons) and your PIN (keyboard or touch).

Keyboard: the PIN field always has the focus. Digits type the PIN, Backspace deletes, Enter
signs in; Up/Down, Tab/Shift+Tab or the first letters of a name choose the person. Touch: tap
your name, tap the digits, tap OK.

After too many wrong PINs (models/staff/sign_in.py) the pad waits, with a live countdown, for
that person only: a teammate can still choose their own name and sign in.

When the database cannot be read (a network share gone, a busy or damaged file), the pad says so
in one plain sentence with a Retry button (Enter retries too); the names and digits are greyed
out until the team could be read.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

import models
from models.base import utcnow
from models.staff import PIN_MAX_DIGITS, StaffView, list_staff, sign_in

Clock = Callable[[], datetime]
TICK_MS = 250  # the countdown's refresh; the clock, not the timer, decides when it ends
TYPE_AHEAD_SECONDS = 1.0
PAD_WIDTH = 372  # letters typed within this pause add up ("ma" → Marco)
UNREACHABLE = "Can't reach the database — check the connection and press Retry."


def set_state(label: QWidget, name: str, value: object) -> None:
    """Set a style property and re-polish, so the style sheet picks it up."""
    label.setProperty(name, value)
    label.style().unpolish(label)
    label.style().polish(label)


class StaffButton(QPushButton):
    """One teammate: their name large, their role under it. A touch target, never focused."""

    def __init__(self, person: StaffView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staffButton")
        self.person = person
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(f"{person.name}, {person.role.label.lower()}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.name_label = QLabel(person.name)
        self.name_label.setObjectName("staffName")
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.role_label = QLabel(person.role.label)
        self.role_label.setObjectName("staffRole")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(0)
        for label in (self.name_label, self.role_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        self.setMinimumHeight(72)
        self.toggled.connect(self._show_chosen)

    @Slot(bool)
    def _show_chosen(self, chosen: bool) -> None:
        for label in (self.name_label, self.role_label):
            set_state(label, "chosen", chosen)


class SignInPad(QWidget):
    """Choose a person, type their PIN, press Enter: emits ``signed_in(Actor)``."""

    signed_in = Signal(object)  # models.staff.Actor
    retry_requested = Signal()  # Retry (or Enter) after the database could not be read

    def __init__(
        self, sessions: models.SessionFactory, *, clock: Clock | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInPad")
        self.setAccessibleName("Sign in with your PIN")
        self._sessions = sessions
        self._clock = clock or utcnow
        self._staff: list[StaffView] = []
        self._buttons: dict[int, StaffButton] = {}
        # When each person may try again (from the database, then from each refusal).
        self._wait_until: dict[int, datetime] = {}
        self._typed_name = ""
        self._typed_at = 0.0
        self._wait_reason = ""  # "Wrong PIN. " right after the refused PIN, until it ends
        self._forwarding = False  # a key sent on to the PIN field (keyPressEvent)
        self._unreachable = False  # the team could not be read: only Retry is offered

        title = QLabel("Who’s at the counter?")
        title.setObjectName("signInTitle")
        hint = QLabel("Choose your name, then type your PIN and press Enter.")
        hint.setObjectName("signInHint")
        hint.setWordWrap(True)

        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._group.buttonToggled.connect(self._on_person_toggled)
        self.staff_list = QWidget()
        self.staff_list.setObjectName("staffList")
        self.staff_list.setAccessibleName("Teammates")
        self._staff_layout = QVBoxLayout(self.staff_list)
        self._staff_layout.setContentsMargins(0, 0, 6, 0)
        self._staff_layout.setSpacing(10)
        scroll = QScrollArea()
        scroll.setObjectName("staffScroll")
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.staff_list)
        self._scroll = scroll

        self.pin_for = QLabel()
        self.pin_for.setObjectName("pinFor")
        self.pin_for.setTextFormat(Qt.TextFormat.PlainText)
        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("pinField")
        self.pin_edit.setAccessibleName("PIN")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(PIN_MAX_DIGITS)
        self.pin_edit.setValidator(QRegularExpressionValidator(
            QRegularExpression(rf"\d{{0,{PIN_MAX_DIGITS}}}"), self.pin_edit))
        self.pin_edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin_edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly
                                          | Qt.InputMethodHint.ImhSensitiveData
                                          | Qt.InputMethodHint.ImhNoPredictiveText)
        self.pin_edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.pin_edit.installEventFilter(self)
        self.pin_edit.returnPressed.connect(self.submit)
        self.pin_edit.textEdited.connect(lambda _text: self._clear_error())
        self.message = QLabel()
        self.message.setObjectName("signInMessage")
        self.message.setAccessibleName("Sign-in message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(44)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setObjectName("retryButton")
        self.retry_button.setAccessibleName("Retry reading the database")
        self.retry_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Enter in the PIN field too
        self.retry_button.setMinimumHeight(56)
        self.retry_button.clicked.connect(lambda _checked=False: self.retry_requested.emit())
        self.retry_button.hide()

        self.keys = QWidget()
        self.keys.setObjectName("digitPad")
        self.keys.setAccessibleName("Digits")
        grid = QGridLayout(self.keys)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        self.digit_buttons: dict[str, QPushButton] = {}
        for index, digit in enumerate("123456789"):
            grid.addWidget(self._digit_button(digit), index // 3, index % 3)
        self.backspace_button = self._key("⌫", "backspaceButton", "Delete the last digit",
                                          self.pin_edit.backspace)
        self.ok_button = self._key("OK", "okButton", "Sign in", self.submit)
        grid.addWidget(self.backspace_button, 3, 0)
        grid.addWidget(self._digit_button("0"), 3, 1)
        grid.addWidget(self.ok_button, 3, 2)

        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self._update_wait)

        left = QVBoxLayout()
        left.setSpacing(12)
        left.addWidget(title)
        left.addWidget(hint)
        left.addWidget(scroll, 1)
        # A fixed width: a long message wraps instead of moving the keys under a finger.
        right_side = QWidget()
        right_side.setObjectName("pinSide")
        right_side.setFixedWidth(PAD_WIDTH)
        right = QVBoxLayout(right_side)
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(12)
        right.addWidget(self.pin_for)
        right.addWidget(self.pin_edit)
        right.addWidget(self.keys)
        right.addWidget(self.message)
        right.addWidget(self.retry_button)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(40)
        layout.addLayout(left, 1)
        layout.addWidget(right_side, 0)
        self._show_selection()

    def _key(self, text: str, name: str, accessible: str, slot: Callable[[], object]
             ) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the PIN field
        button.setAutoRepeat(name == "backspaceButton")
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _digit_button(self, digit: str) -> QPushButton:
        button = self._key(digit, "digitButton", digit, lambda: self._type_digit(digit))
        button.setProperty("digit", digit)
        self.digit_buttons[digit] = button
        return button

    # ----- who ------------------------------------------------------------------------------

    def reload(self, *, preselect: int | None = None) -> None:
        """Read the active teammates again; ``preselect`` (or a lone teammate) is chosen."""
        with self._sessions() as session:
            staff = list_staff(session)
        if self._unreachable:
            self._set_unreachable(False)
        now = self._clock()
        self._wait_until = {p.id: p.locked_until for p in staff
                            if p.locked_until is not None and p.locked_until > now}
        while (item := self._staff_layout.takeAt(0)) is not None:
            widget = item.widget()
            if isinstance(widget, StaffButton):
                self._group.removeButton(widget)
                widget.deleteLater()
        self._buttons.clear()
        self._staff = staff
        for person in staff:
            button = StaffButton(person)
            self._group.addButton(button)
            self._staff_layout.addWidget(button)
            self._buttons[person.id] = button
        self._staff_layout.addStretch(1)
        if len(staff) == 1:
            preselect = staff[0].id
        self.pin_edit.clear()
        self._wait_reason = ""
        self.set_message("")
        if preselect is not None and preselect in self._buttons:
            self.select(preselect)
        else:
            self._show_selection()

    def show_unreachable(self) -> None:
        """The team could not be read: say so plainly and offer Retry; nobody can be chosen
        and no PIN typed until it worked (signing in needs the database too)."""
        self._set_unreachable(True)
        self.pin_edit.clear()
        self._wait_reason = ""
        self.set_message(UNREACHABLE, error=True)
        self.focus_pin()

    @property
    def unreachable(self) -> bool:
        return self._unreachable

    def _set_unreachable(self, unreachable: bool) -> None:
        self._unreachable = unreachable
        self.retry_button.setVisible(unreachable)
        self.staff_list.setEnabled(not unreachable)
        # Back to an open pad; _update_wait() then applies any wait that is still running.
        self.keys.setEnabled(not unreachable)
        self.pin_edit.setReadOnly(unreachable)

    @property
    def staff(self) -> list[StaffView]:
        return list(self._staff)

    @property
    def selected_id(self) -> int | None:
        button = self._group.checkedButton()
        return button.person.id if isinstance(button, StaffButton) else None

    def selected_person(self) -> StaffView | None:
        return next((p for p in self._staff if p.id == self.selected_id), None)

    def select(self, staff_id: int) -> None:
        button = self._buttons.get(staff_id)
        if button is not None:
            button.setChecked(True)
            self._scroll.ensureWidgetVisible(button)

    def _move(self, delta: int, *, wrap: bool) -> None:
        if not self._staff:
            return
        ids = [p.id for p in self._staff]
        current = self.selected_id
        if current is None:
            index = 0 if delta > 0 else len(ids) - 1
        else:
            index = ids.index(current) + delta
            index = index % len(ids) if wrap else min(max(index, 0), len(ids) - 1)
        self.select(ids[index])

    def _type_ahead(self, letter: str) -> None:
        now = time.monotonic()
        if now - self._typed_at > TYPE_AHEAD_SECONDS:
            self._typed_name = ""
        self._typed_at = now
        self._typed_name += letter.casefold()
        typed = self._typed_name
        starts = [p for p in self._staff if p.name.casefold().startswith(typed)]
        words = [p for p in self._staff
                 if any(w.startswith(typed) for w in p.name.casefold().split())]
        found = starts or words
        if found:
            self.select(found[0].id)

    @Slot(object, bool)
    def _on_person_toggled(self, _button: object, checked: bool) -> None:
        if checked:
            self.pin_edit.clear()
            self._wait_reason = ""
            self.set_message("")
            self._show_selection()

    def _show_selection(self) -> None:
        person = self.selected_person()
        if person is None:
            self.pin_for.setText("Choose your name" if self._staff else "")
        else:
            self.pin_for.setText(f"PIN for {person.name}")
        self.pin_edit.setAccessibleDescription(self.pin_for.text())
        self._update_wait()

    # ----- the PIN ----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.pin_edit and event.type() == QEvent.Type.KeyPress and isinstance(
                event, QKeyEvent) and self._handle_key(event):
            return True
        return super().eventFilter(watched, event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        """Keys that choose a person instead of typing into the PIN field."""
        if self._unreachable:  # nobody to choose until Retry worked
            return False
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key == Qt.Key.Key_Up:
            self._move(-1, wrap=False)
        elif key == Qt.Key.Key_Down:
            self._move(1, wrap=False)
        elif key == Qt.Key.Key_Tab and not modifiers & Qt.KeyboardModifier.ControlModifier:
            self._move(1, wrap=True)
        elif key == Qt.Key.Key_Backtab:
            self._move(-1, wrap=True)
        elif (event.text().isalpha() and not modifiers & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)):
            self._type_ahead(event.text())
        else:
            return False
        event.accept()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Only when the PIN field lost the focus somehow (a click beside it): send it there.
        if self._handle_key(event):
            return
        if self._forwarding or self.focusWidget() is self.pin_edit:
            super().keyPressEvent(event)  # a key the field did not want, passed up to here
            return
        self.focus_pin()
        self._forwarding = True
        try:
            QApplication.sendEvent(self.pin_edit, event)
        finally:
            self._forwarding = False

    def set_sessions(self, sessions: models.SessionFactory) -> None:
        self._sessions = sessions

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.focus_pin()

    def focus_pin(self) -> None:
        self.pin_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _type_digit(self, digit: str) -> None:
        if self.is_waiting() or len(self.pin_edit.text()) >= PIN_MAX_DIGITS:
            return
        self.pin_edit.insert(digit)
        self._clear_error()
        self.focus_pin()

    @Slot()
    def submit(self) -> None:
        if self._unreachable:  # Enter means Retry here
            self.retry_requested.emit()
            return
        person = self.selected_person()
        pin = self.pin_edit.text()
        if person is None:
            self.set_message("Choose your name first.", error=True)
            return
        if self.is_waiting():
            return
        if not pin:
            self.set_message("Type your PIN, then press Enter.", error=True)
            return
        now = self._clock()
        with self._sessions.begin() as session:  # the failure count must be committed
            result = sign_in(session, person.id, pin, now=now)
        self.pin_edit.clear()
        self.focus_pin()
        if result.actor is not None:
            self.set_message("")
            self._wait_until.pop(person.id, None)
            self.signed_in.emit(result.actor)
            return
        self.set_message(result.message, error=True)
        if result.wait_seconds > 0:
            self._wait_until[person.id] = now + timedelta(seconds=result.wait_seconds)
            self._wait_reason = "Wrong PIN. " if result.message.startswith("Wrong PIN") else ""
            self._update_wait()

    # ----- waiting after wrong PINs -------------------------------------------------------------

    def is_waiting(self) -> bool:
        """True while the chosen person must wait before trying another PIN."""
        staff_id = self.selected_id
        until = self._wait_until.get(staff_id) if staff_id is not None else None
        return until is not None and until > self._clock()

    def seconds_to_wait(self) -> int:
        staff_id = self.selected_id
        until = self._wait_until.get(staff_id) if staff_id is not None else None
        if until is None:
            return 0
        return max(0, math.ceil((until - self._clock()).total_seconds()))

    @Slot()
    def _update_wait(self) -> None:
        if self._unreachable:  # Retry first: the wait is shown again once the team is read
            return
        waiting = self.is_waiting()
        was_waiting = self.pin_edit.isReadOnly()
        self.keys.setEnabled(not waiting)
        self.pin_edit.setReadOnly(waiting)
        set_state(self.pin_edit, "waiting", waiting)
        if waiting:
            seconds = self.seconds_to_wait()
            wait = f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} min"
            self.set_message(f"{self._wait_reason}Too many wrong PINs: try again in {wait}.",
                             error=True)
            if not self._tick.isActive():
                self._tick.start()
            return
        if self._tick.isActive():
            self._tick.stop()
        if was_waiting:
            self._wait_reason = ""
            self.set_message("You can try your PIN again now.")
            # The person whose wait just ended can now try again: forget their deadline.
            expired = [k for k, v in self._wait_until.items() if v <= self._clock()]
            for staff_id in expired:
                del self._wait_until[staff_id]

    # ----- messages ---------------------------------------------------------------------------

    def set_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setAccessibleDescription(text)
        set_state(self.message, "state", "error" if error else "")

    def _clear_error(self) -> None:
        if self.message.property("state") == "error" and not self.is_waiting():
            self.set_message("")
