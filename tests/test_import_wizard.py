"""The import wizard, driven the way a shop owner would: real files, a real (temporary)
database, the keyboard where the owner would use it and the mouse where they would click."""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QTableView, QWidget
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

import models
from models.entities import AuditEvent, Customer
from ui import import_wizard
from ui.import_wizard import ImportWizard, PlanModel, TextTableModel

ALT = Qt.KeyboardModifier.AltModifier
LEFT = Qt.MouseButton.LeftButton

SQUARE = (
    "First Name,Last Name,Nickname,Phone Number,Email Address,Memo,Square Customer ID,Birthday\n"
    "Kate,Lee,,+1 213 555 0199,kate@example.com,oat flat white,SQ1,\n"
    "Zoë,Park,Zo,415 555 0100,zoe@example.com,Corgi called Biscuit,SQ2,13-45\n"
    ",,,555 000 1111,,,SQ3,\n"
)
OTHER = (
    "Customer,Mobile,Fav drink,Comments\n"
    "Ann Berg,555 111 2222,latte,sits by the window\n"
    "Bo Chan,555 333 4444,cortado,\n"
    "Cy Dunn,,mocha,dog: Biscuit\n"
)


@pytest.fixture
def kate(add_customer) -> int:
    """Already a regular: the Square file's first row has her phone number."""
    return add_customer(name="Kate Lee", phone="(213) 555-0199")


@pytest.fixture
def square_file(tmp_path: Path) -> Path:
    path = tmp_path / "square-customers.csv"
    path.write_text(SQUARE, encoding="utf-8")
    return path


@pytest.fixture
def other_file(tmp_path: Path) -> Path:
    path = tmp_path / "regulars.csv"
    path.write_text(OTHER, encoding="utf-8")
    return path


@pytest.fixture
def open_wizard(qtbot, sessions) -> Iterator[Callable[..., ImportWizard]]:
    def open_(**kwargs: Any) -> ImportWizard:
        wizard = ImportWizard(sessions, **kwargs)
        qtbot.addWidget(wizard)
        wizard.show()
        qtbot.waitExposed(wizard)
        wizard.activateWindow()
        return wizard

    yield open_
    # No test leaves a reading, checking or importing thread behind.
    qtbot.waitUntil(lambda: not import_wizard.tasks_running())


def child(wizard: QWidget, kind: type, name: str) -> Any:
    found = wizard.findChild(kind, name)
    assert found is not None, name
    return found


def button(wizard: QWidget, name: str) -> QPushButton:
    found: QPushButton = child(wizard, QPushButton, name)
    return found


def label_text(wizard: QWidget, name: str) -> str:
    found: QLabel = child(wizard, QLabel, name)
    return found.text()


def table_rows(view: QTableView) -> list[tuple[str, ...]]:
    model = view.model()
    return [
        tuple(str(model.index(row, column).data() or "") for column in range(model.columnCount())
              if not view.isColumnHidden(column))
        for row in range(model.rowCount())
    ]


def type_path(qtbot, wizard: ImportWizard, path: Path) -> None:
    """Type the path and press Enter, as if pasted from a file manager."""
    edit = child(wizard, QWidget, "importPathEdit")
    edit.setFocus()
    qtbot.keyClicks(edit, str(path))
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def wait_detected(qtbot, wizard: ImportWizard, text: str) -> None:
    qtbot.waitUntil(lambda: label_text(wizard, "detectedLabel") == text)
    qtbot.waitUntil(lambda: not wizard.is_busy())


def wait_preview(qtbot, wizard: ImportWizard) -> str:
    qtbot.waitUntil(lambda: button(wizard, "importButton").isVisible())
    qtbot.waitUntil(lambda: not wizard.is_busy())
    return label_text(wizard, "previewCounts")


