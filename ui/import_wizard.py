"""Bring regulars in from another system's file: File → Columns → Preview → Import → Done.

A QDialog over a QStackedWidget rather than a QWizard: every step here waits on work in the
background (reading the file, checking it against the database, the import itself), the import
step needs its own Cancel and a page that stays after a cancel or an error, and Enter / Alt+N /
Alt+B / Esc must mean the same thing on every page. QWizard's page-validation model, its
platform-dependent button layout and its own Cancel/Finish semantics would all have to be
fought for that; a stack with four buttons at the bottom does it plainly and takes the house
style sheet as is.

Nothing is written until Import; the import is one transaction, so a cancel or an error leaves
the database exactly as it was. Files are read, checked and imported on a ``BackgroundTask``.
"""

from __future__ import annotations

import calendar
import csv
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

import models
from models.importing import generic_csv
from models.importing.applying import ImportCancelled, ImportReport, import_parsed, preview_import
from models.importing.planning import ACTION_LABELS, PlannedRow
from models.importing.reading import (
    FORMATS,
    ImportFileError,
    detect_format,
    guess_mapping,
    read_bytes,
    read_table,
)
from models.importing.records import ImportRecord, ParsedFile
from ui.background import BackgroundTask, Report
from ui.theme import LIGHT

log = logging.getLogger(__name__)

FILE_FILTER = "Customer files (*.csv *.vcf *.json *.txt);;All files (*)"
SAMPLE_ROWS = 20  # rows in the live preview of the column mapping
WARNINGS_SHOWN = 500  # the rest are in the saved report
IGNORE = "Ignore"

FILE, COLUMNS, PREVIEW, IMPORT, DONE = range(5)
STEP_NAMES = {FILE: "File", COLUMNS: "Columns", PREVIEW: "Preview", IMPORT: "Import",
              DONE: "Done"}
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16",
             "cp1252": "Windows-1252", "latin-1": "Latin-1"}
ROW_NOUNS = {"vcard": ("contact", "contacts"), "json": ("regular", "regulars")}
FILTERS: tuple[tuple[str, str | None], ...] = (
    ("All rows", None), ("New", "create"), ("Updates", "update"), ("Skipped", "skip"),
)
ACTION_COLOURS = {"create": LIGHT.success, "update": LIGHT.accent, "skip": LIGHT.muted}

# Tasks still running (a read abandoned by choosing another file, or by closing the wizard)
# stay referenced here until their thread has stopped.
_RUNNING: dict[object, BackgroundTask] = {}


def tasks_running() -> bool:
    """Whether any wizard's background work is still going (tests wait for this)."""
    return bool(_RUNNING)


def plain_message(error: BaseException) -> str:
    """One sentence for a person; the traceback of an unexpected error goes to the log file."""
    if isinstance(error, ImportFileError):
        return str(error)
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()
    first = detail[0] if detail else type(error).__name__
    if "database is locked" in first:
        return ("Another counter is saving to the database right now; "
                "please try again in a moment.")
    if isinstance(error, models.ValidationError):
        return " ".join(error.errors.values())
    log.error("import wizard: unexpected error", exc_info=error, extra={"file_only": True})
    return f"Something went wrong ({first})."


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def counts_text(report: ImportReport) -> str:
    """"1,180 new regulars · 42 updated · 12 skipped" (· combined, when there are any)."""
    parts = [plural(report.created, "new regular"), f"{report.updated:,} updated"]
    if report.combined:
        parts.append(f"{report.combined:,} combined")
    parts.append(f"{len(report.skipped):,} skipped")
    return " · ".join(parts)


def importing_text(preview: ImportReport) -> str:
    """"Adding 1,180 new regulars and updating 42…", naming only what there is to do."""
    parts = []
    if preview.created:
        parts.append(f"adding {plural(preview.created, 'new regular')}")
    if preview.updated:
        parts.append(f"updating {plural(preview.updated, 'regular')}")
    text = " and ".join(parts) or "saving"
    return text[0].upper() + text[1:] + "…"


def birthday_text(record: ImportRecord) -> str:
    if record.birthday_month is None:
        return ""
    month = calendar.month_name[record.birthday_month]
    day = f"{record.birthday_day} " if record.birthday_day else ""
    year = f" {record.birthday_year}" if record.birthday_year else ""
    return f"{day}{month}{year}"


def who(row: PlannedRow) -> str:
    return row.label or "—"


def report_rows(report: ImportReport) -> list[tuple[str, str, str, str]]:
    """(line, action, who, reason) for every row, then each warning under its row's line."""
    rows = [(str(row.line), ACTION_LABELS[row.action], row.label, row.reason)
            for row in report.plan.rows]
    for row in report.plan.rows:
        if row.record is not None and row.into_line is None:
            rows.extend((str(row.line), "Warning", row.label, warning)
                        for warning in row.record.warnings)
    return rows


