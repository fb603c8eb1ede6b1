"""A regular's timeline, read and filtered the way someone at the counter would."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QPushButton, QTreeView

import models
from models import ActionEntry, FollowUpEntry, ProblemReport
from ui.theme import LIGHT
from ui.timeline_dialog import TimelineDialog, when_text

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def category_id(sessions: models.SessionFactory, key: str) -> int:
    with sessions() as session:
        return next(c.id for c in models.list_categories(session, include_retired=True)
                    if c.key == key)


@pytest.fixture
def story(sessions, add_customer) -> dict[str, int]:
    """Kate: two visits, a note, a safety problem made right with a follow-up, a minor one."""
    kate = add_customer(name="Katherine Smith", goes_by="Kate")
    with sessions.begin() as session:
        models.check_in(session, kate, at=NOW - timedelta(days=30), items="oat flat white")
        models.check_in(session, kate, at=NOW - timedelta(days=1))
        models.add_note(session, kate, "Back from Lisbon in May\nask about the tiles",
                        now=NOW - timedelta(days=10))
    safety_report = ProblemReport(
        what_happened="Oat latte came with dairy milk", subject="oat latte",
        category_id=category_id(sessions, "product_quality"), allergen_or_illness=True,
        occurred_at=NOW - timedelta(days=5), handled_by="Sam",
        actions=[ActionEntry("refund", "full refund", 550)],
        follow_up=FollowUpEntry("Call to check she is OK", date(2026, 11, 17)),
    )
    minor_report = ProblemReport(
        what_happened="Waited 15 minutes for a cortado", subject="cortado",
        category_id=category_id(sessions, "wait_time"), occurred_at=NOW - timedelta(days=20),
    )
    with sessions.begin() as session:
        safety = models.log_problem(session, kate, safety_report, now=NOW - timedelta(days=5))
        minor = models.log_problem(session, kate, minor_report, now=NOW - timedelta(days=20))
    return {"kate": kate, "safety": safety, "minor": minor}


@pytest.fixture
def open_timeline(qtbot, sessions):
    def open_(customer_id: int, **kwargs: object) -> TimelineDialog:
        dialog = TimelineDialog(sessions, customer_id, title="Kate — timeline",
                                clock=lambda: NOW, **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(dialog)
        dialog.open()
        qtbot.waitExposed(dialog)
        return dialog

    return open_


def view(dialog: QDialog) -> QTreeView:
    found = dialog.findChild(QTreeView, "timelineView")
    assert found is not None
    return found


def rows(dialog: QDialog) -> list[tuple[str, str]]:
    """(when, what) as shown, top to bottom."""
    model = view(dialog).model()
    return [(str(model.index(row, 0).data()), str(model.index(row, 1).data()))
            for row in range(model.rowCount())]


def titles(dialog: QDialog) -> list[str]:
    return [what.split("\n")[0] for _when, what in rows(dialog)]


def filter_box(dialog: QDialog, kind: str) -> QCheckBox:
    found = dialog.findChild(QCheckBox, f"timelineFilter_{kind}")
    assert found is not None
    return found


def click(qtbot, widget) -> None:
    # At the left edge: a QCheckBox only toggles when its box or label is hit.
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def move_to(qtbot, dialog: QDialog, title_start: str) -> None:
    """Arrow down from the top until the current entry's title starts with ``title_start``."""
    tree = view(dialog)
    qtbot.keyClick(tree, Qt.Key.Key_Home)
    for _ in range(tree.model().rowCount()):
        if str(tree.currentIndex().siblingAtColumn(1).data()).startswith(title_start):
            return
        qtbot.keyClick(tree, Qt.Key.Key_Down)
    pytest.fail(f"no entry starting with {title_start!r}")


