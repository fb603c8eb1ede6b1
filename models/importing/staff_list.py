"""The team's accounts from our own JSON export, for a restore into an empty database.

The export carries each teammate's name, role and whether they are active, never a PIN; so an
imported account cannot sign in until the owner sets its PIN (Manage staff). A name the shop
already has (the owner who just created their account, say) is left as it is.
``models.staff.needs_first_owner`` stays true while no owner has a PIN, so the first start
after such an import still walks the owner through setting theirs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.audit import record_event
from models.staff.entities import ROLE_VALUES, StaffMember
from models.staff.roles import acting_name


def restore_staff(session: Session, entries: list[dict[str, Any]]) -> int:
    """Add each {"name", "role", "active"} the shop lacks (by name, ignoring case), without a
    PIN; returns how many were added (one audit event says so)."""
    taken = {name.casefold() for name in session.scalars(select(func.lower(StaffMember.name)))}
    added = 0
    for entry in entries:
        name, role = entry.get("name"), entry.get("role")
        if not isinstance(name, str) or not name.strip() or role not in ROLE_VALUES:
            continue
        if name.casefold() in taken:
            continue
        taken.add(name.casefold())
        session.add(StaffMember(name=name, role=role, active=bool(entry.get("active", True)),
                                pin_hash=""))
        added += 1
    if added:
        session.flush()
        record_event(session, "import", actor=acting_name(session), record_type="staff",
                     summary=f"{added} staff account{'s' * (added != 1)} from the export, "
                             "without PINs: the owner sets each PIN before they can sign in")
    return added
