"""Signing in with a PIN, and the lock-out that makes guessing a 4-digit PIN impractical.

The first ``FREE_ATTEMPTS - 1`` wrong PINs in a row cost nothing; the next one makes the pad wait
``FIRST_WAIT``, and every further wrong PIN doubles the wait. The counter lives in the database,
so restarting the app does not reset it. Every attempt, right or wrong, goes into the audit trail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from models.audit import record_event
from models.base import utcnow
from models.staff.entities import StaffMember
from models.staff.pins import pin_matches
from models.staff.roles import Actor, Role

FREE_ATTEMPTS = 5
FIRST_WAIT = timedelta(seconds=30)
# 30 s doubled 11 times is about 17 hours: past any guessing campaign, and an owner who locked
# themselves out is back the next day (or at once with `vre-desktop staff unlock`).
MAX_DOUBLINGS = 11


@dataclass(frozen=True)
class SignInResult:
    """``actor`` on success; otherwise a message for the pad and how long it must wait."""

    actor: Actor | None
    message: str = ""
    wait_seconds: int = 0


def lockout_after(failures: int) -> timedelta:
    """How long the pad waits after ``failures`` wrong PINs in a row."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    doublings: int = min(failures - FREE_ATTEMPTS, MAX_DOUBLINGS)
    return FIRST_WAIT * (1 << doublings)


def sign_in(
    session: Session, staff_id: int, pin: str, *, now: datetime | None = None
) -> SignInResult:
    now = now or utcnow()
    # Locked for update: two counters on one PostgreSQL server must not both read "4 wrong
    # PINs" and both write 5 (SQLite's BEGIN IMMEDIATE already serialises this).
    member = session.get(StaffMember, staff_id, with_for_update=True)
    if member is None or not member.active:
        return SignInResult(None, "That account is not active; ask the owner.")
    if not member.pin_hash:  # restored from an export: PINs never leave the shop's database
        return SignInResult(None, f"{member.name} has no PIN yet; ask the owner to set one.")
    if member.locked_until is not None and member.locked_until > now:
        wait = _seconds(member.locked_until - now)
        record_event(session, "sign_in_failed", signed_by=member.name, record_type="staff",
                     record_id=member.id, summary="PIN entered while locked out", at=now)
        return SignInResult(None, _wait_message(wait), wait)
    if pin_matches(pin, member.pin_hash):
        member.failed_pins = 0
        member.locked_until = None
        member.last_signed_in_at = now
        record_event(session, "sign_in", signed_by=member.name, record_type="staff",
                     record_id=member.id, summary=f"signed in as {Role(member.role).label}",
                     at=now)
        return SignInResult(Actor(member.id, member.name, Role(member.role)))
    member.failed_pins = (member.failed_pins or 0) + 1
    wait_for = lockout_after(member.failed_pins)
    record_event(session, "sign_in_failed", signed_by=member.name, record_type="staff",
                 record_id=member.id, summary=f"wrong PIN ({member.failed_pins} in a row)",
                 at=now)
    if wait_for:
        member.locked_until = now + wait_for
        wait = _seconds(wait_for)
        return SignInResult(None, "Wrong PIN. " + _wait_message(wait), wait)
    left = FREE_ATTEMPTS - member.failed_pins
    tries = "1 more try" if left == 1 else f"{left} more tries"
    return SignInResult(None, f"Wrong PIN. {tries} before the pad pauses.")


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def _wait_message(seconds: int) -> str:
    if seconds < 120:
        return f"Too many wrong PINs: try again in {seconds} s."
    return f"Too many wrong PINs: try again in {math.ceil(seconds / 60)} min."
