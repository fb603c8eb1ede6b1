"""Shop settings, changed the way an owner would: type a number, press Enter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QSpinBox

import models
from ui.categories_dialog import CategoriesDialog
from ui.settings_dialog import SettingsDialog


@pytest.fixture
def dialog(qtbot, sessions) -> SettingsDialog:
    shown = SettingsDialog(sessions)
    qtbot.addWidget(shown)
    shown.open()
    qtbot.waitExposed(shown)
    return shown


def days_spin(dialog: QDialog) -> QSpinBox:
    found = dialog.findChild(QSpinBox, "lastTimeDaysSpin")
    assert found is not None
    return found


def saved_days(sessions: models.SessionFactory) -> int:
    with sessions() as session:
        return models.get_setting(session, models.LAST_TIME_DAYS)


def type_over(qtbot, spin: QSpinBox, text: str) -> None:
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, text)


def visible_errors(dialog: QDialog) -> list[str]:
    return [e.text() for e in dialog.findChildren(QLabel, "fieldError") if e.isVisible()]


def test_shows_the_current_value_and_explains_it(qtbot, dialog) -> None:
    spin = days_spin(dialog)
    assert spin.value() == models.LAST_TIME_DAYS.default == 90
    assert spin.suffix() == " days"
    assert (spin.minimum(), spin.maximum()) == (1, 3650)
    assert spin.accessibleName()
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "safety problems always show" in text
    qtbot.waitUntil(lambda: dialog.focusWidget() is spin)  # ready to type


def test_type_a_number_and_press_enter_to_save(qtbot, dialog, sessions) -> None:
    type_over(qtbot, days_spin(dialog), "120")
    qtbot.keyClick(days_spin(dialog), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert saved_days(sessions) == 120


def test_a_saved_value_is_shown_next_time(qtbot, sessions) -> None:
    with sessions.begin() as session:
        models.set_setting(session, models.LAST_TIME_DAYS, 365)
    shown = SettingsDialog(sessions)
    qtbot.addWidget(shown)
    assert days_spin(shown).value() == 365


def test_cancel_changes_nothing(qtbot, dialog, sessions) -> None:
    type_over(qtbot, days_spin(dialog), "7")
    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Cancel),
                     Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert saved_days(sessions) == 90


def test_zero_days_gets_a_message_instead_of_quietly_saving_the_old_value(
    qtbot, dialog, sessions
) -> None:
    type_over(qtbot, days_spin(dialog), "0")
    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert visible_errors(dialog) == ["Days a problem stays on the card must be between 1 and "
                                      "3,650."]
    assert saved_days(sessions) == 90
    type_over(qtbot, days_spin(dialog), "30")
    assert visible_errors(dialog) == []
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert saved_days(sessions) == 30


def test_the_categories_open_from_here(qtbot, dialog, sessions) -> None:
    button = dialog.findChild(QPushButton, "manageCategoriesButton")
    assert button.text().replace("&", "") == "Problem categories…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    categories = dialog.findChild(CategoriesDialog)
    assert categories is not None
    qtbot.waitExposed(categories)
    edit = categories.findChild(type(categories.name_edit), "categoryNameEdit")
    qtbot.keyClicks(edit, "Equipment failure")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    with sessions() as session:
        assert models.list_categories(session)[-1].name == "Equipment failure"
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert not categories.isVisible()
    assert dialog.isVisible()  # back to the settings, nothing else closed


def test_opening_the_categories_twice_reuses_one_window(qtbot, dialog) -> None:
    button = dialog.findChild(QPushButton, "manageCategoriesButton")
    for _ in range(2):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        categories = dialog.findChild(CategoriesDialog)
        qtbot.waitExposed(categories)
        categories.reject()
    assert len(dialog.findChildren(CategoriesDialog)) == 1
