"""The vre-desktop command line: for scripts and the shop's IT."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vre_desktop import __version__
from vre_desktop.cli import main


@pytest.fixture
def populated(database_url, add_customer) -> str:
    add_customer(name="José Alvarez", goes_by="Pepe", phone="(310) 703-8944",
                 usuals=["cortado", "pan dulce"], visits=2)
    add_customer(name="Josephine Baker")
    return database_url


def test_find_prints_json_with_the_documented_keys(populated, capsys) -> None:
    assert main(["--database-url", populated, "find", "jose", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in results] == ["José Alvarez", "Josephine Baker"]
    first = results[0]
    assert {"id", "name", "goes_by", "phone", "usual", "visits", "last_visit"} <= set(first)
    assert first["goes_by"] == "Pepe"
    assert first["usual"] == "cortado; pan dulce"
    assert first["visits"] == 2
    assert first["last_visit"].startswith("20")


def test_find_by_phone_fragment_and_limit(populated, capsys) -> None:
    assert main(["find", "703-8944", "--json", "--database-url", populated]) == 0
    assert [r["name"] for r in json.loads(capsys.readouterr().out)] == ["José Alvarez"]
    assert main(["find", "jose", "--limit", "1", "--json", "--database-url", populated]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1


def test_find_prints_a_readable_table(populated, capsys) -> None:
    assert main(["--database-url", populated, "find", "jose"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["id", "name", "phone", "usual", "visits", "last",
                                           "visit"]
    assert "José Alvarez (Pepe)" in out and "today" in out


def test_find_with_no_match_says_so(populated, capsys) -> None:
    assert main(["--database-url", populated, "find", "nobody-here"]) == 0
    assert "No regular matches" in capsys.readouterr().out


def test_database_url_from_the_environment(populated, capsys, monkeypatch) -> None:
    monkeypatch.setenv("VRE_DATABASE_URL", populated)
    assert main(["find", "josephine", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["name"] == "Josephine Baker"


@pytest.mark.parametrize(
    "argv",
    [
        ["find", "x", "--limit", "zero"],
        ["find", "x", "--limit", "0"],
        ["find"],
        ["seed"],
        ["no-such-command"],
    ],
)
def test_usage_errors_are_one_plain_line_and_non_zero(argv, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_a_broken_database_is_one_plain_line_and_non_zero(tmp_path: Path, capsys) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"definitely not sqlite" * 200)
    assert main(["--database-url", f"sqlite:///{junk}", "find", "x"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "Cannot open the database" in err and "Traceback" not in err


def test_version_and_the_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vre_desktop", "--version"], capture_output=True, text=True,
        timeout=60, check=False,
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"vre-desktop {__version__}"


def test_installed_script_reports_errors_without_a_traceback(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "vre-desktop"
    if not script.exists():
        pytest.skip("the vre-desktop script is installed by `pip install -e .`")
    result = subprocess.run(
        [str(script), "--database-url", "nosuchdriver://x", "find", "a"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unexpected_errors_read_as_one_plain_sentence() -> None:
    from sqlalchemy.exc import OperationalError

    from vre_desktop.error_dialog import plain_message

    locked = OperationalError("INSERT …", {}, Exception("database is locked"))
    assert "try again" in plain_message(locked)
    assert plain_message(ValueError("bad\nsecond line")) == (
        "Something went wrong: bad. Nothing else was changed.")


def test_a_limit_beyond_reason_is_a_usage_error(populated, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--database-url", populated, "find", "jose", "--limit", "40000"])
    assert stopped.value.code == 2
    assert "more than 1,000" in capsys.readouterr().err


def test_an_unexpected_error_is_one_line_with_details_in_the_log(
    populated, capsys, monkeypatch
) -> None:
    import models

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire\nsecond line of detail")

    monkeypatch.setattr(models, "find_customers", broken)
    assert main(["--database-url", populated, "find", "jose"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert "disk on fire" in err