def write_report(path: Path, report: ImportReport, source: str) -> None:
    """A CSV report (line, action, who, reason), or plain text when the name ends in .txt."""
    rows = report_rows(report)
    if path.suffix.lower() == ".txt":
        lines = [f"Import of {source} ({report.format_label})", report.summary(), ""]
        lines += [f"Line {line} · {action} · {name or '—'} · {reason}"
                  for line, action, name, reason in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(("Line", "Action", "Who", "Reason"))
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")  # Excel reads the BOM


@dataclass(frozen=True)
class FileRead:
    """A file read on page 1: what it is and, unless its columns are still to be chosen, its
    records."""

    path: Path
    detected: str  # the format read as: a key of FORMATS other than "auto"
    data: bytes
    parsed: ParsedFile | None  # None for "csv": read again once the columns are chosen
    columns: list[str]
    sample: list[tuple[int, list[str]]]  # the first rows as the file has them ("csv" only)
    rows: int
    encoding: str

    def describe(self) -> str:
        label = self.parsed.format_label if self.parsed else FORMATS[self.detected]
        one, many = ROW_NOUNS.get(self.detected, ("row", "rows"))
        encoding = ENCODINGS.get(self.encoding.lower(), self.encoding.upper())
        return f"{label} · {plural(self.rows, one, many)} · {encoding}"


def read_customer_file(path: Path, format: str) -> FileRead:
    """Read ``path`` as ``format`` (or detect it): runs on a worker thread."""
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ImportFileError(f"“{path.name}” could not be opened ({reason}).") from None
    detected = detect_format(data) if format == "auto" else format
    if detected == "csv":
        table = read_table(data)
        rows = sum(1 for _line, cells in table.rows if "".join(cells).strip())
        return FileRead(path, detected, data, None, list(table.columns),
                        table.rows[:SAMPLE_ROWS], rows, table.encoding)
    parsed = read_bytes(data, detected)
    rows = len(parsed.records) + sum(1 for s in parsed.skipped
                                     if s.reason != generic_csv.EMPTY_ROW)
    return FileRead(path, detected, data, parsed, list(parsed.columns), [], rows,
                    parsed.encoding)


def sample_records(
    columns: list[str], rows: Sequence[tuple[int, list[str]]], mapping: dict[int, str]
) -> ParsedFile:
    """The sample rows as "Other CSV" would read them with ``mapping`` (instant: ~20 rows).

    The same layout and row rules ``read_bytes(data, "csv", mapping)`` applies, on the rows
    already in memory, so the preview never decodes the file again.
    """
    layout = generic_csv.layout_from_mapping(columns, mapping)
    if not layout.can_recognise():
        raise ImportFileError(
            "No column holds a name, nickname, description or note to recognise customers by; "
            "choose which column holds the name."
        )
    parsed = ParsedFile("csv", generic_csv.LABEL, list(columns))
    generic_csv.map_rows(layout, rows, parsed)
    return parsed


# --- table models --------------------------------------------------------------------------

_ROOT = QModelIndex()


class _RowsModel(QAbstractTableModel):
    """A flat table: fixed column headers over a list of rows (``self._rows``)."""

    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._rows: list[Any] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._headers)):
            return self._headers[section]
        return None