def press_next(qtbot, wizard: ImportWizard) -> None:
    """Enter: the page's main step (whichever widget has the focus)."""
    focus = wizard.focusWidget() or wizard
    qtbot.keyClick(focus, Qt.Key.Key_Return)


def customer_rows(sessions: models.SessionFactory) -> list[tuple[str, str, str]]:
    with sessions() as session:
        return [(c.name, c.phone, c.email)
                for c in session.scalars(select(Customer).order_by(Customer.id))]


# --- a known format: Square ---------------------------------------------------------------


def test_square_file_is_detected_previewed_imported_and_reported(
    qtbot, open_wizard, sessions, kate, square_file, tmp_path, monkeypatch
) -> None:
    wizard = open_wizard()
    assert wizard.objectName() == "importWizard"
    assert wizard.focusWidget() is child(wizard, QWidget, "importPathEdit")
    assert not button(wizard, "nextButton").isEnabled()

    type_path(qtbot, wizard, square_file)
    wait_detected(qtbot, wizard, "Square customer directory · 3 rows · UTF-8")
    assert button(wizard, "nextButton").isEnabled()

    press_next(qtbot, wizard)  # no columns to choose for Square: straight to the preview
    assert wait_preview(qtbot, wizard) == "1 new regular · 1 updated · 1 skipped"
    table = child(wizard, QTableView, "previewTable")
    assert wizard.focusWidget() is table
    assert table_rows(table) == [
        ("2", "Update", "Kate Lee", f"same phone as Kate Lee (#{kate})"),
        ("3", "Add", "Zoë Park (Zo)", "new regular"),
        ("4", "Skip", "—", "no name, nickname or memo to recognise them by"),
    ]
    assert table.model().index(1, PlanModel.ACTION).data(PlanModel.ActionRole) == "create"
    warnings = child(wizard, QWidget, "previewWarnings")
    assert [warnings.item(i).text() for i in range(warnings.count())] == [
        "Line 3, column “Birthday”: “13-45” is not a date we understand; "
        "the birthday was left empty."
    ]

    shown = child(wizard, QComboBox, "previewFilter")
    assert [shown.itemText(i) for i in range(shown.count())] == [
        "All rows (3)", "New (1)", "Updates (1)", "Skipped (1)"]
    shown.setCurrentIndex(3)
    assert table_rows(table) == [
        ("4", "Skip", "—", "no name, nickname or memo to recognise them by")]
    shown.setCurrentIndex(0)
    assert customer_rows(sessions) == [("Kate Lee", "(213) 555-0199", "")]  # only a preview

    importing = button(wizard, "importButton")
    assert importing.text() == "&Import 2 regulars"
    with qtbot.waitSignal(wizard.imported) as imported:
        qtbot.mouseClick(importing, LEFT)
    report = imported.args[0]
    assert (report.created, report.updated, len(report.skipped)) == (1, 1, 1)
    assert label_text(wizard, "importSummary") == "Added 1 new regular, updated 1, skipped 1 row."
    assert table_rows(child(wizard, QTableView, "skippedList")) == [
        ("4", "—", "no name, nickname or memo to recognise them by")]
    assert not button(wizard, "backButton").isVisible()

    assert customer_rows(sessions) == [
        ("Kate Lee", "(213) 555-0199", "kate@example.com"),  # her gap filled, name kept
        ("Zoë Park", "415 555 0100", "zoe@example.com"),
    ]
    with sessions() as session:
        assert [m.display_name for m in models.find_customers(session, "corgi")] == [
            "Zoë Park (Zo)"]
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).one()
        assert "square-customers.csv" in event.summary

    saved = tmp_path / "report.csv"
    monkeypatch.setattr(import_wizard.QFileDialog, "getSaveFileName",
                        lambda *_args, **_kw: (str(saved), "CSV report (*.csv)"))
    qtbot.mouseClick(button(wizard, "saveReportButton"), LEFT)
    assert label_text(wizard, "reportSaved") == f"Saved to {saved}"
    with saved.open(encoding="utf-8-sig", newline="") as file:
        assert list(csv.reader(file)) == [
            ["Line", "Action", "Who", "Reason"],
            ["2", "Update", "Kate Lee", f"same phone as Kate Lee (#{kate})"],
            ["3", "Add", "Zoë Park (Zo)", "new regular"],
            ["4", "Skip", "", "no name, nickname or memo to recognise them by"],
            ["3", "Warning", "Zoë Park (Zo)",
             "Line 3, column “Birthday”: “13-45” is not a date we understand; "
             "the birthday was left empty."],
        ]

    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return)  # Enter closes
    qtbot.waitUntil(lambda: not wizard.isVisible())


