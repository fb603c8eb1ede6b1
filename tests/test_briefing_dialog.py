"""The shift briefing window, driven from the counter with the keyboard; handover notes and
who wrote what, as the card shows them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QListView, QWidget

import models
from models import ProblemReport
from models.staff import Actor, Role, SignedIn, signed_in_sessions
from ui.briefing_dialog import DETAIL_ROLE, EMPTY, HEADING, ROW_KIND_ROLE, BriefingDialog
from ui.main_window import MainWindow
from vre_desktop.app import ensure_application

TODAY = date(2026, 3, 4)  # a Wednesday
NOW = datetime.combine(TODAY, time(10)).astimezone()


@pytest.fixture
def window(qtbot, sessions) -> MainWindow:
    ensure_application()  # the shop's theme, as the app has it
    main = MainWindow(sessions, clock=lambda: NOW)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.fixture
def shop(sessions, add_customer) -> dict[str, int]:
    """An overdue follow-up, a teammate to check on, a handover note, a birthday today and a
    Wednesday regular with an open problem."""
    ana = add_customer(name="Ana Lima")
    kate = add_customer(name="Katherine Smith", goes_by="Kate", birthday_month=3,
                        birthday_day=4)
    wendy = add_customer(name="Wendy Wednesday")
    sam = signed_in_sessions(sessions, SignedIn(Actor(None, "Sam", Role.SHIFT_LEAD)))
    with sam.begin() as session:
        models.add_follow_up(session, ana, "call about the beans", TODAY - timedelta(days=1))
        models.flag_teammate(session, "Priya", "rude customer at close")
        models.add_note(session, ana, "Her card was declined, she will pay tomorrow",
                        kind="handover", now=NOW - timedelta(hours=2))
        for week in (1, 2, 3):
            models.check_in(session, wendy, at=NOW - timedelta(weeks=week, hours=1))
        category = next(c.id for c in models.list_categories(session) if c.key == "wait_time")
        models.log_problem(session, wendy, ProblemReport(
            what_happened="Waited 15 minutes", category_id=category,
            occurred_at=NOW - timedelta(days=3)), now=NOW - timedelta(days=3))
    return {"ana": ana, "kate": kate, "wendy": wendy}


def open_briefing(qtbot, main: MainWindow) -> BriefingDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in main.findChildren(BriefingDialog)))
    return next(d for d in main.findChildren(BriefingDialog) if d.isVisible())


def list_view(dialog: QDialog) -> QListView:
    found = dialog.findChild(QListView, "briefingView")
    assert found is not None
    return found


def shown_rows(dialog: QDialog) -> list[tuple[str, str]]:
    """(kind, text) top to bottom; an entry's text is its title and its detail."""
    model = list_view(dialog).model()
    rows = []
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        kind = str(index.data(ROW_KIND_ROLE))
        text = str(index.data())
        if index.data(DETAIL_ROLE):
            text += "\n" + str(index.data(DETAIL_ROLE))
        rows.append((kind, text))
    return rows


def card_text(main: MainWindow) -> str:
    card = main.findChild(QWidget, "greetingCard")
    text = "\n".join(label.text() for label in card.findChildren(QLabel) if label.isVisible())
    return text.replace("\u00a0", " ")  # a note's signature is held together by these


