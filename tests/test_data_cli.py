"""vre-desktop import, export and forget: reports on stdout, one plain line and a non-zero exit
when the file is wrong."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import models
from vre_desktop.cli import main

SQUARE = (
    "\ufeffReference ID,First Name,Last Name,Email Address,Phone Number,Nickname,Birthday,Memo,"
    "Square Customer ID,First Visit,Last Visit,Transaction Count\r\n"
    "R1,Zoë,Park,zoe@example.com,'+12135550142,Zo,1990-04-12,\"oat flat white, extra hot\","
    "SQ1,2025-01-05,2026-11-01,12\r\n"
    ",,,,,,,,SQ2,,,\r\n"
    "R3,Kate,Lee,,(213) 555-0199,,04-12,,SQ3,,,\r\n"
)


def test_import_dry_run_then_import(database_url: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(SQUARE.encode("utf-8"))
    assert main(["--database-url", database_url, "import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Square customer directory" in out
    assert "Would add 2 new regulars" in out and "line 3: skipped" in out
    assert "Dry run: nothing was changed." in out
    sessions = models.open_database(database_url)
    with sessions() as session:
        assert models.count_customers(session) == 0

    assert main(["--database-url", database_url, "import", str(path), "--by", "Olga"]) == 0
    assert "Added 2 new regulars" in capsys.readouterr().out
    with sessions() as session:
        [zoe] = models.find_customers(session, "extra hot")
        assert (zoe.name, zoe.goes_by, zoe.phone, zoe.visits) == (
            "Zoë Park", "Zo", "+12135550142", 12)
    assert main(["--database-url", database_url, "import", str(path)]) == 0
    assert "Added 0 new regulars, updated 0" in capsys.readouterr().out


def test_an_unreadable_file_is_one_plain_line(database_url: str, tmp_path: Path,
                                              capsys) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert main(["--database-url", database_url, "import", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("vre-desktop: ") and "as CSV first" in err and "\n" not in err
    assert main(["--database-url", database_url, "import", str(tmp_path / "missing.csv")]) == 1
    assert "“missing.csv” could not be opened" in capsys.readouterr().err


def test_export_json_and_csv(database_url: str, add_customer, tmp_path: Path, capsys) -> None:
    add_customer(name="=HYPERLINK(\"x\")", phone="+1 213 555 0100", visits=2)
    assert main(["--database-url", database_url, "export", str(tmp_path / "all.json")]) == 0
    assert "Exported 1 customers, 2 visits" in capsys.readouterr().out
    data = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert data["customers"][0]["name"] == "=HYPERLINK(\"x\")"
    assert main(["--database-url", database_url, "export", str(tmp_path / "all.csv")]) == 0
    with (tmp_path / "all.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["Name"] == "'=HYPERLINK(\"x\")"


def test_forget_needs_yes_when_not_interactive(database_url: str, add_customer,
                                               capsys) -> None:
    customer = add_customer(name="Quill Feather", notes=("secret",), visits=1)
    assert main(["--database-url", database_url, "forget", str(customer)]) == 1
    assert "add --yes" in capsys.readouterr().err
    assert main(["--database-url", database_url, "forget", str(customer), "--yes"]) == 0
    assert "1 visits and 0 problems kept" in capsys.readouterr().out
    sessions = models.open_database(database_url)
    with sessions() as session:
        assert models.find_customers(session, "quill") == []
    assert main(["--database-url", database_url, "forget", str(customer), "--yes"]) == 1
    assert "There is no regular" in capsys.readouterr().err
