"""Read a customer file of any supported format into a ``ParsedFile`` (no Qt, no database).

    parsed = read_file(Path("customers.csv"))             # detect the format
    parsed = read_file(path, "square")                     # or insist on one
    table = read_table(data, limit=20)                     # preview for "Other CSV" …
    parsed = read_bytes(data, "csv", guess_mapping(table.columns))   # … and its mapping

Whatever cannot be read at all raises ``ImportFileError`` with one plain sentence for a person;
problems with single rows or fields end up in ``ParsedFile.skipped`` and
``ImportRecord.warnings``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from models.importing import csv_formats, generic_csv, vcard
from models.importing.decoding import ImportFileError, Table, decode, iter_table
from models.importing.decoding import read_table as _read_text_table
from models.importing.generic_csv import ColumnMapping, guess_mapping
from models.importing.records import ParsedFile

__all__ = [
    "FORMATS",
    "ColumnMapping",
    "ImportFileError",
    "Table",
    "detect_format",
    "guess_mapping",
    "read_bytes",
    "read_file",
    "read_table",
]

FORMATS: dict[str, str] = {
    "auto": "Detect from the file",
    "square": csv_formats.SQUARE.label,
    "shopify": csv_formats.SHOPIFY.label,
    "google": csv_formats.GOOGLE.label,
    "vcard": vcard.LABEL,
    "csv": generic_csv.LABEL,
    "json": "Velvet Rope export (JSON)",
}


def read_file(path: Path, format: str = "auto", mapping: ColumnMapping | None = None) -> ParsedFile:
    """Read the file at ``path``; see ``read_bytes``."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ImportFileError(f"“{Path(path).name}” could not be opened ({reason}).") from None
    return read_bytes(data, format, mapping)


def read_bytes(
    data: bytes, format: str = "auto", mapping: ColumnMapping | None = None
) -> ParsedFile:
    """Read a whole file as ``format`` (a key of FORMATS; "auto" detects it).

    ``mapping`` is only for "csv" (column index -> key of generic_csv.TARGETS); without one the
    columns are guessed from the header.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown import format {format!r} (one of {', '.join(FORMATS)})")
    if format == "json" or (format == "auto" and _starts_with_brace(data)):
        return _read_json(data)
    text, encoding = decode(data)
    if format == "auto":
        format = _detect_text(text)
    if format == "vcard":
        return vcard.read_vcard(text, encoding)
    if format == "json":  # detected after decoding (a UTF-16 file, say)
        return _read_json(text.encode("utf-8"))
    columns, _, _, rows = iter_table(text)
    if format in csv_formats.CSV_FORMATS:
        parsed = csv_formats.read_named_csv(format, columns, rows, encoding)
    else:
        parsed = _read_generic(columns, rows, encoding, mapping)
    return parsed


def _read_generic(
    columns: list[str],
    rows: Iterable[tuple[int, list[str]]],
    encoding: str,
    mapping: ColumnMapping | None,
) -> ParsedFile:
    parsed = ParsedFile("csv", generic_csv.LABEL, list(columns), encoding=encoding)
    if not any(columns):
        return parsed  # an empty file
    layout = generic_csv.layout_from_mapping(
        columns, guess_mapping(columns) if mapping is None else mapping
    )
    if not layout.can_recognise():
        raise ImportFileError(
            "No column holds a name, nickname, description or note to recognise customers by; "
            "choose which column holds the name."
        )
    generic_csv.map_rows(layout, rows, parsed)
    return parsed


def _starts_with_brace(data: bytes) -> bool:
    return data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _read_json(data: bytes) -> ParsedFile:
    """Our own export, read by vre_json (imported only when needed); its refusals become
    ImportFileError like every other format's."""
    from models.importing import vre_json

    refusal = getattr(vre_json, "JsonImportError", ImportFileError)
    try:
        return vre_json.read_json(data)
    except ImportFileError:
        raise
    except refusal as error:
        raise ImportFileError(str(error)) from error


def detect_format(data: bytes) -> str:
    """"square", "shopify", "google", "vcard", "json", or "csv" for any other CSV."""
    if _starts_with_brace(data):
        return "json"
    text, _ = decode(data)
    return _detect_text(text)


def _detect_text(text: str) -> str:
    start = text[:4096].lstrip()
    if start[:1] == "{":
        return "json"
    if start[:11].upper() == "BEGIN:VCARD":
        return "vcard"
    columns, _, _, _ = iter_table(text[:64 * 1024])
    return csv_formats.detect_csv(columns) or "csv"


def read_table(data: bytes, limit: int | None = None) -> Table:
    """A CSV file's header and raw rows (the first ``limit`` of them), for the mapping preview."""
    text, encoding = decode(data)
    return _read_text_table(text, encoding, limit)
