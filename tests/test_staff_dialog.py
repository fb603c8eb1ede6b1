"""Owner → Staff and PINs: add, change role, deactivate, new PIN, unlock; Change my PIN."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

import models
from models.staff import Role, SignedIn, add_staff, sign_in, signed_in_sessions
from tests.test_counter_window import open_dialog
from tests.test_sign_in import FakeClock, type_pin_and_enter
from ui.main_window import MainWindow
from ui.sign_in.pad import SignInPad
from ui.staff_dialog import ChangePinDialog, StaffDialog


@pytest.fixture
def team(sessions: models.SessionFactory) -> dict[str, int]:
    with sessions.begin() as session:
        return {
            "dana": add_staff(session, "Dana", Role.OWNER, "2468"),
            "sam": add_staff(session, "Sam", Role.CLERK, "1111"),
        }


@pytest.fixture
def holder() -> SignedIn:
    return SignedIn()


@pytest.fixture
def as_owner(sessions, holder, team) -> models.SessionFactory:
    counter = signed_in_sessions(sessions, holder)
    with counter.begin() as session:
        holder.actor = sign_in(session, team["dana"], "2468").actor
    return counter


@pytest.fixture
def dialog(qtbot, as_owner) -> StaffDialog:
    widget = StaffDialog(as_owner)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def rows(dialog: StaffDialog) -> list[tuple[str, ...]]:
    table = dialog.table
    return [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]


def add(qtbot, dialog: StaffDialog, name: str, role: Role, pin: str, again: str) -> None:
    qtbot.keyClicks(dialog.new_name_edit, name)
    dialog.new_role_combo.setCurrentIndex(dialog.new_role_combo.findData(role.value))
    qtbot.keyClicks(dialog.new_pin_edit, pin)
    qtbot.keyClicks(dialog.new_again_edit, again)
    qtbot.keyClick(dialog.new_again_edit, Qt.Key.Key_Return)


def pad_for(qtbot, sessions: models.SessionFactory) -> SignInPad:
    pad = SignInPad(signed_in_sessions(sessions, SignedIn()), clock=FakeClock())
    qtbot.addWidget(pad)
    pad.reload()
    return pad


def test_lists_the_team(dialog) -> None:
    assert rows(dialog) == [("Dana", "Owner", "Active"), ("Sam", "Clerk", "Active")]
    assert dialog.table.item(0, 3).text() != "never"  # Dana just signed in
    assert dialog.table.item(1, 3).text() == "never"


def test_the_owner_adds_a_clerk_who_can_then_sign_in(qtbot, dialog, sessions) -> None:
    add(qtbot, dialog, "Robin", Role.CLERK, "4321", "4321")
    assert dialog.message.text() == "✓ Added Robin as clerk. They sign in with their PIN."
    assert ("Robin", "Clerk", "Active") in rows(dialog)
    assert dialog.selected().name == "Robin"
    assert dialog.new_name_edit.text() == "" and dialog.new_pin_edit.text() == ""

    pad = pad_for(qtbot, sessions)
    qtbot.keyClicks(pad.pin_edit, "r")
    assert pad.selected_person().name == "Robin"
    with qtbot.waitSignal(pad.signed_in) as signed:
        type_pin_and_enter(qtbot, pad, "4321")
    assert (signed.args[0].name, signed.args[0].role) == ("Robin", Role.CLERK)


def test_adding_explains_what_is_wrong(qtbot, dialog) -> None:
    add(qtbot, dialog, "Robin", Role.CLERK, "4321", "4322")
    assert dialog.message.text() == "The two PINs are not the same: type the PIN again."
    dialog.new_name_edit.clear()
    dialog.new_pin_edit.clear()
    dialog.new_again_edit.clear()
    add(qtbot, dialog, "Robin", Role.CLERK, "43", "43")
    assert dialog.message.text() == "A PIN has 4 to 8 digits."
    dialog.new_name_edit.clear()
    dialog.new_pin_edit.clear()
    dialog.new_again_edit.clear()
    add(qtbot, dialog, "sam", Role.CLERK, "4321", "4321")  # from the service
    assert dialog.message.text() == "There is already a teammate called sam."
    assert len(rows(dialog)) == 2


def test_change_role_and_keep_one_owner(qtbot, dialog, team) -> None:
    dialog.select_name("Sam")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(Role.SHIFT_LEAD.value))
    qtbot.mouseClick(dialog.change_role_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "✓ Sam is now shift lead."
    assert ("Sam", "Shift lead", "Active") in rows(dialog)

    dialog.select_name("Dana")
    qtbot.mouseClick(dialog.active_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == ("The shop needs at least one active owner; "
                                     "make someone else owner first.")
    assert ("Dana", "Owner", "Active") in rows(dialog)


def test_deactivate_and_reactivate(qtbot, dialog, sessions) -> None:
    dialog.select_name("Sam")
    assert dialog.active_button.text() == "Deactivate"
    qtbot.mouseClick(dialog.active_button, Qt.MouseButton.LeftButton)
    assert ("Sam", "Clerk", "Deactivated") in rows(dialog)
    assert [p.name for p in pad_for(qtbot, sessions).staff] == ["Dana"]
    assert dialog.active_button.text() == "Reactivate"
    qtbot.mouseClick(dialog.active_button, Qt.MouseButton.LeftButton)
    assert [p.name for p in pad_for(qtbot, sessions).staff] == ["Dana", "Sam"]


def test_a_new_pin_for_someone_who_forgot_theirs(qtbot, dialog, sessions, team) -> None:
    dialog.select_name("Sam")
    qtbot.keyClicks(dialog.reset_pin_edit, "9876")
    qtbot.keyClicks(dialog.reset_again_edit, "9876")
    qtbot.keyClick(dialog.reset_again_edit, Qt.Key.Key_Return)
    assert dialog.message.text() == "✓ New PIN set for Sam."
    with sessions.begin() as session:
        assert sign_in(session, team["sam"], "1111").actor is None
        assert sign_in(session, team["sam"], "9876").actor is not None


def test_unlock_someone_who_mistyped_too_often(qtbot, dialog, sessions, team) -> None:
    with sessions.begin() as session:
        for _ in range(5):
            sign_in(session, team["sam"], "0000")
    dialog.reload()
    dialog.select_name("Sam")
    assert "locked until" in rows(dialog)[1][2]
    assert dialog.unlock_button.isEnabled()
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "✓ Sam can try their PIN again now."
    assert rows(dialog)[1][2] == "Active"
    assert not dialog.unlock_button.isEnabled()
    pad = pad_for(qtbot, sessions)
    pad.select(team["sam"])
    assert not pad.is_waiting()


def test_a_clerk_is_refused_by_the_services_in_plain_words(qtbot, sessions, team) -> None:
    holder = SignedIn()
    as_clerk = signed_in_sessions(sessions, holder)
    with as_clerk.begin() as session:
        holder.actor = sign_in(session, team["sam"], "1111").actor
    dialog = StaffDialog(as_clerk)
    qtbot.addWidget(dialog)
    add(qtbot, dialog, "Robin", Role.CLERK, "4321", "4321")
    assert dialog.message.text() == (
        "Managing staff and PINs needs the owner (Sam is signed in as clerk).")
    assert len(rows(dialog)) == 2


def test_change_my_pin(qtbot, sessions, team) -> None:
    holder = SignedIn()
    as_clerk = signed_in_sessions(sessions, holder)
    with as_clerk.begin() as session:
        holder.actor = sign_in(session, team["sam"], "1111").actor
    dialog = ChangePinDialog(as_clerk, team["sam"], name="Sam")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.current_edit, "1112")
    qtbot.keyClicks(dialog.new_edit, "5555")
    qtbot.keyClicks(dialog.again_edit, "5555")
    dialog.accept()
    assert dialog.error.text() == "Your current PIN is not right."
    assert dialog.isVisible()
    dialog.current_edit.setText("1111")
    dialog.again_edit.setText("5556")
    dialog.accept()
    assert dialog.error.text() == "The two PINs are not the same: type the PIN again."
    dialog.again_edit.setText("5555")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    with sessions.begin() as session:
        assert sign_in(session, team["sam"], "5555").actor is not None


def test_the_owner_menu_opens_staff_and_pins(qtbot, sessions, team) -> None:
    window = MainWindow(sessions)  # a plain factory acts with the owner's powers
    qtbot.addWidget(window)
    window.show()
    staff_action = window.findChild(QAction, "staffAction")
    assert staff_action in window.owner_menu.actions()
    assert staff_action.property("vre_permission") == "MANAGE_STAFF"
    staff_action.trigger()
    dialog = open_dialog(qtbot, window)
    assert isinstance(dialog, StaffDialog)
    assert [r[0] for r in rows(dialog)] == ["Dana", "Sam"]
    dialog.reject()