def test_everything_is_shown_newest_first_with_date_relative_day_and_detail(
    open_timeline, story
) -> None:
    dialog = open_timeline(story["kate"])
    assert titles(dialog) == [
        "Visit",
        # At the same moment, what was done about a problem comes above it.
        "Follow-up set, due Tue 17 Nov 2026",
        "Made right: Refund (cost 5.50)",
        "⚠ Problem: Product quality — oat latte (Safety, open)",
        "Note",
        "Problem: Wait time — cortado (Minor, open)",
        "Visit",
    ]
    when, what = rows(dialog)[-1]
    assert when == f"{when_text(NOW - timedelta(days=30))}\n4 weeks ago"
    assert what == "Visit\noat flat white"
    assert rows(dialog)[0][0].endswith("\nyesterday")
    note = next(what for _when, what in rows(dialog) if what.startswith("Note"))
    assert note == "Note\nBack from Lisbon in May\nask about the tiles"  # lines kept
    assert "They said" not in note


def test_the_date_is_local_time_in_a_readable_form() -> None:
    moment = datetime(2026, 11, 19, 14, 5).astimezone()  # 14:05 on the counter's clock
    assert when_text(moment) == "Thu 19 Nov 2026 14:05"
    assert when_text(moment.astimezone(UTC)) == "Thu 19 Nov 2026 14:05"


def test_safety_problems_stand_out_in_red_and_others_do_not(open_timeline, story) -> None:
    dialog = open_timeline(story["kate"])
    model = view(dialog).model()
    red = QColor(LIGHT.alert)
    by_title = {str(model.index(row, 1).data()).split("\n")[0]: row
                for row in range(model.rowCount())}
    safety_row = by_title["⚠ Problem: Product quality — oat latte (Safety, open)"]
    for column in (0, 1):
        assert model.index(safety_row, column).data(Qt.ItemDataRole.ForegroundRole) == red
    minor_row = by_title["Problem: Wait time — cortado (Minor, open)"]
    assert model.index(minor_row, 1).data(Qt.ItemDataRole.ForegroundRole) is None


def test_filters_hide_and_show_kinds_and_show_all_resets(qtbot, open_timeline, story) -> None:
    dialog = open_timeline(story["kate"])
    for kind in models.TIMELINE_KINDS:
        box = filter_box(dialog, kind)
        assert box.isChecked()
        assert box.text().replace("&", "").startswith(models.KIND_LABELS[kind])
        assert "&" in box.text()  # each has an Alt+letter
    assert filter_box(dialog, "visit").text().replace("&", "") == "Visits (2)"

    click(qtbot, filter_box(dialog, "visit"))
    click(qtbot, filter_box(dialog, "note"))
    assert not filter_box(dialog, "visit").isChecked()
    assert titles(dialog) == [
        "Follow-up set, due Tue 17 Nov 2026",
        "Made right: Refund (cost 5.50)",
        "⚠ Problem: Product quality — oat latte (Safety, open)",
        "Problem: Wait time — cortado (Minor, open)",
    ]
    assert "4 of 7 entries" in " ".join(label.text() for label in dialog.findChildren(QLabel))

    qtbot.mouseClick(dialog.findChild(QPushButton, "timelineShowAllButton"),
                     Qt.MouseButton.LeftButton)
    assert all(filter_box(dialog, kind).isChecked() for kind in models.TIMELINE_KINDS)
    assert len(rows(dialog)) == 7


