"""Checks for what staff type in; every message names the problem and how to fix it."""

from __future__ import annotations

import calendar
import re
from datetime import date

from models.search.folding import digits

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")
# Half of a character that needs two UTF-16 units (most emoji): text from a broken clipboard or
# file can carry one; no database can store it.
_SURROGATE = re.compile("[\ud800-\udfff]")
_PHONE_CHARS = re.compile(r"^[0-9+()\-.\s/]*(?:(?:ext|x)\.?\s*[0-9]+)?$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PHONE_DIGITS = 7
MAX_PHONE_DIGITS = 15
PHONE_MAX = 40  # characters, as typed (spaces, dashes, an extension)
EMAIL_MAX = 254


def check_text(value: str, label: str, max_length: int, *, multiline: bool = False) -> str | None:
    if not value:
        return None
    if len(value) > max_length:
        return f"{label} is too long ({len(value):,} characters; at most {max_length:,})."
    pattern = _CONTROL if multiline else _CONTROL_SINGLE_LINE
    if pattern.search(value):
        return f"{label} contains an invisible control character; please retype it."
    if _SURROGATE.search(value):
        return f"{label} contains a broken character (half of an emoji?); please retype it."
    return None


def check_phone(phone: str) -> str | None:
    if not phone:
        return None
    if message := check_text(phone, "The phone number", PHONE_MAX):
        return message
    if not _PHONE_CHARS.match(phone):
        return "A phone number may contain only digits, spaces, + ( ) - . / and an extension."
    count = len(digits(phone.lower().split("x")[0]))
    if count < MIN_PHONE_DIGITS:
        return f"That phone number has {count} digits; it needs at least {MIN_PHONE_DIGITS}."
    if count > MAX_PHONE_DIGITS:
        return f"That phone number has {count} digits; at most {MAX_PHONE_DIGITS}."
    return None


def check_email(email: str) -> str | None:
    if not email:
        return None
    if message := check_text(email, "The email address", EMAIL_MAX):
        return message
    if not _EMAIL.match(email):
        return "That does not look like an email address (name@example.com)."
    return None


def check_birthday(month: int | None, day: int | None, year: int | None) -> str | None:
    if month is None and day is None and year is None:
        return None
    if month is None or day is None:
        return "A birthday needs both a month and a day (the year is optional)."
    if not 1 <= month <= 12:
        return "The birthday month must be between 1 and 12."
    longest = calendar.monthrange(year if year else 2000, month)[1]  # 2000: Feb 29 allowed
    if not 1 <= day <= longest:
        return f"{calendar.month_name[month]} has no day {day}."
    if year is not None and not 1900 <= year <= date.today().year:
        return f"The birthday year must be between 1900 and {date.today().year}."
    return None
