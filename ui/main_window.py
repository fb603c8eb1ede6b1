"""The counter window: search box on top, results on the left, greeting card on the right."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

import models
from models.base import utcnow
from models.staff import Actor, Permission, PermissionDenied, Role, current_actor
from models.wording import greeting_name
from ui.change_poller import ChangePoller
from ui.check_in_command import UNDO_WINDOW_SECONDS, CheckInCommand
from ui.customer_dialog import CustomerDialog
from ui.data_actions import DataActions
from ui.greeting_card import GreetingCardWidget
from ui.note_dialog import NoteDialog
from ui.problem_dialog import ProblemDialog
from ui.results_model import (
    COLUMN_NAME,
    COLUMN_PHONE,
    COLUMN_USUAL,
    COLUMN_VISITS,
    ResultsModel,
)
from ui.search_box import SearchBox
from ui.shortcuts import trigger_matching_action
from ui.welcome_page import WelcomePage
from ui.work_list_dialog import WorkListDialog
from ui.work_lists import follow_ups_dialog, teammate_check_ins_dialog

if TYPE_CHECKING:
    from ui.audit_window import AuditWindow
    from ui.insights.window import InsightsWindow
    from ui.timeline_dialog import TimelineDialog

RESULT_LIMIT = 50
ROW_HEIGHT = 34
TOAST_MS = 8000
# While the clerk is still typing, the card waits for a pause instead of flickering through
# everyone on the way to the right name (and the keystroke stays within one frame).
CARD_PREVIEW_MS = 120
WARM_UP_MS = 300
# Follow-ups fall due at midnight and other counters add them: recount now and then.
WORK_COUNT_REFRESH_MS = 60_000
Clock = Callable[[], datetime]
# A QAction property naming the models.staff.Permission it needs (see MainWindow.apply_role).
PERMISSION_PROPERTY = "vre_permission"
_NEEDS = {Role.CLERK: "Sign in first", Role.SHIFT_LEAD: "Needs a shift lead",
          Role.OWNER: "Needs the owner"}
FOLLOW_UPS_TIP = "Follow-ups due, soonest first (Ctrl+Shift+F)"

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    role_applied = Signal(object)  # models.staff.Actor, or None: apply_role() was called

    def __init__(
        self, sessions: models.SessionFactory, *, title: str = "Velvet Rope",
        clock: Clock | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(title)
        self.setAccessibleName("Velvet Rope counter")
        self.resize(1180, 760)
        self._sessions = sessions
        self._clock = clock or utcnow
        self._card_customer_id: int | None = None
        self._card_immediately = True
        self._undo_stack = QUndoStack(self)
        self._staff_name = ""  # who is at this counter, as last typed in a form
        self._signed_in_window = False  # apply_role() gave it a person: "by" is always them
        self._role_applied = False
        self._actor: Actor | None = None  # as apply_role() last said (None: locked)
        self._open_problem_dialogs: list[ProblemDialog] = []
        self._timeline: TimelineDialog | None = None
        self._insights: InsightsWindow | None = None
        self._audit: AuditWindow | None = None

        self.search_box = SearchBox()
        self.new_button = QPushButton("New regular   Ctrl+N")
        self.new_button.setObjectName("newCustomerButton")
        self.new_button.setAccessibleName("New regular")
        self.new_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.follow_ups_button = QPushButton("Follow-ups")
        self.follow_ups_button.setObjectName("followUpsButton")
        self.follow_ups_button.setAccessibleName("Follow-ups due")
        self.follow_ups_button.setToolTip(FOLLOW_UPS_TIP)
        self.follow_ups_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._work_timer = QTimer(self, interval=WORK_COUNT_REFRESH_MS)
        self._work_timer.timeout.connect(self.refresh_work_counts)
        # Another window, process or counter changed something: show it within a second or so.
        self._change_poller = ChangePoller(sessions, parent=self)
        self._change_poller.changed.connect(self._on_outside_change)
        self.toast = QLabel()
        self.toast.setObjectName("toast")
        self.toast.setTextFormat(Qt.TextFormat.PlainText)  # names are shown, never interpreted
        self.toast.setAccessibleName("Confirmation")
        self.toast.hide()
        self._toast_timer = QTimer(self, singleShot=True, interval=TOAST_MS)
        self._toast_timer.timeout.connect(self.toast.hide)
        self._card_timer = QTimer(self, singleShot=True, interval=CARD_PREVIEW_MS)
        self._card_timer.timeout.connect(self._show_selected_card)

        self.results_model = ResultsModel(self)
        self.results_view = self._build_results_view()
        self.no_results = QLabel()
        self.no_results.setObjectName("emptyHint")
        self.no_results.setTextFormat(Qt.TextFormat.PlainText)
        self.no_results.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_results.setWordWrap(True)
        self.results_stack = QStackedWidget()
        self.results_stack.addWidget(self.results_view)
        self.results_stack.addWidget(self.no_results)

        self.card = GreetingCardWidget()
        self.welcome = WelcomePage()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.results_stack)
        splitter.addWidget(self.card)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.card.setMinimumWidth(440)
        splitter.setSizes([690, 480])
        splitter.setChildrenCollapsible(False)
        self.pages = QStackedWidget()
        self.pages.addWidget(splitter)
        self.pages.addWidget(self.welcome)
        self._counter_page = splitter

        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.follow_ups_button)
        top.addWidget(self.new_button)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(14, 14, 14, 10)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.toast)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self._connect()
        self.statusBar().showMessage("Ready. Type to find a regular.")
        self._refresh_results()
        self.refresh_work_counts()
        self._work_timer.start()
        QTimer.singleShot(WARM_UP_MS, self._warm_up)

    # ----- construction -----------------------------------------------------------------

    def _build_results_view(self) -> QTableView:
        view = QTableView()
        view.setObjectName("resultsView")
        view.setAccessibleName("Matching regulars")
        view.setModel(self.results_model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # The keyboard stays in the search box; arrows there move this selection.
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        vertical = view.verticalHeader()
        vertical.hide()
        # Fixed row heights and column widths: painting, not SQL, is the cost per keystroke.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        for column, width in ((COLUMN_USUAL, 160), (COLUMN_PHONE, 128), (COLUMN_VISITS, 118)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            view.setColumnWidth(column, width)
        header.setSectionResizeMode(COLUMN_NAME, QHeaderView.ResizeMode.Stretch)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return view

    def _action(self, text: str, shortcuts: list[str], slot: Callable[[], None],
                name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.check_in_action = self._action(
            "&Check in", ["Ctrl+Return", "Ctrl+Enter"], self.check_in_selected, "checkInAction")
        self.new_action = self._action(
            "&New regular…", ["Ctrl+N"], self.new_customer, "newCustomerAction")
        self.edit_action = self._action(
            "&Edit regular…", ["Ctrl+E"], self.edit_selected, "editCustomerAction")
        self.note_action = self._action(
            "Add &note…", ["Ctrl+Shift+N"], self.add_note_to_selected, "addNoteAction")
        self.problem_action = self._action(
            "Log a &problem…", ["Ctrl+P"], self.log_problem_for_selected, "logProblemAction")
        self.timeline_action = self._action(
            "&Timeline…", ["Ctrl+T"], self.show_timeline_of_selected, "timelineAction")
        self.follow_ups_action = self._action(
            "&Follow-ups due…", ["Ctrl+Shift+F"], self.show_follow_ups, "followUpsAction")
        self.teammates_action = self._action(
            "Check on our &teammates…", ["Ctrl+Shift+T"], self.show_teammate_check_ins,
            "teammateCheckInsAction")
        self.settings_action = self._action(
            "&Settings…", ["Ctrl+,"], self.show_settings, "settingsAction")
        self.find_action = self._action(
            "&Find", ["Ctrl+F", "Ctrl+K", "F3"], self.focus_search, "findAction")
        self.undo_action = self._action(
            "&Undo check-in", [], self.undo_last_check_in, "undoAction")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self._undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.addAction(self.redo_action)
        shortcuts_action = self._action(
            "&Keyboard shortcuts", ["F1"], self.show_shortcuts, "shortcutsAction")
        quit_action = self._action("&Quit", ["Ctrl+Q"], self._quit, "quitAction")

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.file_menu = file_menu  # vre_desktop adds the backup entries (ui/backup_actions.py)
        file_menu.addAction(self.new_action)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        self.data_actions = DataActions(self)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action, self.find_action])
        customer_menu = menu.addMenu("&Regular")
        customer_menu.addActions([self.check_in_action, self.edit_action, self.note_action,
                                  self.problem_action, self.timeline_action])
        customer_menu.addSeparator()
        customer_menu.addAction(self.follow_ups_action)
        # Kept apart from the customer actions: these are for whoever leads the shift.
        self.data_actions.add_to_menus(file_menu, customer_menu, before=self.settings_action)
        team_menu = menu.addMenu("&Team")
        # For everyone (no vre_permission): what this shift needs to know.
        self.briefing_action = self._action(
            "Shift &briefing…", ["Ctrl+B"], self.show_briefing, "briefingAction")
        team_menu.addAction(self.briefing_action)
        team_menu.addAction(self.teammates_action)
        # "Owner only" is a label until staff roles exist (issue 6).
        self.insights_action = self._action(
            "&Insights… (owner)", ["Ctrl+Shift+I"], self.show_insights, "insightsAction")
        owner_menu = menu.addMenu("&Owner")
        owner_menu.addAction(self.insights_action)
        self.audit_action = self._action(
            "&Audit trail…", ["Ctrl+Shift+A"], self.show_audit, "auditAction")
        self.audit_action.setProperty("vre_permission", "AUDIT")
        owner_menu.addAction(self.audit_action)
        self.staff_action = self._action("&Staff and PINs…", [], self.show_staff, "staffAction")
        owner_menu.addSeparator()
        owner_menu.addAction(self.staff_action)
        self.team_menu, self.owner_menu = team_menu, owner_menu  # the sign-in adds to them
        # Who may use what: apply_role() enables these for the signed-in person's role.
        for action, permission in (
            (self.settings_action, Permission.SETTINGS), (self.insights_action, Permission.REPORTS),
            (self.follow_ups_action, Permission.FOLLOW_UPS),
            (self.teammates_action, Permission.TEAMMATE_CHECK_INS),
            (self.staff_action, Permission.MANAGE_STAFF),
        ):
            action.setProperty(PERMISSION_PROPERTY, permission.name)
        for each in menu.findChildren(QMenu):
            each.setToolTipsVisible(True)  # a disabled entry says who may use it
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(shortcuts_action)

    def _connect(self) -> None:
        self.search_box.textChanged.connect(self._on_search_text)
        self.search_box.move_selection.connect(self._move_selection)
        self.search_box.open_requested.connect(self.open_selected)
        self.search_box.check_in_requested.connect(self.check_in_selected)
        self.search_box.undo_requested.connect(self.undo_last_check_in)
        self.search_box.redo_requested.connect(self._undo_stack.redo)
        self.results_view.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.results_view.clicked.connect(lambda _index: self.focus_search(select=False))
        self.results_view.doubleClicked.connect(lambda _index: self.open_selected())
        self.new_button.clicked.connect(self.new_customer)
        self.welcome.add_first_requested.connect(self.new_customer)
        self.card.check_in_clicked.connect(self.check_in_selected)
        self.card.edit_clicked.connect(self.edit_selected)
        self.card.add_note_clicked.connect(self.add_note_to_selected)
        self.card.log_problem_clicked.connect(self.log_problem_for_selected)
        self.card.timeline_clicked.connect(self.show_timeline_of_selected)
        self.follow_ups_button.clicked.connect(self.show_follow_ups)

    # ----- events ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.focus_search()

    def closeEvent(self, event: QCloseEvent) -> None:
        # A problem report being written when the app closes is kept, to be offered again.
        for dialog in list(self._open_problem_dialogs):
            try:
                dialog.keep_draft()
            except Exception:  # locked (kept when it locked) or the database is away
                log.warning("could not keep a problem report as a draft", exc_info=True)
        if self._insights is not None:  # its own window: it would keep the app running
            self._insights.close()
        if self._audit is not None:
            self._audit.close()
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not trigger_matching_action(self, event):
            super().keyPressEvent(event)

    @Slot()
    def _warm_up(self) -> None:
        """Prepare the card's queries while the clerk reads the screen, not on the first Enter."""
        first = self.results_model.match_at(0)
        if first is not None:
            try:
                with self._sessions() as session:
                    models.load_card(session, first.id)
            except models.NotFoundError:  # removed meanwhile (here or at another counter)
                pass
            except PermissionDenied:  # locked again already: the next sign-in loads it
                pass

    # ----- search ---------------------------------------------------------------------------

    @property
    def sessions(self) -> models.SessionFactory:
        return self._sessions

    def refresh_after_change(self, customer_id: int | None) -> None:
        """Another dialog changed data: re-run the search, keeping (and reloading) the card."""
        self._change_poller.absorb()  # everything committed so far is about to be shown
        self._refresh_results(keep_customer=customer_id)
        if customer_id is not None:
            self._show_card(customer_id, reload=True)
        self.refresh_work_counts()

    @Slot()
    def _on_outside_change(self) -> None:
        """Someone else committed a change: refresh, keeping the selected regular."""
        if self._card_timer.isActive():  # mid-typing: once the card has settled
            QTimer.singleShot(CARD_PREVIEW_MS, self, self._on_outside_change)
            return
        index = self.results_view.currentIndex()
        match = self.results_model.match_at(index.row()) if index.isValid() else None
        self.refresh_after_change(match.id if match else None)

    def _refuses_details(self, match: models.CustomerMatch, what: str) -> bool:
        """True (with a message) when the regular asked not to be remembered."""
        card = self.card.card
        if card is None or card.id != match.id or card.do_not_remember_at is None:
            return False
        self.show_toast(f"{match.display_name} asked not to be remembered: no {what} are kept.",
                        error=True)
        return True

    def now(self) -> datetime:
        return self._clock()

    @Slot(str)
    def _on_search_text(self, _text: str) -> None:
        self._refresh_results(card_now=False)

    def _refresh_results(self, keep_customer: int | None = None, *, card_now: bool = True) -> None:
        text = self.search_box.text()
        with self._sessions() as session:
            if text.strip():
                matches = models.find_customers(session, text, limit=RESULT_LIMIT)
            else:
                matches = models.recent_customers(session, limit=RESULT_LIMIT)
            extra = None
            if keep_customer is not None and all(m.id != keep_customer for m in matches):
                extra = models.match_for(session, keep_customer)
            is_empty = not matches and not text.strip() and models.count_customers(session) == 0
        if extra is not None:
            matches = [extra, *matches][:RESULT_LIMIT]
        self.pages.setCurrentWidget(self.welcome if is_empty else self._counter_page)
        self.results_model.set_matches(matches, self.now())
        if matches:
            self.results_stack.setCurrentWidget(self.results_view)
        else:
            self.no_results.setText(
                f"No regular matches “{text.strip()}”.\n\nPress Ctrl+N to add them as a new "
                "regular — a name or a description is enough."
            )
            self.results_stack.setCurrentWidget(self.no_results)
        if keep_customer is not None:
            row = self.results_model.row_of(keep_customer)
            self._card_customer_id = None  # reload even if the same regular stays selected
        else:
            # Nothing typed lists the recent regulars but selects nobody: Ctrl+Enter on an
            # empty box must not check in whoever happens to top the list.
            row = 0 if text.strip() else -1
        # A single match is unambiguous: show it now rather than after the typing pause.
        self._card_immediately = card_now or len(matches) == 1
        self._select_row(row if matches else -1)
        self._card_immediately = True

    def _select_row(self, row: int) -> None:
        selection = self.results_view.selectionModel()
        if row < 0:
            selection.clear()
            self._card_timer.stop()
            self._show_card(None)
            return
        index = self.results_model.index(row, COLUMN_NAME)
        selection.setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.results_view.scrollTo(index)
        self._on_current_row(index, QModelIndex())

    @Slot(int)
    def _move_selection(self, delta: int) -> None:
        count = self.results_model.rowCount()
        if not count:
            return
        current = self.results_view.currentIndex().row()
        self._select_row(min(max(current + delta, 0), count - 1))

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._card_immediately:
            self._card_timer.stop()
            self._show_selected_card()
        else:
            self._card_timer.start()

    @Slot()
    def _show_selected_card(self) -> None:
        index = self.results_view.currentIndex()
        match = self.results_model.match_at(index.row()) if index.isValid() else None
        self._show_card(match.id if match else None)

    def selected_or_hint(self, hint: str) -> models.CustomerMatch | None:
        """The selected regular; with nobody selected, say what to do instead."""
        match = self.selected_match()
        if match is None:
            self.show_toast(hint, error=True)
        return match

    def selected_match(self) -> models.CustomerMatch | None:
        """The selected regular; the card is brought up to date first, so that an action never
        applies to someone other than the person the card shows."""
        index = self.results_view.currentIndex()
        match = self.results_model.match_at(index.row()) if index.isValid() else None
        if self._card_timer.isActive():
            self._card_timer.stop()
            self._show_card(match.id if match else None)
        return match

    def _show_card(self, customer_id: int | None, *, reload: bool = False) -> None:
        if customer_id == self._card_customer_id and not reload:
            return  # typing more letters of the same name: nothing to redraw
        self._card_customer_id = customer_id
        card = None
        if customer_id is not None:
            try:
                with self._sessions() as session:
                    card = models.load_card(session, customer_id, now=self.now())
            except models.NotFoundError:
                card = None
        self.card.show_card(card, self.now())

    # ----- actions --------------------------------------------------------------------------

    @Slot()
    def focus_search(self, select: bool = True) -> None:
        if not self.isActiveWindow():  # back from a dialog: the keyboard returns here
            self.activateWindow()
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if select:
            self.search_box.selectAll()

    @Slot()
    def open_selected(self) -> None:
        match = self.selected_or_hint("Nobody selected — type a name first.")
        if match is None:
            return
        self._card_timer.stop()
        self._show_card(match.id, reload=True)

    @Slot()
    def check_in_selected(self) -> None:
        match = self.selected_or_hint("Find the regular first, then press Ctrl+Enter.")
        if match is None:
            return
        name = greeting_name(match.name, match.goes_by) or match.description
        try:
            with self._sessions.begin() as session:
                visit_id = models.check_in(session, match.id)
        except (models.NotFoundError, models.ValidationError) as exc:
            self.show_toast(str(exc), error=True)
            self._refresh_results()
            return
        self._undo_stack.push(
            CheckInCommand(self._sessions, match.id, visit_id, name, self._after_undo_change)
        )
        self._refresh_results(keep_customer=match.id)
        card = self.card.card
        visits = card.visits if card else match.visits + 1
        greet = (card.greet_as or card.description) if card else name
        self.show_toast(f"✓ Checked in {greet} — visit #{visits:,}.   Wrong person? Ctrl+Z")
        self.focus_search()

    @Slot()
    def undo_last_check_in(self) -> None:
        command = self._undo_stack.command(self._undo_stack.index() - 1)
        if command is None:
            self.show_toast("Nothing to undo.", error=True)
        elif isinstance(command, CheckInCommand) and not command.is_recent():
            minutes = UNDO_WINDOW_SECONDS // 60
            self.show_toast(f"That check-in was more than {minutes} minutes ago, so it stays.",
                            error=True)
        else:
            self._undo_stack.undo()

    def _after_undo_change(self, customer_id: int, message: str) -> None:
        self._refresh_results(keep_customer=customer_id)
        self.show_toast(message)
        self.focus_search()

    @Slot()
    def new_customer(self) -> None:
        dialog = CustomerDialog(self._create_customer, title="New regular", parent=self)
        dialog.prefill(self.search_box.text())
        dialog.finished.connect(lambda result: self._after_customer_dialog(dialog, result))
        dialog.open()

    def _create_customer(self, draft: models.CustomerDraft) -> int:
        with self._sessions.begin() as session:
            return models.create_customer(session, draft)

    def _after_customer_dialog(self, dialog: CustomerDialog, result: int) -> None:
        dialog.deleteLater()
        if result and dialog.saved_id is not None:
            self._refresh_results(keep_customer=dialog.saved_id)
            who = self.card.card.greet_as if self.card.card else "the regular"
            self.show_toast(f"✓ Saved {who or 'the regular'}.")
        self.focus_search()

    @Slot()
    def edit_selected(self) -> None:
        match = self.selected_or_hint("Find the regular to edit first.")
        if match is None:
            return
        try:
            with self._sessions() as session:
                draft = models.load_draft(session, match.id)
        except models.NotFoundError as exc:
            self.show_toast(str(exc), error=True)
            return

        def save(changed: models.CustomerDraft) -> int:
            with self._sessions.begin() as session:
                models.update_customer(session, match.id, changed)
            return match.id

        dialog = CustomerDialog(save, draft, title=f"Edit {match.display_name}", parent=self)
        dialog.finished.connect(lambda result: self._after_customer_dialog(dialog, result))
        dialog.open()

    @Slot()
    def add_note_to_selected(self) -> None:
        match = self.selected_or_hint("Find the regular first, then add the note.")
        if match is None or self._refuses_details(match, "notes"):
            return

        def save(text: str, pinned: bool, kind: str) -> int:
            with self._sessions.begin() as session:
                return models.add_note(session, match.id, text, pinned=pinned, kind=kind)

        dialog = NoteDialog(save, about=match.display_name, parent=self)

        def done(result: int) -> None:
            dialog.deleteLater()
            if result:
                self._refresh_results(keep_customer=match.id)
                self.show_toast(f"✓ Note saved for {match.display_name}.")
            self.focus_search()

        dialog.finished.connect(done)
        dialog.open()

    # ----- problems and what follows them ------------------------------------------------------

    def _remember_staff(self, name: str) -> None:
        """A window nobody signed in to takes the last "handled by" typed as its default "by";
        at a signed-in counter the default stays the signed-in person, whatever was typed."""
        if name.strip() and not self._signed_in_window:
            self._staff_name = " ".join(name.split())

    def _staff_names(self) -> list[str]:
        """Names for the "handled by" field, this counter's last one first."""
        with self._sessions() as session:
            names = models.known_staff_names(session)
        if self._staff_name:
            names = [self._staff_name, *[n for n in names if n != self._staff_name]]
        return names

    @Slot()
    def log_problem_for_selected(self) -> None:
        match = self.selected_or_hint("Find the regular first, then press Ctrl+P.")
        if match is None or self._refuses_details(match, "problems"):
            return
        customer_id, who = match.id, match.display_name
        with self._sessions() as session:
            categories = models.list_categories(session)
            draft = models.load_problem_draft(session, customer_id)
        staff = self._staff_names()
        report, saved_at = draft if draft else (None, None)

        def save(report: models.ProblemReport) -> int:
            with self._sessions.begin() as session:
                return models.log_problem(session, customer_id, report, now=self.now())

        def save_draft(report: models.ProblemReport) -> None:
            with self._sessions.begin() as session:
                models.save_problem_draft(session, customer_id, report, now=self.now())

        def discard_draft() -> None:
            with self._sessions.begin() as session:
                models.discard_problem_draft(session, customer_id)

        dialog = ProblemDialog(
            save, about=who, categories=categories, now=self.now(), report=report,
            save_draft=save_draft, discard_draft=discard_draft, draft_saved_at=saved_at,
            staff_names=staff, parent=self,
        )
        self._open_problem_dialog(dialog, customer_id, who)

    def edit_problem(self, problem_id: int) -> None:
        try:
            with self._sessions() as session:
                report = models.load_report(session, problem_id)
                customer_id = models.problem_customer(session, problem_id)
                match = models.match_for(session, customer_id)
                categories = models.list_categories(session, include_retired=True)
        except models.NotFoundError as exc:
            self.show_toast(str(exc), error=True)
            return
        # Retired categories stay selectable only for the problem that already has one.
        categories = [c for c in categories if not c.retired or c.id == report.category_id]
        who = match.display_name if match else "regular"
        staff = self._staff_names()

        def save(changed: models.ProblemReport) -> int:
            with self._sessions.begin() as session:
                models.update_problem(session, problem_id, changed, by=self._staff_name,
                                      now=self.now())
            return problem_id

        dialog = ProblemDialog(save, about=who, categories=categories, now=self.now(),
                               report=report, editing=True, staff_names=staff, parent=self)
        self._open_problem_dialog(dialog, customer_id, who)

    def _open_problem_dialog(self, dialog: ProblemDialog, customer_id: int, who: str) -> None:
        self._open_problem_dialogs.append(dialog)

        def done(result: int) -> None:
            self._open_problem_dialogs.remove(dialog)
            dialog.deleteLater()
            if result:
                self._remember_staff(dialog.handled_by.text())
                self._refresh_results(keep_customer=customer_id)
                self.show_toast(f"✓ Problem saved for {who}. The next shift will see it.")
            elif dialog.kept_as_draft:
                self.show_toast(f"Kept as a draft — press Ctrl+P on {who} to finish it.")
            self.refresh_work_counts()
            self.problem_saved_or_closed(customer_id)
            self.focus_search()

        dialog.finished.connect(done)
        dialog.open()

    def problem_saved_or_closed(self, customer_id: int) -> None:
        """Hook for open views of the regular (the timeline) to catch up."""
        if self._timeline is not None and self._timeline.isVisible():
            self._timeline.reload()

    @Slot()
    def show_timeline_of_selected(self) -> None:
        match = self.selected_or_hint("Find the regular first, then press Ctrl+T.")
        if match is None:
            return
        # Imported when first used: the counter should be on screen before the rarer dialogs load.
        from ui.timeline_dialog import TimelineDialog

        dialog = TimelineDialog(self._sessions, match.id, title=match.display_name,
                                open_problem=self.edit_problem, clock=self.now, parent=self)
        self._timeline = dialog

        def done(_result: int) -> None:
            self._timeline = None
            dialog.deleteLater()
            self.focus_search()

        dialog.finished.connect(done)
        dialog.open()

    def _open_work_list(self, dialog: WorkListDialog) -> None:
        def open_customer(customer_id: int) -> None:
            dialog.close()
            self.search_box.clear()
            self._refresh_results(keep_customer=customer_id)

        def changed() -> None:
            self._remember_staff(dialog.by_edit.text())
            self.refresh_work_counts()
            if self._card_customer_id is not None:
                self._show_card(self._card_customer_id, reload=True)

        dialog.open_customer.connect(open_customer)
        dialog.changed.connect(changed)
        def finished(_result: int) -> None:
            dialog.deleteLater()
            self.focus_search()

        dialog.finished.connect(finished)
        dialog.open()

    @Slot()
    def show_follow_ups(self) -> None:
        self._open_work_list(follow_ups_dialog(
            self._sessions, clock=self.now, by_default=self._staff_name, parent=self))

    @Slot()
    def show_briefing(self) -> None:
        """The shift briefing (Ctrl+B; also shown when a shift lead signs in): Enter on an
        entry opens that regular's card here."""
        from ui.briefing_dialog import BriefingDialog

        for shown in self.findChildren(BriefingDialog):  # signed in again: one briefing is enough
            if shown.isVisible():
                shown.reload()
                shown.raise_()
                shown.activateWindow()
                return
        dialog = BriefingDialog(self._sessions, clock=self.now, parent=self)

        def open_customer(customer_id: int) -> None:
            dialog.close()
            self.search_box.clear()
            self._refresh_results(keep_customer=customer_id)

        def finished(_result: int) -> None:
            dialog.deleteLater()
            self.focus_search()

        dialog.open_customer.connect(open_customer)
        dialog.finished.connect(finished)
        dialog.open()

    @Slot()
    def show_teammate_check_ins(self) -> None:
        self._open_work_list(teammate_check_ins_dialog(
            self._sessions, clock=self.now, by_default=self._staff_name, parent=self))

    @Slot()
    def refresh_work_counts(self) -> None:
        """The follow-ups badge: how many are due today or overdue."""
        today = self.now().astimezone().date()
        try:
            with self._sessions() as session:
                due = models.count_follow_ups_due(session, today)
        except Exception:  # a briefly unreachable shared database must not break the counter
            return
        self.follow_ups_button.setText(f"Follow-ups  {due} due" if due else "Follow-ups")
        self.follow_ups_button.setAccessibleDescription(f"{due} due")
        self.follow_ups_button.setProperty("due", due > 0)
        self.follow_ups_button.style().unpolish(self.follow_ups_button)
        self.follow_ups_button.style().polish(self.follow_ups_button)

    @Slot()
    def show_insights(self) -> None:
        """The owner's reports in their own window; Enter on a regular there opens their card."""
        if self._insights is not None:
            self._insights.raise_()
            self._insights.activateWindow()
            return
        # Imported when first used: QtCharts is heavy and the counter must start fast.
        from ui.insights.window import InsightsWindow

        window = InsightsWindow(self._sessions, clock=self.now,
                                staff_name=lambda: self._staff_name, parent=self)
        self._insights = window

        def open_customer(customer_id: int) -> None:
            self.search_box.clear()
            self._refresh_results(keep_customer=customer_id)
            self.raise_()
            self.focus_search()

        def closed() -> None:
            self._insights = None
            window.deleteLater()

        window.open_customer.connect(open_customer)
        window.closed.connect(closed)
        window.show()

    @Slot()
    def show_audit(self) -> None:
        """The owner's audit trail in its own window (Ctrl+Shift+A)."""
        if self._audit is not None:
            self._audit.raise_()
            self._audit.activateWindow()
            return
        from ui.audit_window import AuditWindow

        window = AuditWindow(self._sessions, clock=self.now, parent=self)
        self._audit = window

        def closed() -> None:
            self._audit = None
            window.deleteLater()

        window.closed.connect(closed)
        window.show()

    @Slot()
    def show_settings(self) -> None:
        from ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self._sessions, parent=self)

        def done(result: int) -> None:
            dialog.deleteLater()
            if result and self._card_customer_id is not None:
                self._show_card(self._card_customer_id, reload=True)
            self.focus_search()

        dialog.finished.connect(done)
        dialog.open()

    @Slot()
    def show_staff(self) -> None:
        from ui.staff_dialog import StaffDialog

        dialog = StaffDialog(self._sessions, clock=self.now, parent=self)

        def done(_result: int) -> None:
            dialog.deleteLater()
            self.focus_search()

        dialog.finished.connect(done)
        dialog.open()

    # ----- who is signed in (ui/sign_in/counter_lock.py) ----------------------------------------

    def apply_role(self, actor: Actor | None) -> None:
        """Fit the window to who is signed in (None: the counter is locked).

        Every action tagged with a ``vre_permission`` is enabled only if ``actor`` may do it,
        and says who may otherwise; the services refuse anyway (models/staff/roles.py). The
        actor's name becomes the default "by". While locked nothing refreshes in the
        background: nobody may read, and signing in catches up.
        """
        for action in self.findChildren(QAction):
            name = action.property(PERMISSION_PROPERTY)
            if not name:
                continue
            permission = Permission[str(name)]
            allowed = actor is not None and actor.may(permission)
            reason = "" if allowed else _NEEDS[permission.least_role if actor else Role.CLERK]
            action.setEnabled(allowed)
            action.setToolTip(reason)  # "" puts back the default (the action's text)
            action.setStatusTip(reason)
        allowed = self.follow_ups_action.isEnabled()
        self.follow_ups_button.setEnabled(allowed)
        self.follow_ups_button.setToolTip(FOLLOW_UPS_TIP if allowed
                                          else self.follow_ups_action.toolTip())
        self._role_applied, self._actor = True, actor
        if actor is not None:
            self._staff_name = actor.name
            self._signed_in_window = True
        self._change_poller.blockSignals(actor is None)
        if actor is None:
            self._work_timer.stop()
            self._card_timer.stop()
        else:
            self._work_timer.start()
        self.role_applied.emit(actor)

    def signed_in_actor(self) -> Actor | None:
        """Who works at this window now: as apply_role() last said (None: locked). A window
        never fitted to a sign-in acts as its sessions do: for the command line, with the
        owner's powers, unless they are bound to one (models/staff/roles.py)."""
        if self._role_applied:
            return self._actor
        with self._sessions() as session:  # who its sessions act for: no query is run
            return current_actor(session)

    def clear_for_next_person(self) -> None:
        """Someone else signed in: the search, the card and the undo of the previous person's
        check-ins do not carry over."""
        self._undo_stack.clear()
        self._toast_timer.stop()
        self.toast.hide()
        self.statusBar().clearMessage()
        self.search_box.clear()
        self._refresh_results()

    def show_toast(self, message: str, *, error: bool = False) -> None:
        self.toast.setText(message)
        self.toast.setProperty("error", error)
        self.toast.style().unpolish(self.toast)
        self.toast.style().polish(self.toast)
        self.toast.show()
        self._toast_timer.start()
        self.statusBar().showMessage(message, TOAST_MS)

    @Slot()
    def _quit(self) -> None:
        self.close()

    @Slot()
    def show_shortcuts(self) -> None:
        QMessageBox.information(
            self, "Keyboard shortcuts",
            "Type            search (name, phone digits, any word)\n"
            "↑ ↓ PgUp PgDn   choose a regular\n"
            "Enter           open the greeting card\n"
            "Ctrl+Enter      check in the selected regular\n"
            "Ctrl+Z          undo the last check-in\n"
            "Esc             clear the search\n"
            "Ctrl+N          new regular (with what you typed)\n"
            "Ctrl+E          edit the selected regular\n"
            "Ctrl+Shift+N    add a note\n"
            "Ctrl+P          log a problem and how it was made right\n"
            "Ctrl+T          the regular's timeline\n"
            "Ctrl+Shift+F    follow-ups due\n"
            "Ctrl+Shift+T    teammates to check on\n"
            "Ctrl+B          the shift briefing\n"
            "Ctrl+Shift+I    insights: loyal, lapsed, root causes (owners)\n"
            "Ctrl+Shift+A    audit trail: who did what, and when (owners)\n"
            "Ctrl+Shift+P    consent and privacy\n"
            "Ctrl+M          merge with another profile\n"
            "Ctrl+I          import customers (owners)\n"
            "Ctrl+Shift+E    export all customers (owners)\n"
            "Ctrl+Shift+B    back up now (owners)\n"
            "Ctrl+L          switch user / lock the counter\n"
            "Ctrl+F          back to the search box",
        )
