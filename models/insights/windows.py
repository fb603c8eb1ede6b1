"""Periods of whole local days, and the buckets (day, week, month) that charts group them by.

Timestamps are stored in UTC; owners think in the shop's days. A report covers whole local days
through ``today`` with a fixed ``utc_offset`` (the shop clock's offset from UTC). A fixed offset
is a simplification: across a daylight-saving change, moments within an hour of midnight can land
in the neighbouring day and the busiest-hours chart is an hour off for part of the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Literal

from models.errors import ValidationError

Bucket = Literal["day", "week", "month"]
BUCKETS: tuple[Bucket, ...] = ("day", "week", "month")
MAX_DAYS = 3660  # ten years: beyond that a shop's history has no visits to count
MAX_OFFSET = timedelta(hours=18)  # the widest offset an aware datetime allows


def local_utc_offset(now: datetime | None = None) -> timedelta:
    """This computer's current offset from UTC (what the UI and the command line pass)."""
    moment = (now or datetime.now(UTC)).astimezone()
    return moment.utcoffset() or timedelta(0)


def check_days(days: int, label: str = "days") -> int:
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({label: f"Choose between 1 and {MAX_DAYS:,} days (not {days})."})
    return days


def offset_minutes(utc_offset: timedelta) -> int:
    if abs(utc_offset) >= MAX_OFFSET:
        raise ValidationError({"utc_offset": f"{utc_offset} is not an offset from UTC."})
    return int(utc_offset.total_seconds() // 60)


def day_start(day: date, utc_offset: timedelta) -> datetime:
    """The moment the shop's ``day`` begins, as an aware datetime in UTC."""
    zone = timezone(timedelta(minutes=offset_minutes(utc_offset)))
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class DayWindow:
    """Local days ``first_day`` to ``last_day``, both included."""

    first_day: date
    last_day: date
    utc_offset: timedelta = timedelta(0)

    @property
    def days(self) -> int:
        return max(0, (self.last_day - self.first_day).days + 1)

    @property
    def since(self) -> datetime:
        return day_start(self.first_day, self.utc_offset)

    @property
    def until(self) -> datetime:
        """The first moment after the window (periods are half-open)."""
        return day_start(self.last_day + timedelta(days=1), self.utc_offset)

    def previous(self) -> DayWindow:
        """The window of equal length just before this one."""
        return DayWindow(self.first_day - timedelta(days=self.days),
                         self.first_day - timedelta(days=1), self.utc_offset)


def last_days(today: date, days: int, utc_offset: timedelta = timedelta(0)) -> DayWindow:
    """The ``days`` local days ending with ``today`` (included)."""
    check_days(days)
    return DayWindow(today - timedelta(days=days - 1), today, utc_offset)


def check_bucket(bucket: str) -> Bucket:
    for known in BUCKETS:
        if bucket == known:
            return known
    raise ValidationError({"bucket": f"Group by day, week or month (not {bucket!r})."})


def bucket_start(day: date, bucket: Bucket) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def bucket_starts(window: DayWindow, bucket: Bucket) -> list[date]:
    """The first day of every bucket that overlaps the window, oldest first (the first week or
    month may begin before the window and the last may end after it)."""
    starts = []
    current = bucket_start(window.first_day, bucket)
    while current <= window.last_day:
        starts.append(current)
        if bucket == "month":
            current = (current + timedelta(days=32)).replace(day=1)
        else:
            current += timedelta(days=7 if bucket == "week" else 1)
    return starts


def bucket_windows(window: DayWindow, bucket: Bucket) -> list[DayWindow]:
    """The window cut into buckets, oldest first; the first and last week or month are cut
    to the window, so only days inside it count."""
    starts = bucket_starts(window, bucket)
    ends = [start - timedelta(days=1) for start in starts[1:]] + [window.last_day]
    return [DayWindow(max(start, window.first_day), end, window.utc_offset)
            for start, end in zip(starts, ends, strict=True)]
