"""Generated regulars as rows of the five tables, in the form the connection binds.

``add_rows`` turns one regular and their visit times into customer, tag, visit, note and
search_document rows, computing the denormalised ``visit_count`` / ``last_visit_at`` and the
search document from the very visits and notes written, so the database is exactly what the
services would have left. ``Encoder`` decides the form of each value: SQLAlchemy's own storage
format on SQLite (for the fast path in writer.py), plain Python values elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from itertools import repeat
from typing import Any, Protocol

from sqlalchemy import Connection

from models.entities import Customer, Visit
from models.search.documents import document_values
from models.search.folding import compact, digits, fold, word_text
from models.search.ranking import rank_key
from models.seeding.generator import DAY, Regular, RegularGenerator
from models.visit_links import previous_times

# The order of the values in each table's row tuples.
CUSTOMER_COLUMNS = (
    "id", "name", "goes_by", "phone", "email", "description", "usuals", "preferences",
    "allergies", "talking_points", "birthday_month", "birthday_day", "birthday_year",
    "consent_given", "consent_at", "visit_count", "last_visit_at", "created_at", "updated_at",
)
TAG_COLUMNS = ("customer_id", "name")
VISIT_COLUMNS = ("customer_id", "visited_at", "items", "previous_visit_at")
NOTE_COLUMNS = ("customer_id", "text", "pinned", "created_at", "updated_at")
DOCUMENT_COLUMNS = (
    "rank_key", "customer_id", "names", "other", "name_compact", "phone_digits", "email",
)


class _DayPrefixes(dict[int, str]):
    """Day number since the epoch -> "YYYY-MM-DD ", computed once per day."""

    def __missing__(self, day: int) -> str:
        prefix = self[day] = datetime.fromtimestamp(day * DAY, UTC).strftime("%Y-%m-%d ")
        return prefix


class _Clock(dict[int, str]):
    """Second of the day -> "HH:MM:SS.000000", each worked out once."""

    def __missing__(self, second: int) -> str:
        text = self[second] = (
            f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}.000000")
        return text


class Encoder:
    """Turns generated values into what executemany binds.

    ``raw`` (SQLite): already in the form SQLAlchemy stores, i.e. its JSON serialisation and
    its DateTime text "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, so the rows can go straight to the
    driver (see writer.py). Otherwise plain Python values for ``connection.execute(insert(...))``.
    """

    def __init__(self, raw: bool) -> None:
        self.raw = raw
        self._days = _DayPrefixes()
        self._json_cache: dict[tuple[str, ...], str] = {}
        self.when: Callable[[int], Any] = self._stamp if raw else self._datetime
        self.json: Callable[[list[str]], Any] = self._json if raw else list

    @cached_property
    def _clock(self) -> _Clock:
        return _Clock()

    @classmethod
    def for_connection(cls, connection: Connection) -> Encoder:
        """Raw when the dialect is SQLite and stores values exactly as the raw encoder writes
        them (checked against SQLAlchemy's own bind processors)."""
        dialect = connection.dialect
        if dialect.name != "sqlite" or dialect.paramstyle != "qmark":
            return cls(raw=False)
        raw = cls(raw=True)
        stamp_type = Visit.__table__.c.visited_at.type
        stamp = stamp_type.dialect_impl(dialect).bind_processor(dialect)
        json_type = Customer.__table__.c.usuals.type
        to_json = json_type.dialect_impl(dialect).bind_processor(dialect)
        moments = (datetime(2024, 2, 29, 7, 5, 9, tzinfo=UTC),
                   datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC))
        sample = ["Zoë's oat flat white", 'a "quoted" word', "王芳"]
        same = (
            stamp is not None and to_json is not None
            and all(stamp(m) == raw.when(int(m.timestamp())) for m in moments)
            and to_json(sample) == raw.json(sample)
        )
        return raw if same else cls(raw=False)

    @staticmethod
    def _datetime(at: int) -> datetime:
        return datetime.fromtimestamp(at, UTC)

    def _stamp(self, at: int) -> str:
        return self._days[at // DAY] + self._clock[at % DAY]

    def moment(self, at: datetime) -> Any:
        """``when`` of an aware datetime, keeping its microseconds (imports, not seeding)."""
        if not self.raw:
            return at
        return at.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

    def stamps(self, times: list[int]) -> list[Any]:
        """``when`` of many times at once (the visits: most of the rows of a seed)."""
        if not self.raw:
            return [datetime.fromtimestamp(at, UTC) for at in times]
        days = self._days
        clock = self._clock
        return [days[at // DAY] + clock[at % DAY] for at in times]

    def _json(self, items: list[str]) -> str:
        key = tuple(items)
        value = self._json_cache.get(key)
        if value is None:
            value = json.dumps(items)
            if len(self._json_cache) < 100_000:
                self._json_cache[key] = value
        return value


class Profile(Protocol):
    """What a search document is built from: a generated regular, or an imported record."""

    @property
    def name(self) -> str: ...
    @property
    def goes_by(self) -> str: ...
    @property
    def phone(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def usuals(self) -> list[str]: ...
    @property
    def preferences(self) -> list[str]: ...
    @property
    def allergies(self) -> list[str]: ...
    @property
    def talking_points(self) -> list[str]: ...
    @property
    def tags(self) -> list[str]: ...


class Documents:
    """search_document rows: ``document_values`` with the folding of repeated parts memoised.

    Folding the same menu items, tags and names over and over would be most of a seed's Python
    time, and ``word_text(a, b)`` is ``word_text(a)`` and ``word_text(b)`` joined, so each part is
    folded once. Every ``CHECK_EVERY``-th row is compared with ``document_values`` itself, so a
    change there cannot silently make seeded documents differ from the services' ones.
    """

    CHECK_EVERY = 97
    _CACHE_LIMIT = 200_000

    def __init__(self) -> None:
        self._words: dict[str, str] = {}
        self._names: dict[tuple[str, str], tuple[str, str]] = {}

    def _word_text(self, part: str) -> str:
        folded = self._words.get(part)
        if folded is None:
            folded = word_text(part)
            if len(self._words) < self._CACHE_LIMIT:
                self._words[part] = folded
        return folded

    def _name_columns(self, name: str, goes_by: str) -> tuple[str, str]:
        """(names, name_compact) of a name and goes-by, as document_values builds them."""
        key = (name, goes_by)
        columns = self._names.get(key)
        if columns is None:
            words_of = self._word_text
            columns = (" ".join(w for w in (words_of(name), words_of(goes_by)) if w),
                       f"{compact(name)} {compact(goes_by)}".strip())
            if len(self._names) < self._CACHE_LIMIT:
                self._names[key] = columns
        return columns

    def row(
        self, regular: Regular, notes: list[str], last_seen: datetime, visit_count: int
    ) -> tuple[Any, ...]:
        return self.of(regular.id, regular, notes, last_seen, visit_count)

    def of(
        self, customer_id: int, profile: Profile, notes: list[str], last_seen: datetime,
        visit_count: int,
    ) -> tuple[Any, ...]:
        """The search_document row (in DOCUMENT_COLUMNS order) of a generated regular or an
        imported record."""
        names, name_compact = self._name_columns(profile.name, profile.goes_by)
        parts = (profile.description, *profile.usuals, *profile.preferences, *profile.allergies,
                 *profile.talking_points, *profile.tags, *notes)
        row = (
            rank_key(customer_id, last_seen, visit_count),
            customer_id,
            names,
            " ".join(filter(None, map(self._word_text, parts))),
            name_compact,
            digits(profile.phone),
            fold(profile.email).strip(),
        )
        if customer_id % self.CHECK_EVERY == 0:
            expected = document_values(
                customer_id=customer_id, name=profile.name, goes_by=profile.goes_by,
                phone=profile.phone, email=profile.email, description=profile.description,
                usuals=profile.usuals, preferences=profile.preferences,
                allergies=profile.allergies, talking_points=profile.talking_points,
                tags=profile.tags, notes=notes, last_seen=last_seen, visit_count=visit_count,
            )
            if tuple(expected[c] for c in DOCUMENT_COLUMNS) != row:
                raise RuntimeError(
                    "models/seeding/rows.py builds search documents unlike "
                    "models.search.documents.document_values; update Documents.of"
                )
        return row


@dataclass
class Rows:
    """One batch, as rows of each table (tuples in the *_COLUMNS order)."""

    customers: list[tuple[Any, ...]] = field(default_factory=list)
    tags: list[tuple[Any, ...]] = field(default_factory=list)
    visits: list[tuple[Any, ...]] = field(default_factory=list)
    notes: list[tuple[Any, ...]] = field(default_factory=list)
    documents: list[tuple[Any, ...]] = field(default_factory=list)


def add_rows(
    rows: Rows, encoder: Encoder, documents: Documents, gen: RegularGenerator, regular: Regular,
    times: list[int],
) -> None:
    """The rows of one regular, with visit_count, last_visit_at and the search document
    computed from the very visits and notes written."""
    rnd = gen.rng.random
    when = encoder.when
    cid = regular.id
    items = regular.visit_items
    n_items = len(items)
    stamps = encoder.stamps(times)
    rows.visits.extend(zip(repeat(cid), stamps, [items[int(rnd() * n_items)] for _ in times],
                           previous_times(stamps), strict=False))
    if times:
        created = times[0] - 60 * (1 + int(rnd() * 10))  # added a few minutes before check-in
        last_seen = times[-1]
    else:  # added, never checked in
        created = min(regular.start + int(rnd() * regular.active_days * DAY), gen.now_ts)
        last_seen = created
    # A note is written at the counter: a few minutes into one of their visits.
    note_times = sorted(
        min((times[int(rnd() * len(times))] if times else created) + 60 * (1 + int(rnd() * 5)),
            gen.now_ts)
        for _ in regular.notes
    )
    for (text, pinned), at in zip(regular.notes, note_times, strict=True):
        stamp = when(at)
        rows.notes.append((cid, text, pinned, stamp, stamp))
    created_at = when(created)
    month, day, year = regular.birthday or (None, None, None)
    rows.customers.append((
        cid, regular.name, regular.goes_by, regular.phone, regular.email, regular.description,
        encoder.json(regular.usuals), encoder.json(regular.preferences),
        encoder.json(regular.allergies), encoder.json(regular.talking_points), month, day, year,
        regular.consent, created_at if regular.consent else None, len(times),
        when(times[-1]) if times else None, created_at,
        when(max(created, note_times[-1])) if note_times else created_at,
    ))
    rows.tags.extend([(cid, tag) for tag in regular.tags])
    rows.documents.append(documents.row(
        regular, [text for text, _ in regular.notes], datetime.fromtimestamp(last_seen, UTC),
        len(times),
    ))

