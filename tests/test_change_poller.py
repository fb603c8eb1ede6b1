"""Two windows or processes on one database: what one does shows in the other within 2 s."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QWidget
from sqlalchemy import text

import models
from ui.change_poller import ChangePoller
from ui.main_window import MainWindow
from vre_desktop.app import create_main_window

WRITER = Path(__file__).with_name("crash_writer.py")


@pytest.fixture
def window(qtbot, database_url) -> MainWindow:
    main = create_main_window(database_url)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def card_text(main: MainWindow) -> str:
    card = main.findChild(QWidget, "greetingCard")
    assert card is not None
    return "\n".join(label.text() for label in card.findChildren(QLabel) if label.isVisible())


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql",
                                                          marks=pytest.mark.postgres)])
def test_a_visit_logged_elsewhere_shows_on_the_open_card_within_2_seconds(
    qtbot, sessions, add_customer, database_url, engine: str
) -> None:
    """Another window's (or, on PostgreSQL, another counter's) connection logs a visit."""
    kate = add_customer(name="Katherine Smith", goes_by="Kate", visits=2)
    main = create_main_window(database_url)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    qtbot.keyClicks(main.search_box, "katherine")
    assert "2 visits" in card_text(main)

    with sessions.begin() as session:  # another window's connection
        models.check_in(session, kate)
    qtbot.waitUntil(lambda: "3 visits" in card_text(main), timeout=2000)
    assert main.selected_match() is not None and main.selected_match().visits == 3
    assert main.search_box.text() == "katherine"  # the typing is untouched


def test_a_visit_logged_by_another_process_shows_within_2_seconds(
    qtbot, window, add_customer, database_url
) -> None:
    zoe = add_customer(name="Zoë Park", visits=1)
    qtbot.keyClicks(window.search_box, "zoe park")
    qtbot.waitUntil(lambda: "1 visit" in card_text(window), timeout=2000)
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), database_url, str(zoe), "--check-ins", "1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    out, err = writer.communicate("go\n", timeout=60)
    assert writer.returncode == 0, err
    assert "visit" in out
    qtbot.waitUntil(lambda: "2 visits" in card_text(window), timeout=2000)


def test_a_new_regular_added_elsewhere_appears_in_the_results(
    qtbot, window, add_customer
) -> None:
    add_customer(name="Kathleen O'Brien")
    qtbot.keyClicks(window.search_box, "kath")
    qtbot.waitUntil(lambda: window.results_model.rowCount() == 1, timeout=2000)
    add_customer(name="Katherine Smith")
    qtbot.waitUntil(lambda: window.results_model.rowCount() == 2, timeout=2000)


def test_the_refresh_keeps_the_regular_the_clerk_moved_to(
    qtbot, window, add_customer, sessions
) -> None:
    add_customer(name="Kathleen O'Brien", visits=5)
    katherine = add_customer(name="Katherine Smith")
    qtbot.keyClicks(window.search_box, "kath")
    qtbot.waitUntil(lambda: window.results_model.rowCount() == 2, timeout=2000)
    window.search_box.move_selection.emit(1)
    chosen = window.selected_match()
    assert chosen is not None
    with sessions.begin() as session:
        models.check_in(session, katherine)
        models.check_in(session, katherine)
    qtbot.waitUntil(
        lambda: (match := window.selected_match()) is not None
        and match.id == chosen.id and match.visits == chosen.visits + (chosen.id == katherine) * 2,
        timeout=2000,
    )


def test_a_regular_removed_elsewhere_leaves_the_card_quietly(
    qtbot, window, add_customer, sessions
) -> None:
    gone = add_customer(name="Gone Elsewhere", visits=1)
    qtbot.keyClicks(window.search_box, "gone elsewhere")
    qtbot.waitUntil(lambda: "Gone" in card_text(window), timeout=2000)
    with sessions.begin() as session:  # another counter merges or forgets them
        session.execute(text("DELETE FROM customer WHERE id = :id"), {"id": gone})
    qtbot.waitUntil(lambda: window.results_model.rowCount() == 0, timeout=2000)
    assert "Gone" not in card_text(window)
    assert window.search_box.text() == "gone elsewhere"


def test_polling_without_changes_refreshes_nothing(qtbot, sessions, add_customer) -> None:
    add_customer(name="Quiet Day")
    poller = ChangePoller(sessions, interval_ms=50)
    with qtbot.assertNotEmitted(poller.changed, wait=300), sessions() as session:
        models.find_customers(session, "quiet")
    with qtbot.waitSignal(poller.changed, timeout=2000):
        add_customer(name="Busy Day")
    poller.stop()
