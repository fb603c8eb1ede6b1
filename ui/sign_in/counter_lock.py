"""Locking the counter: the sign-in screen at start, on Ctrl+L and after an idle time.

The counter window is built when the first person signs in (it searches as soon as it exists,
and nobody may read before signing in). Locking hides it and everything it opened, so no
customer's data stays on screen, and sets the holder's actor to None, so every service refuses
until someone signs in (models/staff/roles.py).

What was open when the counter locked:

* the same person signs in again: everything comes back exactly as it was (dialogs are
  hidden, never closed, so what they typed is still there);
* someone else signs in: it is closed. Problem reports keep what was typed as a draft (saved
  the moment the counter locked, as the person who typed it; Ctrl+P on the regular offers it
  again), everything else unsaved is discarded, and nothing says what it was: it was the
  previous person's work, and would show their customer's details to someone else.

Locking hides everything before it touches the database: a database that is unreachable or busy
at that moment must never leave the counter on screen behind a "locked" counter. The drafts and
the team for the pad are read afterwards, each guarded; if that fails the pad says it cannot
reach the database and offers Retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget

import models
from models.base import utcnow
from models.settings import AUTO_LOCK_MINUTES, get_setting
from models.staff import Actor, Role, SignedIn
from ui.main_window import MainWindow
from ui.problem_dialog import ProblemDialog
from ui.sign_in.screen import SignInScreen

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
IDLE_CHECK_MS = 5_000  # how often the idle time is compared with the setting
LOCK_KEYS = QKeySequence("Ctrl+L")
_INPUT = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress,
})


def who_label(actor: Actor) -> str:
    return f"{actor.name} · {actor.role.label.lower()}   (Ctrl+L to switch)"


class CounterLock(QObject):
    """The sign-in screen in front of one counter window."""

    locked = Signal()
    unlocked = Signal(object)  # models.staff.Actor

    def __init__(
        self, sessions: models.SessionFactory, holder: SignedIn,
        build_window: Callable[[], MainWindow], *, title: str = "Velvet Rope",
        demo_staff: Sequence[tuple[str, str, str]] = (), clock: Clock | None = None,
        idle_check_ms: int = IDLE_CHECK_MS, parent: QObject | None = None,
    ) -> None:
        """``sessions`` act for ``holder`` (``signed_in_sessions``); ``build_window`` makes
        the counter window on them. ``demo_staff`` (name, role, PIN) is shown on the sign-in
        screen: only ever for the demo shop."""
        super().__init__(parent)
        self.setObjectName("counterLock")
        self.holder = holder
        self._sessions = sessions
        self._build = build_window
        self._clock = clock or utcnow
        self.window: MainWindow | None = None
        self.screen = SignInScreen(sessions, clock=self._clock, demo_staff=demo_staff,
                                   title=title)
        self.screen.signed_in.connect(self._signed_in)
        # The windows hidden by the lock, with the widget that had the keyboard in each.
        self._hidden: list[tuple[QWidget, QWidget | None]] = []
        self._previous: Actor | None = None  # who was signed in when the counter locked
        self._last_input = self._clock()
        self._last_mouse = QPointF()
        self._minutes = AUTO_LOCK_MINUTES.default
        self._idle_timer = QTimer(self, interval=idle_check_ms)
        self._idle_timer.timeout.connect(self.check_idle)
        self.status_label: QLabel | None = None
        self.switch_action: QAction | None = None
        self.change_pin_action: QAction | None = None
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def sessions(self) -> models.SessionFactory:
        """The sign-in's (and the counter window's) sessions, acting for ``holder``."""
        return self._sessions

    @property
    def is_locked(self) -> bool:
        return self.holder.actor is None

    def start(self) -> None:
        """Show the sign-in screen (or the owner's first page on a new database)."""
        self.holder.actor = None
        self.screen.try_refresh()
        self.screen.show()
        self.screen.raise_()
        self.screen.activateWindow()

    # ----- locking --------------------------------------------------------------------------

    @Slot()
    def lock(self, *, switching: bool = False) -> None:
        """Hide the counter and everything it opened; the sign-in pad takes its place.

        ``switching`` (Ctrl+L) leaves nobody chosen on the pad; after an idle time the person
        who was signed in is chosen, as they are the likeliest to come back. Nothing here may
        leave the counter visible: the windows are hidden first, and the database work after
        (drafts, the team) cannot undo that when it fails."""
        window = self.window
        if self.is_locked or window is None:
            return
        previous = self._previous = self.holder.actor
        self._idle_timer.stop()
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()
        self._hidden = [(w, w.focusWidget()) for w in self._open_windows(window)]
        drafts = [d for d in window.findChildren(ProblemDialog) if d.isVisible()]
        self._cover(window)
        for widget, _focus in reversed(self._hidden):
            widget.hide()
        window.hide()
        try:
            # Drafts while the person who typed them is still the one acting.
            for dialog in drafts:
                try:
                    dialog.keep_draft()
                except Exception:  # the dialog keeps what was typed: reject() tries again
                    log.warning("could not keep a problem report as a draft", exc_info=True)
        finally:
            self.holder.actor = None
            window.apply_role(None)
        self.screen.try_refresh(preselect=None if switching or previous is None
                                else previous.staff_id)
        self.locked.emit()

    @Slot()
    def switch_user(self) -> None:
        self.lock(switching=True)

    def _open_windows(self, window: MainWindow) -> list[QWidget]:
        """The visible windows of this counter besides itself: its dialogs, Insights, boxes."""
        found = []
        for widget in QApplication.topLevelWidgets():
            if (widget is window or widget is self.screen or not widget.isVisible()
                    or widget.windowType() not in (Qt.WindowType.Window, Qt.WindowType.Dialog)):
                continue
            parent = widget.parentWidget()
            while parent is not None and parent is not window:
                parent = parent.parentWidget()
            # Parentless message boxes may speak of a customer too.
            if parent is window or (widget.parentWidget() is None
                                    and isinstance(widget, QDialog)):
                found.append(widget)
        return found

    def _cover(self, window: MainWindow) -> None:
        """Put the sign-in screen where the counter window is."""
        if window.isFullScreen():
            self.screen.showFullScreen()
        elif window.isMaximized():
            self.screen.showMaximized()
        else:
            self.screen.setGeometry(window.geometry())
            self.screen.showNormal()
        self.screen.raise_()
        self.screen.activateWindow()

    def _uncover(self, window: MainWindow) -> None:
        if self.screen.isFullScreen():
            window.showFullScreen()
        elif self.screen.isMaximized():
            window.showMaximized()
        else:
            window.setGeometry(self.screen.geometry())
            window.showNormal()
        window.raise_()
        window.activateWindow()

    # ----- signing in -----------------------------------------------------------------------

    @Slot(object)
    def _signed_in(self, actor: object) -> None:
        if not isinstance(actor, Actor):
            return
        previous, self._previous = self._previous, None
        same = previous is not None and previous.staff_id == actor.staff_id
        first_start = self.screen.pages.currentWidget() is self.screen.first_owner
        self.holder.actor = actor
        window = self.window
        first = window is None
        if window is None:
            window = self.window = self._build()
            self._attach(window)
        window.apply_role(actor)
        if not same:
            self._close_hidden()
            if not first:
                window.clear_for_next_person()
        self._uncover(window)
        self.screen.hide()
        if same:
            self._show_hidden()
            match = window.selected_match()
            window.refresh_after_change(match.id if match else None)  # missed while locked
        self._hidden = []
        self._show_who(actor)
        self._last_input = self._clock()
        self._read_minutes()
        self._idle_timer.start()
        if not same and not first_start and actor.role in (Role.SHIFT_LEAD, Role.OWNER):
            # A new shift starts with its briefing (not when the same person comes back, nor
            # for the owner who just created the shop: there is nothing to brief yet).
            briefing = getattr(window, "show_briefing", None)
            if callable(briefing):
                briefing()
        self.unlocked.emit(actor)

    def _close_hidden(self) -> None:
        """Someone else signed in: close what the previous person left open (see the module
        docstring). A problem report's reject() keeps its draft; the rest is discarded."""
        window = self.window
        for widget, _focus in self._hidden:
            if not shiboken6.isValid(widget):
                continue
            if isinstance(widget, QDialog):
                widget.reject()
            else:
                widget.close()
        self._hidden = []
        if window is not None:  # "Kept as a draft — … on <regular>" is not for them
            window.toast.hide()
            window.statusBar().clearMessage()

    def _show_hidden(self) -> None:
        for widget, focus in self._hidden:
            if not shiboken6.isValid(widget):
                continue
            widget.show()
            widget.raise_()
            widget.activateWindow()
            if focus is not None and shiboken6.isValid(focus) and focus.window() is widget:
                focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def _attach(self, window: MainWindow) -> None:
        """Switch user, Change my PIN and who is signed in, on the counter window."""
        self.switch_action = QAction("&Switch user / lock", window)
        self.switch_action.setObjectName("switchUserAction")
        self.switch_action.setShortcut(LOCK_KEYS)
        self.switch_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.switch_action.setToolTip("Lock the counter and let someone else sign in (Ctrl+L)")
        self.switch_action.triggered.connect(self.switch_user)
        self.change_pin_action = QAction("Change my &PIN…", window)
        self.change_pin_action.setObjectName("changeMyPinAction")
        self.change_pin_action.triggered.connect(self.change_my_pin)
        window.addAction(self.switch_action)
        window.addAction(self.change_pin_action)
        menu = window.team_menu
        first = menu.actions()[0]  # the team's own entries (briefing, check-ins) follow
        menu.insertActions(first, [self.switch_action, self.change_pin_action])
        menu.insertSeparator(first)
        self.status_label = QLabel()
        self.status_label.setObjectName("signedInLabel")
        self.status_label.setAccessibleName("Signed in")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        window.statusBar().addPermanentWidget(self.status_label)

    def _show_who(self, actor: Actor) -> None:
        if self.status_label is not None:
            self.status_label.setText(who_label(actor))
        if self.change_pin_action is not None:
            self.change_pin_action.setEnabled(actor.staff_id is not None)

    @Slot()
    def change_my_pin(self) -> None:
        actor, window = self.holder.actor, self.window
        if actor is None or actor.staff_id is None or window is None:
            return
        from ui.staff_dialog import ChangePinDialog

        dialog = ChangePinDialog(self._sessions, actor.staff_id, name=actor.name, parent=window)

        def done(result: int) -> None:
            dialog.deleteLater()
            if result:
                window.show_toast("✓ Your PIN was changed. Use the new one next time.")
            window.focus_search()

        dialog.finished.connect(done)
        dialog.open()

    def replace_window(self, window: MainWindow) -> None:
        """The database was restored and a new counter window opened on it: everyone signs
        in again (the restored staff list may differ)."""
        old = self.window
        self.window = window
        self._sessions = window.sessions
        self.screen.set_sessions(window.sessions)
        self._attach(window)
        self._hidden = []
        self._previous = None
        self.holder.actor = None
        window.apply_role(None)
        self._idle_timer.stop()
        if old is not None and shiboken6.isValid(old):
            old.hide()
        self._cover(window)
        window.hide()
        self.screen.try_refresh()
        self.locked.emit()

    # ----- idle -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in _INPUT:
            return False
        if kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            position = event.globalPosition()
            if position == self._last_mouse:  # a repeated move is not somebody moving it
                return False
            self._last_mouse = position
        self._last_input = self._clock()
        if (kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and not self.is_locked and self._in_counter(watched)
                and QKeySequence(event.keyCombination()).matches(LOCK_KEYS)
                == QKeySequence.SequenceMatch.ExactMatch):
            # Ctrl+L from any of the counter's dialogs too (window shortcuts stop at them).
            self.switch_user()
            return True
        return False

    def _in_counter(self, watched: QObject) -> bool:
        window = self.window
        if window is None or not isinstance(watched, QWidget):
            return False
        top: QWidget | None = watched.window()
        while top is not None and top is not window:
            top = top.parentWidget()
        return top is window

    def idle_for(self) -> timedelta:
        return self._clock() - self._last_input

    def _read_minutes(self) -> int:
        try:
            with self._sessions() as session:
                self._minutes = get_setting(session, AUTO_LOCK_MINUTES)
        except Exception:  # a briefly unreachable shared database: keep the last value
            pass
        return self._minutes

    @Slot()
    def check_idle(self) -> None:
        """Lock when nobody touched the counter for the shop's auto-lock minutes."""
        if self.is_locked or self.window is None:
            return
        if self.idle_for() >= timedelta(minutes=self._read_minutes()):
            self.lock()
