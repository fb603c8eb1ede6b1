"""How the reports' numbers and dates read on screen, in CSV files and on paper."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from models.insights import Bucket, DayWindow
from models.problem_report import format_cost

NO_VALUE = "—"


def local_date(moment: datetime, utc_offset: timedelta) -> date:
    """The shop's day of an aware ``moment``."""
    return moment.astimezone(timezone(utc_offset)).date()


def day_text(day: date, *, year: bool = True) -> str:
    """ "19 Nov 2026" (the app's date style), or "19 Nov"."""
    return f"{day.day} {day:%b %Y}" if year else f"{day.day} {day:%b}"


def window_text(window: DayWindow) -> str:
    """ "1 Sep – 29 Nov 2026", or with both years when the window spans a new year."""
    same_year = window.first_day.year == window.last_day.year
    return f"{day_text(window.first_day, year=not same_year)} – {day_text(window.last_day)}"


def period_text(window: DayWindow) -> str:
    """ "the last 90 days (1 Sep – 29 Nov 2026)"."""
    return f"the last {window.days:,} days ({window_text(window)})"


def bucket_label(start: date, bucket: Bucket, *, spans_years: bool = False) -> str:
    """A chart's category label for the bucket starting ``start``."""
    if bucket == "month":
        return f"{start:%b %Y}" if spans_years or start.month == 1 else f"{start:%b}"
    return day_text(start, year=spans_years and start.month == 1 and start.day <= 7)


def bucket_labels(starts: tuple[date, ...] | list[date], bucket: Bucket) -> list[str]:
    """Unique labels for a chart's categories (a year is added where one is needed)."""
    spans = len({start.year for start in starts}) > 1
    labels = [bucket_label(start, bucket, spans_years=spans) for start in starts]
    if len(set(labels)) != len(labels):  # never expected, but category axes need unique names
        labels = [start.isoformat() for start in starts]
    return labels


BUCKET_HEADINGS = {"day": "Day", "week": "Week starting", "month": "Month"}


def bucket_heading(bucket: Bucket) -> str:
    return BUCKET_HEADINGS[bucket]


def count_text(value: int) -> str:
    return f"{value:,}"


def number_text(value: float | None, digits: int = 1) -> str:
    return NO_VALUE if value is None else f"{value:,.{digits}f}"


def share_text(share: float | None) -> str:
    return NO_VALUE if share is None else f"{share * 100:.0f}%"


def cost_text(cents: int) -> str:
    return format_cost(cents)


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def hour_label(hour: int) -> str:
    return f"{hour:02d}:00"


def short_hour_label(hour: int) -> str:
    """A chart's hour axis: "7" … "18" (the axis title says they are hours)."""
    return str(hour)