def test_the_report_can_be_plain_text(
    qtbot, open_wizard, kate, square_file, tmp_path
) -> None:
    wizard = open_wizard(start_path=square_file)
    wait_detected(qtbot, wizard, "Square customer directory · 3 rows · UTF-8")
    press_next(qtbot, wizard)
    wait_preview(qtbot, wizard)
    with qtbot.waitSignal(wizard.imported):
        qtbot.mouseClick(button(wizard, "importButton"), LEFT)
    saved = tmp_path / "report.txt"
    assert wizard.save_report(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["Import of square-customers.csv (Square customer directory)",
                         "Added 1 new regular, updated 1, skipped 1 row."]
    assert "Line 4 · Skip · — · no name, nickname or memo to recognise them by" in lines


def test_choose_file_reads_the_chosen_file(
    qtbot, open_wizard, square_file, monkeypatch
) -> None:
    asked: list[str] = []

    def get_open_file_name(_parent: object, _title: str, _start: str, filter: str) -> tuple:
        asked.append(filter)
        return str(square_file), filter

    monkeypatch.setattr(import_wizard.QFileDialog, "getOpenFileName", get_open_file_name)
    wizard = open_wizard()
    qtbot.mouseClick(button(wizard, "chooseFileButton"), LEFT)
    assert asked and asked[0].startswith("Customer files (*.csv *.vcf *.json *.txt)")
    assert child(wizard, QWidget, "importPathEdit").text() == str(square_file)
    wait_detected(qtbot, wizard, "Square customer directory · 3 rows · UTF-8")


# --- any other CSV: choosing the columns ----------------------------------------------------


def combo(wizard: ImportWizard, column: int) -> QComboBox:
    found: QComboBox = child(wizard, QComboBox, f"mappingCombo_{column}")
    return found


def choose(wizard: ImportWizard, column: int, target: str | None) -> None:
    box = combo(wizard, column)
    box.setCurrentIndex(box.findData(target))


def test_unknown_csv_columns_are_guessed_and_the_preview_follows_each_choice(
    qtbot, open_wizard, sessions, other_file
) -> None:
    wizard = open_wizard(start_path=other_file)
    wait_detected(qtbot, wizard,
                  "Other CSV (choose the columns) · 3 rows · UTF-8 — choose the columns next.")
    press_next(qtbot, wizard)
    assert wizard.page == import_wizard.COLUMNS
    assert wizard.focusWidget() is combo(wizard, 0)
    assert [combo(wizard, i).currentText() for i in range(4)] == [
        "Full name", "Phone", "Ignore", "Note / memo"]
    assert combo(wizard, 2).accessibleName() == "Column “Fav drink” goes into"
    qtbot.keyClick(combo(wizard, 0), Qt.Key.Key_Tab)  # Tab goes down the list of columns
    assert wizard.focusWidget() is combo(wizard, 1)

    preview = child(wizard, QTableView, "mappingPreview")
    model = preview.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())
               if not preview.isColumnHidden(c)]
    assert headers == ["Line", "Name", "Phone", "Note"]
    assert table_rows(preview) == [
        ("2", "Ann Berg", "555 111 2222", "sits by the window"),
        ("3", "Bo Chan", "555 333 4444", ""),
        ("4", "Cy Dunn", "", "dog: Biscuit"),
    ]

    choose(wizard, 2, "usuals")  # "Fav drink" is their usual order
    assert table_rows(preview) == [
        ("2", "Ann Berg", "555 111 2222", "latte", "sits by the window"),
        ("3", "Bo Chan", "555 333 4444", "cortado", ""),
        ("4", "Cy Dunn", "", "mocha", "dog: Biscuit"),
    ]

    choose(wizard, 0, None)  # no name and no note: nobody could be recognised
    choose(wizard, 3, None)
    error = child(wizard, QLabel, "mappingError")
    assert error.isVisible() and "choose which column holds the name" in error.text()
    assert not button(wizard, "nextButton").isEnabled()
    assert table_rows(preview) == []
    choose(wizard, 0, "name")
    choose(wizard, 3, "note")
    assert not error.isVisible() and button(wizard, "nextButton").isEnabled()

    press_next(qtbot, wizard)
    assert wait_preview(qtbot, wizard) == "3 new regulars · 0 updated · 0 skipped"
    with qtbot.waitSignal(wizard.imported):
        qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return)  # Enter imports
    with sessions() as session:
        assert [m.display_name for m in models.find_customers(session, "cortado")] == ["Bo Chan"]
        ann = models.find_customers(session, "Ann Berg")[0]
        card = models.load_card(session, ann.id)
        assert card.usuals == ("latte",)


