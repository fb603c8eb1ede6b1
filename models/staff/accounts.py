"""Staff accounts: the first owner, adding teammates, roles, deactivating, PINs.

Everything but the first owner's account needs the owner (``Permission.MANAGE_STAFF``). The shop
always keeps one active owner with a PIN, so nobody can lock the owner out of staff management.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.audit import one_event_for_many, record_event
from models.errors import NotFoundError, PermissionDenied, ValidationError
from models.staff.entities import StaffMember
from models.staff.pins import hash_pin, pin_matches, pin_problem
from models.staff.roles import Actor, Permission, Role, current_actor, require
from models.validation import check_text

NAME_MAX = 100


@dataclass(frozen=True)
class StaffView:
    id: int
    name: str
    role: Role
    active: bool
    locked_until: datetime | None
    last_signed_in_at: datetime | None


def list_staff(session: Session, *, include_inactive: bool = False) -> list[StaffView]:
    """Staff by name (the sign-in pad lists the active ones; needs no permission)."""
    query = select(StaffMember).order_by(func.lower(StaffMember.name), StaffMember.id)
    if not include_inactive:
        query = query.where(StaffMember.active.is_(True))
    return [_view(member) for member in session.scalars(query)]


def needs_first_owner(session: Session) -> bool:
    """True until the shop has an active owner who can sign in."""
    return session.scalar(select(func.count()).select_from(StaffMember).where(
        StaffMember.role == Role.OWNER, StaffMember.active.is_(True),
        StaffMember.pin_hash != "")) == 0


def create_first_owner(session: Session, name: str, pin: str) -> Actor:
    """The owner's own account on a new database; refused once an owner exists. An account
    of that name without a PIN (restored from an export) becomes theirs, as the owner."""
    if not needs_first_owner(session):
        raise PermissionDenied("This shop already has an owner; ask them to add you.")
    with one_event_for_many(session):
        member = _claim_imported(session, name, pin) or _new_member(
            session, name, Role.OWNER, pin)
    record_event(session, "staff_added", signed_by=member.name, record_type="staff",
                 record_id=member.id, summary="first owner account created")
    return Actor(member.id, member.name, Role.OWNER)


def add_staff(session: Session, name: str, role: Role, pin: str) -> int:
    require(session, Permission.MANAGE_STAFF)
    return _new_member(session, name, Role(role), pin).id


def update_staff(
    session: Session, staff_id: int, *, name: str | None = None, role: Role | None = None,
    active: bool | None = None,
) -> None:
    require(session, Permission.MANAGE_STAFF)
    member = _get(session, staff_id)
    if name is not None:
        member.name = _checked_name(session, name, exclude_id=staff_id)
    losing_owner = (member.role == Role.OWNER and member.active
                    and ((role is not None and role != Role.OWNER) or active is False))
    if losing_owner and _active_owners(session) <= 1:
        raise ValidationError({"role": "The shop needs at least one active owner; "
                                       "make someone else owner first."})
    if role is not None:
        member.role = Role(role)
    if active is not None:
        member.active = active


def set_pin(session: Session, staff_id: int, pin: str, *, current_pin: str = "") -> None:
    """The owner sets anyone's PIN; anyone may change their own with their current PIN."""
    actor = current_actor(session)
    own = actor is not None and actor.staff_id == staff_id
    member = _get(session, staff_id)
    if own and not (actor is not None and actor.may(Permission.MANAGE_STAFF)):
        if not pin_matches(current_pin, member.pin_hash):
            raise ValidationError({"current_pin": "Your current PIN is not right."})
    elif not own:
        require(session, Permission.MANAGE_STAFF)
    problem = pin_problem(pin)
    if problem:
        raise ValidationError({"pin": problem})
    member.pin_hash = hash_pin(pin)
    member.failed_pins = 0
    member.locked_until = None


def unlock(session: Session, staff_id: int) -> None:
    """Let someone who mistyped their PIN too often try again at once."""
    require(session, Permission.MANAGE_STAFF)
    member = _get(session, staff_id)
    member.failed_pins = 0
    member.locked_until = None


def _new_member(session: Session, name: str, role: Role, pin: str) -> StaffMember:
    checked = _checked_name(session, name, exclude_id=None)
    problem = pin_problem(pin)
    if problem:
        raise ValidationError({"pin": problem})
    member = StaffMember(name=checked, role=Role(role), active=True, pin_hash=hash_pin(pin))
    session.add(member)
    session.flush()
    return member


def _claim_imported(session: Session, name: str, pin: str) -> StaffMember | None:
    """The PIN-less account called ``name`` (ignoring case), made an active owner with
    ``pin``; None if there is none."""
    cleaned = " ".join(name.split()).lower()
    member = session.scalar(select(StaffMember).where(
        func.lower(StaffMember.name) == cleaned, StaffMember.pin_hash == ""))
    if member is None:
        return None
    problem = pin_problem(pin)
    if problem:
        raise ValidationError({"pin": problem})
    member.role, member.active, member.pin_hash = Role.OWNER, True, hash_pin(pin)
    member.failed_pins, member.locked_until = 0, None
    session.flush()
    return member


def _checked_name(session: Session, name: str, *, exclude_id: int | None) -> str:
    cleaned = " ".join(name.split())
    problem = check_text(cleaned, "Name", NAME_MAX) if cleaned else "Enter a name."
    if problem:
        raise ValidationError({"name": problem})
    clash = select(StaffMember.id).where(func.lower(StaffMember.name) == cleaned.lower())
    if exclude_id is not None:
        clash = clash.where(StaffMember.id != exclude_id)
    if session.scalar(clash) is not None:
        raise ValidationError({"name": f"There is already a teammate called {cleaned}."})
    return cleaned


def _active_owners(session: Session) -> int:
    """Owners who can sign in: the shop must never be left without one, or the first-owner
    page would let anyone at the counter make themselves owner."""
    return session.scalar(select(func.count()).select_from(StaffMember).where(
        StaffMember.role == Role.OWNER, StaffMember.active.is_(True),
        StaffMember.pin_hash != "")) or 0  # an owner without a PIN cannot sign in


def _get(session: Session, staff_id: int) -> StaffMember:
    member = session.get(StaffMember, staff_id)
    if member is None:
        raise NotFoundError("That teammate was removed.")
    return member


def _view(member: StaffMember) -> StaffView:
    return StaffView(member.id, member.name, Role(member.role), member.active,
                     member.locked_until, member.last_signed_in_at)
