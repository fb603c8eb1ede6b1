"""`vre-desktop staff …`: the team from the shop computer's command line.

It is the owner's way back in: an owner who forgot their PIN, or locked themselves out with
wrong ones, sets a new PIN (or just unlocks) here. The command line opens the database itself,
so it acts as the owner (``models.staff.COMMAND_LINE``): whoever can open the file can read all
of it anyway. Names match whatever their case; an unknown name, a bad PIN or two PINs that
differ are one plain line and exit code 2. PINs are asked twice without echo, or read from the
first line of stdin with ``--pin-stdin`` (for scripts); they are never printed.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vre_desktop.cli import _Parser, _table

if TYPE_CHECKING:
    from models import SessionFactory
    from models.staff import StaffView

ROLES = ("clerk", "shift_lead", "owner")
EXIT_USAGE = 2


class _RefusedError(Exception):
    """Something the person at the keyboard must change: printed as one line, exit code 2."""


def add_staff_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    staff = sub.add_parser(
        "staff", parents=[common],
        help="the team: list it, add someone, set a PIN or unlock (the owner's way back "
        "after a forgotten PIN)")
    actions = staff.add_subparsers(dest="staff_command", metavar="ACTION",
                                   parser_class=_Parser, required=True)
    listing = actions.add_parser(
        "list", parents=[common],
        help="everyone: name, role, active, locked until, last sign-in")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    set_pin = actions.add_parser(
        "set-pin", parents=[common],
        help="give NAME a new PIN (asked twice); also ends a wait after wrong PINs")
    set_pin.add_argument("name", metavar="NAME", help="as on the sign-in pad (any case)")
    _add_pin_stdin(set_pin)
    unlock = actions.add_parser(
        "unlock", parents=[common], help="let NAME try a PIN again at once after wrong PINs")
    unlock.add_argument("name", metavar="NAME", help="as on the sign-in pad (any case)")
    add = actions.add_parser("add", parents=[common],
                             help="add a teammate with a role and a PIN (asked twice)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=ROLES, help="what they may do")
    _add_pin_stdin(add)


def _add_pin_stdin(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pin-stdin", action="store_true",
                        help="read the PIN from the first line of stdin instead of asking")


def run_staff(url: str, args: argparse.Namespace) -> int:
    import models

    sessions = models.open_database(url)
    try:
        if args.staff_command == "list":
            return _list(sessions, as_json=args.json)
        if args.staff_command == "set-pin":
            return _set_pin(sessions, args.name, from_stdin=args.pin_stdin)
        if args.staff_command == "unlock":
            return _unlock(sessions, args.name)
        return _add(sessions, args.name, args.role, from_stdin=args.pin_stdin)
    except _RefusedError as exc:
        sys.stderr.write(f"vre-desktop: {exc}\n")
        return EXIT_USAGE
    finally:
        sessions.kw["bind"].dispose()


def _list(sessions: SessionFactory, *, as_json: bool) -> int:
    from models.base import utcnow
    from models.staff import list_staff

    with sessions() as session:
        staff = list_staff(session, include_inactive=True)
    now = utcnow()

    def locked(until: datetime | None) -> datetime | None:
        return until if until is not None and until > now else None

    if as_json:
        _say(json.dumps([{
            "id": p.id, "name": p.name, "role": p.role.value, "active": p.active,
            "locked_until": _iso(locked(p.locked_until)),
            "last_signed_in_at": _iso(p.last_signed_in_at),
        } for p in staff], ensure_ascii=False, indent=2))
        return 0
    if not staff:
        _say("Nobody yet: the first start of the app creates the owner's account "
              "(or: vre-desktop staff add NAME --role owner).")
        return 0
    rows = [(p.name, p.role.label.lower(), "yes" if p.active else "no",
             _local(locked(p.locked_until), "—"), _local(p.last_signed_in_at, "never"))
            for p in staff]
    _say(_table(("name", "role", "active", "locked until", "last sign-in"), rows))
    return 0


def _set_pin(sessions: SessionFactory, name: str, *, from_stdin: bool) -> int:
    from models.staff import set_pin

    person = _find(sessions, name)
    pin = _new_pin(person.name, from_stdin=from_stdin)
    with sessions.begin() as session:
        _checked(lambda: set_pin(session, person.id, pin))
    inactive = "" if person.active else (
        f" {person.name} is not active: the owner can reactivate them under Owner → Staff "
        "and PINs.")
    _say(f"New PIN set for {person.name}; they can sign in with it now.{inactive}")
    return 0


def _unlock(sessions: SessionFactory, name: str) -> int:
    from models.staff import unlock

    person = _find(sessions, name)
    with sessions.begin() as session:
        unlock(session, person.id)
    _say(f"{person.name} can try their PIN again now.")
    return 0


def _add(sessions: SessionFactory, name: str, role: str, *, from_stdin: bool) -> int:
    from models.staff import Role, add_staff, list_staff

    cleaned = " ".join(name.split())
    if not cleaned:
        raise _RefusedError("give the teammate's name")
    with sessions() as session:  # before asking for a PIN: the name may be taken
        taken = next((p for p in list_staff(session, include_inactive=True)
                      if p.name.casefold() == cleaned.casefold()), None)
    if taken is not None:
        raise _RefusedError(f"there is already a teammate called {taken.name}")
    pin = _new_pin(cleaned, from_stdin=from_stdin)
    with sessions.begin() as session:
        _checked(lambda: add_staff(session, cleaned, Role(role), pin))
    _say(f"Added {cleaned} ({Role(role).label.lower()}); they can sign in with their PIN now.")
    return 0


def _find(sessions: SessionFactory, name: str) -> StaffView:
    """The teammate called ``name`` (any case, any spacing), active or not."""
    from models.staff import list_staff

    cleaned = " ".join(name.split()).casefold()
    with sessions() as session:
        staff = list_staff(session, include_inactive=True)
    person = next((p for p in staff if p.name.casefold() == cleaned), None)
    if person is None:
        raise _RefusedError(f"nobody called {name.strip()!r} on the team "
                       "(vre-desktop staff list shows who is)")
    return person


def _new_pin(name: str, *, from_stdin: bool) -> str:
    """The new PIN: the first line of stdin, or typed twice without echo."""
    from models.staff import pin_problem

    if from_stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = getpass.getpass(f"New PIN for {name} (4–8 digits): ").strip()
        problem = pin_problem(pin)
        if problem:  # before asking again
            raise _RefusedError(problem)
        if getpass.getpass("The same PIN again: ").strip() != pin:
            raise _RefusedError("the two PINs are not the same; nothing was changed")
    problem = pin_problem(pin)
    if problem:
        raise _RefusedError(problem)
    return pin


def _checked(call: Callable[[], object]) -> None:
    """Run a staff service; its refusal (a bad name or PIN) becomes one line and exit 2."""
    from models import ValidationError

    try:
        call()
    except ValidationError as exc:
        raise _RefusedError(str(exc)) from None


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _local(moment: datetime | None, empty: str) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}" if moment is not None else empty