def test_alt_b_goes_back_and_alt_n_forward_keeping_the_choices(
    qtbot, open_wizard, other_file
) -> None:
    wizard = open_wizard(start_path=other_file)
    wait_detected(qtbot, wizard,
                  "Other CSV (choose the columns) · 3 rows · UTF-8 — choose the columns next.")
    qtbot.waitUntil(wizard.isActiveWindow)  # Alt+letter goes to the active window
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_N, ALT)
    qtbot.waitUntil(lambda: wizard.page == import_wizard.COLUMNS)
    choose(wizard, 2, "usuals")
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_N, ALT)
    wait_preview(qtbot, wizard)
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_B, ALT)
    qtbot.waitUntil(lambda: wizard.page == import_wizard.COLUMNS)
    assert combo(wizard, 2).currentText() == "Usual order"
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_B, ALT)
    qtbot.waitUntil(lambda: wizard.page == import_wizard.FILE)
    assert wizard.focusWidget() is child(wizard, QWidget, "importPathEdit")


# --- problems, said plainly --------------------------------------------------------------


def test_unreadable_files_are_explained_in_one_sentence(
    qtbot, open_wizard, tmp_path, other_file
) -> None:
    wizard = open_wizard()
    missing = tmp_path / "nope.csv"
    type_path(qtbot, wizard, missing)
    qtbot.waitUntil(lambda: not wizard.is_busy())
    text = label_text(wizard, "detectedLabel")
    assert text.startswith("“nope.csv” could not be opened")
    assert child(wizard, QLabel, "detectedLabel").property("state") == "error"
    assert not button(wizard, "nextButton").isEnabled()

    pdf = tmp_path / "customers.pdf"
    pdf.write_bytes(b"%PDF-1.7 binary")
    edit = child(wizard, QWidget, "importPathEdit")
    edit.clear()
    type_path(qtbot, wizard, pdf)
    wait_detected(qtbot, wizard,
                  "This is a PDF; export the customers as CSV or vCard instead.")

    # Insisting a file is from Square when it is not.
    edit.clear()
    type_path(qtbot, wizard, other_file)
    wait_detected(qtbot, wizard,
                  "Other CSV (choose the columns) · 3 rows · UTF-8 — choose the columns next.")
    formats = child(wizard, QComboBox, "importFormatCombo")
    formats.setCurrentIndex(formats.findData("square"))
    qtbot.waitUntil(lambda: not wizard.is_busy())
    sentence = label_text(wizard, "detectedLabel")
    assert "Square" in sentence and "Traceback" not in sentence and "\n" not in sentence
    assert not button(wizard, "nextButton").isEnabled()


