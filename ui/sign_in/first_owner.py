"""The first start of a new shop database: the owner creates their own account and PIN."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import models
from models.base import utcnow
from models.staff import (
    PIN_MAX_DIGITS,
    PIN_MIN_DIGITS,
    PermissionDenied,
    create_first_owner,
    pin_problem,
    sign_in,
)
from ui.sign_in.pin_field import pin_field

Clock = Callable[[], datetime]


class FirstOwnerPage(QFrame):
    """Name, PIN, PIN again → the owner's account, and the owner signed in (``created``)."""

    created = Signal(object)  # models.staff.Actor
    owner_exists = Signal()  # someone else created the owner meanwhile (another counter)

    def __init__(
        self, sessions: models.SessionFactory, *, clock: Clock | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("firstOwnerPage")
        self.setAccessibleName("Create the owner's account")
        self._sessions = sessions
        self._clock = clock or utcnow

        title = QLabel("Create the owner’s account")
        title.setObjectName("signInTitle")
        intro = QLabel(
            "This shop has no staff yet. You will be its owner: after this you add your "
            "teammates and their PINs (Owner → Staff and PINs). Choose a PIN of "
            f"{PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits that only you know."
        )
        intro.setObjectName("firstOwnerIntro")
        intro.setWordWrap(True)

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("ownerNameEdit")
        self.name_edit.setAccessibleName("Your name")
        self.name_edit.setPlaceholderText("e.g. Dana")
        self.name_edit.setMaxLength(100)
        self.name_edit.setMaximumWidth(420)
        self.pin_edit = pin_field("ownerPinEdit", "PIN", width=260)
        self.again_edit = pin_field("ownerPinAgainEdit", "PIN again", width=260)
        self.name_error = self._error("Name problem")
        self.pin_error = self._error("PIN problem")
        self.again_error = self._error("PIN again problem")

        self.create_button = QPushButton("Create the account and sign in")
        self.create_button.setObjectName("createOwnerButton")
        self.create_button.setAccessibleName("Create the owner's account and sign in")
        self.create_button.setAutoDefault(True)
        self.create_button.clicked.connect(self.submit)
        self.name_edit.returnPressed.connect(self.pin_edit.setFocus)
        self.pin_edit.returnPressed.connect(self.again_edit.setFocus)
        self.again_edit.returnPressed.connect(self.submit)
        for edit, error in ((self.name_edit, self.name_error), (self.pin_edit, self.pin_error),
                            (self.again_edit, self.again_error)):
            edit.textEdited.connect(lambda _text, error=error: error.hide())

        form = QGridLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(4)
        for row, (text, edit, error) in enumerate((
            ("Your name", self.name_edit, self.name_error),
            ("PIN", self.pin_edit, self.pin_error),
            ("PIN again", self.again_edit, self.again_error),
        )):
            label = QLabel(text)
            label.setObjectName("fieldLabel")
            label.setBuddy(edit)
            form.addWidget(label, row * 2, 0)
            form.addWidget(edit, row * 2, 1)
            form.addWidget(error, row * 2 + 1, 1)
        form.setColumnMinimumWidth(1, 420)
        form.setColumnStretch(2, 1)  # the fields stay by their labels

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addSpacing(8)
        layout.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def _error(self, accessible: str) -> QLabel:
        label = QLabel()
        label.setObjectName("ownerError")
        label.setAccessibleName(accessible)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.hide()
        return label

    def set_sessions(self, sessions: models.SessionFactory) -> None:
        self._sessions = sessions

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def errors(self) -> list[str]:
        """The messages on show (for tests and screen readers)."""
        return [e.text() for e in (self.name_error, self.pin_error, self.again_error)
                if not e.isHidden()]

    def _show_error(self, label: QLabel, edit: QLineEdit, message: str) -> None:
        label.setText(message)
        label.show()
        edit.setAccessibleDescription(message)
        edit.setFocus(Qt.FocusReason.OtherFocusReason)
        edit.selectAll()

    @Slot()
    def submit(self) -> None:
        for label in (self.name_error, self.pin_error, self.again_error):
            label.hide()
        name = " ".join(self.name_edit.text().split())
        pin, again = self.pin_edit.text(), self.again_edit.text()
        if not name:
            self._show_error(self.name_error, self.name_edit, "Enter your name.")
            return
        problem = pin_problem(pin)
        if problem:
            self._show_error(self.pin_error, self.pin_edit, problem)
            return
        if pin != again:
            self.again_edit.clear()
            self._show_error(self.again_error, self.again_edit,
                             "The two PINs are not the same: type the PIN again.")
            return
        try:
            with self._sessions.begin() as session:
                actor = create_first_owner(session, name, pin)
                # Signing in right away is a real sign-in: dated and in the audit trail.
                sign_in(session, actor.staff_id or 0, pin, now=self._clock())
        except models.ValidationError as exc:
            for field, message in exc.errors.items():
                if field == "pin":
                    self._show_error(self.pin_error, self.pin_edit, message)
                else:
                    self._show_error(self.name_error, self.name_edit, message)
            return
        except PermissionDenied:
            self.owner_exists.emit()
            return
        for edit in (self.name_edit, self.pin_edit, self.again_edit):
            edit.clear()
        self.created.emit(actor)
