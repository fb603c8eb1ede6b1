"""The counter behind its lock: sign in to use it, Ctrl+L to switch user, auto-lock after the
idle time (fake clock), what the next person sees, and actions fitted to each role."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QLabel

import models
from models.settings import AUTO_LOCK_MINUTES, set_setting
from models.staff import COMMAND_LINE, Actor, Role, SignedIn, signed_in_sessions
from tests.test_counter_window import open_dialog
from tests.test_sign_in import FakeClock, type_pin_and_enter
from ui.main_window import MainWindow
from ui.note_dialog import NoteDialog
from ui.problem_dialog import ProblemDialog
from ui.sign_in.counter_lock import CounterLock

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def team(sessions: models.SessionFactory) -> dict[str, int]:
    with sessions.begin() as session:
        return {
            "dana": models.staff.add_staff(session, "Dana", Role.OWNER, "2468"),
            "marco": models.staff.add_staff(session, "Marco", Role.SHIFT_LEAD, "1357"),
            "sam": models.staff.add_staff(session, "Sam", Role.CLERK, "1111"),
        }


PINS = {"dana": "2468", "marco": "1357", "sam": "1111"}


@pytest.fixture
def zoe(add_customer) -> int:
    return add_customer(name="Zoe Park", goes_by="Zoe", visits=2, usuals=["oat latte"])


@pytest.fixture
def lock(qtbot, sessions, team, clock, monkeypatch) -> CounterLock:
    return make_counter(qtbot, sessions, clock, monkeypatch)


def make_counter(qtbot, sessions, clock, monkeypatch) -> CounterLock:
    # The briefing is helper C's; here it is enough to know when it would open.
    briefings: list[str] = []
    monkeypatch.setattr(MainWindow, "show_briefing",
                        lambda self: briefings.append(self._staff_name), raising=False)
    holder = SignedIn()
    counter_sessions = signed_in_sessions(sessions, holder)
    windows: list[MainWindow] = []

    def build() -> MainWindow:
        window = MainWindow(counter_sessions, clock=clock)
        qtbot.addWidget(window)
        windows.append(window)
        return window

    counter = CounterLock(counter_sessions, holder, build, clock=clock, idle_check_ms=20)
    qtbot.addWidget(counter.screen)
    counter.briefings = briefings  # type: ignore[attr-defined]
    counter.start()
    qtbot.waitExposed(counter.screen)
    return counter


def sign_in(qtbot, lock: CounterLock, who: str, team: dict[str, int]) -> MainWindow:
    lock.screen.pad.select(team[who])
    with qtbot.waitSignal(lock.unlocked):
        type_pin_and_enter(qtbot, lock.screen.pad, PINS[who])
    assert lock.window is not None
    qtbot.waitExposed(lock.window)
    return lock.window


def customer_data_visible(window: MainWindow) -> bool:
    return any(w.isVisible() for w in (window, window.card, window.results_view,
                                       window.search_box))


def action(window: MainWindow, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def test_the_counter_starts_at_the_sign_in_screen(qtbot, lock, team) -> None:
    assert lock.is_locked and lock.window is None  # nothing of the shop loaded before
    assert lock.screen.isVisible()
    window = sign_in(qtbot, lock, "sam", team)
    assert not lock.screen.isVisible()
    assert window.isVisible() and not lock.is_locked
    assert lock.holder.actor == Actor(team["sam"], "Sam", Role.CLERK)
    label = window.findChild(QLabel, "signedInLabel")
    assert label.text() == "Sam · clerk   (Ctrl+L to switch)"
    assert window._staff_name == "Sam"  # the "by" of forms
    with window.sessions() as session:
        assert models.staff.acting_name(session) == "Sam"


def test_the_first_start_creates_the_owner_and_opens_the_counter(
        qtbot, sessions, clock, monkeypatch) -> None:
    lock = make_counter(qtbot, sessions, clock, monkeypatch)
    page = lock.screen.first_owner
    assert lock.screen.pages.currentWidget() is page
    qtbot.keyClicks(page.name_edit, "Dana")
    qtbot.keyClicks(page.pin_edit, "2468")
    qtbot.keyClicks(page.again_edit, "2468")
    with qtbot.waitSignal(lock.unlocked):
        qtbot.keyClick(page.again_edit, Qt.Key.Key_Return)
    window = lock.window
    assert window is not None and window.isVisible()
    assert window.findChild(QLabel, "signedInLabel").text().startswith("Dana · owner")
    assert window.pages.currentWidget() is window.welcome  # an empty shop: the first steps
    assert lock.briefings == []  # nothing to brief on the very first start
    lock.lock()
    assert lock.screen.pages.currentWidget() is lock.screen.pad
    assert lock.screen.pad.selected_id == lock.screen.pad.staff[0].id  # the only teammate


def test_ctrl_l_locks_hides_customer_data_and_lets_someone_else_in(
        qtbot, lock, team, zoe) -> None:
    window = sign_in(qtbot, lock, "sam", team)
    qtbot.keyClicks(window.search_box, "zoe")
    assert window.card.card is not None and window.card.isVisible()

    qtbot.keyClick(window.search_box, Qt.Key.Key_L, CTRL)
    assert lock.is_locked
    assert not customer_data_visible(window)
    assert lock.screen.isVisible()
    assert lock.screen.pad.selected_id is None  # switching: nobody chosen
    with window.sessions() as session, pytest.raises(models.staff.PermissionDenied):
        models.find_customers(session, "zoe")  # nobody may read while locked

    window = sign_in(qtbot, lock, "dana", team)
    assert window.isVisible() and window.card.isVisible()
    assert window.search_box.text() == ""  # Sam's search does not carry over
    assert window.findChild(QLabel, "signedInLabel").text().startswith("Dana · owner")
    assert window._staff_name == "Dana"
    assert action(window, "settingsAction").isEnabled()


def test_the_switch_user_action_is_in_the_team_menu(qtbot, lock, team) -> None:
    window = sign_in(qtbot, lock, "sam", team)
    switch = action(window, "switchUserAction")
    assert switch.shortcut().toString() == "Ctrl+L"
    assert switch in window.team_menu.actions()
    assert action(window, "changeMyPinAction") in window.team_menu.actions()
    switch.trigger()
    assert lock.is_locked and not window.isVisible()


def test_auto_lock_after_the_idle_time_and_not_before(qtbot, lock, team, clock) -> None:
    window = sign_in(qtbot, lock, "sam", team)
    clock.advance(minutes=4, seconds=50)
    qtbot.wait(100)  # several idle checks
    assert not lock.is_locked
    qtbot.keyClicks(window.search_box, "z")  # somebody is working: the idle time restarts
    clock.advance(minutes=4, seconds=50)  # 9:40 since signing in, 4:50 since typing
    qtbot.wait(100)
    assert not lock.is_locked
    clock.advance(seconds=10)
    qtbot.waitUntil(lambda: lock.is_locked)
    assert not customer_data_visible(window)
    assert lock.screen.pad.selected_id == team["sam"]  # the likeliest to come back
    assert lock.screen.pad.pin_edit.hasFocus() or not lock.screen.isActiveWindow()


def test_the_idle_minutes_are_a_shop_setting(qtbot, sessions, lock, team, clock) -> None:
    with sessions.begin() as session:
        set_setting(session, AUTO_LOCK_MINUTES, 1)
    sign_in(qtbot, lock, "sam", team)
    clock.advance(seconds=59)
    qtbot.wait(100)
    assert not lock.is_locked
    clock.advance(seconds=1)
    qtbot.waitUntil(lambda: lock.is_locked)


def test_the_settings_dialog_offers_the_auto_lock_minutes(qtbot, sessions) -> None:
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(sessions)
    qtbot.addWidget(dialog)
    spin = dialog.spins[AUTO_LOCK_MINUTES.key]
    assert spin.objectName() == "autoLockMinutesSpin" and spin.value() == 5
    spin.setValue(15)
    dialog.accept()
    with sessions() as session:
        assert models.get_setting(session, AUTO_LOCK_MINUTES) == 15


def test_the_same_person_gets_their_open_dialog_back(qtbot, lock, team, zoe) -> None:
    window = sign_in(qtbot, lock, "sam", team)
    qtbot.keyClicks(window.search_box, "zoe")
    window.add_note_to_selected()
    dialog = open_dialog(qtbot, window)
    assert isinstance(dialog, NoteDialog)
    qtbot.keyClicks(dialog.text_edit, "Half-written note")

    lock.lock()  # as after the idle time
    assert not dialog.isVisible() and not customer_data_visible(window)
    sign_in(qtbot, lock, "sam", team)
    assert dialog.isVisible()
    assert dialog.text_edit.toPlainText() == "Half-written note"
    qtbot.waitUntil(lambda: dialog.text_edit.hasFocus() or not dialog.isActiveWindow())
    assert lock.briefings == []  # a clerk: no briefing (and not again on coming back)


def test_ctrl_l_works_from_inside_a_dialog(qtbot, lock, team, zoe) -> None:
    window = sign_in(qtbot, lock, "sam", team)
    qtbot.keyClicks(window.search_box, "zoe")
    window.add_note_to_selected()
    dialog = open_dialog(qtbot, window)
    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_L, CTRL)
    assert lock.is_locked and not dialog.isVisible()


def test_someone_else_does_not_see_what_was_open(qtbot, lock, team, zoe, sessions) -> None:
    window = sign_in(qtbot, lock, "sam", team)
    qtbot.keyClicks(window.search_box, "zoe")
    window.add_note_to_selected()
    note = open_dialog(qtbot, window)
    qtbot.keyClicks(note.text_edit, "Private half-written note")
    note.hide()  # (two dialogs at once only to test both kinds)
    window.log_problem_for_selected()
    problem = next(d for d in window.findChildren(ProblemDialog) if d.isVisible())
    qtbot.keyClicks(problem.focusWidget(), "Cold flat white")
    note.show()

    qtbot.keyClick(window.search_box, Qt.Key.Key_L, CTRL)
    assert not note.isVisible() and not problem.isVisible()
    with sessions() as session:  # kept the moment it locked, signed by Sam's session
        draft = models.load_problem_draft(session, zoe)
    assert draft is not None and "Cold flat white" in str(draft[0])

    window = sign_in(qtbot, lock, "marco", team)
    visible = [d for d in window.findChildren(QDialog) if d.isVisible()]
    assert visible == []
    assert not window.toast.isVisible()  # no "Kept as a draft … Zoe" for Marco
    assert "Private half-written note" not in "".join(
        w.text() for w in window.findChildren(QLabel) if w.isVisible())
    with sessions() as session:  # the problem report waits as a draft for Ctrl+P
        assert models.load_problem_draft(session, zoe) is not None
    assert lock.briefings == ["Marco"]  # a shift lead's shift starts with the briefing


def test_locking_hides_the_counter_even_when_the_database_cannot_be_reached(
        qtbot, lock, team, zoe, sessions, monkeypatch) -> None:
    from sqlalchemy.exc import OperationalError

    import ui.sign_in.pad as pad_module
    from ui.sign_in.pad import UNREACHABLE

    window = sign_in(qtbot, lock, "sam", team)
    qtbot.keyClicks(window.search_box, "zoe")
    window.log_problem_for_selected()
    problem = next(d for d in window.findChildren(ProblemDialog) if d.isVisible())
    qtbot.keyClicks(problem.focusWidget(), "Cold flat white")

    def unreachable(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("SELECT", {}, Exception("unable to open database file"))

    save_draft = models.save_problem_draft
    monkeypatch.setattr(pad_module, "list_staff", unreachable)
    monkeypatch.setattr(models, "save_problem_draft", unreachable)
    qtbot.keyClick(problem.focusWidget(), Qt.Key.Key_L, CTRL)  # reading and saving both fail
    assert lock.is_locked
    assert not customer_data_visible(window) and not problem.isVisible()
    assert lock.screen.isVisible()
    pad = lock.screen.pad
    assert pad.unreachable and pad.message.text() == UNREACHABLE
    assert pad.retry_button.isVisible()

    monkeypatch.setattr(pad_module, "list_staff", models.staff.list_staff)
    monkeypatch.setattr(models, "save_problem_draft", save_draft)
    qtbot.mouseClick(pad.retry_button, Qt.MouseButton.LeftButton)
    assert not pad.unreachable and pad.selected_id is None  # Ctrl+L: nobody chosen
    sign_in(qtbot, lock, "sam", team)
    assert problem.isVisible()  # nothing typed was lost
    assert "Cold flat white" in str(problem.report()[0])
    qtbot.keyClick(problem.focusWidget(), Qt.Key.Key_L, CTRL)  # and locking works again
    assert lock.is_locked and not customer_data_visible(window)
    with sessions() as session:  # this time the draft was kept
        assert models.load_problem_draft(session, zoe) is not None


def test_insights_and_other_windows_are_hidden_while_locked(qtbot, lock, team) -> None:
    window = sign_in(qtbot, lock, "dana", team)
    assert lock.briefings == ["Dana"]
    window.show_insights()
    insights = window._insights
    assert insights is not None and insights.isVisible()
    lock.lock()
    assert not insights.isVisible()
    sign_in(qtbot, lock, "dana", team)
    assert insights.isVisible()  # the owner's reports, just as she left them
    lock.lock(switching=True)
    sign_in(qtbot, lock, "sam", team)
    qtbot.waitUntil(lambda: window._insights is None)  # closed for the clerk
    assert not insights.isVisible()


# ----- what each role may use --------------------------------------------------------------------


OWNER_ONLY = ("settingsAction", "insightsAction", "staffAction", "importAction", "exportAction",
              "exportCustomerAction", "forgetAction", "backUpNowAction",
              "restoreFromBackupAction")
LEAD = ("followUpsAction", "teammateCheckInsAction", "mergeAction")
EVERYONE = ("checkInAction", "newCustomerAction", "addNoteAction", "logProblemAction",
            "timelineAction", "consentAction", "findAction")


@pytest.fixture
def plain_window(qtbot, sessions, database_url, tmp_path: Path, monkeypatch) -> MainWindow:
    from vre_desktop.app_backups import install_backups

    monkeypatch.setenv("VRE_BACKUP_DIR", str(tmp_path / "backups"))
    window = MainWindow(sessions)
    qtbot.addWidget(window)
    actions = install_backups(window, database_url, start=False)
    assert actions is not None
    return window


def test_apply_role_disables_what_the_role_may_not_do(plain_window) -> None:
    window = plain_window
    assert all(action(window, n).isEnabled() for n in OWNER_ONLY + LEAD + EVERYONE)

    window.apply_role(Actor(3, "Sam", Role.CLERK))
    for name in OWNER_ONLY:
        assert not action(window, name).isEnabled(), name
        assert action(window, name).toolTip() == "Needs the owner"
    for name in LEAD:
        assert not action(window, name).isEnabled(), name
        assert action(window, name).toolTip() == "Needs a shift lead"
    assert all(action(window, n).isEnabled() for n in EVERYONE)
    assert not window.follow_ups_button.isEnabled()
    assert window.follow_ups_button.toolTip() == "Needs a shift lead"

    window.apply_role(Actor(2, "Marco", Role.SHIFT_LEAD))
    assert all(action(window, n).isEnabled() for n in LEAD + EVERYONE)
    assert not any(action(window, n).isEnabled() for n in OWNER_ONLY)
    assert window.follow_ups_button.isEnabled()

    window.apply_role(COMMAND_LINE)
    assert all(action(window, n).isEnabled() for n in OWNER_ONLY + LEAD + EVERYONE)
    assert action(window, "settingsAction").toolTip() == "Settings"  # back to its default

    window.apply_role(None)  # locked
    assert not any(action(window, n).isEnabled() for n in OWNER_ONLY + LEAD)
    assert action(window, "settingsAction").toolTip() == "Sign in first"


def test_every_gated_action_names_a_real_permission(plain_window) -> None:
    tagged = {a.objectName(): a.property("vre_permission")
              for a in plain_window.findChildren(QAction) if a.property("vre_permission")}
    assert set(OWNER_ONLY + LEAD) <= set(tagged)
    assert all(name in models.staff.Permission.__members__ for name in tagged.values())


def test_a_clerk_signed_in_sees_owner_actions_disabled(qtbot, lock, team) -> None:
    window = sign_in(qtbot, lock, "sam", team)
    assert not action(window, "settingsAction").isEnabled()
    assert not action(window, "staffAction").isEnabled()
    assert action(window, "changeMyPinAction").isEnabled()
    window.settings_action.trigger()  # disabled: nothing opens
    assert [d for d in window.findChildren(QDialog) if d.isVisible()] == []


def test_a_name_typed_as_handled_by_does_not_change_who_is_signed_in(
        qtbot, lock, team, zoe, sessions, plain_window) -> None:
    window = sign_in(qtbot, lock, "marco", team)
    qtbot.keyClicks(window.search_box, "zoe")
    window.log_problem_for_selected()
    dialog = next(d for d in window.findChildren(ProblemDialog) if d.isVisible())
    assert dialog.handled_by.text() == "Marco"
    dialog.what_happened.setPlainText("Waited 20 minutes")
    dialog.category.setCurrentIndex(1)
    dialog.handled_by.setText("Sam")  # Sam served her; Marco is writing it down
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    with sessions() as session:
        [problem] = models.list_problems(session)
    assert problem.handled_by == "Sam"
    assert window._staff_name == "Marco"  # who resolves problems and closes follow-ups
    window.show_follow_ups()
    follow_ups = open_dialog(qtbot, window)
    assert follow_ups.by_edit.text() == "Marco"
    follow_ups.reject()

    plain_window._remember_staff("  Lena ")  # a window nobody signed in to: the last typed
    assert plain_window._staff_name == "Lena"


# ----- a restore reopens the counter locked ------------------------------------------------------


def test_a_restored_database_starts_at_the_sign_in_screen(
        qtbot, tmp_path: Path, monkeypatch) -> None:
    from backup_helpers import make_database

    from models.backups import make_backup
    from ui.backup_actions import BackupActions
    from vre_desktop.app import create_counter
    from vre_desktop.app_backups import restore_and_reopen

    live = make_database(tmp_path / "shop" / "velvet-rope.sqlite3")
    url = f"sqlite:///{live}"
    setup = models.open_database(url)
    with setup.begin() as session:
        models.staff.create_first_owner(session, "Dana", "2468")
    setup.kw["bind"].dispose()
    folder = tmp_path / "backups"
    monkeypatch.setenv("VRE_BACKUP_DIR", str(folder))
    backup = make_backup(live, folder)
    counter = create_counter(url)
    qtbot.addWidget(counter.screen)
    counter.start()
    with qtbot.waitSignal(counter.unlocked):
        type_pin_and_enter(qtbot, counter.screen.pad, "2468")
    window = counter.window
    assert window is not None
    actions = window.findChild(BackupActions)
    actions.scheduler.shutdown()

    reopened = restore_and_reopen(window, actions, url, backup.path, counter_lock=counter)
    assert reopened is not None
    qtbot.addWidget(reopened)
    assert counter.is_locked and counter.window is reopened
    assert counter.screen.isVisible() and not reopened.isVisible()
    with qtbot.waitSignal(counter.unlocked):
        type_pin_and_enter(qtbot, counter.screen.pad, "2468")
    assert reopened.isVisible()
    assert "Restored the backup" in reopened.toast.text()
    reopened.findChild(BackupActions).scheduler.shutdown()


def damage(actions) -> None:
    from models.backups import FileKind, FileState

    actions.scheduler.damaged.emit(FileState(actions._database, FileKind.DAMAGED,
                                             "velvet-rope.sqlite3 is damaged: a problem."))


@pytest.fixture
def backups(tmp_path: Path, monkeypatch, database_url):
    from vre_desktop.app_backups import install_backups

    monkeypatch.setenv("VRE_BACKUP_DIR", str(tmp_path / "backups"))
    installed = []

    def install(window: MainWindow):
        actions = install_backups(window, database_url, start=False)
        assert actions is not None
        installed.append(actions)
        return actions

    yield install
    for actions in installed:
        actions.scheduler.shutdown()


def warning_buttons(actions) -> list[str]:
    box = actions.damage_warning
    assert box is not None
    return [b.text() for b in box.buttons()]


def test_only_the_owner_may_restore_even_from_the_damage_warning(
        qtbot, lock, team, backups, database_url, tmp_path: Path) -> None:
    from ui.backup_actions import NEEDS_OWNER
    from vre_desktop.app_backups import restore_and_reopen

    window = sign_in(qtbot, lock, "sam", team)
    actions = backups(window)
    window.apply_role(lock.holder.actor)  # as at sign-in: the new menu entries greyed out
    assert not actions.restore_action.isEnabled()
    damage(actions)
    box = actions.damage_warning
    assert box.isVisible() and warning_buttons(actions) == ["OK"]  # no way to restore
    assert "Fetch the owner" in box.text()

    actions.show_restore()  # however it is asked for
    assert actions.dialog is None
    assert window.toast.text() == NEEDS_OWNER and "needs the owner" in NEEDS_OWNER
    assert restore_and_reopen(window, actions, database_url, tmp_path / "any.sqlite3",
                              counter_lock=lock) is None
    assert lock.window is window and window.isVisible()  # nothing was closed or replaced

    [ok] = box.buttons()
    ok.click()
    assert actions.damage_warning is None
    lock.lock(switching=True)
    sign_in(qtbot, lock, "marco", team)
    qtbot.wait(20)
    assert actions.damage_warning is None  # a shift lead cannot restore either
    lock.lock(switching=True)
    sign_in(qtbot, lock, "dana", team)  # the owner, fetched: now with the way to restore
    qtbot.waitUntil(lambda: actions.damage_warning is not None)
    assert warning_buttons(actions) == ["Restore from backup…", "Later"]
    [restore] = [b for b in actions.damage_warning.buttons() if b.text().startswith("Restore")]
    restore.click()
    qtbot.waitUntil(lambda: actions.dialog is not None and actions.dialog.isVisible())
    actions.dialog.reject()


def test_damage_found_while_locked_is_shown_after_the_next_sign_in(
        qtbot, lock, team, backups) -> None:
    window = sign_in(qtbot, lock, "sam", team)
    actions = backups(window)
    lock.lock()
    damage(actions)
    qtbot.wait(20)
    assert actions.damage_warning is None  # nothing over the sign-in screen
    assert [w for w in window.findChildren(QDialog) if w.isVisible()] == []
    sign_in(qtbot, lock, "sam", team)
    qtbot.waitUntil(lambda: actions.damage_warning is not None
                    and actions.damage_warning.isVisible())
    assert warning_buttons(actions) == ["OK"]

    lock.lock(switching=True)  # unanswered, and someone else signs in: they are told
    assert not actions.damage_warning.isVisible()
    sign_in(qtbot, lock, "dana", team)
    qtbot.waitUntil(lambda: actions.damage_warning is not None
                    and actions.damage_warning.isVisible())
    assert "Restore from backup…" in warning_buttons(actions)
    actions.damage_warning.reject()