def test_an_error_while_importing_is_one_plain_sentence_and_changes_nothing(
    qtbot, open_wizard, sessions, kate, square_file, monkeypatch
) -> None:
    def locked(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT …", {}, Exception("database is locked"))

    monkeypatch.setattr(import_wizard, "import_parsed", locked)
    wizard = open_wizard(start_path=square_file)
    wait_detected(qtbot, wizard, "Square customer directory · 3 rows · UTF-8")
    press_next(qtbot, wizard)
    wait_preview(qtbot, wizard)
    qtbot.mouseClick(button(wizard, "importButton"), LEFT)
    qtbot.waitUntil(lambda: not wizard.is_busy())
    status = label_text(wizard, "importStatus")
    assert status == ("The import stopped and nothing was changed: another counter is saving to "
                      "the database right now; please try again in a moment.")
    assert button(wizard, "backButton").isEnabled()
    assert customer_rows(sessions) == [("Kate Lee", "(213) 555-0199", "")]


def test_an_unexpected_error_is_named_not_dumped(
    qtbot, open_wizard, sessions, kate, square_file, monkeypatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("birthday_month")

    monkeypatch.setattr(import_wizard, "import_parsed", broken)
    wizard = open_wizard(start_path=square_file)
    wait_detected(qtbot, wizard, "Square customer directory · 3 rows · UTF-8")
    press_next(qtbot, wizard)
    wait_preview(qtbot, wizard)
    qtbot.mouseClick(button(wizard, "importButton"), LEFT)
    qtbot.waitUntil(lambda: not wizard.is_busy())
    assert label_text(wizard, "importStatus") == (
        "The import stopped and nothing was changed: something went wrong ('birthday_month').")
    assert label_text(wizard, "importPageTitle") == "Not imported"


# --- cancelling ----------------------------------------------------------------------------


@pytest.fixture
def gated_import(monkeypatch) -> dict[str, threading.Event]:
    """The real import, held after its first write until the test lets it go on, so Cancel
    lands in the middle of the transaction."""
    reached, gate = threading.Event(), threading.Event()
    real = import_wizard.import_parsed

    def slow_import(session: Any, parsed: Any, *, progress: Any, **kwargs: Any) -> Any:
        def held(done: int, total: int) -> bool:
            keep_going = bool(progress(done, total))
            if done >= 1:
                reached.set()
                gate.wait(10)
                return bool(progress(done, total))  # the Cancel pressed meanwhile
            return keep_going

        return real(session, parsed, progress=held, **kwargs)

    monkeypatch.setattr(import_wizard, "import_parsed", slow_import)
    return {"reached": reached, "gate": gate}


def test_cancel_in_the_middle_rolls_everything_back(
    qtbot, open_wizard, sessions, kate, square_file, gated_import
) -> None:
    wizard = open_wizard(start_path=square_file)
    wait_detected(qtbot, wizard, "Square customer directory · 3 rows · UTF-8")
    press_next(qtbot, wizard)
    wait_preview(qtbot, wizard)
    imported: list[object] = []
    wizard.imported.connect(imported.append)
    qtbot.mouseClick(button(wizard, "importButton"), LEFT)
    qtbot.waitUntil(gated_import["reached"].is_set)  # Kate's update is written, not committed
    cancel = button(wizard, "cancelImportButton")
    assert cancel.isVisible() and wizard.focusWidget() is cancel
    qtbot.waitUntil(lambda: child(wizard, QWidget, "importProgress").value() >= 1)
    assert not button(wizard, "backButton").isEnabled()
    qtbot.mouseClick(cancel, LEFT)
    assert label_text(wizard, "importStatus") == "Cancelling… nothing will be changed."
    gated_import["gate"].set()
    qtbot.waitUntil(lambda: label_text(wizard, "importStatus")
                    == "Cancelled — nothing was changed.")
    qtbot.waitUntil(lambda: not wizard.is_busy())
    assert imported == []
    assert customer_rows(sessions) == [("Kate Lee", "(213) 555-0199", "")]
    with sessions() as session:
        assert session.scalar(select(func.count(AuditEvent.id))
                              .where(AuditEvent.action == "import")) == 0

    qtbot.mouseClick(button(wizard, "backButton"), LEFT)  # back to the preview, checked again
    assert wait_preview(qtbot, wizard) == "1 new regular · 1 updated · 1 skipped"


def test_esc_while_importing_cancels_instead_of_closing(
    qtbot, open_wizard, sessions, kate, square_file, gated_import
) -> None:
    wizard = open_wizard(start_path=square_file)
    wait_detected(qtbot, wizard, "Square customer directory · 3 rows · UTF-8")
    press_next(qtbot, wizard)
    wait_preview(qtbot, wizard)
    qtbot.mouseClick(button(wizard, "importButton"), LEFT)
    qtbot.waitUntil(gated_import["reached"].is_set)
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Escape)
    assert wizard.isVisible()
    gated_import["gate"].set()
    qtbot.waitUntil(lambda: label_text(wizard, "importStatus")
                    == "Cancelled — nothing was changed.")
    assert customer_rows(sessions) == [("Kate Lee", "(213) 555-0199", "")]
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Escape)  # now Esc closes
    assert not wizard.isVisible()


