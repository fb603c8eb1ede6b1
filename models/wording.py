"""How people and moments are put into words on the card and in lists."""

from __future__ import annotations

from datetime import datetime

from models.base import utcnow
from models.search.folding import words


def greeting_name(name: str, goes_by: str) -> str:
    if goes_by:
        return goes_by
    first = name.split()[0] if name.split() else ""
    return first if words(first) else name


def relative_day(moment: datetime | None, now: datetime | None = None) -> str:
    """"today", "yesterday", "3 days ago", "5 weeks ago", "a year ago"; "never" for None."""
    if moment is None:
        return "never"
    now = now or utcnow()
    local_now, local_then = now.astimezone(), moment.astimezone()
    days = (local_now.date() - local_then.date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    if days < 365:
        return f"{days // 30} months ago"
    years = days // 365
    return "a year ago" if years == 1 else f"{years} years ago"
