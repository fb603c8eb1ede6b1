"""The sign-in screen: its own window, shown at start and whenever the counter is locked.

It shows the PIN pad, or on a new database the page that creates the owner's account, and for
the demo shop a note with the demo team's PINs (never for a real database).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

import models
from models.staff import needs_first_owner
from ui.sign_in.first_owner import FirstOwnerPage
from ui.sign_in.pad import Clock, SignInPad
from ui.sign_in.style import sign_in_style

CARD_MAX_WIDTH = 1000

log = logging.getLogger(__name__)


def demo_pins_text(demo_staff: Sequence[tuple[str, str, str]]) -> str:
    """"Demo shop — PINs: Dana (owner) 2468 · …" from (name, role, PIN) triples."""
    people = " · ".join(f"{name} ({role.lower()}) {pin}" for name, role, pin in demo_staff)
    return f"Demo shop — PINs: {people}"


class SignInScreen(QWidget):
    """Emits ``signed_in(Actor)`` once someone signed in (or the first owner was created)."""

    signed_in = Signal(object)  # models.staff.Actor

    def __init__(
        self, sessions: models.SessionFactory, *, clock: Clock | None = None,
        demo_staff: Sequence[tuple[str, str, str]] = (), title: str = "Velvet Rope",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInScreen")
        self.setAccessibleName("Sign in")
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.resize(1180, 760)
        self._sessions = sessions
        self.pad = SignInPad(sessions, clock=clock)
        self.first_owner = FirstOwnerPage(sessions, clock=clock)
        self.pad.signed_in.connect(self.signed_in)
        self.pad.retry_requested.connect(self._retry)
        self._retry_preselect: int | None = None
        self.first_owner.created.connect(self.signed_in)
        self.first_owner.owner_exists.connect(lambda: self.refresh())

        brand = QLabel("VELVET ROPE")
        brand.setObjectName("signInBrand")
        brand.setAccessibleName("Velvet Rope")
        self.pages = QStackedWidget()
        self.pages.setObjectName("signInPages")
        self.pages.addWidget(self.pad)
        self.pages.addWidget(self.first_owner)
        self.demo_panel = QLabel(demo_pins_text(demo_staff) if demo_staff else "")
        self.demo_panel.setObjectName("demoPins")
        self.demo_panel.setAccessibleName("Demo PINs")
        self.demo_panel.setTextFormat(Qt.TextFormat.PlainText)
        self.demo_panel.setWordWrap(True)
        self.demo_panel.setVisible(bool(demo_staff))
        footer = QLabel("Everything you change is signed with your name. "
                        "Ctrl+L locks the counter when you step away.")
        footer.setObjectName("signInFooter")
        footer.setWordWrap(True)

        card = QFrame()
        card.setObjectName("signInCard")
        card.setMaximumWidth(CARD_MAX_WIDTH)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(40, 28, 40, 28)
        inner.setSpacing(16)
        inner.addWidget(brand)
        inner.addWidget(self.pages, 1)
        inner.addWidget(self.demo_panel)
        inner.addWidget(footer)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 100)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.addLayout(row, 1)
        self.setStyleSheet(sign_in_style(self.palette()))

    def set_sessions(self, sessions: models.SessionFactory) -> None:
        """Use another database connection (after a restore reopened the database)."""
        self._sessions = sessions
        self.pad.set_sessions(sessions)
        self.first_owner.set_sessions(sessions)

    @Slot()
    def refresh(self, *, preselect: int | None = None) -> None:
        """The pad with the current team, or the owner's first page on a new database."""
        with self._sessions() as session:
            first_start = needs_first_owner(session)
        if first_start:
            self.pages.setCurrentWidget(self.first_owner)
            self.first_owner.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.pad.reload(preselect=preselect)
            self.pages.setCurrentWidget(self.pad)
            self.pad.focus_pin()

    def try_refresh(self, *, preselect: int | None = None) -> bool:
        """``refresh``, but a database that cannot be read (unreachable, busy, damaged) is
        logged and shown on the pad as one plain sentence with Retry. False if it failed."""
        try:
            self.refresh(preselect=preselect)
        except Exception:
            log.warning("cannot read the team for the sign-in screen", exc_info=True)
            self._retry_preselect = preselect
            self.pages.setCurrentWidget(self.pad)
            self.pad.show_unreachable()
            return False
        self._retry_preselect = None
        return True

    @Slot()
    def _retry(self) -> None:
        self.try_refresh(preselect=self._retry_preselect)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.activateWindow()
        current = self.pages.currentWidget()
        if current is self.pad:
            self.pad.focus_pin()
        else:
            self.first_owner.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
