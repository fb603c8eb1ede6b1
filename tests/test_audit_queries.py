"""Reading the audit trail back (models.audit): filters, order, the owner-only rule, and the
plain words shared by the audit window and `vre-desktop audit`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import models
from models.audit import (
    ACTION_WORDS,
    action_label,
    audit_actions,
    audit_actors,
    audit_record_types,
    find_events,
    recent_events,
    record_event,
    record_label,
)
from models.staff import (
    Actor,
    PermissionDenied,
    Role,
    SignedIn,
    add_staff,
    create_first_owner,
    signed_in_sessions,
)

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]


def fill(sessions: models.SessionFactory) -> None:
    """Jo and Sam, one event an hour back from NOW (Jo on even hours), plus two at NOW."""
    with sessions.begin() as session:
        for hours in range(10):
            actor = "Jo" if hours % 2 == 0 else "Sam"
            action = "create" if hours < 5 else "sign_in"
            record_event(session, action, actor=actor, record_type="note" if hours < 5
                         else "staff", record_id=hours, summary=f"{hours} hours ago",
                         at=NOW - timedelta(hours=hours))
        record_event(session, "export", actor="Sam", summary="first at NOW", at=NOW)
        record_event(session, "import", signed_by="", summary="second at NOW", at=NOW)


def test_find_events_filters_in_sql_newest_first(any_sessions) -> None:
    fill(any_sessions)
    with any_sessions() as session:
        everything = find_events(session)
        assert [e.summary for e in everything[:3]] == [
            "second at NOW", "first at NOW", "0 hours ago"]  # same moment: the later first
        assert [e.at for e in everything] == sorted((e.at for e in everything), reverse=True)
        assert {e.actor for e in find_events(session, actor="Jo")} == {"Jo"}
        assert len(find_events(session, actor="Jo")) == 5
        assert find_events(session, actor="jo") == []  # as recorded: the window offers names
        assert [e.record_id for e in find_events(session, action="sign_in", actor="Sam")] == [
            5, 7, 9]
        assert [e.record_id for e in find_events(session, record_type="note", limit=2)] == [0, 1]
        window = find_events(session, since=NOW - timedelta(hours=3),
                             until=NOW - timedelta(hours=1))
        assert [e.summary for e in window] == ["2 hours ago", "3 hours ago"]  # until: excluded
        assert audit_actors(session) == ["Jo", "Sam"]  # "" (nobody signed in) left out
        assert audit_actions(session) == ["create", "sign_in", "import", "export"]
        assert audit_record_types(session) == ["note", "staff"]
        assert recent_events(session, limit=1)[0].summary == "second at NOW"


def test_only_the_owner_reads_the_trail(sessions) -> None:
    fill(sessions)
    with sessions.begin() as session:
        owner_id = create_first_owner(session, "Sam", "2468").staff_id
        lee = {role: add_staff(session, f"Lee {role.label}", role, "1357")
               for role in (Role.CLERK, Role.SHIFT_LEAD)}
    for role in (Role.CLERK, Role.SHIFT_LEAD):
        factory = signed_in_sessions(sessions, SignedIn(Actor(lee[role], "Lee", role)))
        with factory() as session:
            for read in (find_events, audit_actors, audit_actions, audit_record_types):
                with pytest.raises(PermissionDenied, match="needs the owner"):
                    read(session)
    locked = signed_in_sessions(sessions, SignedIn(None))
    with locked() as session, pytest.raises(PermissionDenied, match="Nobody is signed in"):
        find_events(session)
    owner = signed_in_sessions(sessions, SignedIn(Actor(owner_id, "Sam", Role.OWNER)))
    with owner() as session:
        assert len(find_events(session)) == 12 + 3  # and the three accounts being created


def test_every_recorded_action_has_plain_words() -> None:
    """Each ``record_event(session, "<action>"`` in the app reads as words, not a code."""
    recorded: set[str] = set()
    for path in [*ROOT.glob("models/**/*.py"), *ROOT.glob("ui/**/*.py"),
                 *ROOT.glob("vre_desktop/**/*.py")]:
        recorded |= set(re.findall(r"record_event\(\s*session,\s*\"(\w+)\"", path.read_text(
            encoding="utf-8")))
    recorded |= {"create", "update", "delete"}  # models/audit_trail.py
    assert recorded >= {"sign_in", "sign_in_failed", "merge", "import", "export", "restore"}
    assert recorded <= set(ACTION_WORDS), recorded - set(ACTION_WORDS)
    assert [action_label(a) for a in ("create", "update", "delete", "sign_in",
                                      "sign_in_failed")] == [
        "added", "changed", "removed", "signed in", "wrong PIN"]
    assert action_label("pin_reset") == "pin reset"  # a newer version's action: still readable
    assert record_label("follow_up", 3) == "follow-up #3"
    assert record_label("customer") == "customer"
    assert record_label("", None) == ""
