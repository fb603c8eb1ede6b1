"""`vre-desktop staff`: the owner's way back after a forgotten PIN or a lock-out. It acts as the
owner (the command line opens the file itself); names match in any case; an unknown name or a
bad PIN is one line and exit code 2, and nothing changes."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest

import models
from models.audit import recent_events
from models.base import utcnow
from models.staff import FREE_ATTEMPTS, Role, add_staff, list_staff, sign_in
from vre_desktop.cli import main


@pytest.fixture
def team(sessions: models.SessionFactory) -> dict[str, int]:
    with sessions.begin() as session:
        return {
            "dana": add_staff(session, "Dana Brooks", Role.OWNER, "2468"),
            "sam": add_staff(session, "Sam", Role.CLERK, "1111"),
        }


def run(database_url: str, *args: str) -> int:
    return main(["--database-url", database_url, "staff", *args])


def typed(monkeypatch: pytest.MonkeyPatch, *pins: str) -> list[str]:
    """Answer getpass with ``pins`` in turn; returns the prompts it was asked with."""
    answers, prompts = iter(pins), []

    def getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("getpass.getpass", getpass)
    return prompts


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def lock_out(sessions: models.SessionFactory, staff_id: int) -> None:
    for _ in range(FREE_ATTEMPTS):
        with sessions.begin() as session:
            sign_in(session, staff_id, "0000")


def signs_in(sessions: models.SessionFactory, staff_id: int, pin: str) -> bool:
    with sessions.begin() as session:
        return sign_in(session, staff_id, pin).actor is not None


def test_list_shows_role_active_lock_and_last_sign_in(
        database_url, sessions, team, capsys) -> None:
    assert signs_in(sessions, team["dana"], "2468")
    lock_out(sessions, team["sam"])
    assert run(database_url, "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "role", "active", "locked", "until", "last", "sign-in"]
    dana, sam = lines[1:]
    assert dana.startswith("Dana Brooks") and "owner" in dana and "never" not in dana
    assert sam.startswith("Sam") and "clerk" in sam and sam.endswith("never")
    with sessions() as session:
        until = next(p for p in list_staff(session) if p.id == team["sam"]).locked_until
    assert until is not None and f"{until.astimezone():%Y-%m-%d %H:%M}" in sam

    assert run(database_url, "list", "--json") == 0
    people = json.loads(capsys.readouterr().out)
    assert [(p["name"], p["role"], p["active"]) for p in people] == [
        ("Dana Brooks", "owner", True), ("Sam", "clerk", True)]
    assert people[0]["locked_until"] is None and people[0]["last_signed_in_at"]
    assert people[1]["locked_until"] == until.isoformat()
    assert people[1]["last_signed_in_at"] is None


def test_an_owner_who_forgot_their_pin_sets_a_new_one(
        database_url, sessions, team, monkeypatch, capsys) -> None:
    lock_out(sessions, team["dana"])  # guessed, and locked themselves out as well
    prompts = typed(monkeypatch, "97531", "97531")
    assert run(database_url, "set-pin", "dana BROOKS") == 0  # any case
    assert prompts == ["New PIN for Dana Brooks (4–8 digits): ", "The same PIN again: "]
    out = capsys.readouterr().out
    assert out == "New PIN set for Dana Brooks; they can sign in with it now.\n"
    assert "97531" not in out
    assert signs_in(sessions, team["dana"], "97531")  # and no wait left
    assert not signs_in(sessions, team["dana"], "2468")
    with sessions() as session:
        event = next(e for e in recent_events(session) if e.actor == "command line"
                     and e.record_type == "staff" and e.record_id == team["dana"])
    assert event.action == "update" and "97531" not in (event.summary or "")


def test_two_different_pins_or_a_bad_pin_change_nothing(
        database_url, sessions, team, monkeypatch, capsys) -> None:
    typed(monkeypatch, "97531", "97532")
    assert run(database_url, "set-pin", "Sam") == 2
    assert capsys.readouterr().err == (
        "vre-desktop: the two PINs are not the same; nothing was changed\n")
    typed(monkeypatch, "12")  # refused before it is asked again
    assert run(database_url, "set-pin", "Sam") == 2
    assert capsys.readouterr().err == "vre-desktop: A PIN has 4 to 8 digits.\n"
    stdin(monkeypatch, "12ab\n")
    assert run(database_url, "set-pin", "Sam", "--pin-stdin") == 2
    assert capsys.readouterr().err == "vre-desktop: A PIN is digits only.\n"
    assert signs_in(sessions, team["sam"], "1111")


def test_pin_stdin_for_scripts(database_url, sessions, team, monkeypatch, capsys) -> None:
    stdin(monkeypatch, "86420\n")
    assert run(database_url, "set-pin", "sam", "--pin-stdin") == 0
    assert "Sam" in capsys.readouterr().out
    assert signs_in(sessions, team["sam"], "86420")


def test_an_unknown_name_is_one_line_and_exit_2(database_url, team, capsys) -> None:
    for args in (("set-pin", "Zed", "--pin-stdin"), ("unlock", "Zed")):
        assert run(database_url, *args) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err == ("vre-desktop: nobody called 'Zed' on the team "
                                "(vre-desktop staff list shows who is)\n")


def test_unlock_lets_them_try_again_at_once(database_url, sessions, team, capsys) -> None:
    lock_out(sessions, team["sam"])
    with sessions.begin() as session:
        assert sign_in(session, team["sam"], "1111").wait_seconds > 0  # still waiting
    assert run(database_url, "unlock", "SAM") == 0
    assert capsys.readouterr().out == "Sam can try their PIN again now.\n"
    with sessions() as session:
        assert next(p for p in list_staff(session) if p.id == team["sam"]).locked_until is None
    assert signs_in(sessions, team["sam"], "1111")


def test_add_a_teammate_with_a_role(database_url, sessions, team, monkeypatch,
                                    capsys) -> None:
    typed(monkeypatch, "5555", "5555")
    assert run(database_url, "add", "  Marco  ", "--role", "shift_lead") == 0
    assert capsys.readouterr().out == (
        "Added Marco (shift lead); they can sign in with their PIN now.\n")
    with sessions() as session:
        marco = next(p for p in list_staff(session) if p.name == "Marco")
    assert marco.role == Role.SHIFT_LEAD and marco.active
    assert signs_in(sessions, marco.id, "5555")

    prompts = typed(monkeypatch)  # a taken name is refused before any PIN is asked
    assert run(database_url, "add", "marco", "--role", "clerk") == 2
    assert prompts == []
    assert capsys.readouterr().err == "vre-desktop: there is already a teammate called Marco\n"
    stdin(monkeypatch, "1\n")
    assert run(database_url, "add", "Lee", "--role", "clerk", "--pin-stdin") == 2
    assert capsys.readouterr().err == "vre-desktop: A PIN has 4 to 8 digits.\n"
    with pytest.raises(SystemExit) as usage:
        run(database_url, "add", "Lee", "--role", "manager")
    assert usage.value.code == 2
    with sessions() as session:
        assert [p.name for p in list_staff(session)] == ["Dana Brooks", "Marco", "Sam"]


def test_an_empty_team_says_how_it_starts(database_url, capsys) -> None:
    assert run(database_url, "list") == 0
    assert "first start of the app creates the owner's account" in capsys.readouterr().out
    assert run(database_url, "list", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_a_lock_out_that_has_run_out_is_not_shown(database_url, sessions, team,
                                                   capsys) -> None:
    earlier = utcnow() - timedelta(hours=1)
    for _ in range(FREE_ATTEMPTS):
        with sessions.begin() as session:
            sign_in(session, team["sam"], "0000", now=earlier)
    assert run(database_url, "list", "--json") == 0
    people = json.loads(capsys.readouterr().out)
    assert all(p["locked_until"] is None for p in people)
