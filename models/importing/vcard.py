"""vCard files (.vcf): 4.0 (RFC 6350), 3.0 and, where it is easy, the old 2.1.

Several cards per file; CRLF or LF; folded lines (a continuation starts with a space or tab);
backslash escapes (\\, \\; \\n \\\\); parameters (TEL;TYPE=cell:…, 4.0's TEL;VALUE=uri:tel:+1-…);
2.1's quoted-printable values. Read: FN, N, NICKNAME, TEL, EMAIL, BDAY, NOTE, CATEGORIES, ORG
and UID; everything else (photos, addresses …) is ignored.
"""

from __future__ import annotations

import quopri
import re
from dataclasses import dataclass, field

from models.importing.dates import apply_birthday
from models.importing.decoding import ImportFileError
from models.importing.generic_csv import finish_record
from models.importing.records import ImportedNote, ImportRecord, ParsedFile, SkippedRow

LABEL = "vCard (.vcf)"
NOTE_SOURCE = "vCard note"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_BEGIN = re.compile(r"^\s*BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE | re.MULTILINE)
_PERSON = frozenset({"FN", "N", "NICKNAME", "TEL", "EMAIL", "BDAY", "NOTE", "CATEGORIES", "ORG"})


@dataclass
class _Property:
    line: int
    name: str
    params: dict[str, list[str]]
    value: str

    def types(self) -> list[str]:
        return self.params.get("TYPE", [])

    def text(self) -> str:
        """The value with quoted-printable decoded (escapes still in)."""
        encoding = self.params.get("ENCODING", []) + self.types()
        if "quoted-printable" not in encoding:
            return self.value
        raw = quopri.decodestring(self.value.encode("utf-8"))
        for charset in (*self.params.get("CHARSET", []), "utf-8", "cp1252"):
            try:
                return raw.decode(charset)
            except (LookupError, UnicodeDecodeError):
                continue
        return raw.decode("latin-1")


@dataclass
class _Card:
    line: int
    properties: list[_Property] = field(default_factory=list)


def _unescape(value: str) -> str:
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _split(value: str, separator: str) -> list[str]:
    """Split at separators that are not escaped, then unescape each part."""
    if "\\" not in value:
        return value.split(separator)
    parts: list[str] = []
    start, i = 0, 0
    while i < len(value):
        if value[i] == "\\":
            i += 2
            continue
        if value[i] == separator:
            parts.append(value[start:i])
            start = i + 1
        i += 1
    parts.append(value[start:])
    return [_unescape(p) for p in parts]


def _outside_quotes(text: str, char: str) -> list[int]:
    """Positions of ``char`` in ``text`` that are not inside double quotes."""
    positions, quoted = [], False
    for i, c in enumerate(text):
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            positions.append(i)
    return positions


def _parse_property(line: int, text: str) -> _Property | None:
    colon = text.find(":")
    if colon < 0:
        return None
    if '"' in text[:colon]:
        colons = _outside_quotes(text, ":")
        if not colons:
            return None
        colon = colons[0]
    head, value = text[:colon], text[colon + 1:]
    cuts = _outside_quotes(head, ";") if '"' in head else None
    pieces = (
        head.split(";")
        if cuts is None
        else [head[a + 1:b] for a, b in zip([-1, *cuts], [*cuts, len(head)], strict=True)]
    )
    name = pieces[0].strip().upper().rsplit(".", 1)[-1]  # "item1.TEL" -> "TEL"
    params: dict[str, list[str]] = {}
    for piece in pieces[1:]:
        key, equals, raw = piece.partition("=")
        if not equals:  # 2.1: TEL;CELL;PREF:…
            key, raw = "TYPE", piece
        raw = raw.strip()
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            raw = raw[1:-1]
        params.setdefault(key.strip().upper(), []).extend(
            v.strip().lower() for v in raw.split(",") if v.strip()
        )
    return _Property(line, name, params, value)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Unfolded lines with the physical line each starts on."""
    logical: list[tuple[int, str]] = []
    soft_break = False  # a quoted-printable line ending in "=" continues on the next line
    for number, raw in enumerate(_LINE_BREAK.split(text), 1):
        if logical and soft_break:
            start, previous = logical[-1]
            logical[-1] = (start, previous[:-1] + raw)
        elif logical and raw[:1] in (" ", "\t"):
            start, previous = logical[-1]
            logical[-1] = (start, previous + raw[1:])
        else:
            logical.append((number, raw))
        current = logical[-1][1]
        soft_break = (
            current.endswith("=")
            and "QUOTED-PRINTABLE" in current[: max(current.find(":"), 0)].upper()
        )
    return logical


def _cards(text: str) -> list[_Card]:
    cards: list[_Card] = []
    card: _Card | None = None
    depth = 0  # 2.1 could nest an AGENT card; its lines are not this person's
    for line, content in _logical_lines(text):
        stripped = content.strip()
        upper = stripped.upper().replace(" ", "")
        if upper == "BEGIN:VCARD":
            if card is None:
                card = _Card(line)
                cards.append(card)
            else:
                depth += 1
            continue
        if upper == "END:VCARD":
            if depth:
                depth -= 1
            else:
                card = None
            continue
        if card is None or depth or not stripped:
            continue
        prop = _parse_property(line, content)
        if prop is not None:
            card.properties.append(prop)
    return cards


def _preferred(props: list[_Property]) -> _Property | None:
    """The property marked preferred (4.0 PREF=1, 3.0 TYPE=pref), else the first."""

    def rank(prop: _Property) -> int:
        pref = prop.params.get("PREF", [])
        if pref and pref[0].isdigit():
            return int(pref[0])
        return 1 if "pref" in prop.types() else 101

    return min(props, key=rank) if props else None


def _phone(prop: _Property) -> str:
    value = _unescape(prop.text()).strip()
    if value[:4].lower() != "tel:":
        return value.lstrip("'").strip()
    number, *params = value[4:].split(";")
    for param in params:
        key, _, ext = param.partition("=")
        if key.strip().lower() == "ext" and ext.strip():
            return f"{number.strip()} ext. {ext.strip()}"
    return number.strip()


def _email(prop: _Property) -> str:
    value = _unescape(prop.text()).strip()
    return value[7:] if value[:7].lower() == "mailto:" else value


def _record(card: _Card) -> ImportRecord | SkippedRow:
    by_name: dict[str, list[_Property]] = {}
    for prop in card.properties:
        by_name.setdefault(prop.name, []).append(prop)
    if not any(name in by_name for name in _PERSON):
        return SkippedRow(card.line, "empty card")
    record = ImportRecord(line=card.line)

    def first(name: str) -> str:
        props = by_name.get(name)
        return props[0].text() if props else ""

    full_name = " ".join(_unescape(first("FN")).split())
    parts = [*_split(first("N"), ";"), "", "", ""]
    family, given, additional = parts[0], parts[1], parts[2]
    from_n = " ".join(" ".join(p.replace(",", " ") for p in (given, additional, family)).split())
    company = " ".join(_split(first("ORG"), ";")[0].split())
    show_as = first("X-ABSHOWAS").strip().upper()
    if company and not from_n and (full_name == company or show_as == "COMPANY"):
        full_name = ""  # a company's card: the name is the company
    record.name = full_name or from_n
    nicknames = [n.strip() for n in _split(first("NICKNAME"), ",") if n.strip()]
    record.goes_by = " ".join(nicknames[0].split()) if nicknames else ""
    tel = _preferred(by_name.get("TEL", []))
    record.phone = _phone(tel) if tel else ""
    email = _preferred(by_name.get("EMAIL", []))
    record.email = _email(email) if email else ""
    for bday in by_name.get("BDAY", [])[:1]:
        value = _unescape(bday.text()).strip()
        if value:
            apply_birthday(record, value, bday.line, "BDAY")
    for note in by_name.get("NOTE", []):
        text = _unescape(note.text()).strip()
        if text:
            record.notes.append(ImportedNote(text.replace("\r\n", "\n"), NOTE_SOURCE))
    for categories in by_name.get("CATEGORIES", []):
        for tag in _split(categories.text(), ","):
            tag = tag.strip()
            if tag and tag not in record.tags:
                record.tags.append(tag)
    record.source_id = _unescape(first("UID")).strip()
    problem = finish_record(record, company)
    return record if problem is None else problem


def read_vcard(text: str, encoding: str = "utf-8") -> ParsedFile:
    """Every card in the file; ImportFileError when there is text but no card at all."""
    parsed = ParsedFile("vcard", LABEL, [], encoding=encoding)
    if not text.strip():
        return parsed
    if not _BEGIN.search(text):
        raise ImportFileError("This file has no vCard in it (no line says BEGIN:VCARD).")
    for card in _cards(text):
        result = _record(card)
        if isinstance(result, SkippedRow):
            parsed.skipped.append(result)
        else:
            parsed.records.append(result)
    return parsed
