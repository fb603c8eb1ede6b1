"""Roles, what each may do, and who is acting in a session.

Permissions are checked here, in the services, not only by hiding buttons: a script or a stale
window that calls a service as a clerk gets ``PermissionDenied`` and nothing changes.

Who is acting travels with the session (``session.info``): the window binds its session factory
to a ``SignedIn`` holder (``signed_in_sessions``), so switching user changes every later session
at once. A session with no holder belongs to the command line or a script that opened the
database file itself; whoever can open the file can read all of it anyway, so it acts with the
owner's powers and is named "command line" in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum

from sqlalchemy.orm import Session, sessionmaker

from models.errors import PermissionDenied
from models.staff.entities import StaffMember

SIGNED_IN_KEY = "vre_signed_in"


class Role(StrEnum):
    CLERK = "clerk"
    SHIFT_LEAD = "shift_lead"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @property
    def label(self) -> str:
        return _LABELS[self]


_RANKS = {Role.CLERK: 1, Role.SHIFT_LEAD: 2, Role.OWNER: 3}
_LABELS = {Role.CLERK: "Clerk", Role.SHIFT_LEAD: "Shift lead", Role.OWNER: "Owner"}
_NEEDS = {Role.CLERK: "a signed-in teammate", Role.SHIFT_LEAD: "a shift lead or the owner",
          Role.OWNER: "the owner"}


class Permission(Enum):
    """An action and the least role that may do it; the text completes "… needs a shift lead"."""

    USE_COUNTER = (Role.CLERK, "Using the counter")
    EDIT_OTHERS_NOTES = (Role.SHIFT_LEAD, "Changing a teammate's note")
    RESOLVE_PROBLEMS = (Role.SHIFT_LEAD, "Resolving or editing a problem")
    FOLLOW_UPS = (Role.SHIFT_LEAD, "Managing follow-ups")
    TEAMMATE_CHECK_INS = (Role.SHIFT_LEAD, "Managing teammate check-ins")
    MERGE_CUSTOMERS = (Role.SHIFT_LEAD, "Merging two profiles")
    # It deletes every note about the regular, teammates' too, and blanks their problems.
    ERASE_DETAILS = (Role.SHIFT_LEAD, "Erasing a regular's details (do not remember)")
    REPORTS = (Role.OWNER, "Seeing reports")
    EXPORT = (Role.OWNER, "Exporting customer data")
    IMPORT = (Role.OWNER, "Importing customers")
    FORGET = (Role.OWNER, "Forgetting a customer")
    BACKUPS = (Role.OWNER, "Backups and restore")
    SETTINGS = (Role.OWNER, "Changing the shop's settings")
    MANAGE_STAFF = (Role.OWNER, "Managing staff and PINs")
    AUDIT = (Role.OWNER, "Reading the audit trail")

    @property
    def least_role(self) -> Role:
        return self.value[0]

    @property
    def what(self) -> str:
        return self.value[1]


@dataclass(frozen=True)
class Actor:
    """The person a session acts for; ``staff_id`` is None for the command line."""

    staff_id: int | None
    name: str
    role: Role

    def may(self, permission: Permission) -> bool:
        return self.role.rank >= permission.least_role.rank


COMMAND_LINE = Actor(None, "command line", Role.OWNER)


class SignedIn:
    """Who is signed in at one counter window; None while the screen is locked."""

    def __init__(self, actor: Actor | None = None) -> None:
        self.actor = actor


def signed_in_sessions(
    sessions: sessionmaker[Session], holder: SignedIn
) -> sessionmaker[Session]:
    """A session factory on the same database whose sessions act for ``holder.actor``."""
    info = {**(sessions.kw.get("info") or {}), SIGNED_IN_KEY: holder}
    return sessionmaker(**{**sessions.kw, "info": info})


def current_actor(session: Session) -> Actor | None:
    """Who this session acts for; None when its window is locked (nobody signed in)."""
    holder = session.info.get(SIGNED_IN_KEY)
    if holder is None:
        return COMMAND_LINE
    actor: Actor | None = holder.actor
    return actor


def require(session: Session, permission: Permission) -> Actor:
    """The acting person, if they may do ``permission``; otherwise ``PermissionDenied``."""
    actor = current_actor(session)
    if actor is None:
        raise PermissionDenied("Nobody is signed in: sign in with your PIN first.")
    if actor.staff_id is not None:
        actor = _as_stored(session, actor)
    if not actor.may(permission):
        raise PermissionDenied(
            f"{permission.what} needs {_NEEDS[permission.least_role]} "
            f"({actor.name} is signed in as {actor.role.label.lower()})."
        )
    return actor


def _as_stored(session: Session, actor: Actor) -> Actor:
    """The signed-in person as the staff table says now: a teammate demoted or deactivated at
    another counter (or by the owner a minute ago) loses those powers at once, not at their
    next sign-in. One primary-key read per session; later checks hit the identity map."""
    member = session.get(StaffMember, actor.staff_id)
    if member is None or not member.active:
        raise PermissionDenied(f"{actor.name}'s account is no longer active; ask the owner.")
    return Actor(member.id, member.name, Role(member.role))


def acting_name(session: Session) -> str:
    """The name to record as "by" for work done in this session ("" when locked)."""
    actor = current_actor(session)
    return actor.name if actor is not None else ""
