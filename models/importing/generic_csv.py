"""Any CSV with a column mapping, and the row rules every CSV format shares.

A ``Layout`` says which columns feed which field; the named formats (csv_formats.py) build one
from their known headers, "Other CSV" from the mapping the person chose (or ``guess_mapping``).
``map_rows`` then turns rows into ``ImportRecord``s the same way for all of them.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from models.importing.dates import BirthdayReader, DateError, MomentReader
from models.importing.records import ImportedNote, ImportRecord, ParsedFile, SkippedRow

LABEL = "Other CSV (choose the columns)"

TARGETS: dict[str, str] = {
    "name": "Full name",
    "first_name": "First name",
    "last_name": "Last name",
    "goes_by": "Goes by / nickname",
    "phone": "Phone",
    "email": "Email",
    "birthday": "Birthday",
    "tags": "Tags",
    "note": "Note / memo",
    "description": "How to recognise them",
    "usuals": "Usual order",
    "allergies": "Allergies",
    "preferences": "Preferences",
    "first_visit": "First visit",
    "last_visit": "Last visit",
    "visit_count": "Number of visits",
}

ColumnMapping = dict[int, str]

DESCRIPTION_MAX = 2000  # models.customers.DESCRIPTION_MAX
NOT_RECOGNISABLE = "no name, nickname or memo to recognise them by"
EMPTY_ROW = "empty row"
MULTI_VALUE = " ::: "  # how Google Contacts joins several values in one cell

TAGS_ANY = re.compile(r"\s*(?::::|[,;\r\n])\s*")
TAGS_COMMA = re.compile(r"\s*,\s*")
TAGS_GOOGLE = re.compile(r"\s*:::\s*")
_ITEMS = re.compile(r"\s*[;\r\n]+\s*")  # usuals, preferences: "oat flat white, extra hot" is one
_ALLERGIES = re.compile(r"\s*[,;\r\n]+\s*")


@dataclass(frozen=True)
class Layout:
    """Which columns (0-based indexes) feed which field of ``ImportRecord``.

    Names and goes-by join their columns with a space; phone, email, company, birthday, the
    visits and the id take the first non-empty column; notes, tags and the item lists collect
    every column.
    """

    columns: tuple[str, ...]
    full_name: tuple[int, ...] = ()
    name_parts: tuple[int, ...] = ()  # first, middle, last: used when full_name is empty
    goes_by: tuple[int, ...] = ()
    phone: tuple[int, ...] = ()
    email: tuple[int, ...] = ()
    company: tuple[int, ...] = ()  # only when there is no person name: becomes the description
    description: tuple[int, ...] = ()
    birthday: tuple[int, ...] = ()
    notes: tuple[tuple[int, str], ...] = ()  # (column, source), e.g. (13, "Square memo")
    tags: tuple[int, ...] = ()
    tag_separator: re.Pattern[str] = TAGS_ANY
    usuals: tuple[int, ...] = ()
    preferences: tuple[int, ...] = ()
    allergies: tuple[int, ...] = ()
    first_visit: tuple[int, ...] = ()
    last_visit: tuple[int, ...] = ()
    visit_count: tuple[int, ...] = ()
    source_id: tuple[int, ...] = ()

    def can_recognise(self) -> bool:
        """Whether any mapped column could name or describe a person."""
        return bool(
            self.full_name or self.name_parts or self.goes_by or self.company
            or self.description or self.notes
        )

    def width(self) -> int:
        indexes = [
            i
            for group in (
                self.full_name, self.name_parts, self.goes_by, self.phone, self.email,
                self.company, self.description, self.birthday, self.tags, self.usuals,
                self.preferences, self.allergies, self.first_visit, self.last_visit,
                self.visit_count, self.source_id, tuple(i for i, _ in self.notes),
            )
            for i in group
        ]
        return max(indexes, default=-1) + 1


def unquote(value: str) -> str:
    """Drop the apostrophe spreadsheets put before numbers and dates ("'+1562…", "'04-12")."""
    if value[:1] == "'" and len(value) > 1 and (value[1] in "+0123456789" or value[1:3] == "--"):
        return value[1:].lstrip()
    return value


def first_value(value: str) -> str:
    """The first of several values Google Contacts joined with " ::: "."""
    return value.split(MULTI_VALUE, 1)[0].strip() if MULTI_VALUE in value else value


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:DESCRIPTION_MAX]
    return ""


def plain_text(text: str) -> str:
    """Line breaks as "\\n" (a quoted CSV cell keeps the file's CRLF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def finish_record(record: ImportRecord, company: str = "") -> SkippedRow | None:
    """Fill the description of a row without a person's name; None, or why to skip it.

    Without a name or goes-by, the company (else the memo's first line) describes them; the
    memo stays a note too. A phone or email alone is not enough to recognise anyone.
    """
    if not record.name and not record.goes_by and not record.description:
        if company:
            record.description = company[:DESCRIPTION_MAX]
        elif record.notes:
            record.description = first_line(record.notes[0].text)
    if record.name or record.goes_by or record.description:
        return None
    return SkippedRow(record.line, NOT_RECOGNISABLE)


def _first(row: list[str], indexes: tuple[int, ...]) -> str:
    for i in indexes:
        value = row[i].strip()
        if value:
            return value
    return ""


def _column_of(row: list[str], indexes: tuple[int, ...]) -> int:
    """Which column ``_first`` took its value from (for warnings)."""
    return next((i for i in indexes if row[i].strip()), indexes[0])


def _joined(row: list[str], indexes: tuple[int, ...]) -> str:
    if len(indexes) == 1:
        return " ".join(row[indexes[0]].split())
    return " ".join(" ".join([row[i] for i in indexes]).split())


def _items(row: list[str], indexes: tuple[int, ...], separator: re.Pattern[str]) -> list[str]:
    out: list[str] = []
    for i in indexes:
        cell = row[i].strip()
        if cell:
            out.extend(item for item in separator.split(cell) if item and item not in out)
    return out


def _tags(row: list[str], indexes: tuple[int, ...], separator: re.Pattern[str]) -> list[str]:
    # "* myContacts", "* starred": Google's system labels, not the shop's.
    return [t for t in _items(row, indexes, separator) if not t.startswith("* ")]


def _visit_count(text: str) -> int:
    text = unquote(text).replace(",", "").replace(" ", "")
    try:
        count = int(text)
    except ValueError:
        number = float(text)  # "12.0" from a spreadsheet; ValueError for words
        if not number.is_integer():
            raise ValueError(text) from None
        count = int(number)
    if count < 0:
        raise ValueError(text)
    return count


def _shown(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "…"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects.

    Records hold no reference cycles, so reference counting frees them; without the pause the
    collector walks every record built so far again and again (it doubles the parse time).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Moments:
    """Visit dates, each distinct text parsed once (exports repeat days a lot)."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self.read: dict[str, datetime] = {}  # only the texts that were understood
        self._reader = MomentReader()

    def parse(
        self, text: str, row: list[str], indexes: tuple[int, ...], line: int,
        record: ImportRecord,
    ) -> datetime | None:
        """The moment in ``text`` (not yet in ``read``), or None with a warning on the record."""
        text = unquote(text)
        try:
            moment = self._reader(text)
        except DateError:
            moment = None
        if moment is None:
            record.warnings.append(
                f"Line {line}, column “{self.columns[_column_of(row, indexes)]}”: "
                f"“{_shown(text)}” is not a date we understand; it was left empty."
            )
        else:
            self.read[text] = moment
        return moment


def map_rows(
    layout: Layout, rows: Iterable[tuple[int, list[str]]], parsed: ParsedFile
) -> None:
    """Append a record (or a skipped row) to ``parsed`` for every row."""
    with _collector_paused():
        _map_rows(layout, rows, parsed)


def _one(indexes: tuple[int, ...]) -> int:
    """The column when a field has exactly one (the usual case), else -1."""
    return indexes[0] if len(indexes) == 1 else -1


def _map_rows(
    layout: Layout, rows: Iterable[tuple[int, list[str]]], parsed: ParsedFile
) -> None:
    # One flat loop, the single-column case and the cache hits inlined: this is what keeps
    # 100,000 rows fast. Fields with several columns, and every warning, go through helpers.
    columns = layout.columns
    width = layout.width()
    padding = [""] * width
    blank: list[SkippedRow] = []  # reported only when a row follows (not at the end)
    records, skipped = parsed.records, parsed.skipped
    moments = _Moments(columns)
    moments_read = moments.read
    birthdays = BirthdayReader()
    birthdays_read = birthdays.read
    full_name, name_parts, goes_by = layout.full_name, layout.name_parts, layout.goes_by
    phones, emails, company, ids = layout.phone, layout.email, layout.company, layout.source_id
    description, birthday, notes = layout.description, layout.birthday, layout.notes
    tags, tag_separator = layout.tags, layout.tag_separator
    usuals, preferences, allergies = layout.usuals, layout.preferences, layout.allergies
    first_visit, last_visit, visit_count = (
        layout.first_visit, layout.last_visit, layout.visit_count
    )
    phone_at, email_at, id_at, company_at = _one(phones), _one(emails), _one(ids), _one(company)
    birthday_at, count_at = _one(birthday), _one(visit_count)
    first_at, last_at, goes_by_at = _one(first_visit), _one(last_visit), _one(goes_by)
    first_part, last_part = name_parts if len(name_parts) == 2 else (-1, -1)
    birthday_place = f"column “{columns[birthday_at]}”" if birthday_at >= 0 else ""

    for line, row in rows:
        if len(row) < width:
            row = row + padding[len(row):]
        if not "".join(row).strip():
            blank.append(SkippedRow(line, EMPTY_ROW))
            continue
        if blank:
            skipped.extend(blank)
            blank.clear()
        name = _joined(row, full_name) if full_name else ""
        if not name:
            if first_part >= 0:  # First Name, Last Name
                name = " ".join((row[first_part] + " " + row[last_part]).split())
            elif name_parts:
                name = _joined(row, name_parts)
        phone = row[phone_at].strip() if phone_at >= 0 else _first(row, phones)
        if phone:
            if MULTI_VALUE in phone:
                phone = first_value(phone)
            if phone[0] == "'":
                phone = phone[1:].lstrip()
        email = row[email_at].strip() if email_at >= 0 else _first(row, emails)
        if MULTI_VALUE in email:
            email = first_value(email)
        source = row[id_at].strip() if id_at >= 0 else _first(row, ids)
        record = ImportRecord(
            line=line,
            name=name,
            goes_by=(
                " ".join(row[goes_by_at].split()) if goes_by_at >= 0
                else _joined(row, goes_by) if goes_by else ""
            ),
            phone=phone,
            email=email,
            source_id=source[1:] if source[:1] == "'" else source,
        )
        if description:
            record.description = "\n".join(
                plain_text(row[i].strip()) for i in description if row[i].strip()
            )[:DESCRIPTION_MAX]
        for index, note_source in notes:
            text = row[index].strip()
            if text:
                if "\r" in text:
                    text = plain_text(text)
                record.notes.append(ImportedNote(text, note_source))
        if tags:
            record.tags = _tags(row, tags, tag_separator)
        if usuals:
            record.usuals = _items(row, usuals, _ITEMS)
        if preferences:
            record.preferences = _items(row, preferences, _ITEMS)
        if allergies:
            record.allergies = _items(row, allergies, _ALLERGIES)
        if birthday:
            text = row[birthday_at].strip() if birthday_at >= 0 else _first(row, birthday)
            if text:
                known = birthdays_read.get(text)
                if known is not None:
                    record.birthday_month, record.birthday_day, record.birthday_year = known
                else:
                    birthdays(
                        record, unquote(text), line,
                        birthday_place or f"column “{columns[_column_of(row, birthday)]}”",
                    )
        if first_visit:
            text = row[first_at].strip() if first_at >= 0 else _first(row, first_visit)
            if text:
                record.first_visit = moments_read.get(text) or moments.parse(
                    text, row, first_visit, line, record)
        if last_visit:
            text = row[last_at].strip() if last_at >= 0 else _first(row, last_visit)
            if text:
                record.last_visit = moments_read.get(text) or moments.parse(
                    text, row, last_visit, line, record)
        if visit_count:
            text = row[count_at].strip() if count_at >= 0 else _first(row, visit_count)
            if text:
                if text.isdigit():
                    record.visit_count = int(text)
                else:
                    try:
                        record.visit_count = _visit_count(text)
                    except ValueError:
                        record.warnings.append(
                            f"Line {line}, column “{columns[_column_of(row, visit_count)]}”: "
                            f"“{_shown(text)}” is not a number of visits; it was left empty."
                        )
        if name or record.goes_by:
            records.append(record)
            continue
        problem = finish_record(
            record, row[company_at].strip() if company_at >= 0 else _first(row, company)
        )
        if problem is None:
            records.append(record)
        else:
            skipped.append(problem)


# --- Other CSV: the person's mapping, or a guess from the header ---------------------------


def layout_from_mapping(columns: list[str], mapping: ColumnMapping) -> Layout:
    """The layout for a chosen mapping (column index -> key of TARGETS)."""
    by_target: dict[str, list[int]] = {key: [] for key in TARGETS}
    for index in sorted(mapping):
        target = mapping[index]
        if target not in TARGETS:
            raise ValueError(f"{target!r} is not an import target (one of {', '.join(TARGETS)})")
        if index < 0:
            raise ValueError(f"column index {index} is negative")
        by_target[target].append(index)

    def column_name(index: int) -> str:
        name = columns[index] if index < len(columns) else ""
        return name or f"column {index + 1}"

    names = [column_name(i) for i in range(max([len(columns), *(i + 1 for i in mapping)]))]
    return Layout(
        columns=tuple(names),
        full_name=tuple(by_target["name"]),
        name_parts=tuple(by_target["first_name"] + by_target["last_name"]),
        goes_by=tuple(by_target["goes_by"]),
        phone=tuple(by_target["phone"]),
        email=tuple(by_target["email"]),
        description=tuple(by_target["description"]),
        birthday=tuple(by_target["birthday"]),
        notes=tuple((i, f"CSV note ({names[i]})") for i in by_target["note"]),
        tags=tuple(by_target["tags"]),
        tag_separator=TAGS_ANY,
        usuals=tuple(by_target["usuals"]),
        preferences=tuple(by_target["preferences"]),
        allergies=tuple(by_target["allergies"]),
        first_visit=tuple(by_target["first_visit"]),
        last_visit=tuple(by_target["last_visit"]),
        visit_count=tuple(by_target["visit_count"]),
    )


def _normal(header: str) -> str:
    """"E-mail 1 - Value" -> "e mail 1 value": lower case, punctuation as spaces."""
    return " ".join(_PUNCTUATION.sub(" ", header.casefold()).split())


_PUNCTUATION = re.compile(r"[\W_]+")
_NEVER = re.compile(
    r"\b(?:type|label|marketing|subscription|subscribed|status|opt|optin|consent|accepts|"
    r"verified)\b"
)
# First match wins: visits before names ("First visit" is not a first name), and "Orders" is a
# visit count while "Order" is a usual order.
_GUESSES: list[tuple[str, re.Pattern[str]]] = [
    ("first_visit", re.compile(r"\bfirst (?:visit|seen|visited)\b|^customer since$")),
    ("last_visit", re.compile(r"\blast (?:visit|seen|visited)\b|^most recent visit$")),
    (
        "visit_count",
        re.compile(
            r"^(?:total |number of |no of |# )?(?:visits|orders|transactions)(?: count)?$"
            r"|^(?:visit|order|transaction) count$|^times visited$"
        ),
    ),
    ("first_name", re.compile(r"^(?:first|given|fore)(?: ?name)?$")),
    ("last_name", re.compile(r"^(?:last|family|sur)(?: ?name)?$")),
    ("goes_by", re.compile(r"^(?:nick ?names?|goes by|preferred name|known as)$")),
    (
        "name",
        re.compile(
            r"^(?:full |display |customer |client |guest |contact )?name$"
            r"|^(?:customer|client|guest|contact)$"
        ),
    ),
    ("phone", re.compile(r"\b(?:phone|mobile|cell|cellphone|tel|telephone)\b")),
    ("email", re.compile(r"\b(?:e ?mail|email address)\b")),
    ("birthday", re.compile(r"^(?:birthday|birth ?date|date of birth|dob|bday|born)\b")),
    ("tags", re.compile(r"^(?:tags?|labels?|groups?|group membership|segments?)$")),
    ("allergies", re.compile(r"\ballerg")),
    (
        "usuals",
        re.compile(r"^(?:the )?usuals?\b|^favou?rites?\b|^(?:usual |regular )?order$"),
    ),
    ("preferences", re.compile(r"^(?:preferences?|prefs)$")),
    ("note", re.compile(r"^(?:customer |private )?(?:notes?|memos?|comments?|remarks)$")),
    ("description", re.compile(r"^(?:description|how to recognise them|appearance)$")),
]


def guess_mapping(columns: list[str]) -> ColumnMapping:
    """The best guess of what each column holds, from its header; unknown columns are left out.

    Shopify metafield columns ("Allergies (customer.metafields.custom.allergies)") are never
    guessed.
    """
    mapping: ColumnMapping = {}
    for index, header in enumerate(columns):
        if "metafields." in header:
            continue
        normal = _normal(header)
        if not normal or _NEVER.search(normal):
            continue
        for target, pattern in _GUESSES:
            if pattern.search(normal):
                mapping[index] = target
                break
    return mapping
