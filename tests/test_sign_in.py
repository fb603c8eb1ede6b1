"""The sign-in pad and the owner's first start, driven by keyboard and touch, with a fake clock
for the pause after wrong PINs."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

import models
from models.audit import recent_events
from models.base import utcnow
from models.seeding.demo import DEMO_STAFF, add_demo_staff
from models.staff import (
    Actor,
    PermissionDenied,
    Role,
    SignedIn,
    add_staff,
    list_staff,
    needs_first_owner,
    signed_in_sessions,
)
from ui.sign_in.pad import SignInPad
from ui.sign_in.screen import SignInScreen, demo_pins_text
from vre_desktop.error_dialog import plain_message


class FakeClock:
    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def team(sessions: models.SessionFactory) -> dict[str, int]:
    """Dana (owner, 2468), Marco (shift lead, 1357) and Sam (clerk, 1111)."""
    with sessions.begin() as session:
        return {
            "dana": add_staff(session, "Dana", Role.OWNER, "2468"),
            "marco": add_staff(session, "Marco", Role.SHIFT_LEAD, "1357"),
            "sam": add_staff(session, "Sam", Role.CLERK, "1111"),
        }


@pytest.fixture
def counter_sessions(sessions: models.SessionFactory) -> models.SessionFactory:
    return signed_in_sessions(sessions, SignedIn())


@pytest.fixture
def pad(qtbot, counter_sessions, team, clock) -> SignInPad:
    widget = SignInPad(counter_sessions, clock=clock)
    qtbot.addWidget(widget)
    widget.reload()
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def type_pin_and_enter(qtbot, pad: SignInPad, pin: str) -> None:
    qtbot.keyClicks(pad.pin_edit, pin)
    qtbot.keyClick(pad.pin_edit, Qt.Key.Key_Return)


def test_the_pad_lists_the_team_with_roles_and_focuses_the_pin(qtbot, pad, team) -> None:
    assert [(p.name, p.role) for p in pad.staff] == [
        ("Dana", Role.OWNER), ("Marco", Role.SHIFT_LEAD), ("Sam", Role.CLERK)]
    names = [b.accessibleName() for b in pad.findChildren(type(pad._buttons[team["sam"]]))]
    assert sorted(names) == ["Dana, owner", "Marco, shift lead", "Sam, clerk"]
    assert pad.selected_id is None  # three people: nobody is guessed
    qtbot.waitUntil(pad.pin_edit.hasFocus)
    assert pad.pin_edit.echoMode() == pad.pin_edit.EchoMode.Password
    assert pad.objectName() == "signInPad" and pad.pin_edit.accessibleName() == "PIN"


def test_the_right_pin_signs_in(qtbot, pad, team) -> None:
    pad.select(team["sam"])
    qtbot.keyClicks(pad.pin_edit, "1111")
    assert pad.pin_edit.text() == "1111"
    with qtbot.waitSignal(pad.signed_in) as signed:
        qtbot.keyClick(pad.pin_edit, Qt.Key.Key_Return)
    assert signed.args == [Actor(team["sam"], "Sam", Role.CLERK)]
    assert pad.pin_edit.text() == ""  # never left behind for the next person


def test_a_wrong_pin_says_so_and_clears_the_field(qtbot, pad, team) -> None:
    pad.select(team["marco"])
    with qtbot.assertNotEmitted(pad.signed_in):
        type_pin_and_enter(qtbot, pad, "1111")
    assert pad.message.text() == "Wrong PIN. 4 more tries before the pad pauses."
    assert pad.message.property("state") == "error"
    assert pad.pin_edit.text() == ""
    qtbot.keyClicks(pad.pin_edit, "1")
    assert pad.message.text() == ""  # typing again clears the complaint


def test_only_digits_and_at_most_eight(qtbot, pad, team) -> None:
    pad.select(team["sam"])
    qtbot.keyClicks(pad.pin_edit, "12-34 56789")
    assert pad.pin_edit.text() == "12345678"


def test_choose_the_person_with_arrows_tab_or_the_first_letters(qtbot, pad, team) -> None:
    edit = pad.pin_edit
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    assert pad.selected_id == team["dana"]
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    assert pad.selected_id == team["marco"]
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert pad.selected_id == team["dana"]
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)  # wraps around to the first
    assert pad.selected_id == team["dana"]
    assert edit.hasFocus()  # Tab chose a person; the keyboard stayed in the PIN field
    qtbot.keyClicks(edit, "s")
    assert pad.selected_id == team["sam"]
    assert edit.text() == ""  # letters never go into the PIN
    assert pad.pin_for.text() == "PIN for Sam"
    qtbot.keyClicks(edit, "1111")
    with qtbot.waitSignal(pad.signed_in):
        qtbot.keyClick(edit, Qt.Key.Key_Enter)


def test_digits_typed_anywhere_on_the_pad_go_into_the_pin(qtbot, pad, team) -> None:
    pad.select(team["sam"])
    pad.setFocus()  # e.g. after a click beside the field
    qtbot.keyClick(pad, Qt.Key.Key_1)
    assert pad.pin_edit.text() == "1"
    assert pad.focusWidget() is pad.pin_edit  # and the next keys go straight there
    with qtbot.waitSignal(pad.signed_in):
        type_pin_and_enter(qtbot, pad, "111")


def test_touch_the_name_the_digits_and_ok(qtbot, pad, team) -> None:
    qtbot.mouseClick(pad._buttons[team["dana"]], Qt.MouseButton.LeftButton)
    for digit in "2469":
        qtbot.mouseClick(pad.digit_buttons[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pad.backspace_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pad.digit_buttons["8"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(pad.signed_in) as signed:
        qtbot.mouseClick(pad.ok_button, Qt.MouseButton.LeftButton)
    assert signed.args[0].name == "Dana"


def test_enter_without_a_name_or_a_pin_says_what_is_missing(qtbot, pad, team) -> None:
    type_pin_and_enter(qtbot, pad, "1111")
    assert pad.message.text() == "Choose your name first."
    pad.select(team["sam"])
    qtbot.keyClick(pad.pin_edit, Qt.Key.Key_Return)
    assert pad.message.text() == "Type your PIN, then press Enter."


def test_five_wrong_pins_pause_the_pad_for_30_seconds(qtbot, pad, team, clock) -> None:
    pad.select(team["marco"])
    for _ in range(4):
        type_pin_and_enter(qtbot, pad, "0000")
    assert not pad.is_waiting()
    type_pin_and_enter(qtbot, pad, "0000")
    assert pad.message.text() == "Wrong PIN. Too many wrong PINs: try again in 30 s."
    assert pad.is_waiting() and not pad.keys.isEnabled() and pad.pin_edit.isReadOnly()
    qtbot.keyClicks(pad.pin_edit, "1357")
    assert pad.pin_edit.text() == ""  # nothing can be typed while it waits
    with qtbot.assertNotEmitted(pad.signed_in):
        qtbot.keyClick(pad.pin_edit, Qt.Key.Key_Return)

    clock.advance(seconds=20)
    qtbot.waitUntil(lambda: pad.message.text().endswith("try again in 10 s."))
    assert pad.is_waiting()
    clock.advance(seconds=10)
    qtbot.waitUntil(pad.keys.isEnabled)  # the countdown ran out: the pad is back
    assert not pad.pin_edit.isReadOnly()
    assert pad.message.text() == "You can try your PIN again now."

    type_pin_and_enter(qtbot, pad, "0000")  # a sixth wrong PIN: twice as long
    assert pad.message.text() == "Wrong PIN. Too many wrong PINs: try again in 60 s."
    clock.advance(seconds=59)
    qtbot.wait(2 * 250)
    assert pad.is_waiting()
    clock.advance(seconds=1)
    qtbot.waitUntil(pad.keys.isEnabled)
    with qtbot.waitSignal(pad.signed_in) as signed:
        type_pin_and_enter(qtbot, pad, "1357")
    assert signed.args[0].name == "Marco"


def test_a_teammate_can_sign_in_while_another_waits(qtbot, pad, team) -> None:
    pad.select(team["marco"])
    for _ in range(5):
        type_pin_and_enter(qtbot, pad, "0000")
    assert pad.is_waiting()
    qtbot.keyClicks(pad.pin_edit, "s")  # Sam steps up
    assert not pad.is_waiting() and pad.keys.isEnabled()
    with qtbot.waitSignal(pad.signed_in):
        type_pin_and_enter(qtbot, pad, "1111")
    pad.select(team["marco"])  # Marco still waits
    assert pad.is_waiting()


def test_the_pause_survives_reopening_the_pad(qtbot, pad, team, counter_sessions,
                                              clock) -> None:
    pad.select(team["marco"])
    for _ in range(5):
        type_pin_and_enter(qtbot, pad, "0000")
    other = SignInPad(counter_sessions, clock=clock)  # e.g. after a restart
    qtbot.addWidget(other)
    other.reload(preselect=team["marco"])
    assert other.is_waiting() and other.seconds_to_wait() == 30


def test_a_lone_teammate_is_chosen_already(qtbot, sessions, counter_sessions, clock) -> None:
    with sessions.begin() as session:
        only = add_staff(session, "Dana", Role.OWNER, "2468")
    pad = SignInPad(counter_sessions, clock=clock)
    qtbot.addWidget(pad)
    pad.reload()
    assert pad.selected_id == only
    with qtbot.waitSignal(pad.signed_in):
        type_pin_and_enter(qtbot, pad, "2468")


def test_deactivated_teammates_are_not_offered(qtbot, sessions, pad, team) -> None:
    with sessions.begin() as session:
        models.staff.update_staff(session, team["sam"], active=False)
    pad.reload()
    assert [p.name for p in pad.staff] == ["Dana", "Marco"]


# ----- the first start ---------------------------------------------------------------------------


@pytest.fixture
def screen(qtbot, counter_sessions, clock) -> SignInScreen:
    widget = SignInScreen(counter_sessions, clock=clock)
    qtbot.addWidget(widget)
    widget.refresh()
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_new_database_asks_the_owner_to_create_their_account(
        qtbot, screen, sessions) -> None:
    page = screen.first_owner
    assert screen.pages.currentWidget() is page
    qtbot.waitUntil(page.name_edit.hasFocus)
    qtbot.keyClicks(page.name_edit, "  Dana   Brooks ")
    qtbot.keyClick(page.name_edit, Qt.Key.Key_Return)
    assert page.pin_edit.hasFocus()
    qtbot.keyClicks(page.pin_edit, "24")
    qtbot.keyClick(page.pin_edit, Qt.Key.Key_Return)
    qtbot.keyClick(page.again_edit, Qt.Key.Key_Return)
    assert page.errors() == ["A PIN has 4 to 8 digits."]
    assert page.pin_edit.hasFocus() and page.pin_edit.selectedText() == "24"
    qtbot.keyClicks(page.pin_edit, "2468")  # replaces what was selected
    qtbot.keyClicks(page.again_edit, "2469")
    qtbot.keyClick(page.again_edit, Qt.Key.Key_Return)
    assert page.errors() == ["The two PINs are not the same: type the PIN again."]
    assert page.again_edit.text() == "" and page.again_edit.hasFocus()
    with sessions() as session:
        assert needs_first_owner(session)  # nothing was created yet

    qtbot.keyClicks(page.again_edit, "2468")
    with qtbot.waitSignal(screen.signed_in) as signed:
        qtbot.keyClick(page.again_edit, Qt.Key.Key_Return)
    actor = signed.args[0]
    assert (actor.name, actor.role) == ("Dana Brooks", Role.OWNER)
    with sessions() as session:
        assert not needs_first_owner(session)
        [dana] = list_staff(session)
        assert dana.last_signed_in_at is not None  # signing in right away is a real sign-in
        assert [e.action for e in recent_events(session)][:2] == [
            "sign_in", "staff_added"]
    assert page.pin_edit.text() == "" and page.again_edit.text() == ""
    screen.refresh()
    assert screen.pages.currentWidget() is screen.pad  # from now on: the PIN pad


def test_the_first_owner_needs_a_name(qtbot, screen) -> None:
    page = screen.first_owner
    qtbot.keyClicks(page.pin_edit, "2468")
    qtbot.keyClicks(page.again_edit, "2468")
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    assert page.errors() == ["Enter your name."]


def test_a_database_with_an_owner_shows_the_pad(qtbot, screen, team) -> None:
    screen.refresh()
    assert screen.pages.currentWidget() is screen.pad
    assert not screen.demo_panel.isVisible()  # a real shop never shows PINs


def test_an_unreachable_database_says_so_and_retry_reads_the_team(
        qtbot, screen, team, monkeypatch) -> None:
    from sqlalchemy.exc import OperationalError

    import ui.sign_in.pad as pad_module
    from ui.sign_in.pad import UNREACHABLE

    def unreachable(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("SELECT", {}, Exception("unable to open database file"))

    monkeypatch.setattr(pad_module, "list_staff", unreachable)
    assert not screen.try_refresh(preselect=team["sam"])  # logged, not raised
    pad = screen.pad
    assert screen.pages.currentWidget() is pad and pad.unreachable
    assert pad.message.text() == UNREACHABLE
    assert UNREACHABLE.startswith("Can't reach the database")
    assert pad.retry_button.isVisible() and not pad.keys.isEnabled()
    qtbot.keyClicks(pad.pin_edit, "1111")
    assert pad.pin_edit.text() == ""  # nothing to sign in to yet
    qtbot.keyClick(pad.pin_edit, Qt.Key.Key_Return)  # Enter retries: still unreachable
    assert pad.unreachable and pad.message.text() == UNREACHABLE

    monkeypatch.setattr(pad_module, "list_staff", list_staff)  # the connection is back
    qtbot.mouseClick(pad.retry_button, Qt.MouseButton.LeftButton)
    assert not pad.unreachable and not pad.retry_button.isVisible()
    assert pad.keys.isEnabled() and pad.message.text() == ""
    assert [p.name for p in pad.staff] == ["Dana", "Marco", "Sam"]
    assert pad.selected_id == team["sam"]  # the one chosen before it failed
    with qtbot.waitSignal(screen.signed_in):
        type_pin_and_enter(qtbot, pad, "1111")


# ----- the demo shop -----------------------------------------------------------------------------


def test_the_demo_team_has_one_of_each_role_and_its_pins_are_shown(
        qtbot, sessions, counter_sessions) -> None:
    add_demo_staff(sessions)
    add_demo_staff(sessions)  # twice is harmless
    with sessions() as session:
        staff = list_staff(session)
    assert sorted(p.role for p in staff) == sorted(Role)
    triples = [(p.name, p.role.label, p.pin) for p in DEMO_STAFF]
    screen = SignInScreen(counter_sessions, demo_staff=triples)
    qtbot.addWidget(screen)
    screen.refresh()
    screen.show()
    panel = screen.findChild(QLabel, "demoPins")
    assert panel.isVisible()
    assert panel.text() == demo_pins_text(triples)
    assert panel.text().startswith("Demo shop — PINs: Dana (owner) 2468")
    marco = next(p for p in DEMO_STAFF if p.role == Role.SHIFT_LEAD)
    screen.pad.select(next(p.id for p in staff if p.name == marco.name))
    with qtbot.waitSignal(screen.signed_in) as signed:
        type_pin_and_enter(qtbot, screen.pad, marco.pin)
    assert signed.args[0].role == Role.SHIFT_LEAD


def test_create_counter_shows_demo_pins_only_for_the_demo(qtbot, database_url) -> None:
    from vre_desktop.app import create_counter

    real = create_counter(database_url, backups=False)
    demo = create_counter(database_url, demo=True, backups=False)
    for lock in (real, demo):
        qtbot.addWidget(lock.screen)
        lock.start()
    assert not real.screen.demo_panel.isVisible()
    assert demo.screen.demo_panel.isVisible()
    assert "Sam (clerk) 1111" in demo.screen.demo_panel.text()


# ----- refusals ----------------------------------------------------------------------------------


def test_a_refusal_escaping_a_slot_is_shown_as_its_own_sentence() -> None:
    refused = PermissionDenied("Seeing reports needs the owner (Sam is signed in as clerk).")
    assert plain_message(refused) == (
        "Seeing reports needs the owner (Sam is signed in as clerk).")
    assert plain_message(ValueError("boom")).startswith("Something went wrong")