def test_ctrl_b_opens_the_briefing_from_the_search_box(qtbot, window) -> None:
    matching = [a for a in window.actions()
                if QKeySequence("Ctrl+B") in a.shortcuts()]
    assert [a.objectName() for a in matching] == ["briefingAction"]  # no clash
    assert matching[0].property("vre_permission") is None  # everyone may open it
    qtbot.waitUntil(window.search_box.hasFocus)
    qtbot.keyClick(window.search_box, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    dialog = open_briefing(qtbot, window)
    assert dialog.windowTitle() == "Shift briefing"
    assert window.search_box.text() == ""  # the key did not type a "b"


def test_the_sections_show_the_hand_built_entries(qtbot, window, shop) -> None:
    window.show_briefing()
    dialog = open_briefing(qtbot, window)
    rows = shown_rows(dialog)
    headings = [text for kind, text in rows if kind == HEADING]
    assert headings == ["Follow-ups due (1)", "Teammates to check on (1)",
                        "Notes from the last shift (1)", "Birthdays (1)",
                        "Open problems, likely in today (1)"]
    texts = "\n".join(text for _kind, text in rows)
    assert "Ana: call about the beans\n1 day overdue · set by Sam" in texts
    assert "Check on Priya: rude customer at close" in texts
    assert "Ana\n“Her card was declined, she will pay tomorrow” — Sam · today" in texts
    assert "Kate\nBirthday today!" in texts
    assert ("Wendy — in on 3 of the last 8 Wednesdays\n"
            "Open: Wait time (minor, 3 days ago, logged by Sam)") in texts
    assert dialog.summary.text() == (
        "1 follow-up due, 1 teammate to check on, 1 note from the last shift, 1 birthday, "
        "1 regular with an open problem likely in.")
    assert "Shift briefing — Wednesday 4 March" in [
        label.text() for label in dialog.findChildren(QLabel)]


def test_an_empty_briefing_says_so_in_each_section(qtbot, window) -> None:
    window.show_briefing()
    dialog = open_briefing(qtbot, window)
    empties = [text for kind, text in shown_rows(dialog) if kind == EMPTY]
    assert empties[0] == "No follow-ups due."
    assert len(empties) == 5
    assert not dialog.open_button.isEnabled()
    qtbot.keyClick(list_view(dialog), Qt.Key.Key_Return)  # nothing to open: nothing happens
    assert dialog.isVisible()


def test_arrows_skip_headings_and_enter_opens_the_regulars_card(qtbot, window, shop) -> None:
    qtbot.keyClick(window.search_box, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    dialog = open_briefing(qtbot, window)
    view = list_view(dialog)
    qtbot.waitUntil(lambda: dialog.focusWidget() is view)
    seen = []
    for _ in range(6):
        entry = dialog.current_entry()
        assert entry is not None  # never a heading or an "empty" line
        seen.append(entry.title)
        qtbot.keyClick(view, Qt.Key.Key_Down)
    wendy = "Wendy — in on 3 of the last 8 Wednesdays"
    assert seen[:5] == ["Ana: call about the beans", "Check on Priya: rude customer at close",
                        "Ana", "Kate", wendy]
    assert seen[5] == wendy  # the last entry stays current

    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert dialog.current_entry().title == "Kate"
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert card_text(window).startswith("Kate")
    assert window.selected_match().id == shop["kate"]
    assert window.search_box.hasFocus()


def test_enter_on_a_teammate_says_where_check_ins_are(qtbot, window, shop) -> None:
    window.show_briefing()
    dialog = open_briefing(qtbot, window)
    view = list_view(dialog)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert dialog.current_entry().customer_id is None
    assert not dialog.open_button.isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.hint.isVisible() and "Ctrl+Shift+T" in dialog.hint.text()


def test_escape_closes_and_the_keyboard_returns_to_the_search_box(qtbot, window, shop) -> None:
    window.show_briefing()
    dialog = open_briefing(qtbot, window)
    qtbot.keyClick(list_view(dialog), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(window.search_box.hasFocus)


def test_showing_the_briefing_again_keeps_one_window(qtbot, window, shop) -> None:
    window.show_briefing()
    first = open_briefing(qtbot, window)
    window.show_briefing()  # a shift lead signs in while it is still open
    assert [d for d in window.findChildren(BriefingDialog) if d.isVisible()] == [first]


def test_a_handover_note_from_the_note_dialog_is_in_the_briefing_and_on_the_card(
    qtbot, sessions, shop
) -> None:
    window = MainWindow(sessions)  # the real clock: the note is written now
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.keyClicks(window.search_box, "wendy")
    qtbot.keyClick(window.search_box, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.findChild(QDialog, "noteDialog") is not None)
    dialog = window.findChild(QDialog, "noteDialog")
    qtbot.waitUntil(dialog.isVisible)
    check = dialog.findChild(QWidget, "handoverCheck")
    assert check.accessibleName() == "For the next shift (handover)"
    assert "&h" in check.text().lower()  # Alt+H
    note = dialog.findChild(QWidget, "noteEdit")
    qtbot.keyClicks(note, "Her replacement latte is on the house")
    check.setChecked(True)
    qtbot.keyClick(note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    assert "➜ FOR NEXT SHIFT: Her replacement latte is on the house  — command line" in (
        card_text(window))  # a plain session acts as the owner's script

    qtbot.keyClick(window.search_box, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    briefing = open_briefing(qtbot, window)
    [entry] = [e for e in briefing.briefing.section("handover").entries
               if e.customer_id == shop["wendy"]]
    assert entry.detail.startswith("“Her replacement latte is on the house” — command line")
    texts = [text for _kind, text in shown_rows(briefing)]
    assert f"Wendy\n{entry.detail}" in texts


def test_a_notes_author_and_time_show_on_the_card(qtbot, sessions, window, add_customer) -> None:
    kate = add_customer(name="Katherine Smith", goes_by="Kate")
    sam = signed_in_sessions(sessions, SignedIn(Actor(None, "Sam", Role.CLERK)))
    with sam.begin() as session:
        models.add_note(session, kate, "Back from Lisbon in May", now=NOW - timedelta(days=2))
        models.add_note(session, kate, "Pays with exact change", pinned=True,
                        now=NOW - timedelta(days=20))
    qtbot.keyClicks(window.search_box, "kate")
    text = card_text(window)
    assert "• Back from Lisbon in May  — Sam · 2 days ago" in text
    assert "★ Pays with exact change  — Sam · 2 weeks ago" in text


def test_a_problem_on_the_card_says_who_logged_and_handled_it(
    qtbot, sessions, window, add_customer
) -> None:
    kate = add_customer(name="Katherine Smith", goes_by="Kate")
    jo = signed_in_sessions(sessions, SignedIn(Actor(None, "Jo", Role.CLERK)))
    with jo.begin() as session:
        category = next(c.id for c in models.list_categories(session) if c.key == "wait_time")
        models.log_problem(session, kate, ProblemReport(
            what_happened="Waited 15 minutes", category_id=category, handled_by="Priya",
            occurred_at=NOW - timedelta(days=1)), now=NOW - timedelta(days=1))
    qtbot.keyClicks(window.search_box, "kate")
    [box] = window.card.last_time_boxes
    assert box.who.text() == "Logged by Jo · handled by Priya"
    qtbot.waitUntil(lambda: "Logged by Jo · handled by Priya" in card_text(window))