def test_esc_closes_while_a_file_is_still_being_read(
    qtbot, open_wizard, square_file, monkeypatch
) -> None:
    gate = threading.Event()
    real = import_wizard.read_customer_file

    def slow_read(path: Path, format: str) -> Any:
        gate.wait(10)
        return real(path, format)

    monkeypatch.setattr(import_wizard, "read_customer_file", slow_read)
    wizard = open_wizard(start_path=square_file)
    assert child(wizard, QWidget, "readBusy").isVisible()  # busy, and the UI is not blocked
    assert label_text(wizard, "detectedLabel") == "Reading “square-customers.csv”…"
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Escape)
    assert not wizard.isVisible()
    gate.set()  # the reading finishes unseen (the fixture waits for its thread)


# --- names for people using a screen reader, and the models -----------------------------


def test_key_widgets_have_object_and_accessible_names(
    qtbot, open_wizard, kate, square_file
) -> None:
    wizard = open_wizard(start_path=square_file)
    wait_detected(qtbot, wizard, "Square customer directory · 3 rows · UTF-8")
    for name in ("importWizard", "importPathEdit", "importFormatCombo", "chooseFileButton",
                 "detectedLabel", "mappingTable", "mappingPreview", "previewCounts",
                 "previewTable", "previewFilter", "importButton", "importProgress",
                 "cancelImportButton", "importSummary", "skippedList", "saveReportButton",
                 "nextButton", "backButton"):
        widget = wizard if name == "importWizard" else child(wizard, QWidget, name)
        assert widget.accessibleName(), name


def test_the_table_models_behave(qtmodeltester, qtbot, open_wizard, kate, square_file) -> None:
    wizard = open_wizard(start_path=square_file)
    wait_detected(qtbot, wizard, "Square customer directory · 3 rows · UTF-8")
    press_next(qtbot, wizard)
    wait_preview(qtbot, wizard)
    plan = child(wizard, QTableView, "previewTable").model()
    assert isinstance(plan, PlanModel)
    qtmodeltester.check(plan, force_py=True)
    plan.set_action("update")
    qtmodeltester.check(plan, force_py=True)
    text = TextTableModel(("A", "B"))
    text.set_rows([("1", "x"), ("2", "y")], muted={1})
    qtmodeltester.check(text, force_py=True)
