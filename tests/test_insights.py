"""The owner's view of regulars: loyal and lapsed, on histories small enough to work out by hand.

Every test runs on SQLite and on a real PostgreSQL server (the SQL must agree). Customer ids
differ between the two, so rows are compared by name.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

import models
from models.customers import recount_visits
from models.entities import Customer
from models.insights import LapsedReport, LoyalReport, lapsed_regulars, loyal_regulars
from models.privacy import forget_customer, set_consent
from models.problem_report import ProblemReport

TODAY = date(2026, 11, 20)  # a Friday
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def at(month: int, dom: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, dom, hour, minute, tzinfo=UTC)


def add(session: Session, name: str, *visits: datetime, tags: tuple[str, ...] = ()) -> int:
    customer_id = models.create_customer(session, models.CustomerDraft(name=name,
                                                                       tags=list(tags)))
    for moment in visits:
        models.check_in(session, customer_id, at=moment)
    return customer_id


def names(report: LoyalReport | LapsedReport) -> list[str]:
    return [row.name for row in report.rows]


# --- loyal regulars ----------------------------------------------------------------------------
#
# 30 days through Fri Nov 20: the window is Oct 22 00:00 … Nov 20 23:59:59 (UTC), the previous
# window Sep 22 … Oct 21.
#
#            previous window              window                      in  prev  gap in window
# Ana        Oct 1, Oct 10                Nov 1, Nov 10, Nov 19        3   2    18 d / 2 = 9.0
# Ben        Sep 25, Oct 5, 10, 15        Nov 5, Nov 15, Nov 20        3   4    15 d / 2 = 7.5
# Cy         Oct 21 23:59                 Oct 22 00:00 (first instant) 1   1    — (one visit)
# Dee        —                            Nov 18 (their only visit)    1   0    —
# Eve        Oct 1, Oct 2                 —                            0: not listed
# Fay        never visited                                             not listed
# Gus        —                            Oct 25, 30, Nov 4, Nov 9     4   0    15 d / 3 = 5.0
# Hal        forgotten on request         Nov 2, Nov 3                 2: counted as unlisted
# Ivy        asked not to be remembered   Nov 12, Nov 13               2: counted as unlisted
#
# By visits: Gus 4 (rank 1); Ana and Ben 3 (rank 2, tie: lower id first, Ana was added first);
# Cy and Dee 1 (rank 4).


@pytest.fixture
def regulars(any_sessions: models.SessionFactory) -> models.SessionFactory:
    with any_sessions.begin() as session:
        add(session, "Ana", at(10, 1), at(10, 10), at(11, 1), at(11, 10), at(11, 19),
            tags=("regular", "dog-owner"))
        add(session, "Ben", at(9, 25), at(10, 5), at(10, 10), at(10, 15), at(11, 5), at(11, 15),
            at(11, 20))
        add(session, "Cy", at(10, 21, 23, 59), at(10, 22, 0, 0))
        add(session, "Dee", at(11, 18))
        add(session, "Eve", at(10, 1), at(10, 2))
        add(session, "Fay")
        add(session, "Gus", at(10, 25), at(10, 30), at(11, 4), at(11, 9), tags=("vip",))
        hal = add(session, "Hal", at(11, 2), at(11, 3), tags=("regular",))
        ivy = add(session, "Ivy", at(11, 12), at(11, 13))
        forget_customer(session, hal)
        set_consent(session, ivy, "do_not_remember")
    return any_sessions


def test_loyal_regulars_ranked_by_visits_with_ties_trends_gaps_and_tags(regulars) -> None:
    with regulars() as session:
        report = loyal_regulars(session, TODAY, days=30)
    assert (report.window.first_day, report.window.last_day) == (date(2026, 10, 22), TODAY)
    assert (report.previous_window.first_day, report.previous_window.last_day) == (
        date(2026, 9, 22), date(2026, 10, 21))
    assert names(report) == ["Gus", "Ana", "Ben", "Cy", "Dee"]
    table = {r.name: (r.rank, r.visits, r.previous_visits, r.trend) for r in report.rows}
    assert table == {
        "Gus": (1, 4, 0, "up"),
        "Ana": (2, 3, 2, "up"),
        "Ben": (2, 3, 4, "down"),
        "Cy": (4, 1, 1, "same"),
        "Dee": (4, 1, 0, "up"),
    }
    rows = {r.name: r for r in report.rows}
    assert rows["Ana"].average_gap_days == pytest.approx(9.0)
    assert rows["Ben"].average_gap_days == pytest.approx(7.5)
    assert rows["Gus"].average_gap_days == pytest.approx(5.0)
    assert rows["Cy"].average_gap_days is None  # one visit in the window
    assert rows["Dee"].average_gap_days is None
    assert rows["Ana"].first_visit == at(10, 1)  # tenure: their first visit ever
    assert rows["Ben"].first_visit == at(9, 25)
    assert rows["Cy"].first_visit == at(10, 21, 23, 59)
    assert rows["Dee"].first_visit == rows["Dee"].last_visit == at(11, 18)
    assert rows["Ben"].last_visit == at(11, 20)
    assert rows["Cy"].last_visit == at(10, 22, 0, 0)
    assert rows["Ana"].tags == ("dog-owner", "regular")
    assert rows["Gus"].tags == ("vip",)
    assert rows["Ben"].tags == ()
    assert (report.total, report.unlisted) == (5, 2)  # Hal and Ivy counted, never named


@pytest.mark.parametrize(("sort", "descending", "expected"), [
    ("name", False, ["Ana", "Ben", "Cy", "Dee", "Gus"]),
    ("name", True, ["Gus", "Dee", "Cy", "Ben", "Ana"]),
    ("visits", False, ["Cy", "Dee", "Ana", "Ben", "Gus"]),  # ties: more visits, then lower id
    # Empty gaps (a single visit) sort last either way; Cy and Dee tie: lower id first.
    ("average_gap_days", False, ["Gus", "Ben", "Ana", "Cy", "Dee"]),
    ("average_gap_days", True, ["Ana", "Ben", "Gus", "Cy", "Dee"]),
    # Gus and Dee both had 0 before: Gus has more visits now.
    ("previous_visits", True, ["Ben", "Ana", "Cy", "Gus", "Dee"]),
    # Change: Gus +4, Ana +1, Dee +1 (Ana has more visits), Cy 0, Ben -1.
    ("change", True, ["Gus", "Ana", "Dee", "Cy", "Ben"]),
    ("change", False, ["Ben", "Cy", "Ana", "Dee", "Gus"]),
    ("first_visit", False, ["Ben", "Ana", "Cy", "Gus", "Dee"]),
    ("last_visit", True, ["Ben", "Ana", "Dee", "Gus", "Cy"]),
])
def test_loyal_regulars_sort_by_any_column(regulars, sort, descending, expected) -> None:
    with regulars() as session:
        report = loyal_regulars(session, TODAY, days=30, sort=sort, descending=descending)
    assert names(report) == expected


def test_loyal_regulars_filters_and_limit(regulars) -> None:
    with regulars() as session:
        at_least_3 = loyal_regulars(session, TODAY, days=30, min_visits=3)
        tagged = loyal_regulars(session, TODAY, days=30, tag="  Regular ")
        first_two = loyal_regulars(session, TODAY, days=30, limit=2)
    assert names(at_least_3) == ["Gus", "Ana", "Ben"]
    assert (at_least_3.total, at_least_3.unlisted) == (3, 0)  # Hal and Ivy had 2 each
    # Hal had the tag before he was forgotten; forgetting removed it.
    assert (names(tagged), tagged.total, tagged.unlisted) == (["Ana"], 1, 0)
    assert (names(first_two), first_two.total) == (["Gus", "Ana"], 5)


def test_loyal_regulars_longer_window_and_a_window_without_visits(regulars) -> None:
    with regulars() as session:
        quarter = loyal_regulars(session, TODAY, days=90)  # Aug 23 … Nov 20
        long_ago = loyal_regulars(session, date(2020, 1, 31), days=30)
    by_name = {r.name: (r.visits, r.previous_visits) for r in quarter.rows}
    assert by_name == {"Ana": (5, 0), "Ben": (7, 0), "Cy": (2, 0), "Dee": (1, 0),
                       "Eve": (2, 0), "Gus": (4, 0)}
    assert names(quarter)[:2] == ["Ben", "Ana"]
    assert (long_ago.rows, long_ago.total, long_ago.unlisted) == ((), 0, 0)


def test_loyal_regulars_as_of_an_earlier_day_ignores_later_visits(regulars) -> None:
    with regulars() as session:
        report = loyal_regulars(session, date(2026, 10, 31), days=30)  # Oct 2 … Oct 31
    # Ana: Oct 10 (Oct 1 is before); Ben: Oct 5, 10, 15; Cy: both; Eve: Oct 2; Gus: Oct 25, 30.
    table = {r.name: (r.visits, r.last_visit) for r in report.rows}
    assert table == {
        "Ben": (3, at(10, 15)), "Cy": (2, at(10, 22, 0, 0)), "Gus": (2, at(10, 30)),
        "Ana": (1, at(10, 10)), "Eve": (1, at(10, 2)),
    }


def test_loyal_window_follows_the_shop_clock(regulars) -> None:
    # Two hours ahead of UTC the window is Oct 21 22:00 … Nov 20 22:00 UTC: Cy's Oct 21 23:59
    # visit moves in (2 visits now), Ben's Nov 20 10:00 stays in.
    with regulars() as session:
        report = loyal_regulars(session, TODAY, days=30, utc_offset=timedelta(hours=2))
    assert {r.name: r.visits for r in report.rows}["Cy"] == 2


def test_loyal_regulars_rejects_nonsense(regulars) -> None:
    with regulars() as session, pytest.raises(models.ValidationError):
        loyal_regulars(session, TODAY, sort="shoe_size")  # type: ignore[arg-type]
    with regulars() as session, pytest.raises(models.ValidationError):
        loyal_regulars(session, TODAY, days=0)
    with regulars() as session, pytest.raises(models.ValidationError):
        loyal_regulars(session, TODAY, min_visits=0)


# --- lapsed regulars ---------------------------------------------------------------------------
#
# As of Fri Nov 20 12:00 UTC. Usual gap = (last - first) / (visits - 1); lapsed when the time
# since the last visit is at least 14 days and more than twice the usual gap.
#
#        visits                        usual gap      since last        lapsed  overdue
# Ana    Sep 1, 8, 15, 22 10:00        21/3 = 7.0     59 d 2 h          yes     52.0833
# Ben    Oct 1, Nov 1 10:00            31             19.0833 < 62      no
# Cy     Jan 1 only                    —              (needs 2 visits)  no
# Dee    Nov 1, Nov 2 10:00            1              18.0833           yes     17.0833
#        (last problem still open)
# Eve    Nov 10, Nov 11 10:00          1              9.0833 < 14       no
# Fay    Aug 1, Aug 11 10:00           10             101.0833          yes     91.0833
#        (last problem: happy; an older one unhappy)
# Gus    Oct 1, Oct 11 10:00           10             40.0833           yes     30.0833
#        (last problem: resolved, but they left unhappy)
# Hal    Sep 1, Sep 2; forgotten                                        unlisted
# Ivy    Jul 1, Sep 30 10:00 + 8 counted by a previous system:
#                                      91/9 = 10.111  51.0833           yes     40.9722
#        (without those 8 the gap would be 91 days and Ivy not lapsed)
# Jo     Oct 31, Nov 6 12:00           6              exactly 14.0      yes     8.0
# Kim    Nov 1, Nov 7 12:00            6              13.0 < 14         no
# Lee    Sep 1, Sep 3 10:00, and Nov 25 (after "now": ignored)
#                                      2              78.0833           yes     76.0833
#
# Win-backs first (Gus 30.08, Dee 17.08 overdue), then by days overdue.


@pytest.fixture
def lapsing(any_sessions: models.SessionFactory) -> models.SessionFactory:
    with any_sessions.begin() as session:
        keys = {c.key: c.id for c in models.list_categories(session)}

        def problem(customer_id: int, when: datetime, **fields: object) -> None:
            report = ProblemReport(what_happened="it went wrong", category_id=keys["wrong_order"],
                                   occurred_at=when)
            for name, value in fields.items():
                setattr(report, name, value)
            models.log_problem(session, customer_id, report, now=NOW)

        add(session, "Ana", at(9, 1), at(9, 8), at(9, 15), at(9, 22))
        add(session, "Ben", at(10, 1), at(11, 1))
        add(session, "Cy", at(1, 1))
        dee = add(session, "Dee", at(11, 1), at(11, 2))
        problem(dee, at(11, 2), category_id=keys["wait_time"], severity="major")
        add(session, "Eve", at(11, 10), at(11, 11))
        fay = add(session, "Fay", at(8, 1), at(8, 11))
        problem(fay, at(8, 1), outcome="unhappy", resolved=True)
        problem(fay, at(8, 11), outcome="happy", resolved=True)
        gus = add(session, "Gus", at(10, 1), at(10, 11))
        problem(gus, at(10, 11), outcome="unhappy", resolved=True)
        hal = add(session, "Hal", at(9, 1), at(9, 2))
        problem(hal, at(9, 2))
        forget_customer(session, hal)
        ivy = add(session, "Ivy", at(7, 1), at(9, 30))
        customer = session.get(Customer, ivy)
        customer.earlier_visits = 8
        recount_visits(session, customer)
        add(session, "Jo", at(10, 31, 12), at(11, 6, 12))
        add(session, "Kim", at(11, 1, 12), at(11, 7, 12))
        add(session, "Lee", at(9, 1), at(9, 3), at(11, 25))
    return any_sessions


def test_lapsed_regulars_win_backs_first_then_most_overdue(lapsing) -> None:
    with lapsing() as session:
        report = lapsed_regulars(session, NOW)
    assert names(report) == ["Gus", "Dee", "Fay", "Lee", "Ana", "Ivy", "Jo"]
    assert (report.total, report.unlisted) == (7, 1)  # Hal: lapsed, forgotten, never named
    rows = {r.name: r for r in report.rows}
    expected = {  # usual gap, days since, days overdue, visits
        "Gus": (10.0, 40 + 2 / 24, 30 + 2 / 24, 2),
        "Dee": (1.0, 18 + 2 / 24, 17 + 2 / 24, 2),
        "Fay": (10.0, 101 + 2 / 24, 91 + 2 / 24, 2),
        "Lee": (2.0, 78 + 2 / 24, 76 + 2 / 24, 2),
        "Ana": (7.0, 59 + 2 / 24, 52 + 2 / 24, 4),
        "Ivy": (91 / 9, 51 + 2 / 24, 51 + 2 / 24 - 91 / 9, 10),
        "Jo": (6.0, 14.0, 8.0, 2),
    }
    for name, (gap, since, overdue, visits) in expected.items():
        row = rows[name]
        assert row.usual_gap_days == pytest.approx(gap, abs=1e-6), name
        assert row.days_since == pytest.approx(since, abs=1e-6), name
        assert row.days_overdue == pytest.approx(overdue, abs=1e-6), name
        assert row.visits == visits, name
    assert rows["Lee"].last_visit == at(9, 3)  # the Nov 25 visit is after "now"
    assert rows["Ivy"].first_visit == at(7, 1)


def test_lapsed_regulars_carry_their_last_problem(lapsing) -> None:
    with lapsing() as session:
        rows = {r.name: r for r in lapsed_regulars(session, NOW).rows}
    dee, fay, gus = rows["Dee"].last_problem, rows["Fay"].last_problem, rows["Gus"].last_problem
    assert dee is not None and fay is not None and gus is not None
    assert (dee.category, dee.severity, dee.status, dee.outcome) == (
        "Wait time", "major", "open", None)
    assert (fay.occurred_at, fay.status, fay.outcome) == (at(8, 11), "resolved", "happy")
    assert (gus.status, gus.outcome) == ("resolved", "unhappy")
    assert [r.win_back for r in (rows["Dee"], rows["Fay"], rows["Gus"])] == [True, False, True]
    assert rows["Ana"].last_problem is None


def test_lapsed_regulars_limit_and_thresholds(lapsing) -> None:
    with lapsing() as session:
        first_two = lapsed_regulars(session, NOW, limit=2)
        month = lapsed_regulars(session, NOW, min_gap_days=30)
        stricter = lapsed_regulars(session, NOW, factor=5)
    assert (names(first_two), first_two.total) == (["Gus", "Dee"], 7)
    assert names(month) == ["Gus", "Fay", "Lee", "Ana", "Ivy"]  # Dee 18 d, Jo 14 d: too soon
    # More than 5x the gap: Gus 40.08 < 50; Dee 18.08 > 5; Fay 101 > 50; Lee; Ana 59 > 35;
    # Ivy 51.08 > 50.56; Jo 14 < 30.
    assert names(stricter) == ["Dee", "Fay", "Lee", "Ana", "Ivy"]


def test_no_one_has_lapsed_in_an_empty_shop(any_sessions) -> None:
    with any_sessions() as session:
        report = lapsed_regulars(session, NOW)
    assert (report.rows, report.total, report.unlisted) == ((), 0, 0)
