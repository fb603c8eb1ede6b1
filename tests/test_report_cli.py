"""`vre-desktop report …`: tables, CSV files and JSON, read back."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import models
from models import ActionEntry, ProblemReport, insights
from vre_desktop.cli import main
from vre_desktop.cli_report import LOYAL_SORTS

TODAY = "2026-11-20"


def at(month: int, dom: int, hour: int = 10) -> datetime:
    return datetime(2026, month, dom, hour, tzinfo=UTC)


@pytest.fixture(autouse=True)
def shop_clock_is_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command uses this computer's offset from UTC; the tests pin it."""
    monkeypatch.setattr(insights, "local_utc_offset", lambda now=None: timedelta(0))


@pytest.fixture
def shop(sessions: models.SessionFactory) -> dict[str, int]:
    """30 days through Nov 20:
    "=SUM(A1)" (a name a spreadsheet would run): Nov 10, Nov 15  → 2 visits, first Nov 10
    Ana: Oct 1 (the window before), Nov 1, Nov 19; a wrong order on Nov 1, remade, and she
         left unhappy; back on Nov 19 (18 days later)
    Ben: Sep 1, Sep 5: lapsed (gap 4 days, 76 days since)
    """
    with sessions.begin() as session:
        def customer(name: str, *visits: datetime) -> int:
            customer_id = models.create_customer(session, models.CustomerDraft(name=name))
            for moment in visits:
                models.check_in(session, customer_id, at=moment)
            return customer_id

        ids = {
            "formula": customer("=SUM(A1)", at(11, 10), at(11, 15)),
            "ana": customer("Ana", at(10, 1), at(11, 1), at(11, 19)),
            "ben": customer("Ben", at(9, 1), at(9, 5)),
        }
        wrong = next(c.id for c in models.list_categories(session) if c.key == "wrong_order")
        models.log_problem(session, ids["ana"], ProblemReport(
            what_happened="oat milk instead of soy", category_id=wrong, occurred_at=at(11, 1),
            actions=[ActionEntry("remade")], outcome="unhappy", resolved=True),
            now=at(11, 20))
        ids["fix"] = insights.record_fix(session, wrong, "Labels on the milk jugs",
                                         date(2026, 11, 5), recorded_by="Sam")
    return ids


def run(database_url: str, *args: str) -> int:
    return main(["--database-url", database_url, "report", *args, "--today", TODAY])


def test_loyal_as_json(database_url, shop, capsys) -> None:
    assert run(database_url, "loyal", "--days", "30", "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["report"], document["from"], document["to"]) == (
        "loyal", "2026-10-22", "2026-11-20")
    assert (document["total"], document["shown"], document["not_named"]) == (2, 2, 0)
    first, second = document["loyal"]
    assert (first["name"], first["visits"], first["previous_visits"], first["trend"]) == (
        "=SUM(A1)", 2, 0, "up")
    assert first["average_gap_days"] == 5.0
    assert first["first_visit"] == "2026-11-10T10:00:00+00:00"
    assert (second["name"], second["visits"], second["previous_visits"]) == ("Ana", 2, 1)
    assert second["customer_id"] == shop["ana"]


