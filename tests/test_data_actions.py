"""The data and privacy actions from the counter window: the menus and shortcuts open the right
dialogs for the selected regular, and the card follows what they changed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMenu, QPushButton

import models
from tests.test_problem_window import find
from ui.import_wizard import ImportWizard
from ui.main_window import MainWindow
from ui.merge_dialog import MergeDialog
from ui.privacy_dialog import ConsentDialog, ForgetDialog

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot, sessions) -> MainWindow:
    main = MainWindow(sessions)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def opened(qtbot, kind: type) -> object:
    found: list[object] = []

    def shown() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind)
                    and w.isVisible()]
        return bool(found)

    qtbot.waitUntil(shown)
    return found[0]


def test_every_data_action_is_in_a_menu_with_its_shortcut(window: MainWindow) -> None:
    texts = {a.objectName(): a.shortcut().toString()
             for menu in window.menuBar().findChildren(QMenu)
             for a in menu.actions()}
    assert texts["importAction"] == "Ctrl+I"
    assert texts["exportAction"] == "Ctrl+Shift+E"
    assert texts["consentAction"] == "Ctrl+Shift+P"
    assert texts["mergeAction"] == "Ctrl+M"
    assert "forgetAction" in texts and "exportCustomerAction" in texts


def test_ctrl_i_opens_the_import_wizard(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window.findChild(QLineEdit, "searchBox"), Qt.Key.Key_I, CTRL)
    wizard = opened(qtbot, ImportWizard)
    assert isinstance(wizard, ImportWizard)
    wizard.reject()


def test_do_not_remember_from_the_counter_updates_the_card(
    qtbot, window: MainWindow, add_customer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    add_customer(name="Zoe Park", phone="213 555 0142", usuals=["oat latte"], visits=2)
    search = find(window, "zoe")
    qtbot.keyClick(search, Qt.Key.Key_P, CTRL_SHIFT)
    dialog = opened(qtbot, ConsentDialog)
    assert isinstance(dialog, ConsentDialog)
    dialog.findChild(QLineEdit, "recordedByEdit").setText("Aisha")
    from PySide6.QtWidgets import QRadioButton

    dialog.findChild(QRadioButton, "consentDoNotRemember").setChecked(True)
    with qtbot.waitSignal(dialog.changed):
        dialog.findChild(QPushButton, "saveConsentButton").click()
    consent = window.findChild(QLabel, "consentLabel")
    qtbot.waitUntil(lambda: "Asked not to be remembered" in consent.text())
    assert "recorded by Aisha" in consent.text()
    assert not window.findChild(QPushButton, "logProblemButton").isEnabled()
    # Ctrl+P now explains instead of opening the problem form.
    qtbot.keyClick(window.findChild(QLineEdit, "searchBox"), Qt.Key.Key_P, CTRL)
    assert "asked not to be remembered" in window.findChild(QLabel, "toast").text()


def test_ctrl_m_merges_the_selected_regular_with_another(
    qtbot, window: MainWindow, add_customer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    keep = add_customer(name="Margaret Chen", visits=2)
    add_customer(name="Maggie Biscuit", visits=3)
    search = find(window, "margaret")
    qtbot.keyClick(search, Qt.Key.Key_M, CTRL)
    dialog = opened(qtbot, MergeDialog)
    assert isinstance(dialog, MergeDialog)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "mergeSearchEdit"), "biscuit")
    qtbot.keyClick(dialog.findChild(QLineEdit, "mergeSearchEdit"), Qt.Key.Key_Return)
    with qtbot.waitSignal(dialog.merged):
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return, CTRL)
    with window.sessions() as session:
        assert models.load_card(session, keep).visits == 5
    subtitle = window.findChild(QLabel, "greetSubtitle")
    qtbot.waitUntil(lambda: "5 visits" in subtitle.text())


def test_forget_from_the_menu_removes_them_from_the_results(
    qtbot, window: MainWindow, add_customer
) -> None:
    add_customer(name="Quill Feather", visits=1)
    find(window, "quill")
    window.data_actions.forget_action.trigger()
    dialog = opened(qtbot, ForgetDialog)
    assert isinstance(dialog, ForgetDialog)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "confirmEdit"), "Quill Feather")
    with qtbot.waitSignal(dialog.forgotten, timeout=20_000):
        dialog.findChild(QPushButton, "forgetButton").click()
    with window.sessions() as session:
        assert models.find_customers(session, "quill") == []
