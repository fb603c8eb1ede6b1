"""Report tables as a spreadsheet-safe CSV file: UTF-8 with a BOM and CRLF like the customer
export, no cell a spreadsheet would run as a formula, moments in the shop's local time."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from models.exporting import neutralise_cell
from models.insights.tables import Cell, ReportTable


def csv_cell(value: Cell, utc_offset: timedelta = timedelta(0)) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(timezone(utc_offset)).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}"
    return neutralise_cell(str(value))


def write_csv(path: Path | str, tables: Sequence[ReportTable],
              utc_offset: timedelta = timedelta(0)) -> None:
    """One table as a plain header and rows; several, each under its title row and separated
    by an empty row. The file appears only once it is complete."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\r\n")
            for index, table in enumerate(tables):
                if len(tables) > 1:
                    if index:
                        writer.writerow([])
                    writer.writerow([neutralise_cell(table.title)])
                writer.writerow([neutralise_cell(c.label) for c in table.columns])
                for row in table.rows:
                    writer.writerow([csv_cell(cell, utc_offset) for cell in row])
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