def test_loyal_as_a_spreadsheet_safe_csv(database_url, shop, tmp_path: Path, capsys) -> None:
    target = tmp_path / "loyal.csv"
    assert run(database_url, "loyal", "--days", "30", "--csv", str(target)) == 0
    assert capsys.readouterr().out.strip() == f"Wrote 2 rows to {target}."
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with target.open(encoding="utf-8-sig", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    assert header[:6] == ["Rank", "Customer ID", "Name", "Visits", "Visits before", "Trend"]
    assert [row[2] for row in rows] == ["'=SUM(A1)", "Ana"]  # never run as a formula
    assert rows[0][6:9] == ["5.00", "2026-11-10 10:00", "2026-11-15 10:00"]
    assert rows[1][6] == "18.00"


@pytest.mark.parametrize("sort", LOYAL_SORTS)
def test_every_loyal_sort_is_offered(database_url, shop, sort, capsys) -> None:
    assert sort in insights.LOYAL_SORTS
    assert run(database_url, "loyal", "--days", "30", "--sort", sort, "--ascending",
               "--json") == 0
    assert len(json.loads(capsys.readouterr().out)["loyal"]) == 2


def test_lapsed_as_json(database_url, shop, capsys) -> None:
    assert run(database_url, "lapsed", "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["as_of"] == "2026-11-21T00:00:00+00:00"  # the end of --today
    assert [r["name"] for r in document["lapsed"]] == ["Ben"]
    assert document["lapsed"][0]["usual_gap_days"] == 4.0
    assert document["lapsed"][0]["days_since"] == pytest.approx(76 + 14 / 24)


def test_causes_fixes_and_recoveries(database_url, shop, capsys) -> None:
    assert run(database_url, "causes", "--days", "30", "--json") == 0
    causes = json.loads(capsys.readouterr().out)
    top = causes["causes"][0]
    assert (top["category"], top["problems"], top["customers"], top["minor"]) == (
        "Wrong or remade order", 1, 1, 1)
    assert top["2026-10-26"] == 1  # the week of Monday Oct 26 holds Nov 1
    # Nov 5 fix, 10 days each side: Oct 26–Nov 4 (Nov 1: 1 problem, 1 visit) and Nov 6–15
    # (2 visits, no problem).
    assert run(database_url, "fixes", "--days", "10", "--json") == 0
    (fix,) = json.loads(capsys.readouterr().out)["fixes"]
    assert (fix["fix_id"], fix["what_changed"], fix["fixed_on"]) == (
        shop["fix"], "Labels on the milk jugs", "2026-11-05")
    assert (fix["before_problems"], fix["before_visits"], fix["before_rate"]) == (1, 1, 1000.0)
    assert (fix["after_problems"], fix["after_visits"], fix["after_rate"]) == (0, 2, 0.0)
    assert fix["change"] == -1000.0
    assert run(database_url, "recoveries", "--days", "30", "--json") == 0
    recovered = json.loads(capsys.readouterr().out)
    remade = next(r for r in recovered["return_rates"] if r["kind"] == "remade")
    assert (remade["customers"], remade["returned"], remade["share"]) == (1, 1, 1.0)


def test_visits_csv_holds_both_tables(database_url, shop, tmp_path: Path, capsys) -> None:
    target = tmp_path / "visits.csv"
    assert run(database_url, "visits", "--days", "7", "--csv", str(target)) == 0
    capsys.readouterr()
    with target.open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream))
    assert lines[0] == ["Visits per day"]
    assert lines[1] == ["Day", "Visits", "Customers", "New", "Returning"]
    assert lines[2:9] == [  # Nov 14 … Nov 20: only "=SUM(A1)" on Nov 15 and Ana on Nov 19
        ["2026-11-14", "0", "0", "0", "0"], ["2026-11-15", "1", "1", "0", "1"],
        ["2026-11-16", "0", "0", "0", "0"], ["2026-11-17", "0", "0", "0", "0"],
        ["2026-11-18", "0", "0", "0", "0"], ["2026-11-19", "1", "1", "0", "1"],
        ["2026-11-20", "0", "0", "0", "0"]]
    assert lines[9] == []
    assert lines[10:12] == [["Visits by hour of day"], ["Hour", "Visits"]]
    assert lines[12 + 10] == ["10:00", "2"]
    assert len(lines) == 12 + 24


def test_the_default_output_is_a_readable_table(database_url, shop, capsys) -> None:
    assert run(database_url, "loyal", "--days", "30") == 0
    out = capsys.readouterr().out
    assert "from: 2026-10-22, to: 2026-11-20" in out
    assert "Rank" in out and "=SUM(A1)" in out and "Ana" in out
    assert run(database_url, "fixes") == 0
    assert "Labels on the milk jugs" in capsys.readouterr().out


def test_errors_are_one_plain_line(database_url, shop, tmp_path: Path, capsys) -> None:
    missing = tmp_path / "no such folder" / "x.csv"
    assert run(database_url, "loyal", "--csv", str(missing)) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err
    assert run(database_url, "causes", "--days", "99999") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "between 1 and" in err
    with pytest.raises(SystemExit) as exit_:
        run(database_url, "loyal", "--days", "0")
    assert exit_.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_the_reports_benchmark_runs_on_a_small_shop(capsys) -> None:
    assert main(["bench-reports", "--customers", "300", "--visits-per-customer", "5",
                 "--runs", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["database"]["customer"] == 300
    assert result["database"]["process_fix"] == 6
    assert len(result["reports"]) == 13
    assert all(r["median_ms"] >= 0 for r in result["reports"])
