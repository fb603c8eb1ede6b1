"""Birthdays and visit dates as other systems write them.

Birthdays: 1985-04-12, 04-12-1985, 04/12/1985, 12.04.1985 (day first, as Europe writes it with
dots), 04-12, 04/12, --04-12, --0412, 19850412, "April 12, 1985", "12 Apr". A year of 0000 or
1604 (Apple's "no year" marker) means the year is unknown.

Visits: a date, or a date and time. A date alone means shop-local noon of that day; a time
without a zone is shop-local; both become aware UTC. "Shop-local" is the machine's time zone.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from models.importing.records import ImportRecord

NO_YEAR = frozenset({0, 1604})
EARLIEST_BIRTH_YEAR = 1900

_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        calendar.month_name[number].lower(),
        calendar.month_abbr[number].lower(),
    )
}
_MONTHS["sept"] = 9

# Each pattern names its groups y, m, d; "mon" is a month name.
_BIRTHDAY_PATTERNS = [
    re.compile(r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?:[T ][0-9:.+\-Z ]*)?"),
    re.compile(r"(?P<m>\d{1,2})[-/](?P<d>\d{1,2})[-/](?P<y>\d{4}|\d{2})"),
    re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})(?:\.(?P<y>\d{4})?)?"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:T[0-9:.+\-Z]*)?"),
    re.compile(r"--(?P<m>\d{2})-?(?P<d>\d{2})"),
    re.compile(r"(?P<m>\d{1,2})[-/](?P<d>\d{1,2})"),
    re.compile(
        r"(?P<mon>[a-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{4}))?",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>[a-z]{3,9})\.?(?:,?\s+(?P<y>\d{4}))?",
        re.IGNORECASE,
    ),
]


@dataclass(frozen=True)
class Birthday:
    month: int
    day: int
    year: int | None = None


class DateError(ValueError):
    """The text is not a date in any shape we know, or no such day exists."""


def parse_birthday(text: str) -> Birthday | None:
    """The birthday in ``text`` (already trimmed); None when empty.

    Raises DateError for an unknown shape or an impossible day (February 30). The year
    is kept as written, even an implausible one; ``BirthdayReader`` judges it.
    """
    if not text:
        return None
    for pattern in _BIRTHDAY_PATTERNS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        parts = match.groupdict()
        if parts.get("mon") is not None:
            month = _MONTHS.get(parts["mon"].lower())
            if month is None:
                continue
        else:
            month = int(parts["m"])
        day = int(parts["d"])
        year = _year(parts.get("y"))
        if not 1 <= month <= 12:
            raise DateError(text)
        if not 1 <= day <= _days_in(month, year):
            raise DateError(text)
        return Birthday(month, day, year)
    raise DateError(text)


_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in(month: int, year: int | None) -> int:
    """Days in the month; February has 29 when the year is unknown."""
    if month == 2 and year is not None and not calendar.isleap(year):
        return 28
    return _DAYS[month]


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    if len(text) == 2:
        this_year = date.today().year
        year += 2000 if 2000 + year <= this_year else 1900
    return None if year in NO_YEAR else year


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_US_DATE_TIME = re.compile(
    r"(?P<m>\d{1,2})[/-](?P<d>\d{1,2})[/-](?P<y>\d{4}|\d{2})"
    r"(?:,?\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?)?",
    re.IGNORECASE,
)
_ISO_LOOSE = re.compile(
    r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"
    r"(?:[T ]\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?\s*"
    r"(?P<ampm>[ap]\.?m\.?)?\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE,
)


def parse_moment(text: str) -> datetime | None:
    """A visit date or date-time as aware UTC; None when empty.

    A date alone is noon, shop-local, that day. Raises DateError otherwise.
    """
    return MomentReader()(text)


class MomentReader:
    """``parse_moment`` for a whole file: it remembers the shop's UTC offset for each local
    hour it has seen (asking the operating system for every timestamp is slow)."""

    def __init__(self) -> None:
        self._offsets: dict[tuple[int, int, int, int], timedelta] = {}

    def __call__(self, text: str) -> datetime | None:
        if not text:
            return None
        if len(text) == 10 and _ISO_DATE.fullmatch(text):
            try:
                day = date.fromisoformat(text)
            except ValueError:
                raise DateError(text) from None
            return self._local_noon(day)
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00") if "Z" in text else text)
        except ValueError:
            return self._loosely(text)
        if moment.tzinfo is None and (moment.hour or moment.minute or moment.second):
            # The common case, inlined: a shop-local time in an hour seen before.
            offset = self._offsets.get((moment.year, moment.month, moment.day, moment.hour))
            if offset is not None:
                return (moment - offset).replace(tzinfo=UTC)
        return self._to_utc(moment)

    def _loosely(self, text: str) -> datetime:
        match = _US_DATE_TIME.fullmatch(text) or _ISO_LOOSE.fullmatch(text)
        if match is None:
            raise DateError(text)
        parts = match.groupdict()
        year = int(parts["y"])
        if len(parts["y"]) == 2:
            year += 2000 if 2000 + year <= date.today().year else 1900
        try:
            day = date(year, int(parts["m"]), int(parts["d"]))
        except ValueError:
            raise DateError(text) from None
        if parts["H"] is None:
            return self._local_noon(day)
        hour, minute, second = int(parts["H"]), int(parts["M"]), int(parts["S"] or 0)
        ampm = (parts["ampm"] or "").lower().replace(".", "")
        if ampm:
            if not 1 <= hour <= 12:
                raise DateError(text)
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        if hour > 23 or minute > 59 or second > 59:
            raise DateError(text)
        moment = datetime(day.year, day.month, day.day, hour, minute, second)
        zone = parts.get("tz")
        if zone:
            moment = moment.replace(tzinfo=_zone(zone))
        return self._to_utc(moment)

    def _local_noon(self, day: date) -> datetime:
        return self._local(datetime(day.year, day.month, day.day, 12))

    def _local(self, naive: datetime) -> datetime:
        """A shop-local time as UTC."""
        key = (naive.year, naive.month, naive.day, naive.hour)
        offset = self._offsets.get(key)
        if offset is None:
            # A naive datetime's astimezone() reads it as the machine's local time.
            hour = naive.replace(minute=0, second=0, microsecond=0).astimezone()
            offset = hour.utcoffset() or timedelta(0)
            self._offsets[key] = offset
        return (naive - offset).replace(tzinfo=UTC)

    def _to_utc(self, moment: datetime) -> datetime:
        if moment.tzinfo is not None:
            return moment.astimezone(UTC)
        if (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0):
            # "2024-03-05 00:00:00" is how spreadsheets write a date: treat it as one.
            return self._local_noon(moment.date())
        return self._local(moment)


def _zone(text: str) -> timezone:
    if text.upper() in {"Z", "UTC", "GMT"}:
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


class BirthdayReader:
    """Sets birthdays on records, remembering each text it has read (files repeat them)."""

    def __init__(self) -> None:
        # Texts read without a problem -> (month, day, year): callers may look here first.
        self.read: dict[str, tuple[int, int, int | None]] = {}
        self._this_year = date.today().year

    def __call__(self, record: ImportRecord, text: str, line: int, place: str) -> None:
        """Set the record's birthday from ``text``, or leave it empty with a warning.

        The warning starts "Line 4, " and ``place``: "column “Birthday”" in a CSV file, "BDAY"
        in a vCard. An implausible year (1850, next year) is dropped with a warning; the day
        and month are kept.
        """
        known = self.read.get(text)
        if known is not None:
            record.birthday_month, record.birthday_day, record.birthday_year = known
            return
        try:
            birthday = parse_birthday(text)
        except DateError:
            shown = text if len(text) <= 60 else text[:57] + "…"
            record.warnings.append(
                f"Line {line}, {place}: “{shown}” is not a date we understand; the birthday "
                "was left empty."
            )
            return
        if birthday is None:
            return
        record.birthday_month, record.birthday_day = birthday.month, birthday.day
        year = birthday.year
        if year is not None and not EARLIEST_BIRTH_YEAR <= year <= self._this_year:
            record.warnings.append(
                f"Line {line}, {place}: {year} cannot be the year they were born; only the "
                "day and month were kept."
            )
            return
        record.birthday_year = year
        self.read[text] = (birthday.month, birthday.day, year)


def apply_birthday(record: ImportRecord, text: str, line: int, place: str) -> None:
    """``BirthdayReader()(record, text, line, place)`` for a single value."""
    BirthdayReader()(record, text, line, place)
