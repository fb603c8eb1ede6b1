"""From a file's bytes to text and CSV rows: encodings, delimiters, line numbers.

Real exports are messy: UTF-8 with or without a byte-order mark, Windows-1252 from old Excel,
CRLF, quoted cells with commas and line breaks, semicolons or tabs from European Excel. This
module turns all of that into a header and rows of strings, each row with the physical line it
starts on, and refuses files that are not text at all.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field


class ImportFileError(ValueError):
    """The whole file cannot be read; the message is one plain sentence for a person."""


_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old .xls (and .doc) container
_DELIMITERS = ",;\t"
_SNIFF_LIMIT = 64 * 1024


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read with ("utf-8", "utf-8-sig", "cp1252" …)."""
    if data.startswith(_OLE2) or (data.startswith(_ZIP) and _looks_like_excel(data)):
        raise ImportFileError("This looks like an Excel workbook; save it as CSV first.")
    if data.startswith(_ZIP):
        raise ImportFileError(
            "This looks like a spreadsheet or a zip archive, not a CSV or vCard file; "
            "save or export the customers as CSV first."
        )
    if data.startswith(b"%PDF-"):
        raise ImportFileError("This is a PDF; export the customers as CSV or vCard instead.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" (tab-separated UTF-16).
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise ImportFileError(
            "This is not a text file (it contains binary data); export the customers as CSV "
            "or vCard and try again."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        return text, ("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8")
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # Bytes cp1252 leaves undefined (0x81, 0x8d …): Latin-1 reads every byte.
        return data.decode("latin-1"), "latin-1"


def _looks_like_excel(data: bytes) -> bool:
    head = data[:4096]
    return b"[Content_Types].xml" in head or b"xl/" in head or b"docProps/" in head


@dataclass
class Table:
    """A CSV file's header and rows, for the column-mapping preview and the readers.

    ``rows`` holds ``(line, cells)``: the 1-based physical line each row starts on (the header
    is normally line 1; a quoted cell with line breaks moves the later rows down). Cells are as
    the file has them (not trimmed). Blank rows at the very end of the file are left out.
    """

    columns: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","
    header_line: int = 1


def _delimiter(line: str) -> str:
    """Comma, semicolon or tab, whichever splits the header line; comma when unsure.

    Counting the header line's delimiters is reliable where ``csv.Sniffer`` over whole rows is
    not (memos with commas or line breaks confuse it), so the sniffer only breaks ties.
    """
    counts = {d: line.count(d) for d in _DELIMITERS}
    best = max(counts.values())
    if best == 0:
        return ","
    winners = [d for d in _DELIMITERS if counts[d] == best]
    if len(winners) == 1:
        return winners[0]
    try:
        sniffed = csv.Sniffer().sniff(line, delimiters="".join(winners)).delimiter
    except csv.Error:
        return winners[0]
    return sniffed if sniffed in winners else winners[0]


def iter_table(text: str) -> tuple[list[str], str, int, Iterator[tuple[int, list[str]]]]:
    """Header cells (trimmed), delimiter, header line, and an iterator over the rows.

    Rows come as ``(line, cells)`` with every blank line included (as ``[]``); the caller
    decides what a blank row means. A quoted cell that never closes raises ImportFileError.
    """
    stream = io.StringIO(text, newline="")
    offset = 0
    first = stream.readline()
    delimiter = ""
    # Excel's "sep=;" first line names the delimiter.
    if first[:4].lower() == "sep=" and len(first.rstrip("\r\n")) == 5:
        delimiter = first[4]
        offset = 1
    else:
        stream.seek(0)
    # Leading blank lines are not the header.
    while True:
        position = stream.tell()
        line = stream.readline()
        if not line or line.strip():
            stream.seek(position)
            break
        offset += 1
    if not delimiter:
        sample = text[position:position + _SNIFF_LIMIT].splitlines()
        delimiter = _delimiter(sample[0] if sample else "")
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise ImportFileError(
            f"The header on line {offset + 1} cannot be read as CSV ({error})."
        ) from None
    header_line = offset + 1
    columns = [c.strip() for c in header]

    def rows() -> Iterator[tuple[int, list[str]]]:
        start = reader.line_num + 1
        row_line = 0
        try:
            for row in reader:
                row_line = start + offset
                yield row_line, row
                start = reader.line_num + 1
        except csv.Error as error:
            raise ImportFileError(
                f"Line {start + offset} cannot be read as CSV ({error})."
            ) from None
        _check_unclosed_quote(text, row_line, reader.line_num + offset)

    return columns, delimiter, header_line, rows()


def read_table(text: str, encoding: str, limit: int | None = None) -> Table:
    """The whole table (or its first ``limit`` rows), without the blank rows at the end."""
    columns, delimiter, header_line, rows = iter_table(text)
    table = Table(columns, [], encoding, delimiter, header_line)
    if not columns and not text.strip():
        return table
    kept = table.rows
    blank_tail = 0
    for line, cells in rows:
        if limit is not None and len(kept) - blank_tail >= limit:
            break
        kept.append((line, cells))
        if "".join(cells).strip():
            blank_tail = 0
        else:
            blank_tail += 1
    if blank_tail:
        del kept[-blank_tail:]
    return table


def _check_unclosed_quote(text: str, line: int, last_line: int) -> None:
    """Refuse a file whose last row swallowed the rest of it through a quote never closed.

    csv (not strict) reads from an unclosed quote to the end of the file as one cell. Only a
    quote can make a row span several lines, and a row whose quotes all close has an even
    number of them.
    """
    if not line or last_line <= line:
        return
    lines = io.StringIO(text, newline="").readlines()
    if "".join(lines[line - 1:]).count('"') % 2:
        raise ImportFileError(
            f"Line {line} opens a quote (\") that never closes, so the rows after it cannot "
            "be read."
        )
