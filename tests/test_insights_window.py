"""The owner's Insights window against a hand-built shop whose numbers are worked out by hand.

The shop, on 20 Nov 2026 at 15:00 (UTC, the shop clock too), every visit at 15:00:

- Ann: visits 1, 3, 5 and 40 days ago; tag "regular". Problems 5 days ago (wait time, nothing
  done) and 3 days ago (wait time, an apology); she came back the next day but one.
- Ben: visits 2, 10, 35, 45 and 50 days ago. A wrong order 10 days ago.
- Cat: one visit 20 days ago (her first ever); tag "neighbour".
- Dan: visits 100, 90 and 80 days ago: a 10-day gap, gone 80 days. Lapsed, no problem.
- Eve: visits 60 and 50 days ago; 50 days ago a product-quality problem, a pastry on the house
  (3.50), left still unhappy and open. Lapsed: the one to win back.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QTableView

import models
from models import ActionEntry, ProblemReport
from models.insights import list_fixes, record_fix
from ui.insights.fixes_page import FixesPage
from ui.insights.runner import ReportRunner
from ui.insights.table_model import (
    SORT_ROLE,
    ReportTableModel,
    count_column,
    sorting_proxy,
    text_column,
)
from ui.insights.window import InsightsWindow

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
ROOT = Path(__file__).resolve().parents[1]
WAIT_MS = 30_000


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def category_id(sessions: models.SessionFactory, key: str) -> int:
    with sessions() as session:
        return next(c.id for c in models.list_categories(session) if c.key == key)


@pytest.fixture
def shop(sessions, add_customer) -> dict[str, int]:
    people = {
        "ann": add_customer(name="Ann Archer", tags=["regular"]),
        "ben": add_customer(name="Ben Baker"),
        "cat": add_customer(name="Cat Cooper", tags=["neighbour"]),
        "dan": add_customer(name="Dan Dyer"),
        "eve": add_customer(name="Eve Evans"),
    }
    visits = {"ann": (1, 3, 5, 40), "ben": (2, 10, 35, 45, 50), "cat": (20,),
              "dan": (100, 90, 80), "eve": (60, 50)}
    with sessions.begin() as session:
        for who, days in visits.items():
            for day in sorted(days, reverse=True):
                models.check_in(session, people[who], at=ago(day))

    def problem(who: str, days: float, key: str, **fields: object) -> None:
        report = ProblemReport(what_happened=f"{key} for {who}", category_id=category_id(
            sessions, key), occurred_at=ago(days), handled_by="Sam", **fields)  # type: ignore[arg-type]
        with sessions.begin() as session:
            models.log_problem(session, people[who], report, now=ago(days))

    problem("ann", 5, "wait_time")
    problem("ann", 3, "wait_time", actions=[ActionEntry("apology")])
    problem("ben", 10, "wrong_order")
    problem("eve", 50, "product_quality", outcome="unhappy", resolved=False,
            actions=[ActionEntry("value_add", "a pastry on the house", 350)])
    return people


@pytest.fixture
def open_insights(qtbot, sessions, tmp_path):
    asked: list[str] = []

    def ask_path(_parent: object, _caption: str, suggestion: str, _filters: str) -> str:
        asked.append(suggestion)
        return str(tmp_path / Path(suggestion).name)

    def open_(**kwargs: object) -> InsightsWindow:
        options: dict[str, object] = {
            "clock": lambda: NOW, "utc_offset": timedelta(0), "ask_path": ask_path,
            "confirm_delete": lambda *_args: True, "staff_name": lambda: "Lena",
        }
        options.update(kwargs)
        window = InsightsWindow(sessions, **options)  # type: ignore[arg-type]
        window.asked = asked  # type: ignore[attr-defined]
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        answered(qtbot, window)
        return window

    return open_


def wait_until(qtbot, condition) -> None:
    """Reports run on worker threads: allow for a busy machine (never a timed assertion)."""
    qtbot.waitUntil(condition, timeout=WAIT_MS)


def answered(qtbot, window: InsightsWindow) -> None:
    wait_until(qtbot, lambda: window.current_page.has_answer)


def show_tab(qtbot, window: InsightsWindow, key: str) -> None:
    window.tabs.setCurrentWidget(window.page(key))
    answered(qtbot, window)


def table(window: InsightsWindow, name: str) -> QTableView:
    view = window.findChild(QTableView, name)
    assert view is not None, name
    return view


def rows(view: QTableView, columns: int | None = None) -> list[list[str]]:
    model = view.model()
    count = columns or model.columnCount()
    return [[str(model.index(r, c).data() or "") for c in range(count)]
            for r in range(model.rowCount())]


def column(view: QTableView, title: str) -> list[str]:
    model = view.model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    index = titles.index(title)
    return [str(model.index(r, index).data()) for r in range(model.rowCount())]


def summary(window: InsightsWindow) -> str:
    return window.current_page.summary.text()


# ----- loyal ---------------------------------------------------------------------------------


def test_loyal_ranks_by_visits_with_the_trend_and_follows_the_period(
    qtbot, shop, open_insights
) -> None:
    window = open_insights()
    assert window.days == 90
    view = table(window, "loyalTable")
    # 90 days (23 Aug – 20 Nov): Ben 5, Ann 4, Eve 2, Cat 1 and Dan 1 (a tie: rank 4 twice,
    # the earlier regular first); Dan's 90- and 100-day-old visits are in the 90 days before.
    assert [r[:4] for r in rows(view)] == [
        ["1", "Ben Baker", "5", "0"], ["2", "Ann Archer", "4", "0"],
        ["3", "Eve Evans", "2", "0"], ["4", "Cat Cooper", "1", "0"],
        ["4", "Dan Dyer", "1", "2"],
    ]
    assert column(view, "Trend") == ["↑ 5", "↑ 4", "↑ 2", "↑ 1", "↓ 1"]
    assert "All 5 regulars" in summary(window)

    window.set_period(30)
    answered(qtbot, window)
    # 30 days: Ann 3 (1 the 30 days before), Ben 2 (3 before), Cat 1 (0 before).
    assert [r[:5] for r in rows(view)] == [
        ["1", "Ann Archer", "3", "1", "↑ 2"], ["2", "Ben Baker", "2", "3", "↓ 1"],
        ["3", "Cat Cooper", "1", "0", "↑ 1"],
    ]
    # Ann came every 2 days (1, 3, 5 days ago); one visit has no gap.
    assert column(view, "Gap (days)") == ["2.0", "8.0", "—"]
    assert column(view, "First visit") == ["11 Oct 2026", "1 Oct 2026", "31 Oct 2026"]
    assert column(view, "Last visit") == ["19 Nov 2026", "18 Nov 2026", "31 Oct 2026"]
    assert "(22 Oct – 20 Nov 2026)" in summary(window)


def test_loyal_filters_by_tag_and_minimum_visits(qtbot, shop, open_insights) -> None:
    window = open_insights()
    window.set_period(30)
    answered(qtbot, window)
    page = window.page("loyal")
    tag = window.findChild(QLineEdit, "loyalTagEdit")
    qtbot.keyClicks(tag, "Neighbour")
    qtbot.keyClick(tag, Qt.Key.Key_Return)
    answered(qtbot, window)
    assert [r[1] for r in rows(table(window, "loyalTable"))] == ["Cat Cooper"]
    assert "regulars tagged “Neighbour”" in summary(window)
    tag.clear()
    qtbot.keyClick(tag, Qt.Key.Key_Return)
    answered(qtbot, window)
    spin = page.min_visits  # type: ignore[attr-defined]
    spin.setValue(2)
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: page.asked_options.min_visits == 2 and page.has_answer)
    assert [r[1] for r in rows(table(window, "loyalTable"))] == ["Ann Archer", "Ben Baker"]
    assert "at least 2 times" in summary(window)


def click_header(qtbot, view: QTableView, title: str) -> None:
    header = view.horizontalHeader()
    model = view.model()
    section = next(c for c in range(model.columnCount())
                   if model.headerData(c, Qt.Orientation.Horizontal) == title)
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))


def test_loyal_sorts_by_any_column_in_sql(qtbot, shop, open_insights) -> None:
    window = open_insights()
    page = window.page("loyal")
    view = table(window, "loyalTable")
    click_header(qtbot, view, "Regular")
    wait_until(qtbot, lambda: page.sort == ("name", False) and page.has_answer)
    assert [r[1] for r in rows(view)] == ["Ann Archer", "Ben Baker", "Cat Cooper", "Dan Dyer",
                                          "Eve Evans"]
    click_header(qtbot, view, "Regular")
    wait_until(qtbot, lambda: page.sort == ("name", True) and page.has_answer)
    assert rows(view)[0][1] == "Eve Evans"
    # A number sorts biggest first on the first click: the change against the period before.
    click_header(qtbot, view, "Trend")
    wait_until(qtbot, lambda: page.sort == ("change", True) and page.has_answer)
    assert [r[1] for r in rows(view)] == ["Ben Baker", "Ann Archer", "Eve Evans", "Cat Cooper",
                                          "Dan Dyer"]
    # The rank stays the rank by visits, whatever the order.
    assert [r[0] for r in rows(view)] == ["1", "2", "3", "4", "4"]
    # The keyboard way: Sort by box and Highest first.
    combo = page.sort_combo  # type: ignore[attr-defined]
    combo.setCurrentIndex(combo.findData("first_visit"))
    combo.activated.emit(combo.currentIndex())
    page.descending_check.setChecked(False)  # type: ignore[attr-defined]
    wait_until(qtbot, lambda: page.sort == ("first_visit", False) and page.has_answer)
    assert [r[1] for r in rows(view)] == ["Dan Dyer", "Eve Evans", "Ben Baker", "Ann Archer",
                                          "Cat Cooper"]


def test_enter_on_a_regular_asks_for_their_card(qtbot, shop, open_insights) -> None:
    window = open_insights()
    view = table(window, "loyalTable")
    view.setFocus()
    view.setCurrentIndex(view.model().index(1, 1))
    with qtbot.waitSignal(window.open_customer, timeout=WAIT_MS) as opened:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened.args == [shop["ann"]]


# ----- lapsed --------------------------------------------------------------------------------


def test_lapsed_puts_the_ones_to_win_back_first(qtbot, shop, open_insights) -> None:
    window = open_insights()
    show_tab(qtbot, window, "lapsed")
    assert not window.period_combo.isEnabled()  # as of today, whatever the period
    view = table(window, "lapsedTable")
    assert [r[:6] for r in rows(view)] == [
        ["Win back", "Eve Evans", "2", "10 days", "50 days", "40 days"],
        ["", "Dan Dyer", "3", "10 days", "80 days", "70 days"],
    ]
    assert column(view, "Last problem") == [
        "1 Oct 2026: Product quality, minor, still open", ""]
    assert view.model().index(0, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert view.model().index(1, 1).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "1 to win back first" in summary(window)
    with qtbot.waitSignal(window.open_customer, timeout=WAIT_MS) as opened:
        view.setFocus()
        view.setCurrentIndex(view.model().index(1, 1))
        qtbot.keyClick(view, Qt.Key.Key_Enter)
    assert opened.args == [shop["dan"]]


# ----- root causes ---------------------------------------------------------------------------


def test_root_causes_count_problems_regulars_and_severity(qtbot, shop, open_insights) -> None:
    window = open_insights()
    show_tab(qtbot, window, "causes")
    view = table(window, "causesTable")
    # 90 days: Ann's two waits, Ben's wrong order, Eve's product quality.
    assert rows(view)[:3] == [
        ["Wait time", "2", "50", "1", "2", "0", "0"],
        ["Wrong or remade order", "1", "25", "1", "1", "0", "0"],
        ["Product quality", "1", "25", "1", "1", "0", "0"],
    ]
    assert all(r[1] == "0" for r in rows(view)[3:])  # categories with none are listed too
    chart = window.page("causes").chart  # type: ignore[attr-defined]
    spec = chart.spec
    assert spec is not None and spec.kind == "stacked"
    assert {bars.label: sum(bars.values) for bars in spec.bars} == {
        "Wait time": 2, "Wrong or remade order": 1, "Product quality": 1}
    assert len(spec.categories) == 14  # weeks overlapping 23 Aug – 20 Nov
    assert spec.category_title == "Week starting" and spec.value_title == "Problems"

    window.set_period(30)
    answered(qtbot, window)
    assert [r[:4] for r in rows(view)[:2]] == [["Wait time", "2", "67", "1"],
                                               ["Wrong or remade order", "1", "33", "1"]]
    window.set_bucket("day")
    answered(qtbot, window)
    assert len(chart.spec.categories) == 30
    tooltip = chart.spec.tooltip(0, 29 - 3)  # Ann's wait 3 days ago
    assert tooltip == "Wait time, 17 Nov: 1 problem"


def test_no_problems_says_so_instead_of_an_empty_chart(qtbot, sessions, add_customer,
                                                       open_insights) -> None:
    add_customer(name="Quiet Quinn", visits=1)
    window = open_insights()
    show_tab(qtbot, window, "causes")
    chart = window.page("causes").chart  # type: ignore[attr-defined]
    assert not chart.has_chart
    assert chart.empty.isVisible()
    assert chart.empty.text().startswith("No problems were logged in the last 90 days")
    qtbot.keyClick(window.tabs, Qt.Key.Key_S, CTRL_SHIFT)
    assert window.message.text().startswith("No problems were logged")
    assert window.asked == []  # type: ignore[attr-defined]


def test_day_grouping_is_only_offered_for_a_month(qtbot, shop, open_insights) -> None:
    window = open_insights()
    window.set_period(30)
    window.set_bucket("day")
    assert window.bucket == "day"
    window.set_period(365)
    assert window.bucket == "week"


# ----- process fixes -------------------------------------------------------------------------


def fixes_page(window: InsightsWindow) -> FixesPage:
    page = window.page("fixes")
    assert isinstance(page, FixesPage)
    return page


def test_record_a_fix_through_the_dialog(qtbot, sessions, shop, open_insights) -> None:
    window = open_insights()
    show_tab(qtbot, window, "fixes")
    page = fixes_page(window)
    assert "No process fixes recorded yet" in summary(window)
    assert page.chart.empty.text().startswith("Record a process fix")
    qtbot.keyClick(table(window, "fixesTable"), Qt.Key.Key_N, CTRL)
    wait_until(qtbot, lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert dialog is not None
    assert dialog.by_edit.text() == "Lena"  # who is at this counter
    # Saving without saying what changed explains what is missing and keeps the dialog open.
    dialog.save_button.click()
    errors = [e for e in dialog.findChildren(QLabel, "fieldError") if e.isVisible()]
    assert {e.text() for e in errors} == {"Choose the root cause this fix addresses.",
                                          "Say what changed, e.g. “retrained everyone on milk "
                                          "steaming”."}
    assert dialog.isVisible()

    dialog.category_combo.setCurrentIndex(dialog.category_combo.findText("Wait time"))
    dialog.date_edit.setDate(QDate(2026, 11, 13))
    qtbot.keyClicks(dialog.what_edit, "Second grinder for the rush")
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        qtbot.keyClick(dialog.what_edit, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: page.has_answer and page.model.rowCount() == 1)
    # Fixed a week ago: both sides shrink to the 7 days that have passed. Before (6–12 Nov):
    # Ben's visit, no wait problem. After (14–20 Nov): 4 visits, Ann's 2 waits = 500 per 1,000.
    assert rows(table(window, "fixesTable")) == [[
        "13 Nov 2026", "Wait time", "Second grinder for the rush", "Lena", "7 so far", "0.0",
        "500.0", "↑ 500.0"]]
    spec = page.chart.spec
    assert spec is not None
    assert [b.values for b in spec.bars] == [[0.0], [500.0]]
    with sessions() as session:
        fixes = list_fixes(session)
    assert [(f.what_changed, f.fixed_on, f.recorded_by) for f in fixes] == [
        ("Second grinder for the rush", date(2026, 11, 13), "Lena")]


def test_edit_and_delete_a_fix(qtbot, sessions, shop, open_insights) -> None:
    with sessions.begin() as session:
        record_fix(session, category_id(sessions, "wrong_order"), "Read the ticket back",
                   date(2026, 10, 1), recorded_by="Aisha")
    window = open_insights()
    show_tab(qtbot, window, "fixes")
    page = fixes_page(window)
    view = table(window, "fixesTable")
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)  # the first row is selected: Enter edits it
    wait_until(qtbot, lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert dialog is not None and dialog.what_edit.text() == "Read the ticket back"
    dialog.what_edit.selectAll()
    qtbot.keyClicks(dialog.what_edit, "Read every ticket back")
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        dialog.save_button.click()
    wait_until(qtbot, lambda: page.has_answer and column(view, "What changed") == [
        "Read every ticket back"])
    # 50 days since the fix: 30 days each side (the 90-day period is longer than that).
    window.set_period(30)
    answered(qtbot, window)
    assert column(view, "Days") == ["30"]
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    wait_until(qtbot, lambda: page.has_answer and page.model.rowCount() == 0)
    with sessions() as session:
        assert list_fixes(session) == []


# ----- recoveries and visits -----------------------------------------------------------------


def test_recoveries_show_who_came_back_and_what_it_cost(qtbot, shop, open_insights) -> None:
    window = open_insights()
    show_tab(qtbot, window, "recoveries")
    rates = {r[0]: r[1:] for r in rows(table(window, "returnTable"))}
    assert rates["Listened and apologized"] == ["1", "1", "100%"]  # Ann, back 2 days later
    assert rates["Value-add / comp"] == ["1", "0", "0%"]  # Eve never came back
    assert rates["Refund"] == ["0", "0", "—"]
    assert rows(table(window, "costTable")) == [["Oct 2026", "3.50", "0.00"]]
    page = window.page("recoveries")
    assert page.return_chart.has_chart and page.cost_chart.has_chart  # type: ignore[attr-defined]
    window.set_period(30)
    answered(qtbot, window)
    assert rows(table(window, "costTable")) == []
    assert page.cost_chart.empty.text().startswith(  # type: ignore[attr-defined]
        "No value-adds or refunds in the last 30 days")


def test_visits_per_bucket_new_and_returning_and_busiest_hours(qtbot, shop,
                                                               open_insights) -> None:
    window = open_insights()
    window.set_period(30)
    window.set_bucket("day")
    show_tab(qtbot, window, "visits")
    view = table(window, "visitsTable")
    assert view.model().rowCount() == 30
    assert sum(int(v) for v in column(view, "Visits")) == 6
    assert sum(int(v) for v in column(view, "New")) == 1  # Cat, 20 days ago
    assert view.model().headerData(0, Qt.Orientation.Horizontal) == "Day"
    assert "6 visits in the last 30 days" in summary(window)
    hours = window.page("visits").hours_chart.spec  # type: ignore[attr-defined]
    assert hours is not None and hours.categories == ["15"] and hours.bars[0].values == [6]
    window.set_bucket("week")
    answered(qtbot, window)
    assert view.model().headerData(0, Qt.Orientation.Horizontal) == "Week starting"
    assert column(view, "Week starting")[0] == "19 Oct 2026"  # the Monday before 22 Oct
    assert sum(int(v) for v in column(view, "Visits")) == 6


# ----- export and print ----------------------------------------------------------------------


def test_ctrl_e_exports_the_table_as_spreadsheet_safe_csv(qtbot, shop, add_customer, sessions,
                                                          open_insights) -> None:
    sneaky = add_customer(name="=HYPERLINK(1)")
    with sessions.begin() as session:
        models.check_in(session, sneaky, at=ago(4))
    window = open_insights()
    window.set_period(30)
    answered(qtbot, window)
    view = table(window, "loyalTable")
    view.setFocus()
    with qtbot.waitSignal(window.exported, timeout=WAIT_MS) as exported:
        qtbot.keyClick(view, Qt.Key.Key_E, CTRL)
    path = Path(exported.args[0])
    assert path.name == "loyal-regulars-30-days-2026-11-20.csv"
    with path.open(encoding="utf-8-sig", newline="") as stream:
        read = list(csv.reader(stream))
    assert read[0] == ["#", "Regular", "Visits", "Before", "Trend", "Gap (days)", "First visit",
                       "Last visit", "Tags"]
    assert read[1] == ["1", "Ann Archer", "3", "1", "2", "2.0", "2026-10-11", "2026-11-19",
                       "regular"]
    assert read[2][:5] == ["2", "Ben Baker", "2", "3", "-1"]  # a number, not neutralised
    # Rank 3 twice (one visit each); a name that looks like a formula stays text.
    assert [row[:6] for row in read[3:]] == [["3", "Cat Cooper", "1", "0", "1", ""],
                                             ["3", "'=HYPERLINK(1)", "1", "0", "1", ""]]
    assert "✓ Saved 4 rows" in window.message.text()


def test_ctrl_shift_s_saves_the_chart_as_png(qtbot, shop, open_insights) -> None:
    window = open_insights()
    assert not window.chart_action.isEnabled()  # the loyal list has no chart
    show_tab(qtbot, window, "visits")
    with qtbot.waitSignal(window.exported, timeout=WAIT_MS) as exported:
        qtbot.keyClick(window.tabs, Qt.Key.Key_S, CTRL_SHIFT)
    path = Path(exported.args[0])
    assert path.suffix == ".png" and path.stat().st_size > 1000
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1100, 600)


def test_save_every_report_as_one_pdf(qtbot, shop, open_insights) -> None:
    window = open_insights()
    with qtbot.waitSignal(window.exported, timeout=WAIT_MS) as exported:
        qtbot.keyClick(window.tabs, Qt.Key.Key_P, CTRL_SHIFT)
    path = Path(exported.args[0])
    assert path.name == "insights-90-days-2026-11-20.pdf"
    assert path.read_bytes().startswith(b"%PDF") and path.stat().st_size > 5000
    assert all(page.has_answer for page in window.pages)  # every report was worked out first


def test_ctrl_p_prints_every_report(qtbot, shop, open_insights, tmp_path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    target = tmp_path / "printed.pdf"

    def printer(_parent: object) -> QPrinter:
        chosen = QPrinter()
        chosen.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        chosen.setOutputFileName(str(target))
        return chosen

    window = open_insights(ask_print=printer)
    with qtbot.waitSignal(window.exported, timeout=WAIT_MS) as exported:
        qtbot.keyClick(window.tabs, Qt.Key.Key_P, CTRL)
    assert exported.args == ["printer"]
    assert target.read_bytes().startswith(b"%PDF")


def test_cancelling_a_file_dialog_writes_nothing(qtbot, shop, open_insights) -> None:
    window = open_insights(ask_path=lambda *_args: "")
    assert window.export_table() is None
    assert window.message.text() == ""


# ----- running off the UI thread -------------------------------------------------------------


def test_a_late_answer_to_an_old_request_is_dropped(qtbot) -> None:
    runner = ReportRunner()
    release = threading.Event()
    shown: list[str] = []

    def slow() -> str:
        release.wait(10)
        return "old period"

    runner.run(slow, shown.append, lambda exc: shown.append(f"error {exc}"))
    with qtbot.waitSignal(runner.busy_changed, timeout=WAIT_MS):
        runner.run(lambda: "new period", shown.append, lambda exc: shown.append(str(exc)))
    wait_until(qtbot, lambda: shown == ["new period"])
    assert not runner.busy
    release.set()  # the first period's answer arrives last …
    wait_until(qtbot, lambda: not runner._tasks)
    assert shown == ["new period"]  # … and is never shown


def test_a_failing_report_is_explained_not_raised(qtbot, shop, open_insights,
                                                  monkeypatch) -> None:
    from ui.insights import causes_page

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk I/O error\nTraceback …")

    monkeypatch.setattr(causes_page, "root_causes", broken)
    window = open_insights()
    show_tab(qtbot, window, "causes")
    error = window.page("causes").error
    assert error.isVisible()
    assert error.text() == "The report could not be made: disk I/O error"


def test_the_window_says_it_is_working(qtbot, shop, open_insights) -> None:
    window = open_insights()
    gate = threading.Event()
    page = window.page("visits")
    original = page.compute

    def slow(*args: object) -> object:
        gate.wait(10)
        return original(*args)  # type: ignore[arg-type]

    page.compute = slow  # type: ignore[method-assign]
    window.tabs.setCurrentWidget(page)
    busy = window.findChild(QLabel, "insightsBusy")
    wait_until(qtbot, busy.isVisible)
    window.tabs.setCurrentIndex(0)  # the window answers while the report runs
    assert window.current_page.key == "loyal"
    gate.set()
    wait_until(qtbot, lambda: page.has_answer and not busy.isVisible())


# ----- the table model -----------------------------------------------------------------------


def test_the_table_model_sorts_numbers_as_numbers(qtmodeltester) -> None:
    data = [("nine", 9), ("ten", 10), ("hundred", 100)]
    model = ReportTableModel([text_column("Name", lambda r: r[0]),
                              count_column("Count", lambda r: r[1])])
    model.set_rows(data)
    qtmodeltester.check(model)
    proxy = sorting_proxy(model)
    assert proxy.sortRole() == SORT_ROLE
    proxy.sort(1, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["nine", "ten", "hundred"]
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["hundred", "nine", "ten"]


# ----- from the counter window ---------------------------------------------------------------


def test_ctrl_shift_i_opens_insights_and_enter_opens_the_card(qtbot, sessions, shop) -> None:
    from ui.main_window import MainWindow

    main = MainWindow(sessions, clock=lambda: NOW)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)

    def opened() -> list[InsightsWindow]:
        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, InsightsWindow) and w.isVisible() and w.parent() is main]

    qtbot.keyClick(main.findChild(QLineEdit, "searchBox"), Qt.Key.Key_I, CTRL_SHIFT)
    wait_until(qtbot, lambda: bool(opened()))
    (insights,) = opened()
    answered(qtbot, insights)
    insights.open_customer.emit(shop["eve"])
    wait_until(qtbot, lambda: main.card.card is not None and main.card.card.id == shop["eve"])
    main.insights_action.trigger()  # already open: brought forward, not opened twice
    assert opened() == [insights]
    with qtbot.waitSignal(insights.closed, timeout=WAIT_MS):
        insights.findChild(QPushButton, "closeInsightsButton").click()


def test_the_counter_starts_without_loading_the_charts() -> None:
    code = ("import sys, ui.main_window, vre_desktop.app; "
            "assert 'PySide6.QtCharts' not in sys.modules; "
            "assert not [m for m in sys.modules if m.startswith('ui.insights')]")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
