"""The owner's audit trail window, on hand-built events (times in UTC, the window's clock too).

20 Nov 2026, 15:00 is "now". The events, newest first:

    14:00  Sam  sign_in         staff #1       signed in as Owner
    12:30  Jo   create          visit #41      of customer #12
    10:00  Jo   create          note #7        of customer #12
    09:30  Lee  update          note #7        changed text
    05:00  Jo   sign_in_failed  staff #2       wrong PIN (1 in a row)
    19 Nov 10:00  Sam  export   customer       =SUM(A1) file (a summary a spreadsheet would run)
    5 Nov 10:00   Lee  delete   follow-up #3   of customer #12
    1 Sep 10:00   Sam  merge    customer #12   (outside the first 30 days shown)
"""

from __future__ import annotations

import csv
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QPushButton

import models
from models.audit import record_event
from models.staff import Actor, Role, SignedIn, signed_in_sessions
from ui.audit_window import AuditWindow

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
WAIT_MS = 30_000

EVENTS = [
    (NOW - timedelta(hours=1), "Sam", "sign_in", "staff", 1, "signed in as Owner"),
    (NOW - timedelta(hours=2.5), "Jo", "create", "visit", 41, "of customer #12"),
    (NOW - timedelta(hours=5), "Jo", "create", "note", 7, "of customer #12"),
    (NOW - timedelta(hours=5.5), "Lee", "update", "note", 7, "changed text"),
    (NOW - timedelta(hours=10), "Jo", "sign_in_failed", "staff", 2, "wrong PIN (1 in a row)"),
    (NOW - timedelta(days=1, hours=5), "Sam", "export", "customer", None, "=SUM(A1) file"),
    (NOW - timedelta(days=15, hours=5), "Lee", "delete", "follow_up", 3, "of customer #12"),
    (datetime(2026, 9, 1, 10, tzinfo=UTC), "Sam", "merge", "customer", 12, "Merged #13 into #12."),
]


@pytest.fixture
def trail(sessions: models.SessionFactory) -> None:
    with sessions.begin() as session:
        for at, actor, action, record_type, record_id, summary in EVENTS:
            record_event(session, action, actor=actor, record_type=record_type,
                         record_id=record_id, summary=summary, at=at)


@pytest.fixture
def open_audit(qtbot, sessions, tmp_path):
    def ask_path(_parent: object, _caption: str, suggestion: str, _filters: str) -> str:
        return str(tmp_path / Path(suggestion).name)

    def open_(**kwargs: object) -> AuditWindow:
        options: dict[str, object] = {"clock": lambda: NOW, "zone": UTC, "ask_path": ask_path}
        options.update(kwargs)
        factory = options.pop("sessions", sessions)
        window = AuditWindow(factory, **options)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        answered(qtbot, window)
        return window

    return open_


def answered(qtbot, window: AuditWindow) -> None:
    """The trail is read on a worker thread: allow for a busy machine."""
    qtbot.waitUntil(lambda: window.has_answer, timeout=WAIT_MS)


