"""Errors the services raise; each message is written for the person at the counter."""

from __future__ import annotations


class ValidationError(ValueError):
    """Input that cannot be saved; ``errors`` maps a field name to a message for that field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class NotFoundError(LookupError):
    """The record is gone (deleted elsewhere, or a wrong id)."""


class PermissionDenied(PermissionError):  # noqa: N818  - reads as a sentence at call sites
    """The signed-in person's role does not allow this; nothing was changed."""
