"""Problem categories, managed the way an owner would: type, click, read the list."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QTreeView

import models
from ui.categories_dialog import CategoriesDialog
from ui.theme import LIGHT

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture
def dialog(qtbot, sessions) -> CategoriesDialog:
    shown = CategoriesDialog(sessions)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


@pytest.fixture
def wait_time_problem(sessions, add_customer) -> int:
    customer = add_customer(name="Ana Lima")
    with sessions() as session:
        wait = next(c.id for c in models.list_categories(session) if c.key == "wait_time")
    with sessions.begin() as session:
        return models.log_problem(session, customer, models.ProblemReport(
            what_happened="Waited 15 minutes", category_id=wait), now=NOW)


def view(dialog: CategoriesDialog) -> QTreeView:
    found = dialog.findChild(QTreeView, "categoriesView")
    assert found is not None
    return found


def shown_rows(dialog: CategoriesDialog) -> list[tuple[str, str, str]]:
    model = view(dialog).model()

    def cell(row: int, column: int) -> str:
        return str(model.index(row, column).data() or "")

    return [(cell(row, 0), cell(row, 1), cell(row, 2)) for row in range(model.rowCount())]


def row_of(dialog: CategoriesDialog, name: str) -> int:
    return next(i for i, row in enumerate(shown_rows(dialog)) if row[0] == name)


def choose(qtbot, dialog: CategoriesDialog, name: str) -> None:
    tree = view(dialog)
    rect = tree.visualRect(tree.model().index(row_of(dialog, name), 0))
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def button(dialog: CategoriesDialog, object_name: str) -> QPushButton:
    found = dialog.findChild(QPushButton, object_name)
    assert found is not None
    return found


def name_edit(dialog: CategoriesDialog) -> QLineEdit:
    found = dialog.findChild(QLineEdit, "categoryNameEdit")
    assert found is not None
    return found


def error_text(dialog: CategoriesDialog) -> str:
    error = dialog.findChild(QLabel, "fieldError")
    assert error is not None
    return error.text() if error.isVisible() else ""


def saved_names(sessions: models.SessionFactory, *, include_retired: bool = False) -> list[str]:
    with sessions() as session:
        return [c.name for c in models.list_categories(session, include_retired=include_retired)]


def test_lists_every_category_with_its_problem_count(wait_time_problem, dialog, sessions) -> None:
    rows = shown_rows(dialog)
    assert [name for name, _count, _state in rows] == saved_names(sessions)
    assert rows[row_of(dialog, "Wait time")] == ("Wait time", "1", "")
    assert rows[row_of(dialog, "Training gap")] == ("Training gap", "0", "")
    assert view(dialog).accessibleName()
    intro = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "past problems keep it" in intro


def test_type_a_name_and_press_enter_to_add_it(qtbot, dialog, sessions) -> None:
    edit = name_edit(dialog)
    qtbot.waitUntil(lambda: dialog.focusWidget() is edit)
    qtbot.keyClicks(edit, "Equipment failure")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert dialog.isVisible()  # Enter added; it did not close the dialog
    assert shown_rows(dialog)[-1] == ("Equipment failure", "0", "")
    assert saved_names(sessions)[-1] == "Equipment failure"
    assert edit.text() == ""  # ready for the next one
    assert view(dialog).currentIndex().row() == len(shown_rows(dialog)) - 1


def test_the_add_button_adds_too(qtbot, dialog, sessions) -> None:
    qtbot.keyClicks(name_edit(dialog), "Noise")
    qtbot.mouseClick(button(dialog, "addCategoryButton"), Qt.MouseButton.LeftButton)
    assert "Noise" in saved_names(sessions)


def test_an_empty_or_taken_name_gets_a_message_and_nothing_is_saved(
    qtbot, dialog, sessions
) -> None:
    before = saved_names(sessions, include_retired=True)
    qtbot.mouseClick(button(dialog, "addCategoryButton"), Qt.MouseButton.LeftButton)
    assert error_text(dialog) == "Give the category a name."

    qtbot.keyClicks(name_edit(dialog), "wait TIME")
    assert error_text(dialog) == ""  # typing clears the old message
    qtbot.keyClick(name_edit(dialog), Qt.Key.Key_Return)
    assert "already a category" in error_text(dialog)
    assert "Traceback" not in error_text(dialog)
    assert saved_names(sessions, include_retired=True) == before


def test_rename_the_chosen_category_everywhere(
    qtbot, wait_time_problem, dialog, sessions
) -> None:
    assert not button(dialog, "renameCategoryButton").isEnabled()  # nothing chosen yet
    choose(qtbot, dialog, "Wait time")
    qtbot.keyClicks(name_edit(dialog), "Slow service")
    qtbot.mouseClick(button(dialog, "renameCategoryButton"), Qt.MouseButton.LeftButton)
    assert "Wait time" not in [row[0] for row in shown_rows(dialog)]
    assert shown_rows(dialog)[row_of(dialog, "Slow service")] == ("Slow service", "1", "")
    with sessions() as session:
        [problem] = models.list_problems(session)
    assert problem.category == "Slow service"  # the old problem follows the new name


def test_retire_greys_it_out_keeps_old_problems_and_bring_back_undoes_it(
    qtbot, wait_time_problem, dialog, sessions
) -> None:
    choose(qtbot, dialog, "Wait time")
    retire = button(dialog, "retireCategoryButton")
    assert retire.text().replace("&", "") == "Retire"
    qtbot.mouseClick(retire, Qt.MouseButton.LeftButton)

    row = row_of(dialog, "Wait time")
    assert shown_rows(dialog)[row] == ("Wait time", "1", "retired")
    model = view(dialog).model()
    assert model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole) == QColor(LIGHT.muted)
    assert retire.text().replace("&", "") == "Bring back"
    assert "Wait time" not in saved_names(sessions)  # not offered for new problems …
    with sessions() as session:
        [problem] = models.list_problems(session)
    assert problem.category == "Wait time"  # … but history keeps it

    qtbot.mouseClick(retire, Qt.MouseButton.LeftButton)
    assert shown_rows(dialog)[row_of(dialog, "Wait time")][2] == ""
    assert "Wait time" in saved_names(sessions)
    assert retire.text().replace("&", "") == "Retire"


def test_other_cannot_be_retired_and_says_why(qtbot, dialog, sessions) -> None:
    choose(qtbot, dialog, "Other")
    qtbot.mouseClick(button(dialog, "retireCategoryButton"), Qt.MouseButton.LeftButton)
    assert "cannot be retired" in error_text(dialog)
    assert "Other" in saved_names(sessions)


def test_a_category_removed_meanwhile_is_reported_not_raised(
    qtbot, dialog, sessions, monkeypatch
) -> None:
    choose(qtbot, dialog, "Training gap")

    def gone(*_args: object) -> None:
        raise models.NotFoundError("That category was deleted.")

    monkeypatch.setattr(models, "rename_category", gone)
    qtbot.keyClicks(name_edit(dialog), "Coaching")
    qtbot.mouseClick(button(dialog, "renameCategoryButton"), Qt.MouseButton.LeftButton)
    assert error_text(dialog) == "That category was deleted."


def test_names_that_look_like_markup_are_shown_as_typed(qtbot, dialog, sessions) -> None:
    qtbot.keyClicks(name_edit(dialog), "<b>Loud</b> music")
    qtbot.keyClick(name_edit(dialog), Qt.Key.Key_Return)
    assert shown_rows(dialog)[-1][0] == "<b>Loud</b> music"
    error = dialog.findChild(QLabel, "fieldError")
    assert error.textFormat() == Qt.TextFormat.PlainText


def test_escape_closes(qtbot, dialog) -> None:
    qtbot.keyClick(name_edit(dialog), Qt.Key.Key_Escape)
    assert not dialog.isVisible()