def shown(window: AuditWindow) -> list[list[str]]:
    model = window.table.model()
    return [[str(model.index(r, c).data()) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def choose(qtbot, window: AuditWindow, combo: QComboBox, value: str) -> None:
    window.set_filter(combo, value)
    answered(qtbot, window)


def test_the_trail_shows_who_did_what_newest_first(qtbot, trail, open_audit) -> None:
    window = open_audit()
    model = window.table.model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles == ["Time", "Who", "What", "Record", "Summary"]
    assert shown(window) == [
        ["2026-11-20 14:00", "Sam", "signed in", "staff #1", "signed in as Owner"],
        ["2026-11-20 12:30", "Jo", "added", "visit #41", "of customer #12"],
        ["2026-11-20 10:00", "Jo", "added", "note #7", "of customer #12"],
        ["2026-11-20 09:30", "Lee", "changed", "note #7", "changed text"],
        ["2026-11-20 05:00", "Jo", "wrong PIN", "staff #2", "wrong PIN (1 in a row)"],
        ["2026-11-19 10:00", "Sam", "exported", "customer", "=SUM(A1) file"],
        ["2026-11-05 10:00", "Lee", "removed", "follow-up #3", "of customer #12"],
    ]
    assert window.summary.text() == "7 events from 2026-10-22 to 2026-11-20, newest first."
    people = window.person_combo
    assert [people.itemText(i) for i in range(people.count())] == [
        "Everyone", "Jo", "Lee", "Sam"]
    kinds = window.kind_combo
    assert [kinds.itemText(i) for i in range(kinds.count())] == [
        "Every kind", "added", "changed", "removed", "signed in", "wrong PIN", "merged",
        "exported"]
    for widget in (window.person_combo, window.kind_combo, window.record_combo,
                   window.from_edit, window.to_edit, window.table):
        assert widget.objectName() and widget.accessibleName()


def test_filter_by_person_then_by_kind(qtbot, trail, open_audit) -> None:
    window = open_audit()
    choose(qtbot, window, window.person_combo, "Jo")
    assert [row[1:3] for row in shown(window)] == [["Jo", "added"], ["Jo", "added"],
                                                   ["Jo", "wrong PIN"]]
    assert window.summary.text().startswith("3 events")
    choose(qtbot, window, window.kind_combo, "sign_in_failed")
    assert [row[1:4] for row in shown(window)] == [["Jo", "wrong PIN", "staff #2"]]
    choose(qtbot, window, window.person_combo, "")  # everyone again: still only wrong PINs
    assert [row[2] for row in shown(window)] == ["wrong PIN"]
    choose(qtbot, window, window.kind_combo, "")
    choose(qtbot, window, window.record_combo, "note")
    assert [row[1:4] for row in shown(window)] == [["Jo", "added", "note #7"],
                                                   ["Lee", "changed", "note #7"]]


def test_the_person_filter_works_from_the_keyboard(qtbot, trail, open_audit) -> None:
    window = open_audit()
    assert QApplication.focusWidget() is window.person_combo  # the first filter
    qtbot.keyClicks(window.person_combo, "L")  # a closed combo jumps to the first "L…"
    answered(qtbot, window)
    assert window.person_combo.currentText() == "Lee"
    assert {row[1] for row in shown(window)} == {"Lee"}


def test_the_date_range_filters_and_explains_an_empty_range(qtbot, trail, open_audit) -> None:
    window = open_audit()
    window.from_edit.setDate(QDate(2026, 8, 1))
    answered(qtbot, window)
    qtbot.waitUntil(lambda: len(shown(window)) == 8, timeout=WAIT_MS)
    assert shown(window)[-1][2] == "merged"
    window.to_edit.setDate(QDate(2026, 11, 19))
    qtbot.waitUntil(lambda: len(shown(window)) == 3, timeout=WAIT_MS)  # 19 Nov, 5 Nov, 1 Sep
    window.from_edit.setDate(QDate(2026, 11, 20))
    qtbot.waitUntil(lambda: not shown(window), timeout=WAIT_MS)
    assert "From day is after the To day" in window.message.text()


def test_ctrl_e_saves_what_is_shown_as_spreadsheet_safe_csv(qtbot, trail, open_audit) -> None:
    window = open_audit()
    choose(qtbot, window, window.person_combo, "Sam")
    window.table.setFocus()
    with qtbot.waitSignal(window.exported, timeout=WAIT_MS) as exported:
        qtbot.keyClick(window.table, Qt.Key.Key_E, CTRL)
    path = Path(exported.args[0])
    assert path.name == "audit-trail-2026-11-20.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\r\n")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows == [
        ["Time", "Who", "What", "Record", "Summary"],
        ["2026-11-20 14:00:00", "Sam", "signed in", "staff #1", "signed in as Owner"],
        ["2026-11-19 10:00:00", "Sam", "exported", "customer", "'=SUM(A1) file"],
    ]
    assert "✓ Saved 2 events" in window.message.text()


def test_the_window_stays_responsive_while_the_trail_is_read(qtbot, trail, open_audit,
                                                             monkeypatch) -> None:
    from ui import audit_window

    window = open_audit()
    gate = threading.Event()
    original = audit_window.find_events

    def slow(*args: object, **kwargs: object) -> object:
        gate.wait(10)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(audit_window, "find_events", slow)
    busy = window.findChild(QLabel, "auditBusy")
    window.set_filter(window.person_combo, "Jo")
    qtbot.waitUntil(busy.isVisible, timeout=WAIT_MS)
    window.set_filter(window.person_combo, "Lee")  # the UI thread still answers …
    assert window.person_combo.currentText() == "Lee"
    gate.set()
    answered(qtbot, window)
    assert not busy.isVisible()
    assert {row[1] for row in shown(window)} == {"Lee"}  # … and only the last choice is shown


def test_a_clerk_is_told_the_trail_needs_the_owner(qtbot, trail, sessions, open_audit) -> None:
    from models.staff import add_staff

    with sessions.begin() as session:
        jo = add_staff(session, "Jo", Role.CLERK, "1357")
    clerk = signed_in_sessions(sessions, SignedIn(Actor(jo, "Jo", Role.CLERK)))
    window = open_audit(sessions=clerk)
    assert shown(window) == []
    assert window.message.text() == (
        "Reading the audit trail needs the owner (Jo is signed in as clerk).")


def test_ctrl_shift_a_opens_the_audit_trail_from_the_counter(qtbot, sessions, trail) -> None:
    from ui.main_window import MainWindow

    main = MainWindow(sessions, clock=lambda: NOW)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    assert main.audit_action.objectName() == "auditAction"
    assert main.audit_action.property("vre_permission") == "AUDIT"
    owner_menu = next(a.menu() for a in main.menuBar().actions() if a.text() == "&Owner")
    assert main.audit_action in owner_menu.actions()

    def opened() -> list[AuditWindow]:
        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, AuditWindow) and w.isVisible() and w.parent() is main]

    qtbot.keyClick(main.findChild(QLineEdit, "searchBox"), Qt.Key.Key_A, CTRL_SHIFT)
    qtbot.waitUntil(lambda: bool(opened()), timeout=WAIT_MS)
    (audit,) = opened()
    answered(qtbot, audit)
    # This computer's local time: only the number of rows is certain.
    assert len(shown(audit)) == 7
    assert audit.to_edit.date().toPython() == NOW.astimezone().date()
    main.audit_action.trigger()  # already open: brought forward, not opened twice
    assert opened() == [audit]
    with qtbot.waitSignal(audit.closed, timeout=WAIT_MS):
        audit.findChild(QPushButton, "closeAuditButton").click()
