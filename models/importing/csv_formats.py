"""The CSV exports we know by name: Square, Shopify and Google Contacts.

Each is recognised by its columns, not their order: header names are compared case-insensitively
with surrounding spaces trimmed, extra columns (Shopify's metafields, addresses) are ignored and
missing ones simply leave their field empty. Payment data (Lifetime Spend, Total Spent) and
marketing opt-ins (which are not consent to be remembered) are never read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from models.importing.decoding import ImportFileError
from models.importing.generic_csv import TAGS_COMMA, TAGS_GOOGLE, Layout, map_rows
from models.importing.records import ParsedFile


def normal(header: str) -> str:
    return " ".join(header.split()).casefold()


class Header:
    """A header row, looked up by normalised name (the first column of that name wins)."""

    def __init__(self, columns: Iterable[str]) -> None:
        self.columns = tuple(columns)
        self.index: dict[str, int] = {}
        for i, column in enumerate(self.columns):
            self.index.setdefault(normal(column), i)

    def find(self, *names: str) -> tuple[int, ...]:
        """Indexes of the named columns that exist, in the order named."""
        return tuple(self.index[n] for n in names if n in self.index)

    def has(self, name: str) -> bool:
        return name in self.index

    def numbered(self, pattern: re.Pattern[str]) -> tuple[int, ...]:
        """Columns like "Phone 2 - Value", ordered by their number."""
        found = []
        for name, i in self.index.items():
            match = pattern.fullmatch(name)
            if match:
                found.append((int(match.group(1)), i))
        return tuple(i for _, i in sorted(found))


@dataclass(frozen=True)
class CsvFormat:
    key: str
    label: str
    markers: frozenset[str]  # normalised headers this system writes
    strong: frozenset[str]  # markers hardly any other system writes: at least one must be there
    names: tuple[str, ...]  # normalised headers that can name a person
    shown: tuple[str, ...]  # the columns to name when a file is not this format
    layout: Callable[[Header], Layout]
    marker_pattern: re.Pattern[str] | None = None

    def marker_count(self, header: Header) -> int:
        count = sum(1 for m in self.markers if m in header.index)
        if self.marker_pattern is not None:
            count += sum(1 for name in header.index if self.marker_pattern.fullmatch(name))
        return count

    def matches(self, header: Header) -> bool:
        """At least two of its columns, one of them its own, and a column to name people."""
        strong = any(m in header.index for m in self.strong) or (
            self.marker_pattern is not None
            and any(self.marker_pattern.fullmatch(name) for name in header.index)
        )
        return (
            strong
            and self.marker_count(header) >= 2
            and any(n in header.index for n in self.names)
        )


def _square(header: Header) -> Layout:
    return Layout(
        columns=header.columns,
        name_parts=header.find("first name", "last name"),
        goes_by=header.find("nickname"),
        phone=header.find("phone number"),
        email=header.find("email address"),
        company=header.find("company name"),
        birthday=header.find("birthday"),
        notes=tuple((i, "Square memo") for i in header.find("memo")),
        first_visit=header.find("first visit"),
        last_visit=header.find("last visit"),
        visit_count=header.find("transaction count"),
        source_id=header.find("square customer id"),
    )


def _shopify(header: Header) -> Layout:
    return Layout(
        columns=header.columns,
        name_parts=header.find("first name", "last name"),
        phone=header.find("phone", "default address phone"),
        email=header.find("email"),
        company=header.find("default address company", "company"),
        notes=tuple((i, "Shopify note") for i in header.find("note")),
        tags=header.find("tags"),
        tag_separator=TAGS_COMMA,
        visit_count=header.find("total orders"),
        source_id=header.find("customer id"),
    )


_GOOGLE_PHONE = re.compile(r"phone (\d+) - value")
_GOOGLE_EMAIL = re.compile(r"e-mail (\d+) - value")


def _google(header: Header) -> Layout:
    return Layout(
        columns=header.columns,
        full_name=header.find("name"),  # legacy export only
        name_parts=header.find(
            "first name", "middle name", "last name", "given name", "additional name",
            "family name",
        ),
        goes_by=header.find("nickname"),
        phone=header.numbered(_GOOGLE_PHONE),
        email=header.numbered(_GOOGLE_EMAIL),
        company=header.find("organization name", "organization 1 - name"),
        birthday=header.find("birthday"),
        notes=tuple((i, "Google Contacts notes") for i in header.find("notes")),
        tags=header.find("labels", "group membership"),
        tag_separator=TAGS_GOOGLE,
    )


SQUARE = CsvFormat(
    key="square",
    label="Square customer directory",
    markers=frozenset({
        "square customer id", "reference id", "customer reference id", "email address",
        "phone number", "memo", "company name", "creation source", "first visit", "last visit",
        "transaction count", "lifetime spend", "email subscription status", "instant profile",
        "blocked from online booking", "street address 1",
    }),
    strong=frozenset({
        "square customer id", "reference id", "customer reference id", "creation source",
        "transaction count", "lifetime spend", "email subscription status", "instant profile",
        "blocked from online booking",
    }),
    names=("first name", "last name", "nickname", "company name", "memo"),
    shown=("First Name", "Last Name", "Phone Number", "Email Address", "Memo",
           "Square Customer ID"),
    layout=_square,
)

SHOPIFY = CsvFormat(
    key="shopify",
    label="Shopify customers",
    markers=frozenset({
        "customer id", "accepts email marketing", "accepts sms marketing", "accepts marketing",
        "default address company", "default address address1", "default address address2",
        "default address city", "default address province code", "default address country code",
        "default address zip", "default address phone", "total spent", "total orders",
        "tax exempt", "address1", "address2", "province code", "country code",
    }),
    strong=frozenset({
        "tax exempt", "accepts email marketing", "accepts sms marketing", "accepts marketing",
        "default address phone", "default address company", "default address address1",
        "total orders", "total spent",
    }),
    names=("first name", "last name", "default address company", "company", "note"),
    shown=("First Name", "Last Name", "Email", "Phone", "Tags", "Note", "Tax Exempt"),
    layout=_shopify,
)

GOOGLE = CsvFormat(
    key="google",
    label="Google Contacts",
    markers=frozenset({
        "labels", "group membership", "file as", "given name", "additional name", "family name",
        "yomi name", "middle name", "name prefix", "name suffix", "phonetic first name",
        "phonetic last name", "organization name", "organization 1 - name",
    }),
    marker_pattern=re.compile(
        r"(?:e-mail|phone|address|website|relation|event|custom field|im|organization) \d+ - "
        r"(?:value|type|label|name|formatted)"
    ),
    strong=frozenset({
        "labels", "group membership", "file as", "given name", "family name", "additional name",
        "yomi name", "phonetic first name", "organization 1 - name",
    }),
    names=("first name", "last name", "name", "given name", "family name", "nickname",
           "organization name", "organization 1 - name", "notes"),
    shown=("First Name", "Last Name", "Labels", "E-mail 1 - Value", "Phone 1 - Value"),
    layout=_google,
)

CSV_FORMATS: dict[str, CsvFormat] = {f.key: f for f in (SQUARE, SHOPIFY, GOOGLE)}


def detect_csv(columns: list[str]) -> str | None:
    """The key of the named format these columns belong to, or None for any other CSV."""
    header = Header(columns)
    best, best_count = None, 0
    for spec in CSV_FORMATS.values():
        if spec.matches(header):
            count = spec.marker_count(header)
            if count > best_count:
                best, best_count = spec.key, count
    return best


def read_named_csv(
    key: str, columns: list[str], rows: Iterable[tuple[int, list[str]]], encoding: str
) -> ParsedFile:
    """Read rows as Square, Shopify or Google Contacts; ImportFileError if the header is not."""
    spec = CSV_FORMATS[key]
    parsed = ParsedFile(key, spec.label, list(columns), encoding=encoding)
    if not any(columns):
        return parsed  # an empty file
    header = Header(columns)
    if not spec.matches(header):
        missing = [c for c in spec.shown if normal(c) not in header.index]
        if not missing:
            raise ImportFileError(
                f"This does not look like a {spec.label} file: too few of its columns are there."
            )
        raise ImportFileError(
            f"This does not look like a {spec.label} file: it has no {_listed(missing)} column."
        )
    map_rows(spec.layout(header), rows, parsed)
    return parsed


def _listed(names: list[str]) -> str:
    quoted = [f"“{n}”" for n in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]
