"""The counter window, driven with the keyboard the way a clerk would mid-rush."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QPushButton, QWidget

import models
from ui.main_window import MainWindow
from vre_desktop.app import create_main_window


@pytest.fixture
def window(qtbot, database_url) -> MainWindow:
    main = create_main_window(database_url)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.fixture
def regulars(add_customer) -> dict[str, int]:
    return {
        "kate": add_customer(name="Katherine Smith", goes_by="Kate", visits=3,
                             usuals=["oat flat white"], allergies=["tree nuts"],
                             talking_points=["ask about the Lisbon trip"]),
        "kathleen": add_customer(name="Kathleen O'Brien", usuals=["double espresso"]),
        "biker": add_customer(description="tall, red fixie, double espresso", visits=1),
    }


def display_names(main: MainWindow) -> list[str]:
    model = main.findChild(QWidget, "resultsView").model()
    return [str(model.index(row, 0).data()) for row in range(model.rowCount())]


def card_text(main: MainWindow) -> str:
    card = main.findChild(QWidget, "greetingCard")
    assert card is not None
    return "\n".join(label.text() for label in card.findChildren(QLabel) if label.isVisible())


def open_dialog(qtbot, main: MainWindow) -> QDialog:
    def visible_dialog() -> QDialog | None:
        return next((d for d in main.findChildren(QDialog) if d.isVisible()), None)

    qtbot.waitUntil(lambda: visible_dialog() is not None)
    dialog = visible_dialog()
    assert dialog is not None
    return dialog


def click_ok(qtbot, dialog: QDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_search_box_has_focus_when_the_window_opens(qtbot, window) -> None:
    search = window.findChild(QLineEdit, "searchBox")
    qtbot.waitUntil(search.hasFocus)


def test_type_check_in_and_undo_like_a_clerk(qtbot, window, regulars) -> None:
    search = window.findChild(QLineEdit, "searchBox")
    qtbot.keyClicks(search, "kat")
    assert display_names(window)[0].endswith("Katherine Smith (Kate)")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert "Kate" in card_text(window)
    assert "3 visits" in card_text(window)
    assert "tree nuts" in card_text(window)  # the allergy is on the card

    qtbot.keyClick(search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "4 visits" in card_text(window)
    assert "Checked in Kate" in window.findChild(QLabel, "toast").text()
    with window._sessions() as session:
        assert models.load_card(session, regulars["kate"]).visits == 4
    assert search.hasFocus()

    qtbot.keyClick(search, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "3 visits" in card_text(window)
    with window._sessions() as session:
        assert models.load_card(session, regulars["kate"]).visits == 3
    assert search.text() == "kat"  # Ctrl+Z undid the visit, not the typing

    qtbot.keyClick(search, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert "4 visits" in card_text(window)  # redo: it was the right person after all


def test_check_in_button_logs_a_visit_for_the_selected_regular(qtbot, window, regulars) -> None:
    qtbot.keyClicks(window.findChild(QLineEdit, "searchBox"), "fixie")
    button = window.findChild(QPushButton, "checkInButton")
    qtbot.waitUntil(button.isVisible)  # the card follows once typing pauses
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert "2 visits" in card_text(window)


def test_a_single_match_shows_its_card_at_once(qtbot, window, regulars) -> None:
    qtbot.keyClicks(window.search_box, "kathleen")
    assert card_text(window).startswith("Kathleen")  # no pause needed: nobody else matches


def test_the_card_follows_the_top_result_once_typing_pauses(qtbot, window, regulars) -> None:
    qtbot.keyClicks(window.search_box, "kathl")
    qtbot.waitUntil(lambda: card_text(window).startswith("Kathleen"))
    assert "double espresso" in card_text(window)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert window.search_box.text() == ""


def test_arrows_move_enter_opens_and_escape_clears(qtbot, window, regulars) -> None:
    search = window.findChild(QLineEdit, "searchBox")
    qtbot.keyClicks(search, "kath")
    assert len(display_names(window)) == 2
    first = window.selected_match()
    qtbot.keyClick(search, Qt.Key.Key_Down)
    second = window.selected_match()
    assert first is not None and second is not None and second.id != first.id
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert card_text(window).startswith(second.goes_by or second.name.split()[0])
    qtbot.keyClick(search, Qt.Key.Key_Up)
    assert window.selected_match() == first
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert search.text() == ""


def test_no_match_says_so_and_offers_to_add(qtbot, window, regulars) -> None:
    qtbot.keyClicks(window.findChild(QLineEdit, "searchBox"), "zzzz")
    hint = window.no_results
    assert hint.isVisible()
    assert "Ctrl+N" in hint.text()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Find the regular first" in window.toast.text()


def test_new_regular_from_the_search_text_is_selected_afterwards(qtbot, window, regulars) -> None:
    search = window.findChild(QLineEdit, "searchBox")
    qtbot.keyClicks(search, "Marisol")
    qtbot.keyClick(search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(qtbot, window)
    name = dialog.findChild(QLineEdit, "nameEdit")
    assert name.text() == "Marisol"
    # The cursor waits after the name, unselected: "Marisol" + " Ortega" just works.
    qtbot.waitUntil(lambda: dialog.focusWidget() is name and not name.hasSelectedText())
    assert name.cursorPosition() == len("Marisol")
    qtbot.keyClicks(dialog.findChild(QLineEdit, "usualOrderEdit"), "cortado; banana bread")
    qtbot.keyClicks(dialog.findChild(QLineEdit, "allergiesEdit"), "dairy")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    selected = window.selected_match()
    assert selected is not None and selected.name == "Marisol"
    assert "cortado" in card_text(window)
    assert "dairy" in card_text(window)
    qtbot.waitUntil(search.hasFocus)


def test_a_description_alone_is_enough_for_a_new_regular(qtbot, window) -> None:
    qtbot.mouseClick(window.findChild(QPushButton, "newCustomerButton"), Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "descriptionEdit"), "green beanie, oat cortado")
    qtbot.keyClick(dialog.findChild(QLineEdit, "descriptionEdit"), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.selected_match().description == "green beanie, oat cortado"


def test_empty_and_invalid_input_get_a_message_beside_the_field(qtbot, window) -> None:
    qtbot.keyClick(window.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(qtbot, window)
    click_ok(qtbot, dialog)
    assert dialog.isVisible()
    errors = [e for e in dialog.findChildren(QLabel, "fieldError") if e.isVisible()]
    assert len(errors) == 1
    assert "name" in errors[0].text().lower()

    qtbot.keyClicks(dialog.findChild(QLineEdit, "nameEdit"), "Pat")
    qtbot.keyClicks(dialog.findChild(QLineEdit, "phoneEdit"), "12")
    qtbot.keyClicks(dialog.findChild(QLineEdit, "birthdayEdit"), "31/31")
    click_ok(qtbot, dialog)
    assert dialog.isVisible()
    shown = " ".join(e.text() for e in dialog.findChildren(QLabel, "fieldError") if e.isVisible())
    assert "digits" in shown and "birthday" in shown.lower()
    with window._sessions() as session:
        assert models.count_customers(session) == 0  # nothing half-saved
    dialog.reject()


def test_edit_from_the_card(qtbot, window, regulars) -> None:
    qtbot.keyClicks(window.search_box, "kathleen")
    qtbot.keyClick(window.search_box, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(qtbot, window)
    nickname = dialog.findChild(QLineEdit, "nicknameEdit")
    assert dialog.findChild(QLineEdit, "nameEdit").text() == "Kathleen O'Brien"
    qtbot.keyClicks(nickname, "Kat")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert card_text(window).startswith("Kat\n")
    assert "(Kat)" in display_names(window)[0]


def test_add_a_pinned_note_from_the_card(qtbot, window, regulars) -> None:
    qtbot.keyClicks(window.search_box, "fixie")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    qtbot.mouseClick(window.findChild(QPushButton, "addNoteButton"), Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.findChild(QWidget, "noteEdit"), "Name is Theo - ask about the race")
    dialog.findChild(QWidget, "pinCheck").setChecked(True)
    qtbot.keyClick(dialog.findChild(QWidget, "noteEdit"), Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert "Name is Theo - ask about the race" in card_text(window)
    window.search_box.clear()
    qtbot.keyClicks(window.search_box, "theo")
    assert "tall, red fixie, double espresso" in display_names(window)[0]


def test_first_run_screen_explains_what_to_do_then_gets_out_of_the_way(qtbot, window) -> None:
    welcome = window.findChild(QWidget, "welcomePage")
    assert welcome.isVisible()
    text = " ".join(label.text() for label in welcome.findChildren(QLabel))
    assert "Ctrl+N" in text and "Ctrl+Enter" in text and "search" in text
    qtbot.mouseClick(welcome.findChild(QPushButton), Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "nameEdit"), "Our First Regular")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not welcome.isVisible())
    assert window.findChild(QWidget, "resultsView").isVisible()
    assert "Our First Regular" in display_names(window)[0]


def test_key_widgets_have_object_and_accessible_names(window) -> None:
    for name in ("searchBox", "resultsView", "greetingCard", "checkInButton",
                 "newCustomerButton"):
        widget: Any = window.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name


def test_dialog_fields_have_object_and_accessible_names(qtbot, window) -> None:
    qtbot.keyClick(window.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(qtbot, window)
    for name in ("nameEdit", "nicknameEdit", "phoneEdit", "descriptionEdit", "usualOrderEdit",
                 "allergiesEdit"):
        field = dialog.findChild(QLineEdit, name)
        assert field is not None and field.accessibleName(), name
    dialog.reject()


def test_results_model_is_a_well_behaved_qt_model(qtmodeltester, window, regulars) -> None:
    window.search_box.setText("a")
    qtmodeltester.check(window.results_model)


@pytest.mark.parametrize(
    ("days_ago", "expected"),
    [(0, "today"), (1, "yesterday"), (3, "3d ago"), (20, "2 wk ago"), (100, "3 mo ago"),
     (400, "1 yr ago"), (800, "2 yr ago")],
)
def test_the_results_table_uses_a_compact_last_visit(days_ago, expected) -> None:
    from datetime import UTC, datetime, timedelta

    from ui.results_model import short_relative_day

    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    assert short_relative_day(now - timedelta(days=days_ago), now) == expected


def test_names_that_look_like_markup_are_shown_as_typed(qtbot, window, add_customer) -> None:
    add_customer(name="<b>Bold</b> Al", description="<img src=x> on a bike")
    qtbot.keyClicks(window.search_box, "bold")
    assert display_names(window) == ["<b>Bold</b> Al"]
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    toast = window.findChild(QLabel, "toast")
    assert toast.textFormat() == Qt.TextFormat.PlainText
    assert "<b>Bold</b>" in toast.text()
    assert card_text(window).startswith("<b>Bold</b>")
    tip = window.results_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;img src=x&gt;" in tip


def test_acting_right_after_typing_uses_the_person_being_shown(qtbot, window, regulars) -> None:
    qtbot.keyClicks(window.search_box, "kat")  # two matches: the card has not caught up …
    assert len(display_names(window)) == 2 and not card_text(window).startswith("Kate")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    # … so it is brought up to date first, and the visit goes to the one it shows.
    assert card_text(window).startswith("Kate")
    assert "4 visits" in card_text(window)


def test_an_old_check_in_cannot_be_undone_by_accident(qtbot, window, regulars) -> None:
    qtbot.keyClicks(window.search_box, "kathleen")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "1 visit" in card_text(window)
    window._undo_stack.command(0)._done_at -= 3600
    qtbot.keyClick(window.search_box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "so it stays" in window.toast.text()
    assert "1 visit" in card_text(window)
