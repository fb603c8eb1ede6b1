"""Logging a problem and how it was made right from the counter, with the keyboard alone; the
follow-ups and teammate lists; drafts that survive Esc and closing the app."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

import models
from tests.test_counter_window import card_text, open_dialog
from ui.last_time_box import LastTimeBox
from ui.main_window import MainWindow
from ui.problem_dialog import ProblemDialog
from ui.work_list_dialog import WorkListDialog

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot, sessions) -> MainWindow:
    main = MainWindow(sessions)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.fixture
def zoe(add_customer) -> int:
    return add_customer(name="Zoe Park", goes_by="Zoe", visits=2, usuals=["oat latte"])


def find(window: MainWindow, text: str) -> QLineEdit:
    search = window.findChild(QLineEdit, "searchBox")
    search.clear()
    from PySide6.QtTest import QTest

    QTest.keyClicks(search, text)
    QTest.keyClick(search, Qt.Key.Key_Return)
    return search


def problem_dialog(qtbot, window: MainWindow) -> ProblemDialog:
    dialog = open_dialog(qtbot, window)
    assert isinstance(dialog, ProblemDialog)
    return dialog


def focused(dialog: QWidget) -> str:
    widget = dialog.focusWidget()
    return widget.objectName() if widget else ""


def type_here(qtbot, dialog: QWidget, text: str) -> None:
    qtbot.keyClicks(dialog.focusWidget(), text)


def press(qtbot, dialog: QWidget, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(dialog.focusWidget(), key, modifier)


def test_log_a_problem_and_its_recovery_with_the_keyboard_alone(qtbot, window, zoe) -> None:
    search = find(window, "zoe")
    qtbot.keyClick(search, Qt.Key.Key_P, CTRL)
    dialog = problem_dialog(qtbot, window)
    assert focused(dialog) == "whatHappenedEdit"

    type_here(qtbot, dialog, "Oat latte came with dairy milk")
    press(qtbot, dialog, Qt.Key.Key_Tab)
    assert focused(dialog) == "subjectEdit"
    type_here(qtbot, dialog, "oat latte")
    press(qtbot, dialog, Qt.Key.Key_Return)  # Enter moves on; it never sends half a report
    assert focused(dialog) == "categoryCombo"
    type_here(qtbot, dialog, "Wrong")
    assert dialog.category.currentText() == "Wrong or remade order"
    for _ in range(3):  # severity, allergen, what they said
        press(qtbot, dialog, Qt.Key.Key_Tab)
    assert focused(dialog) == "customerWordsEdit"
    type_here(qtbot, dialog, "I can't have dairy")
    press(qtbot, dialog, Qt.Key.Key_Tab)
    type_here(qtbot, dialog, "a remake")  # fair fix
    for _ in range(5):  # when, handled by, apology, its details, remade
        press(qtbot, dialog, Qt.Key.Key_Tab)
    assert focused(dialog) == "actionCheck_remade"
    press(qtbot, dialog, Qt.Key.Key_Space)
    press(qtbot, dialog, Qt.Key.Key_Tab)
    type_here(qtbot, dialog, "with oat milk")
    press(qtbot, dialog, Qt.Key.Key_Return, CTRL)

    assert not dialog.isVisible()
    assert "Problem saved for Zoe" in window.findChild(QLabel, "toast").text()
    text = card_text(window)
    assert "Wrong or remade order" in text
    assert "Last visit the oat latte was wrong and we remade it" in text
    with window._sessions() as session:
        [problem] = models.list_problems(session)
    assert (problem.customer_id, problem.subject, problem.category) == (
        zoe, "oat latte", "Wrong or remade order")
    assert [(a.kind, a.details) for a in problem.actions] == [("remade", "with oat milk")]
    assert window.findChild(QLineEdit, "searchBox").hasFocus() or window.focusWidget() is \
        window.findChild(QLineEdit, "searchBox")


def test_missing_fields_are_named_beside_them_and_nothing_is_saved(qtbot, window, zoe) -> None:
    search = find(window, "zoe")
    qtbot.keyClick(search, Qt.Key.Key_P, CTRL)
    dialog = problem_dialog(qtbot, window)
    press(qtbot, dialog, Qt.Key.Key_Return, CTRL)
    assert dialog.isVisible()
    assert dialog.what_happened_error.isVisible()
    assert "what happened" in dialog.what_happened_error.text()
    assert dialog.category_error.isVisible()
    assert focused(dialog) == "whatHappenedEdit"
    dialog.findChild(QLineEdit, "actionCost_value_add").setText("lots")
    dialog.action_rows["value_add"].check.setChecked(True)
    press(qtbot, dialog, Qt.Key.Key_Return, CTRL)
    assert "not an amount" in dialog.actions_error.text()
    with window._sessions() as session:
        assert models.list_problems(session) == []


def test_esc_keeps_the_report_as_a_draft_that_is_offered_again(qtbot, window, zoe) -> None:
    search = find(window, "zoe")
    qtbot.keyClick(search, Qt.Key.Key_P, CTRL)
    dialog = problem_dialog(qtbot, window)
    type_here(qtbot, dialog, "Waited 20 minutes for a flat white")
    press(qtbot, dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert "Kept as a draft" in window.findChild(QLabel, "toast").text()
    with window._sessions() as session:
        assert models.list_problems(session) == []

    qtbot.keyClick(window.findChild(QLineEdit, "searchBox"), Qt.Key.Key_P, CTRL)
    again = problem_dialog(qtbot, window)
    assert again.draft_banner.isVisible()
    assert again.what_happened.toPlainText() == "Waited 20 minutes for a flat white"
    again.category.setCurrentIndex(again.category.findText("Wait time"))
    press(qtbot, again, Qt.Key.Key_Return, CTRL)
    with window._sessions() as session:
        assert len(models.list_problems(session)) == 1
        assert models.load_problem_draft(session, zoe) is None


def test_discarding_a_draft_forgets_it(qtbot, window, zoe) -> None:
    with window._sessions.begin() as session:
        models.save_problem_draft(session, zoe, models.ProblemReport(what_happened="oops"))
    search = find(window, "zoe")
    qtbot.keyClick(search, Qt.Key.Key_P, CTRL)
    dialog = problem_dialog(qtbot, window)
    qtbot.mouseClick(dialog.findChild(QPushButton, "discardDraftButton"),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    with window._sessions() as session:
        assert models.load_problem_draft(session, zoe) is None


def test_closing_the_app_mid_report_keeps_the_draft(qtbot, window, zoe) -> None:
    search = find(window, "zoe")
    qtbot.keyClick(search, Qt.Key.Key_P, CTRL)
    dialog = problem_dialog(qtbot, window)
    type_here(qtbot, dialog, "Card reader down, she had to leave")
    window.close()  # before the autosave timer fires
    with window._sessions() as session:
        draft = models.load_problem_draft(session, zoe)
    assert draft is not None
    assert draft[0].what_happened == "Card reader down, she had to leave"


def test_a_safety_problem_stands_out_on_the_card_even_a_year_later(
    qtbot, window, zoe, sessions
) -> None:
    with sessions.begin() as session:
        quality = next(c.id for c in models.list_categories(session)
                       if c.key == "product_quality")
        models.log_problem(session, zoe, models.ProblemReport(
            what_happened="Walnut in the banana bread", category_id=quality,
            allergen_or_illness=True,
            occurred_at=datetime.now(UTC) - timedelta(days=400)))
    find(window, "zoe")
    [box] = window.card.last_time_boxes
    assert isinstance(box, LastTimeBox)
    assert box.property("safety") is True
    assert box.headline.text().startswith("⚠ SAFETY")
    assert "allergies" in box.suggestion.text()


def test_follow_ups_badge_list_and_marking_one_done(qtbot, window, zoe, sessions) -> None:
    today = datetime.now(UTC).astimezone().date()
    with sessions.begin() as session:
        models.add_follow_up(session, zoe, "call about the grinder", today - timedelta(days=1))
        models.add_follow_up(session, zoe, "send the voucher", today + timedelta(days=4))
    window.refresh_work_counts()
    button = window.findChild(QPushButton, "followUpsButton")
    assert button.text() == "Follow-ups  1 due"

    qtbot.keyClick(window.findChild(QLineEdit, "searchBox"), Qt.Key.Key_F, CTRL_SHIFT)
    dialog = open_dialog(qtbot, window)
    assert isinstance(dialog, WorkListDialog)
    assert [item.cells[2] for item in dialog.items] == ["call about the grinder",
                                                        "send the voucher"]
    assert dialog.items[0].cells[0] == "1 day overdue" and dialog.items[0].urgent
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert focused(dialog) == "resultEdit"
    qtbot.keyClick(dialog.result_edit, Qt.Key.Key_Return)  # a result is required
    assert dialog.error.isVisible()
    qtbot.keyClicks(dialog.result_edit, "Works fine now")
    qtbot.keyClick(dialog.result_edit, Qt.Key.Key_Return)
    assert [item.cells[2] for item in dialog.items] == ["send the voucher"]
    assert button.text() == "Follow-ups"
    with sessions() as session:
        entries = models.load_timeline(session, zoe, kinds={"follow_up"})
    assert any(e.detail.endswith("Works fine now") for e in entries)


def test_teammate_check_ins_are_listed_apart_and_closed_by_name(
    qtbot, window, zoe, sessions
) -> None:
    with sessions.begin() as session:
        attitude = next(c.id for c in models.list_categories(session)
                        if c.key == "staff_attitude")
        models.log_problem(session, zoe, models.ProblemReport(
            what_happened="Shouted at the new barista", category_id=attitude,
            handled_by="Sam", teammate=models.TeammateEntry("Jo", "shaken up")))
    qtbot.keyClick(window.findChild(QLineEdit, "searchBox"), Qt.Key.Key_T, CTRL_SHIFT)
    dialog = open_dialog(qtbot, window)
    assert dialog.objectName() == "teammateCheckInsDialog"
    assert dialog.items[0].cells[1:4] == ("Jo", "shaken up", "Sam")
    qtbot.keyClick(dialog.by_edit, Qt.Key.Key_Return)  # who checked in is required
    assert "who checked in" in dialog.error.text()
    qtbot.keyClicks(dialog.by_edit, "Priya")
    qtbot.keyClick(dialog.by_edit, Qt.Key.Key_Return)
    assert dialog.items == []
    with sessions() as session:
        assert models.open_teammate_check_ins(session) == []


def test_editing_a_problem_resolves_it(qtbot, window, zoe, sessions) -> None:
    with sessions.begin() as session:
        wait = next(c.id for c in models.list_categories(session) if c.key == "wait_time")
        problem = models.log_problem(session, zoe, models.ProblemReport(
            what_happened="Slow at 8am", category_id=wait, handled_by="Sam",
            follow_up=models.FollowUpEntry("ask if mornings are better",
                                           date.today() + timedelta(days=2))))
    window.edit_problem(problem)
    dialog = problem_dialog(qtbot, window)
    assert dialog.what_happened.toPlainText() == "Slow at 8am"
    assert dialog.follow_up_check.isChecked()
    assert not dialog.draft_banner.isVisible()
    dialog.resolved.setChecked(True)
    dialog.outcome_buttons["happy"].setChecked(True)
    press(qtbot, dialog, Qt.Key.Key_Return, CTRL)
    with sessions() as session:
        [summary] = models.list_problems(session)
    assert (summary.status, summary.outcome) == ("resolved", "happy")