def test_alt_letter_turns_a_kind_off(qtbot, open_timeline, story) -> None:
    dialog = open_timeline(story["kate"])
    letter = filter_box(dialog, "problem").text().split("&")[1][0]
    assert letter == "P"
    qtbot.waitUntil(dialog.isActiveWindow)  # Alt+letter goes to the active window
    qtbot.keyClick(view(dialog), Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    # A mnemonic "animates" the click: the box is released, and toggled, a moment later.
    qtbot.waitUntil(lambda: not filter_box(dialog, "problem").isChecked())
    assert not any(title.startswith(("Problem", "⚠")) for title in titles(dialog))


def test_unticking_everything_says_what_to_do(qtbot, open_timeline, story) -> None:
    dialog = open_timeline(story["kate"])
    for kind in models.TIMELINE_KINDS:
        click(qtbot, filter_box(dialog, kind))
    assert rows(dialog) == []
    assert not view(dialog).isVisible()
    shown = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert any("Show all" in text for text in shown)


def test_enter_opens_the_problem_an_entry_belongs_to(qtbot, open_timeline, story) -> None:
    opened: list[int] = []
    dialog = open_timeline(story["kate"], open_problem=opened.append)
    tree = view(dialog)
    move_to(qtbot, dialog, "⚠ Problem")
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert opened == [story["safety"]]
    assert dialog.isVisible()  # Enter opened the problem; it did not close the timeline

    move_to(qtbot, dialog, "Made right")  # what was done belongs to the same problem
    qtbot.keyClick(tree, Qt.Key.Key_Enter)
    move_to(qtbot, dialog, "Problem: Wait time")
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    move_to(qtbot, dialog, "Visit")  # a visit has no problem to open
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert opened == [story["safety"], story["safety"], story["minor"]]


def test_double_click_opens_the_problem(qtbot, open_timeline, story) -> None:
    opened: list[int] = []
    dialog = open_timeline(story["kate"], open_problem=opened.append)
    tree = view(dialog)
    move_to(qtbot, dialog, "Follow-up set")
    centre = tree.visualRect(tree.currentIndex().siblingAtColumn(1)).center()
    # A real double-click starts with a click (QTest's alone leaves the view mid-press).
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert opened == [story["safety"]]


def test_reload_shows_changes_and_keeps_the_place(qtbot, sessions, open_timeline, story) -> None:
    dialog = open_timeline(story["kate"])
    move_to(qtbot, dialog, "Note")
    with sessions.begin() as session:
        models.add_note(session, story["kate"], "Likes the window seat", now=NOW)
        report = models.load_report(session, story["minor"])
        report.subject = "flat white"
        models.update_problem(session, story["minor"], report, now=NOW)
    dialog.reload()
    assert titles(dialog)[0] == "Note"
    assert rows(dialog)[0][1] == "Note\nLikes the window seat"
    assert "Problem: Wait time — flat white (Minor, open)" in titles(dialog)
    current = view(dialog).currentIndex().siblingAtColumn(1).data()
    assert current == "Note\nBack from Lisbon in May\nask about the tiles"
    assert filter_box(dialog, "note").text().replace("&", "") == "Notes (2)"


def test_focus_starts_on_the_list_and_escape_closes(qtbot, open_timeline, story) -> None:
    dialog = open_timeline(story["kate"])
    tree = view(dialog)
    assert tree.accessibleName() == "Timeline"
    assert dialog.objectName() == "timelineDialog"
    qtbot.waitUntil(lambda: dialog.focusWidget() is tree)
    assert tree.currentIndex().row() == 0
    qtbot.keyClick(tree, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_a_regular_with_no_history_gets_a_clear_message(open_timeline, add_customer) -> None:
    dialog = open_timeline(add_customer(name="New Person"))
    assert rows(dialog) == []
    shown = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert "Nothing yet — visits, notes and problems will appear here." in shown


def test_text_that_looks_like_markup_is_shown_as_typed(
    open_timeline, sessions, add_customer
) -> None:
    customer = add_customer(name="Al")
    with sessions.begin() as session:
        models.add_note(session, customer, "<b>not bold</b> & <img src=x>", now=NOW)
    dialog = open_timeline(customer)
    assert rows(dialog)[0][1] == "Note\n<b>not bold</b> & <img src=x>"


def test_a_thousand_entries_are_all_listed_and_a_long_note_wraps(
    qtbot, open_timeline, add_customer, monkeypatch
) -> None:
    # Logging a thousand visits one by one takes seconds; the dialog only sees the entries.
    many = [models.TimelineEntry("visit", NOW - timedelta(hours=6 * i), "Visit",
                                 "oat flat white" if i % 3 else "", record_id=i)
            for i in range(1000)]
    many.insert(3, models.TimelineEntry("note", NOW - timedelta(hours=13), "Note",
                                        "word " * 400))
    monkeypatch.setattr(models, "load_timeline", lambda *_args, **_kwargs: list(many))
    customer = add_customer(name="Busy Regular")
    dialog = open_timeline(customer)
    assert len(rows(dialog)) == 1001
    tree = view(dialog)
    long_note = tree.model().index(3, 1)
    assert tree.visualRect(long_note).height() > 3 * tree.visualRect(
        tree.model().index(0, 1)).height()  # the long note wraps instead of running off
    click(qtbot, filter_box(dialog, "visit"))
    assert titles(dialog) == ["Note"]
