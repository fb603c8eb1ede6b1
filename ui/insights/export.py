"""Tables to CSV, charts to PNG, and every report on paper or in a PDF.

CSV files are written the way models.exporting writes them (UTF-8 with a byte-order mark so
spreadsheets read accents, CRLF rows) and every text cell goes through ``neutralise_cell``, so a
customer called "=HYPERLINK(…)" stays text; plain numbers stay numbers.

File names are asked through ``ask_save_path`` (a QFileDialog by default); the window takes
another asker, which is how the tests answer without a dialog.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QMarginsF, QStandardPaths, Qt, QUrl
from PySide6.QtGui import (
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import QFileDialog, QWidget

from models.exporting import neutralise_cell
from ui.insights.table_model import CSV_ROLE

AskSavePath = Callable[[QWidget, str, str, str], str]  # parent, caption, suggestion, filters
CSV_FILTER = "Spreadsheet (*.csv)"
PNG_FILTER = "PNG image (*.png)"
PDF_FILTER = "PDF document (*.pdf)"
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
IMAGE_WIDTH = 640  # across an A4 page's text width
PRINT_ROWS = 40  # a long list on paper: the top rows, and a pointer to the CSV


def ask_save_path(parent: QWidget, caption: str, suggestion: str, filters: str) -> str:
    """A save-file dialog; "" if the person cancelled."""
    path, _chosen = QFileDialog.getSaveFileName(parent, caption, suggestion, filters)
    return path


def documents_folder() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


def with_suffix(path: str, suffix: str) -> Path:
    """The chosen path, with ``suffix`` added if the person typed a name without it."""
    target = Path(path)
    return target if target.suffix.lower() == suffix else target.with_name(target.name + suffix)


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text if PLAIN_NUMBER.fullmatch(text) else neutralise_cell(text)


def table_rows(model: QAbstractItemModel, role: int = CSV_ROLE) -> list[list[str]]:
    """The header and every row of ``model`` in the order shown."""
    columns = range(model.columnCount())
    rows = [[str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in columns]]
    for row in range(model.rowCount()):
        rows.append([str(model.index(row, c).data(role) or "") for c in columns])
    return rows


def write_csv(path: Path, model: QAbstractItemModel) -> int:
    """Write the table as shown; returns the number of rows (without the header)."""
    rows = table_rows(model)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        for row in rows:
            writer.writerow([csv_cell(value) for value in row])
    return len(rows) - 1


def save_png(image: QImage, path: Path) -> None:
    if not image.save(str(path)):  # the format follows the .png suffix
        raise OSError(f"Could not write {path.name}.")


# ----- the printed set -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartPrint:
    title: str
    image: QImage | None
    empty_text: str = ""


@dataclass(frozen=True)
class TablePrint:
    title: str
    model: QAbstractItemModel


@dataclass(frozen=True)
class Section:
    title: str
    summary: str
    charts: Sequence[ChartPrint] = ()
    tables: Sequence[TablePrint] = ()
    notes: Sequence[str] = field(default_factory=tuple)


def _alignment(model: QAbstractItemModel, column: int) -> str:
    align = model.headerData(column, Qt.Orientation.Horizontal,
                             Qt.ItemDataRole.TextAlignmentRole)
    if isinstance(align, Qt.AlignmentFlag) and align & Qt.AlignmentFlag.AlignHCenter:
        return "center"
    return "left"


def _table_html(table: TablePrint) -> str:
    rows = table_rows(table.model, Qt.ItemDataRole.DisplayRole)
    align = [_alignment(table.model, c) for c in range(len(rows[0]))]
    head = "".join(f'<th align="{a}">{html.escape(cell)}</th>'
                   for a, cell in zip(align, rows[0], strict=True))
    body = "".join(
        "<tr>" + "".join(f'<td align="{a}">{html.escape(cell)}</td>'
                         for a, cell in zip(align, row, strict=True)) + "</tr>"
        for row in rows[1:PRINT_ROWS + 1]
    )
    if len(rows) == 1:
        body = f'<tr><td colspan="{len(rows[0]) or 1}">Nothing to list.</td></tr>'
    more = ""
    if len(rows) - 1 > PRINT_ROWS:
        more = (f'<p class="summary">The first {PRINT_ROWS} of {len(rows) - 1:,} rows; '
                "export the table as CSV (Ctrl+E) for all of them.</p>")
    return (f"<h3>{html.escape(table.title)}</h3>"
            '<table width="100%" cellspacing="0" cellpadding="3" border="1" '
            'style="border-collapse: collapse; border-color: #999999;">'
            f"<thead><tr>{head}</tr></thead>{body}</table>{more}")


def build_document(title: str, subtitle: str, sections: Sequence[Section]) -> QTextDocument:
    """One document with every report: a section each, starting on a new page."""
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.setDefaultStyleSheet(
        "h1 { font-size: 18pt; } h2 { font-size: 15pt; } h3 { font-size: 11pt; }"
        " th { background-color: #eeeeee; text-align: left; } td, th { font-size: 8pt; }"
        " p.summary { font-size: 9pt; color: #444444; }"
    )
    parts = [f"<h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p>"]
    image_number = 0
    for index, section in enumerate(sections):
        style = ' style="page-break-before: always;"' if index else ""
        parts.append(f"<h2{style}>{html.escape(section.title)}</h2>")
        parts.append(f'<p class="summary">{html.escape(section.summary)}</p>')
        parts.extend(f'<p class="summary">{html.escape(note)}</p>' for note in section.notes)
        for chart in section.charts:
            if chart.image is None:
                parts.append(f"<p><i>{html.escape(chart.title)}: "
                             f"{html.escape(chart.empty_text)}</i></p>")
                continue
            name = f"chart-{image_number}.png"
            image_number += 1
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name),
                                 chart.image)
            height = round(IMAGE_WIDTH * chart.image.height() / max(chart.image.width(), 1))
            parts.append(f'<p><img src="{name}" width="{IMAGE_WIDTH}" height="{height}"></p>')
        parts.extend(_table_html(table) for table in section.tables)
    document.setHtml("".join(parts))
    return document


def print_document(document: QTextDocument, device: QPagedPaintDevice) -> None:
    """Lay the document out on ``device``'s pages (a printer or a PDF writer) and print it."""
    document.print_(device)


def save_pdf(document: QTextDocument, path: Path, title: str) -> None:
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("Velvet Rope Desktop")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    writer.setResolution(96)  # the document's own scale: no resizing
    print_document(document, writer)
    del writer  # the file is complete once the writer is gone
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(f"Could not write {path.name}.")