class PlanModel(_RowsModel):
    """The rows of an import plan (Line, Action, Who, Why), optionally one action only."""

    LINE, ACTION, WHO, WHY = range(4)
    HEADERS = ("Line", "Action", "Who", "Why")
    ActionRole = Qt.ItemDataRole.UserRole + 1  # "create" / "update" / "skip"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.HEADERS, parent)
        self._all: list[PlannedRow] = []
        self._rows: list[PlannedRow] = []
        self._action: str | None = None

    def set_rows(self, rows: list[PlannedRow]) -> None:
        self.beginResetModel()
        self._all = rows
        self._rows = self._filtered()
        self.endResetModel()

    def set_action(self, action: str | None) -> None:
        if action == self._action:
            return
        self.beginResetModel()
        self._action = action
        self._rows = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[PlannedRow]:
        if self._action is None:
            return list(self._all)
        return [row for row in self._all if row.action == self._action]

    def planned(self, row: int) -> PlannedRow:
        return self._rows[row]

    def data(
        self, index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == self.LINE:
                return str(row.line)
            if column == self.ACTION:
                return ACTION_LABELS[row.action]
            if column == self.WHO:
                return who(row)
            if column == self.WHY:
                return row.reason
            return None
        if role == self.ActionRole:
            return row.action
        if role == Qt.ItemDataRole.ForegroundRole and column == self.ACTION:
            return QColor(ACTION_COLOURS[row.action])
        if role == Qt.ItemDataRole.FontRole and column == self.ACTION and row.action != "skip":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and row.action == "skip":
            return QColor(LIGHT.muted)
        return None


class TextTableModel(_RowsModel):
    """A small table of text (the mapping preview); muted rows are drawn in the muted colour."""

    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(headers, parent)
        self._rows: list[tuple[str, ...]] = []
        self._muted: set[int] = set()
        self._tips: dict[int, str] = {}

    def set_rows(self, rows: list[tuple[str, ...]], muted: set[int] | None = None,
                 tips: dict[int, str] | None = None) -> None:
        self.beginResetModel()
        self._rows = rows
        self._muted = muted or set()
        self._tips = tips or {}
        self.endResetModel()

    def data(
        self, index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tips.get(index.row()) or self._rows[index.row()][index.column()] or None
        if role == Qt.ItemDataRole.ForegroundRole and index.row() in self._muted:
            return QColor(LIGHT.muted)
        return None


MAPPING_PREVIEW_HEADERS = ("Line", "Name", "Goes by", "Phone", "Email", "Birthday", "Tags",
                           "Usual order", "Note", "Other")
# The targets each preview column shows; a column nothing is mapped to is hidden.
PREVIEW_COLUMN_TARGETS: dict[int, frozenset[str]] = {
    2: frozenset({"goes_by"}), 3: frozenset({"phone"}), 4: frozenset({"email"}),
    5: frozenset({"birthday"}), 6: frozenset({"tags"}), 7: frozenset({"usuals"}),
    8: frozenset({"note"}),
    9: frozenset({"description", "allergies", "preferences", "first_visit", "last_visit",
                  "visit_count"}),
}


def preview_cells(record: ImportRecord) -> tuple[str, ...]:
    other: list[str] = []
    if record.description:
        other.append(f"Looks: {record.description}")
    for title, items in (("Allergies", record.allergies), ("Likes", record.preferences)):
        if items:
            other.append(f"{title}: {', '.join(items)}")
    for title, moment in (("First visit", record.first_visit),
                          ("Last visit", record.last_visit)):
        if moment is not None:
            other.append(f"{title}: {moment.astimezone():%d %b %Y}")
    if record.visit_count is not None:
        other.append(f"{record.visit_count:,} visits")
    other.extend(f"⚠ {warning}" for warning in record.warnings)
    return (str(record.line), record.name, record.goes_by, record.phone, record.email,
            birthday_text(record), ", ".join(record.tags), "; ".join(record.usuals),
            " / ".join(note.text.replace("\n", " ") for note in record.notes),
            " · ".join(other))


# --- small widget helpers ------------------------------------------------------------------


def _named(widget: QWidget, object_name: str, accessible: str) -> None:
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible)


def _label(text: str = "", object_name: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # file names and cells are shown as they are
    label.setWordWrap(wrap)
    if object_name:
        label.setObjectName(object_name)
    return label


def _set_state(label: QLabel, state: str) -> None:
    """"ok", "error" or "" (muted): a dynamic property the style sheet colours."""
    label.setProperty("state", state)
    label.style().unpolish(label)
    label.style().polish(label)


def _table(object_name: str, accessible: str, model: QAbstractTableModel) -> QTableView:
    view = QTableView()
    _named(view, object_name, accessible)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)  # Tab leaves the table, as everywhere else
    view.verticalHeader().hide()
    rows = view.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # 100,000 rows stay cheap
    rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setDefaultAlignment(
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return view


def _fixed_width(view: QTableView, column: int, sample: str) -> None:
    header = view.horizontalHeader()
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
    width = max(view.fontMetrics().horizontalAdvance(sample),
                header.fontMetrics().horizontalAdvance(sample)) + 28
    header.resizeSection(column, width)


# --- the wizard ----------------------------------------------------------------------------


class ImportWizard(QDialog):
    """Import customers from a file. Emits ``imported(ImportReport)`` once the import is saved."""

    imported = Signal(object)

    def __init__(
        self, sessions: models.SessionFactory, parent: QWidget | None = None,
        start_path: str | Path | None = None, *, actor: str = "",
    ) -> None:
        super().__init__(parent)
        _named(self, "importWizard", "Import customers")
        self.setWindowTitle("Import customers")
        self.resize(900, 640)
        self.setMinimumSize(720, 520)
        self.setAcceptDrops(True)
        self._sessions = sessions
        self._actor = actor
        self._tasks: dict[str, tuple[object, BackgroundTask]] = {}
        self._file: FileRead | None = None
        self._read_key: tuple[str, str] | None = None
        self._parsed: ParsedFile | None = None  # the whole file, read with the chosen columns
        self._parsed_mapping: dict[int, str] | None = None
        self._preview: ImportReport | None = None
        self.report: ImportReport | None = None  # the import, once it is saved
        self._mapping_combos: list[QComboBox] = []

        self.steps = _label(object_name="importSteps", wrap=False)
        self.steps.setTextFormat(Qt.TextFormat.RichText)  # our own words only
        self.steps.setAccessibleName("Steps")
        self.title = _label(object_name="importPageTitle")
        self.title.setAccessibleName("Step")
        self.pages = QStackedWidget()
        _named(self.pages, "importPages", "Import steps")
        self.pages.addWidget(self._build_file_page())
        self.pages.addWidget(self._build_columns_page())
        self.pages.addWidget(self._build_preview_page())
        self.pages.addWidget(self._build_import_page())
        self.pages.addWidget(self._build_done_page())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.steps)
        layout.addWidget(self.title)
        layout.addWidget(self.pages, 1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setObjectName("importRule")
        layout.addWidget(line)
        layout.addLayout(self._build_buttons())

        self._show_page(FILE)
        if start_path is not None:
            self.path_edit.setText(str(start_path))
            self._read_file()

    # ----- construction ------------------------------------------------------------------

    def _build_file_page(self) -> QWidget:
        page = QWidget()
        intro = _label("Bring your regulars in from Square, Shopify, Google Contacts, a vCard "
                       "(.vcf) file, a Velvet Rope export, or any spreadsheet saved as CSV. "
                       "Nothing changes until you press Import at the end.", "emptyHint")
        self.path_edit = QLineEdit()
        _named(self.path_edit, "importPathEdit", "File to import")
        self.path_edit.setPlaceholderText("type or paste the path, or choose the file")
        self.path_edit.setClearButtonEnabled(True)
        self.path_edit.editingFinished.connect(self._read_file)
        self.path_edit.textEdited.connect(self._on_path_edited)
        self.choose_button = QPushButton("&Choose file…")
        _named(self.choose_button, "chooseFileButton", "Choose file")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_file)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.choose_button)

        self.read_busy = QProgressBar()
        _named(self.read_busy, "readBusy", "Reading the file")
        self.read_busy.setRange(0, 0)
        self.read_busy.setTextVisible(False)
        self.read_busy.setFixedSize(90, 8)
        self.read_busy.hide()
        self.detected_label = _label(object_name="detectedLabel")
        self.detected_label.setAccessibleName("What the file is")
        self.detected_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        detected_row = QHBoxLayout()
        detected_row.setContentsMargins(2, 0, 0, 0)
        detected_row.addWidget(self.read_busy, 0, Qt.AlignmentFlag.AlignVCenter)
        detected_row.addWidget(self.detected_label, 1)

        self.format_combo = QComboBox()
        _named(self.format_combo, "importFormatCombo", "Format")
        for key, label in FORMATS.items():
            self.format_combo.addItem(label, key)
        self.format_combo.setCurrentIndex(self.format_combo.findData("auto"))
        self.format_combo.currentIndexChanged.connect(self._read_file)
        self.format_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        format_row = QHBoxLayout()
        format_row.addWidget(self.format_combo)
        format_row.addStretch(1)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(8)
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path_edit)
        format_label = QLabel("F&ormat:")
        format_label.setBuddy(self.format_combo)
        file_field = QVBoxLayout()
        file_field.setSpacing(6)
        file_field.addLayout(path_row)
        file_field.addLayout(detected_row)
        form.addRow(file_label, file_field)
        form.addRow(format_label, format_row)
        hint = _label("“Detect from the file” knows Square, Shopify and Google Contacts exports, "
                      "vCard and Velvet Rope files by their contents. Any other CSV: you choose "
                      "which column holds what on the next step.", "emptyHint")

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addStretch(1)
        return page

    def _build_columns_page(self) -> QWidget:
        page = QWidget()
        intro = _label("We guessed from the column names; change any that are wrong. Columns "
                       "set to “Ignore” are left out.", "emptyHint")
        self.mapping_table = QScrollArea()
        _named(self.mapping_table, "mappingTable", "Which column holds what")
        self.mapping_table.setWidgetResizable(True)
        self.mapping_table.setFrameShape(QFrame.Shape.NoFrame)
        self.mapping_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its combos take the focus
        self._mapping_grid_host = QWidget()
        self._mapping_grid_host.setObjectName("mappingRows")
        self._mapping_grid = QGridLayout(self._mapping_grid_host)
        self._mapping_grid.setContentsMargins(12, 8, 12, 8)
        self._mapping_grid.setHorizontalSpacing(16)
        self._mapping_grid.setVerticalSpacing(6)
        self.mapping_table.setWidget(self._mapping_grid_host)

        self.mapping_error = _label(object_name="mappingError")
        self.mapping_error.setAccessibleName("Column problem")
        self.mapping_error.hide()
        self.mapping_preview_title = _label(
            f"How the first {SAMPLE_ROWS} rows would come in", "sectionTitle")
        self.mapping_model = TextTableModel(MAPPING_PREVIEW_HEADERS, self)
        self.mapping_preview = _table("mappingPreview", "How the first rows would come in",
                                      self.mapping_model)
        header = self.mapping_preview.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(intro)
        layout.addWidget(self.mapping_table, 3)
        layout.addWidget(self.mapping_error)
        layout.addWidget(self.mapping_preview_title)
        layout.addWidget(self.mapping_preview, 4)
        return page

    def _build_preview_page(self) -> QWidget:
        page = QWidget()
        self.preview_counts = _label(object_name="previewCounts")
        self.preview_counts.setAccessibleName("What the import would do")
        self.preview_source = _label(object_name="emptyHint")
        self.preview_busy = QProgressBar()
        _named(self.preview_busy, "previewBusy", "Checking the rows")
        self.preview_busy.setRange(0, 0)
        self.preview_busy.setTextVisible(False)
        self.preview_busy.setFixedHeight(8)
        self.preview_error = _label(object_name="previewError")
        self.preview_error.setAccessibleName("Preview problem")
        self.preview_error.hide()

        self.preview_filter = QComboBox()
        _named(self.preview_filter, "previewFilter", "Show")
        for label, action in FILTERS:
            self.preview_filter.addItem(label, action)
        self.preview_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.preview_filter.currentIndexChanged.connect(self._on_filter)
        filter_label = QLabel("&Show:")
        filter_label.setBuddy(self.preview_filter)
        filter_row = QHBoxLayout()
        filter_row.addWidget(filter_label)
        filter_row.addWidget(self.preview_filter)
        filter_row.addStretch(1)

        self.preview_model = PlanModel(self)
        self.preview_table = _table("previewTable", "Rows of the file and what happens to them",
                                    self.preview_model)
        self._size_plan_columns(self.preview_table)

        self.warnings_title = _label(object_name="sectionTitle")
        self.preview_warnings = QListWidget()
        _named(self.preview_warnings, "previewWarnings", "Worth knowing")
        self.preview_warnings.setWordWrap(True)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.preview_counts)
        layout.addWidget(self.preview_source)
        layout.addWidget(self.preview_busy)
        layout.addWidget(self.preview_error)
        layout.addLayout(filter_row)
        layout.addWidget(self.preview_table, 1)
        layout.addWidget(self.warnings_title)
        layout.addWidget(self.preview_warnings)
        return page

    def _build_import_page(self) -> QWidget:
        page = QWidget()
        self.import_status = _label(object_name="importStatus")
        self.import_status.setAccessibleName("Import status")
        self.import_progress = QProgressBar()
        _named(self.import_progress, "importProgress", "Import progress")
        self.import_progress.setRange(0, 0)
        self.import_progress.setTextVisible(False)  # the count is beside it, readable
        self.import_progress.setMinimumWidth(360)
        self.import_count = _label(object_name="importCount", wrap=False)
        self.import_count.setAccessibleName("Rows written")
        self.import_count.setMinimumWidth(self.import_count.fontMetrics().horizontalAdvance(
            "100,000 of 100,000") + 8)
        self.cancel_import_button = QPushButton("&Cancel import")
        _named(self.cancel_import_button, "cancelImportButton", "Cancel the import")
        self.cancel_import_button.setAutoDefault(False)
        self.cancel_import_button.clicked.connect(self.cancel_import)
        note = _label("All or nothing: if you cancel, or something goes wrong, nothing is "
                      "changed.", "emptyHint")
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.import_progress, 1)
        progress_row.addWidget(self.import_count)
        progress_row.addWidget(self.cancel_import_button)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 24, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(self.import_status)
        layout.addLayout(progress_row)
        layout.addWidget(note)
        layout.addStretch(1)
        return page

    def _build_done_page(self) -> QWidget:
        page = QWidget()
        self.import_summary = _label(object_name="importSummary")
        self.import_summary.setAccessibleName("Import summary")
        self.skipped_title = _label(object_name="sectionTitle")
        self.skipped_model = PlanModel(self)
        self.skipped_model.set_action("skip")
        self.skipped_list = _table("skippedList", "Skipped rows", self.skipped_model)
        self._size_plan_columns(self.skipped_list)
        self.skipped_list.hideColumn(PlanModel.ACTION)
        self.save_report_button = QPushButton("&Save report…")
        _named(self.save_report_button, "saveReportButton", "Save report")
        self.save_report_button.setAutoDefault(False)
        self.save_report_button.clicked.connect(self.choose_report_file)
        self.report_saved = _label(object_name="reportSaved")
        self.report_saved.setAccessibleName("Report saved")
        self.report_saved.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_report_button)
        save_row.addWidget(self.report_saved, 1)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.import_summary)
        layout.addSpacing(6)
        layout.addWidget(self.skipped_title)
        layout.addWidget(self.skipped_list, 1)
        layout.addLayout(save_row)
        return page

    def _build_buttons(self) -> QHBoxLayout:
        self.back_button = QPushButton("< &Back")
        _named(self.back_button, "backButton", "Back")
        self.back_button.clicked.connect(self.go_back)
        self.next_button = QPushButton("&Next >")
        _named(self.next_button, "nextButton", "Next")
        self.next_button.clicked.connect(self.go_next)
        self.import_button = QPushButton("&Import")
        _named(self.import_button, "importButton", "Import")
        self.import_button.clicked.connect(self.start_import)
        self.close_button = QPushButton("Cancel")
        _named(self.close_button, "closeButton", "Close")
        self.close_button.clicked.connect(self.reject)
        for button in (self.back_button, self.next_button, self.import_button,
                       self.close_button):
            button.setAutoDefault(False)  # Enter is the page's main step, whatever has focus
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.back_button)
        row.addWidget(self.next_button)
        row.addWidget(self.import_button)
        row.addSpacing(12)
        row.addWidget(self.close_button)
        return row

    def _size_plan_columns(self, view: QTableView) -> None:
        header = view.horizontalHeader()
        _fixed_width(view, PlanModel.LINE, "100000")
        _fixed_width(view, PlanModel.ACTION, "Update")
        header.setSectionResizeMode(PlanModel.WHO, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(PlanModel.WHO, 240)
        header.setSectionResizeMode(PlanModel.WHY, QHeaderView.ResizeMode.Stretch)

    # ----- pages and buttons -------------------------------------------------------------

    @property
    def page(self) -> int:
        return self.pages.currentIndex()

    def _needs_columns(self) -> bool:
        return self._file is not None and self._file.detected == "csv"

    def _show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self._update_steps()
        self._update_buttons()
        focus: QWidget = {
            FILE: self.path_edit,
            COLUMNS: self._mapping_combos[0] if self._mapping_combos else self.back_button,
            PREVIEW: self.preview_table,
            IMPORT: self.cancel_import_button,
            DONE: self.skipped_list if self.skipped_model.rowCount() else self.close_button,
        }[page]
        focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_steps(self) -> None:
        """The step line ("1 File › 2 Columns › …", this step in the accent colour) and title."""
        page = self.page
        steps = [FILE, *([COLUMNS] if self._needs_columns() else []), PREVIEW, IMPORT, DONE]
        muted, accent = LIGHT.muted, LIGHT.accent
        parts = [
            f'<span style="color:{accent if step == page else muted};'
            f'font-weight:{700 if step == page else 400}">{n}&nbsp;{STEP_NAMES[step]}</span>'
            for n, step in enumerate(steps, 1)
        ]
        self.steps.setText(f'<span style="color:{muted}">&nbsp;›&nbsp;</span>'.join(parts))
        titles = {FILE: "Which file?", COLUMNS: "Which column holds what?",
                  PREVIEW: "What will happen", IMPORT: "Importing", DONE: "Imported"}
        self.title.setText(titles[page])

    def _update_buttons(self) -> None:
        page = self.page
        importing = self._running("import")
        self.back_button.setVisible(page in (COLUMNS, PREVIEW, IMPORT))
        self.back_button.setEnabled(not importing)
        self.next_button.setVisible(page in (FILE, COLUMNS))
        self.import_button.setVisible(page == PREVIEW)
        self.close_button.setVisible(not importing)
        self.close_button.setText("&Close" if page == DONE else "Cancel")
        self.cancel_import_button.setVisible(importing)
        if page == FILE:
            self.next_button.setEnabled(self._file is not None and not self._running("read")
                                        and self._file.rows > 0)
        elif page == COLUMNS:
            self.next_button.setEnabled(self.mapping_error.isHidden())
        preview = self._preview
        self.import_button.setEnabled(
            page == PREVIEW and preview is not None and not self._running("preview")
            and (preview.created + preview.updated) > 0
        )
        default = {FILE: self.next_button, COLUMNS: self.next_button,
                   PREVIEW: self.import_button, DONE: self.close_button}.get(page)
        for button in (self.next_button, self.import_button, self.close_button):
            button.setDefault(button is default)
            if button.property("primary") != (button is default):
                button.setProperty("primary", button is default)  # styled by the theme
                button.style().unpolish(button)
                button.style().polish(button)

    def go_next(self) -> None:
        if self.next_button.isHidden() or not self.next_button.isEnabled():
            return
        if self.page == FILE:
            if self._needs_columns():
                self._show_page(COLUMNS)
            else:
                self._enter_preview()
        elif self.page == COLUMNS:
            self._enter_preview()

    def go_back(self) -> None:
        if self.back_button.isHidden() or not self.back_button.isEnabled():
            return
        if self.page == COLUMNS:
            self._show_page(FILE)
        elif self.page == PREVIEW:
            self._drop("preview")
            self._show_page(COLUMNS if self._needs_columns() else FILE)
        elif self.page == IMPORT:
            self._enter_preview()  # the database may have changed: check again

    # ----- background work ---------------------------------------------------------------

    def _running(self, kind: str) -> bool:
        return kind in self._tasks

    def is_busy(self) -> bool:
        return bool(self._tasks)

    def _start(
        self, kind: str, work: Callable[[Report], Any], on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Run ``work`` on a BackgroundTask; a task of the same kind still running is dropped
        (its result is ignored)."""
        self._drop(kind)
        token = object()
        task = BackgroundTask(work)  # no parent: it may outlive this dialog (see _RUNNING)
        _RUNNING[token] = task
        self._tasks[kind] = (token, task)

        def current() -> bool:
            entry = self._tasks.get(kind)
            return entry is not None and entry[0] is token

        def finished(result: object) -> None:
            _RUNNING.pop(token, None)
            if current():
                del self._tasks[kind]
                on_done(result)

        def failed(error: object) -> None:
            _RUNNING.pop(token, None)
            if current():
                del self._tasks[kind]
                on_error(error if isinstance(error, BaseException) else RuntimeError(error))

        def progressed(done: int, total: int) -> None:
            if on_progress is not None and current():
                on_progress(done, total)

        task.finished.connect(finished)
        task.failed.connect(failed)
        task.progressed.connect(progressed)
        task.start()

    def _drop(self, kind: str) -> None:
        entry = self._tasks.pop(kind, None)
        if entry is not None:
            entry[1].cancel()

    # ----- page 1: the file --------------------------------------------------------------

    def choose_file(self) -> None:
        start = self.path_edit.text().strip() or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Choose the customer file", start,
                                              FILE_FILTER)
        if path:
            self.path_edit.setText(path)
            self._read_file()
            self.path_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_path_edited(self) -> None:
        if self._file is not None or self._running("read"):
            self._forget_file()
            self.detected_label.clear()
            self._update_buttons()

    def _forget_file(self) -> None:
        self._drop("read")
        self.read_busy.hide()
        self._file = None
        self._read_key = None
        self._parsed = None
        self._parsed_mapping = None
        self._preview = None

    def _read_file(self) -> None:
        text = self.path_edit.text().strip().strip('"')
        format = str(self.format_combo.currentData())
        key = (text, format)
        if key == self._read_key:
            return
        self._forget_file()
        self._read_key = key
        if not text:
            self.detected_label.clear()
            self._update_buttons()
            return
        path = Path(text).expanduser()
        if path.is_dir():
            self._show_detected(f"“{path.name or path}” is a folder; choose a file in it.",
                                "error")
            self._update_buttons()
            return
        self.read_busy.show()
        self._show_detected(f"Reading “{path.name}”…", "")
        self._start("read", lambda _report: read_customer_file(path, format),
                    self._on_file_read, self._on_file_error)
        self._update_buttons()

    def _show_detected(self, text: str, state: str) -> None:
        self.detected_label.setText(text)
        self.detected_label.setAccessibleDescription(text)
        _set_state(self.detected_label, state)

    def _on_file_read(self, result: object) -> None:
        assert isinstance(result, FileRead)
        self.read_busy.hide()
        self._file = result
        self._parsed = result.parsed
        if result.rows == 0:
            self._show_detected(f"“{result.path.name}” has no customers in it.", "error")
        elif result.detected == "csv":
            self._show_detected(f"{result.describe()} — choose the columns next.", "ok")
            self._fill_mapping(result)
        else:
            self._show_detected(result.describe(), "ok")
        self._update_steps()
        self._update_buttons()

    def _on_file_error(self, error: BaseException) -> None:
        self.read_busy.hide()
        self._show_detected(plain_message(error), "error")
        self._update_buttons()

    # ----- page 2: the columns -----------------------------------------------------------

    def _fill_mapping(self, file: FileRead) -> None:
        grid = self._mapping_grid
        while grid.count():
            item = grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._mapping_combos = []
        for column, heading in enumerate(("Column in the file", "Goes into", "Example")):
            grid.addWidget(_label(heading, "sectionTitle", wrap=False), 0, column)
        guessed = guess_mapping(file.columns)
        for index, name in enumerate(file.columns):
            shown = name.strip() or f"(column {index + 1})"
            name_label = _label(shown, "mappingColumnName", wrap=False)
            example = next((cells[index].strip() for _line, cells in file.sample
                            if index < len(cells) and cells[index].strip()), "")
            example_label = _label(example if len(example) <= 40 else example[:39] + "…",
                                   "emptyHint", wrap=False)
            example_label.setToolTip(example)
            combo = QComboBox()
            _named(combo, f"mappingCombo_{index}", f"Column “{shown}” goes into")
            combo.addItem(IGNORE, None)
            for key, label in generic_csv.TARGETS.items():
                combo.addItem(label, key)
            guess = guessed.get(index)
            combo.setCurrentIndex(combo.findData(guess) if guess else 0)
            combo.currentIndexChanged.connect(self.update_mapping_preview)
            name_label.setBuddy(combo)
            grid.addWidget(name_label, index + 1, 0)
            grid.addWidget(combo, index + 1, 1)
            grid.addWidget(example_label, index + 1, 2)
            self._mapping_combos.append(combo)
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(len(file.columns) + 1, 1)
        # Room for the first six columns without scrolling; the rest scroll.
        rows_shown = min(len(file.columns), 6) + 1
        row_height = self._mapping_combos[0].sizeHint().height() if self._mapping_combos else 30
        self.mapping_table.setMinimumHeight(
            rows_shown * (row_height + grid.verticalSpacing()) + 24)
        for first, second in zip(self._mapping_combos, self._mapping_combos[1:], strict=False):
            QWidget.setTabOrder(first, second)  # Tab walks the combos top to bottom …
        if self._mapping_combos:
            QWidget.setTabOrder(self._mapping_combos[-1], self.mapping_preview)  # … then on
        self.update_mapping_preview()

    def mapping(self) -> dict[int, str]:
        """Column index -> target key, as the combos say now."""
        chosen: dict[int, str] = {}
        for index, combo in enumerate(self._mapping_combos):
            key = combo.currentData()
            if key:
                chosen[index] = str(key)
        return chosen

    def update_mapping_preview(self) -> None:
        file = self._file
        if file is None:
            return
        try:
            sample = sample_records(file.columns, file.sample, self.mapping())
        except ImportFileError as error:
            self.mapping_error.setText(str(error))
            self.mapping_error.show()
            self.mapping_model.set_rows([])
            self.mapping_preview.hide()
            self.mapping_preview_title.hide()
            self._update_buttons()
            return
        self.mapping_error.hide()
        self.mapping_preview.show()
        self.mapping_preview_title.show()
        rows: list[tuple[int, tuple[str, ...], str]] = [
            (record.line, preview_cells(record), "\n".join(record.warnings))
            for record in sample.records
        ]
        blank = ("",) * (len(MAPPING_PREVIEW_HEADERS) - 2)
        rows += [(skipped.line, (str(skipped.line), f"skipped: {skipped.reason}", *blank),
                  skipped.reason) for skipped in sample.skipped]
        rows.sort(key=lambda entry: entry[0])
        muted = {i for i, entry in enumerate(rows) if entry[1][1].startswith("skipped: ")}
        tips = {i: entry[2] for i, entry in enumerate(rows) if entry[2]}
        self.mapping_model.set_rows([entry[1] for entry in rows], muted, tips)
        targets = set(self.mapping().values())
        for column, feeds in PREVIEW_COLUMN_TARGETS.items():
            filled = any(cells[column] for _line, cells, _tip in rows)
            self.mapping_preview.setColumnHidden(column, not (feeds & targets or filled))
        self.mapping_preview.resizeColumnsToContents()  # 20 rows: cheap
        header = self.mapping_preview.horizontalHeader()
        for column in range(1, header.count()):
            header.resizeSection(column, min(max(header.sectionSize(column) + 16, 80), 280))
        self._update_buttons()

    # ----- page 3: the preview -----------------------------------------------------------

    def _enter_preview(self) -> None:
        file = self._file
        if file is None:
            return
        self._preview = None
        self.import_button.setText("&Import")
        self.preview_model.set_rows([])
        self.preview_counts.setText("Checking the rows against your regulars…")
        self.preview_source.setText(f"From “{file.path.name}”. Nothing is saved until you "
                                    "press Import.")
        self.preview_busy.show()
        self.preview_error.hide()
        self.preview_filter.setEnabled(False)
        self.warnings_title.hide()
        self.preview_warnings.hide()
        self._show_page(PREVIEW)
        parsed = self._parsed
        mapping = self.mapping() if file.detected == "csv" else None
        if file.detected == "csv" and mapping != self._parsed_mapping:
            parsed = None
        sessions = self._sessions

        def work(_report: Report) -> tuple[ParsedFile, ImportReport]:
            whole = parsed if parsed is not None else read_bytes(file.data, "csv", mapping)
            with sessions() as session:
                return whole, preview_import(session, whole)

        def done(result: object) -> None:
            assert isinstance(result, tuple)
            self._parsed, self._preview = result
            self._parsed_mapping = mapping
            self._show_preview()

        self._start("preview", work, done, self._on_preview_error)

    def _show_preview(self) -> None:
        report = self._preview
        assert report is not None
        self.preview_busy.hide()
        self.preview_counts.setText(counts_text(report))
        self.preview_counts.setAccessibleDescription(report.summary())
        rows = report.plan.rows
        counts: dict[str | None, int] = {None: len(rows)}
        for key in ACTION_LABELS:
            counts[key] = sum(1 for row in rows if row.action == key)
        for i, (label, action) in enumerate(FILTERS):
            self.preview_filter.setItemText(i, f"{label} ({counts[action]:,})")
        self.preview_filter.setEnabled(True)
        self.preview_model.set_rows(rows)
        if self.preview_model.rowCount():
            self.preview_table.selectRow(0)
        warnings = report.warnings
        self.preview_warnings.clear()
        self.preview_warnings.addItems(warnings[:WARNINGS_SHOWN])
        if len(warnings) > WARNINGS_SHOWN:
            self.preview_warnings.addItem(
                f"… and {len(warnings) - WARNINGS_SHOWN:,} more (all in the saved report)")
        shown = range(min(self.preview_warnings.count(), 4))
        self.preview_warnings.setFixedHeight(
            sum(max(self.preview_warnings.sizeHintForRow(i), 20) for i in shown)
            + 2 * self.preview_warnings.frameWidth() + 8)
        self.warnings_title.setText(f"Worth knowing ({len(warnings):,})")
        self.warnings_title.setVisible(bool(warnings))
        self.preview_warnings.setVisible(bool(warnings))
        if report.created + report.updated == 0:
            self.preview_source.setText("Nothing to add or update: every row is skipped or "
                                        "already up to date.")
        else:
            self.import_button.setText(
                f"&Import {plural(report.created + report.updated, 'regular')}")
        self._update_buttons()

    def _on_preview_error(self, error: BaseException) -> None:
        self.preview_busy.hide()
        self.preview_counts.setText("The file could not be checked.")
        self.preview_error.setText(plain_message(error))
        self.preview_error.show()
        self._update_buttons()

    def _on_filter(self) -> None:
        self.preview_model.set_action(self.preview_filter.currentData())
        if self.preview_model.rowCount():
            self.preview_table.selectRow(0)

    # ----- page 4: the import ------------------------------------------------------------

    def start_import(self) -> None:
        parsed, preview, file = self._parsed, self._preview, self._file
        if parsed is None or preview is None or file is None or self._running("import"):
            return
        if not self.import_button.isEnabled():
            return
        self.import_progress.setRange(0, 0)
        self.import_progress.show()
        self.import_count.clear()
        self.import_status.setText(importing_text(preview))
        _set_state(self.import_status, "")
        sessions, actor, source = self._sessions, self._actor, file.path.name

        def work(report: Report) -> ImportReport:
            with sessions.begin() as session:  # a cancel or an error rolls it all back
                return import_parsed(session, parsed, progress=report, actor=actor,
                                     source_name=source)

        self._start("import", work, self._on_imported, self._on_import_error,
                    self._on_import_progress)
        self._show_page(IMPORT)

    def cancel_import(self) -> None:
        entry = self._tasks.get("import")
        if entry is None:
            return
        entry[1].cancel()
        self.cancel_import_button.setEnabled(False)
        self.import_status.setText("Cancelling… nothing will be changed.")

    def _on_import_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.import_progress.setRange(0, total)
            self.import_progress.setValue(min(done, total))
            self.import_count.setText(f"{min(done, total):,} of {total:,}")

    def _import_stopped(self) -> None:
        self.cancel_import_button.setEnabled(True)
        self.import_progress.hide()
        self.import_count.clear()
        self.title.setText("Not imported")
        self._update_buttons()
        self.back_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_import_error(self, error: BaseException) -> None:
        if isinstance(error, ImportCancelled):
            self.import_status.setText("Cancelled — nothing was changed.")
        else:
            message = plain_message(error)
            if message[:2].istitle():  # "Another …" -> "another …", but not "PDF …"
                message = message[0].lower() + message[1:]
            self.import_status.setText(f"The import stopped and nothing was changed: {message}")
            _set_state(self.import_status, "error")
        self._import_stopped()

    def _on_imported(self, result: object) -> None:
        assert isinstance(result, ImportReport)
        self.report = result
        self.cancel_import_button.setEnabled(True)
        self.import_summary.setText(result.summary())
        skipped = len(result.skipped)
        self.skipped_model.set_rows(result.plan.rows)
        self.skipped_title.setText(f"Skipped rows ({skipped:,})" if skipped
                                   else "No rows were skipped.")
        self.skipped_list.setVisible(bool(skipped))
        if skipped:
            self.skipped_list.selectRow(0)
        self.report_saved.clear()
        _set_state(self.report_saved, "")
        self._show_page(DONE)
        self.imported.emit(result)

    # ----- page 5: done ------------------------------------------------------------------

    def choose_report_file(self) -> None:
        if self.report is None or self._file is None:
            return
        source = self._file.path
        suggested = source.with_name(f"{source.stem}-import-report.csv")
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the import report", str(suggested),
            "CSV report (*.csv);;Plain text (*.txt)")
        if path:
            self.save_report(Path(path))

    def save_report(self, path: Path) -> bool:
        if self.report is None or self._file is None:
            return False
        try:
            write_report(path, self.report, self._file.path.name)
        except OSError as error:
            reason = error.strerror or type(error).__name__
            self.report_saved.setText(f"The report could not be saved ({reason}).")
            _set_state(self.report_saved, "error")
            return False
        self.report_saved.setText(f"Saved to {path}")
        _set_state(self.report_saved, "ok")
        return True

    # ----- closing, dropping files -------------------------------------------------------

    def reject(self) -> None:
        """Esc / Cancel / the window's close button: while importing, cancel the import (the
        wizard stays to say so); otherwise close, leaving any reading to finish unseen."""
        if self._running("import"):
            self.cancel_import()
            return
        for kind in list(self._tasks):
            self._drop(kind)
        super().reject()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if self.page == FILE and urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if self.page == FILE and urls and urls[0].isLocalFile():
            self.path_edit.setText(urls[0].toLocalFile())
            self._read_file()
            event.acceptProposedAction()
