"""The team: staff accounts and roles, PIN sign-in with lock-out, and who is acting.

    holder = SignedIn()
    counter_sessions = signed_in_sessions(sessions, holder)
    with sessions.begin() as session:
        result = sign_in(session, staff_id, "2468")
    holder.actor = result.actor            # every later counter session acts for them
"""

from models.errors import PermissionDenied
from models.staff.accounts import (
    StaffView,
    add_staff,
    create_first_owner,
    list_staff,
    needs_first_owner,
    set_pin,
    unlock,
    update_staff,
)
from models.staff.pins import PIN_MAX_DIGITS, PIN_MIN_DIGITS, pin_problem
from models.staff.roles import (
    COMMAND_LINE,
    Actor,
    Permission,
    Role,
    SignedIn,
    acting_name,
    current_actor,
    require,
    signed_in_sessions,
)
from models.staff.sign_in import FREE_ATTEMPTS, SignInResult, lockout_after, sign_in

__all__ = [
    "COMMAND_LINE",
    "FREE_ATTEMPTS",
    "PIN_MAX_DIGITS",
    "PIN_MIN_DIGITS",
    "Actor",
    "Permission",
    "PermissionDenied",
    "Role",
    "SignInResult",
    "SignedIn",
    "StaffView",
    "acting_name",
    "add_staff",
    "create_first_owner",
    "current_actor",
    "list_staff",
    "lockout_after",
    "needs_first_owner",
    "pin_problem",
    "require",
    "set_pin",
    "sign_in",
    "signed_in_sessions",
    "unlock",
    "update_staff",
]
