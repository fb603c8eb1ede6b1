"""Staff accounts, PIN hashing and sign-in with lock-out (models/staff), on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

import models
from models.audit import recent_events
from models.staff import (
    Actor,
    PermissionDenied,
    Role,
    SignedIn,
    add_staff,
    create_first_owner,
    list_staff,
    lockout_after,
    needs_first_owner,
    set_pin,
    sign_in,
    signed_in_sessions,
    unlock,
    update_staff,
)
from models.staff.entities import StaffMember
from models.staff.pins import hash_pin, pin_matches

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _shop(sessions: models.SessionFactory) -> tuple[models.SessionFactory, dict[str, int]]:
    """An owner (Dana 2468), a shift lead (Lee 1357) and a clerk (Sam 1234); acting as Dana."""
    with sessions.begin() as session:
        owner = create_first_owner(session, "Dana", "2468")
    as_owner = signed_in_sessions(sessions, SignedIn(owner))
    with as_owner.begin() as session:
        ids = {"Dana": owner.staff_id or 0,
               "Lee": add_staff(session, "Lee", Role.SHIFT_LEAD, "1357"),
               "Sam": add_staff(session, "Sam", Role.CLERK, "1234")}
    return as_owner, ids


def _attempt(sessions: models.SessionFactory, staff_id: int, pin: str, at: datetime):
    with sessions.begin() as session:
        return sign_in(session, staff_id, pin, now=at)


def test_a_pin_is_stored_only_as_a_salted_slow_hash(any_sessions) -> None:
    _shop(any_sessions)
    with any_sessions() as session:
        hashes = session.scalars(select(StaffMember.pin_hash)).all()
    assert len(hashes) == 3
    assert all(h.startswith("scrypt$16384$8$1$") for h in hashes)
    assert not any(pin in h for h in hashes for pin in ("2468", "1357", "1234"))
    # The same PIN twice gives different hashes: each has its own salt.
    assert hash_pin("1234") != hash_pin("1234")
    assert pin_matches("1234", hash_pin("1234")) and not pin_matches("1243", hash_pin("1234"))
    assert not pin_matches("1234", "") and not pin_matches("1234", "scrypt$garbage")


def test_the_first_owner_is_created_once(sessions) -> None:
    with sessions() as session:
        assert needs_first_owner(session)
    with sessions.begin() as session:
        owner = create_first_owner(session, "  Dana   Ortiz ", "2468")
    assert owner.name == "Dana Ortiz" and owner.role is Role.OWNER
    with sessions.begin() as session, pytest.raises(PermissionDenied, match="already has"):
        create_first_owner(session, "Mallory", "1111")
    with sessions() as session:
        assert not needs_first_owner(session)
        assert [s.name for s in list_staff(session)] == ["Dana Ortiz"]


@pytest.mark.parametrize(("name", "pin", "field"), [
    ("", "2468", "name"), ("Dana", "246", "pin"), ("Dana", "123456789", "pin"),
    ("Dana", "12a4", "pin"), ("Dana", "١٢٣٤", "pin"),  # Arabic-Indic digits are not typed on a pad
])
def test_bad_names_and_pins_are_refused_with_a_message(sessions, name, pin, field) -> None:
    with sessions.begin() as session, pytest.raises(models.ValidationError) as caught:
        create_first_owner(session, name, pin)
    assert field in caught.value.errors
    with sessions() as session:
        assert list_staff(session, include_inactive=True) == []


def test_names_are_unique_ignoring_case(sessions) -> None:
    as_owner, _ids = _shop(sessions)
    with as_owner.begin() as session, pytest.raises(models.ValidationError, match="already"):
        add_staff(session, "sam", Role.CLERK, "9999")


def test_right_pin_signs_in_with_the_role(any_sessions) -> None:
    _as_owner, ids = _shop(any_sessions)
    result = _attempt(any_sessions, ids["Lee"], "1357", NOW)
    assert result.actor == Actor(ids["Lee"], "Lee", Role.SHIFT_LEAD)
    assert result.message == "" and result.wait_seconds == 0
    with any_sessions() as session:
        event = recent_events(session)[0]
    assert (event.action, event.actor, event.record_id) == ("sign_in", "Lee", ids["Lee"])


def test_five_wrong_pins_pause_the_pad_30_s_then_each_more_doubles(any_sessions) -> None:
    _as_owner, ids = _shop(any_sessions)
    sam = ids["Sam"]
    for attempt in range(1, 5):
        result = _attempt(any_sessions, sam, "0000", NOW)
        assert result.actor is None and result.wait_seconds == 0
        assert f"{5 - attempt} more tr" in result.message
    fifth = _attempt(any_sessions, sam, "0000", NOW)
    assert fifth.wait_seconds == 30 and "30 s" in fifth.message
    # While paused even the right PIN is refused, and the pause does not grow.
    early = _attempt(any_sessions, sam, "1234", NOW + timedelta(seconds=29))
    assert early.actor is None and early.wait_seconds == 1
    sixth = _attempt(any_sessions, sam, "0000", NOW + timedelta(seconds=30))
    assert sixth.wait_seconds == 60
    seventh = _attempt(any_sessions, sam, "0000", NOW + timedelta(seconds=90))
    assert seventh.wait_seconds == 120 and "2 min" in seventh.message
    # After the pause the right PIN works and the count starts again.
    back = _attempt(any_sessions, sam, "1234", NOW + timedelta(seconds=210))
    assert back.actor is not None and back.actor.name == "Sam"
    assert _attempt(any_sessions, sam, "0000", NOW + timedelta(seconds=211)).wait_seconds == 0
    with any_sessions() as session:
        failed = [e for e in recent_events(session) if e.action == "sign_in_failed"]
    assert len(failed) == 9  # every wrong attempt is logged, including the one while paused
    assert all("1234" not in e.summary and "0000" not in e.summary for e in failed)


def test_lockout_doubles_without_overflowing() -> None:
    assert [lockout_after(n).total_seconds() for n in range(3, 9)] == [0, 0, 30, 60, 120, 240]
    assert lockout_after(10_000) == lockout_after(10_001)


def test_the_owner_can_unlock_and_reset_a_pin(sessions) -> None:
    as_owner, ids = _shop(sessions)
    for _ in range(5):
        _attempt(sessions, ids["Sam"], "0000", NOW)
    with as_owner.begin() as session:
        unlock(session, ids["Sam"])
    assert _attempt(sessions, ids["Sam"], "1234", NOW).actor is not None
    with as_owner.begin() as session:
        set_pin(session, ids["Sam"], "5678")
    assert _attempt(sessions, ids["Sam"], "1234", NOW).actor is None
    assert _attempt(sessions, ids["Sam"], "5678", NOW).actor is not None


def test_a_clerk_changes_only_their_own_pin_and_needs_the_current_one(sessions) -> None:
    _as_owner, ids = _shop(sessions)
    as_sam = signed_in_sessions(sessions, SignedIn(Actor(ids["Sam"], "Sam", Role.CLERK)))
    with as_sam.begin() as session, pytest.raises(models.ValidationError, match="current PIN"):
        set_pin(session, ids["Sam"], "4321", current_pin="9999")
    with as_sam.begin() as session:
        set_pin(session, ids["Sam"], "4321", current_pin="1234")
    with as_sam.begin() as session, pytest.raises(PermissionDenied, match="needs the owner"):
        set_pin(session, ids["Lee"], "0000")
    assert _attempt(sessions, ids["Sam"], "4321", NOW).actor is not None
    assert _attempt(sessions, ids["Lee"], "1357", NOW).actor is not None


def test_only_the_owner_manages_staff(sessions) -> None:
    _as_owner, ids = _shop(sessions)
    for who, role in (("Sam", Role.CLERK), ("Lee", Role.SHIFT_LEAD)):
        as_them = signed_in_sessions(sessions, SignedIn(Actor(ids[who], who, role)))
        with as_them.begin() as session, pytest.raises(PermissionDenied, match="needs the owner"):
            add_staff(session, "Eve", Role.OWNER, "6666")
        with as_them.begin() as session, pytest.raises(PermissionDenied):
            update_staff(session, ids["Sam"], role=Role.OWNER)
    with sessions() as session:
        assert [(s.name, s.role) for s in list_staff(session)] == [
            ("Dana", Role.OWNER), ("Lee", Role.SHIFT_LEAD), ("Sam", Role.CLERK)]


def test_the_last_owner_cannot_be_demoted_or_deactivated(sessions) -> None:
    as_owner, ids = _shop(sessions)
    for change in ({"role": Role.CLERK}, {"active": False}):
        with as_owner.begin() as session, pytest.raises(models.ValidationError, match="owner"):
            update_staff(session, ids["Dana"], **change)
    with as_owner.begin() as session:
        update_staff(session, ids["Lee"], role=Role.OWNER)
    with as_owner.begin() as session:
        update_staff(session, ids["Dana"], active=False)
    with sessions() as session:
        assert [s.name for s in list_staff(session)] == ["Lee", "Sam"]
    assert "not active" in _attempt(sessions, ids["Dana"], "2468", NOW).message


def test_a_locked_counter_can_do_nothing(sessions) -> None:
    locked = signed_in_sessions(sessions, SignedIn(None))
    with locked() as session, pytest.raises(PermissionDenied, match="sign in"):
        models.staff.require(session, models.staff.Permission.USE_COUNTER)


def test_an_account_without_a_pin_cannot_sign_in_and_is_not_locked_out(sessions) -> None:
    as_owner, ids = _shop(sessions)
    with as_owner.begin() as session:
        session.get(StaffMember, ids["Sam"]).pin_hash = ""  # as restored from an export
    for _ in range(6):
        result = _attempt(sessions, ids["Sam"], "1234", NOW)
        assert result.actor is None and result.wait_seconds == 0
        assert "no PIN yet" in result.message


def test_a_demoted_or_deactivated_teammate_loses_powers_at_once(sessions) -> None:
    as_owner, ids = _shop(sessions)
    holder = SignedIn(Actor(ids["Lee"], "Lee", Role.SHIFT_LEAD))
    as_lee = signed_in_sessions(sessions, holder)
    with as_lee() as session:
        models.staff.require(session, models.staff.Permission.FOLLOW_UPS)
    with as_owner.begin() as session:
        update_staff(session, ids["Lee"], role=Role.CLERK)
    with as_lee() as session, pytest.raises(PermissionDenied, match="signed in as clerk"):
        models.staff.require(session, models.staff.Permission.FOLLOW_UPS)
    with as_owner.begin() as session:
        update_staff(session, ids["Lee"], active=False)
    with as_lee() as session, pytest.raises(PermissionDenied, match="no longer active"):
        models.staff.require(session, models.staff.Permission.USE_COUNTER)


def test_an_owner_without_a_pin_does_not_count_as_the_shops_owner(sessions) -> None:
    as_owner, ids = _shop(sessions)
    with as_owner.begin() as session:
        update_staff(session, ids["Lee"], role=Role.OWNER)
        session.get(StaffMember, ids["Lee"]).pin_hash = ""  # as restored from an export
    with as_owner.begin() as session, pytest.raises(models.ValidationError, match="owner"):
        update_staff(session, ids["Dana"], active=False)
    with sessions() as session:
        assert not needs_first_owner(session)
