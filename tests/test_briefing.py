"""The shift briefing on hand-built data: what is in each section, and what is not."""

from __future__ import annotations

import time as clock
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest

import models
from models import ProblemReport
from models.briefing import (
    HANDOVER_MAX_BACK,
    HANDOVER_WINDOW,
    LIKELY_MIN_WEEKS,
    LIKELY_WEEKS,
    birthday_dates,
    handover_since,
    likely_visitors,
)
from models.staff import Actor, Role, SignedIn, signed_in_sessions


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A moment on the counter's own clock (the briefing's "today" is the local day)."""
    return datetime.combine(day, time(hour, minute)).astimezone()


TODAY = date(2026, 3, 4)  # a Wednesday
NOW = local(TODAY, 10)


@pytest.fixture(autouse=True, params=["sqlite", pytest.param("postgresql",
                                                             marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> str:
    """Every test here runs on SQLite and on a real PostgreSQL server."""
    return str(request.param)


def category_id(sessions: models.SessionFactory, key: str = "wrong_order") -> int:
    with sessions() as session:
        return next(c.id for c in models.list_categories(session, include_retired=True)
                    if c.key == key)


def log_problem(sessions: models.SessionFactory, customer_id: int, *, at: datetime = NOW,
                **fields: object) -> int:
    report = ProblemReport(what_happened="Order was wrong", category_id=category_id(sessions),
                           occurred_at=at)
    for name, value in fields.items():
        setattr(report, name, value)
    with sessions.begin() as session:
        return models.log_problem(session, customer_id, report, now=at)


def visit_on(sessions: models.SessionFactory, customer_id: int, days: list[date],
             hour: int = 9) -> None:
    with sessions.begin() as session:
        for day in days:
            models.check_in(session, customer_id, at=local(day, hour))


def briefing(sessions: models.SessionFactory, now: datetime = NOW,
             **kwargs: int) -> models.Briefing:
    with sessions() as session:
        return models.load_briefing(session, now=now, **kwargs)


def titles(found: models.Briefing, key: str) -> list[str]:
    return [entry.title for entry in found.section(key).entries]


def as_person(sessions: models.SessionFactory, name: str,
              role: Role = Role.CLERK) -> models.SessionFactory:
    return signed_in_sessions(sessions, SignedIn(Actor(None, name, role)))


# ----- follow-ups and teammate check-ins --------------------------------------------------------

def test_follow_ups_due_today_and_overdue_are_in_and_later_or_done_ones_are_not(
    sessions, add_customer
) -> None:
    ana, ben = add_customer(name="Ana Lima"), add_customer(name="Ben Ode")
    with sessions.begin() as session:
        models.add_follow_up(session, ana, "call about the beans", TODAY - timedelta(days=2),
                             by="Sam")
        models.add_follow_up(session, ben, "check the grinder", TODAY)
        models.add_follow_up(session, ana, "send the voucher", TODAY + timedelta(days=1))
        done = models.add_follow_up(session, ben, "ring back", TODAY - timedelta(days=5))
        models.complete_follow_up(session, done, "sorted", by="Jo")
    entries = briefing(sessions).section("follow_ups").entries
    assert [e.title for e in entries] == ["Ana: call about the beans", "Ben: check the grinder"]
    overdue, today = entries
    assert overdue.detail == "2 days overdue · set by Sam" and overdue.urgent
    assert overdue.customer_id == ana
    assert today.detail.startswith("Due today") and not today.urgent


def test_open_teammate_check_ins_are_in_and_done_ones_are_not(sessions) -> None:
    with sessions.begin() as session:
        models.flag_teammate(session, "Priya", "rude customer at close", by="Sam")
        done = models.flag_teammate(session, "Leo", "spilled coffee on him")
        models.complete_teammate_check_in(session, done, by="Sam")
    section = briefing(sessions).section("teammates")
    assert [e.title for e in section.entries] == ["Check on Priya: rude customer at close"]
    [entry] = section.entries
    assert entry.customer_id is None and "flagged by Sam" in entry.detail


def test_a_clerk_sees_no_teammate_check_ins_but_the_rest_of_the_briefing(
    sessions, add_customer
) -> None:
    with sessions.begin() as session:
        models.flag_teammate(session, "Priya", "rude customer")
    clerk = briefing(as_person(sessions, "Kim", Role.CLERK)).section("teammates")
    assert clerk.entries == () and "Shift leads" in clerk.empty
    lead = briefing(as_person(sessions, "Sam", Role.SHIFT_LEAD)).section("teammates")
    assert len(lead.entries) == 1


def test_empty_sections_say_so(sessions) -> None:
    found = briefing(sessions)
    assert [s.key for s in found.sections] == list(models.briefing.SECTION_KEYS)
    assert found.entry_count == 0
    assert found.section("follow_ups").empty == "No follow-ups due."
    assert all(s.empty for s in found.sections)


# ----- handover notes ---------------------------------------------------------------------------

def test_handover_notes_of_the_last_day_are_in_newest_first_with_author_and_time(
    sessions, add_customer
) -> None:
    kate, theo = add_customer(name="Kate Smith"), add_customer(name="Theo Park")
    sam, jo = as_person(sessions, "Sam"), as_person(sessions, "Jo")
    with sam.begin() as session:
        models.add_note(session, kate, "Her oat milk order arrives Thursday, tell her",
                        kind="handover", now=NOW - timedelta(hours=3))
        models.add_note(session, theo, "Old news for a shift long gone", kind="handover",
                        now=NOW - timedelta(days=2))
        models.add_note(session, theo, "Just a note, not for the next shift",
                        now=NOW - timedelta(hours=1))
    with jo.begin() as session:
        models.add_note(session, theo, "Owes us for yesterday's flat white", kind="handover",
                        now=NOW - timedelta(hours=1))
    entries = briefing(sessions).section("handover").entries
    assert [(e.title, e.author) for e in entries] == [("Theo", "Jo"), ("Kate", "Sam")]
    kate_entry = entries[1]
    assert kate_entry.customer_id == kate
    assert kate_entry.at == NOW - timedelta(hours=3)
    assert kate_entry.detail == (
        f"“Her oat milk order arrives Thursday, tell her” — Sam · today "
        f"{(NOW - timedelta(hours=3)).astimezone():%H:%M}")


def handover(sessions: models.SessionFactory, customer_id: int,
             notes: dict[str, datetime]) -> None:
    with sessions.begin() as session:
        for text, at in notes.items():
            models.add_note(session, customer_id, text, kind="handover", now=at)


def handover_texts(sessions: models.SessionFactory, now: datetime) -> list[str]:
    """The handover notes in the briefing at ``now``, newest first (just their words)."""
    return [entry.detail.split("”")[0].lstrip("“")
            for entry in briefing(sessions, now).section("handover").entries]


def since(sessions: models.SessionFactory, now: datetime) -> datetime:
    with sessions() as session:
        return handover_since(session, now)


def test_a_shop_with_no_visits_before_today_shows_the_last_24_hours(
    sessions, add_customer
) -> None:
    kate = add_customer(name="Kate Smith")
    visit_on(sessions, kate, [TODAY], hour=8)  # today's visits say nothing about yesterday
    handover(sessions, kate, {"just inside": NOW - HANDOVER_WINDOW + timedelta(minutes=1),
                              "just outside": NOW - HANDOVER_WINDOW - timedelta(minutes=1)})
    assert since(sessions, NOW) == NOW - HANDOVER_WINDOW
    assert handover_texts(sessions, NOW) == ["just inside"]


MONDAY = date(2026, 3, 2)
SATURDAY, FRIDAY = MONDAY - timedelta(days=2), MONDAY - timedelta(days=3)


def test_a_shop_closed_on_sunday_shows_saturdays_notes_to_the_monday_opener(
    sessions, add_customer
) -> None:
    kate = add_customer(name="Kate Smith")
    visit_on(sessions, kate, [FRIDAY - timedelta(days=1), FRIDAY, SATURDAY], hour=15)
    handover(sessions, kate, {
        "Friday: read by Saturday's shifts": local(FRIDAY, 18),
        "Friday, a minute to midnight": local(FRIDAY, 23, 59),
        "Saturday, first thing": local(SATURDAY, 0),
        "Her beans arrive Monday": local(SATURDAY, 16, 30),
    })
    opening = local(MONDAY, 8)  # 39.5 hours after Saturday's note: beyond a day
    assert since(sessions, opening) == local(SATURDAY, 0)
    assert handover_texts(sessions, opening) == ["Her beans arrive Monday",
                                                 "Saturday, first thing"]
    entry = briefing(sessions, opening).section("handover").entries[0]
    assert entry.detail.endswith("2 days ago 16:30") and entry.customer_id == kate
    # All Monday long; once Monday has had its visits, Tuesday's opener reads Monday's notes.
    assert handover_texts(sessions, local(MONDAY, 23, 30))[0] == "Her beans arrive Monday"
    visit_on(sessions, kate, [MONDAY], hour=9)
    handover(sessions, kate, {"Monday's closer": local(MONDAY, 20)})
    tuesday = local(MONDAY + timedelta(days=1), 8)
    assert since(sessions, tuesday) == local(MONDAY, 0)
    assert handover_texts(sessions, tuesday) == ["Monday's closer"]


def test_with_visits_every_day_the_window_is_yesterday_and_today(
    sessions, add_customer
) -> None:
    kate = add_customer(name="Kate Smith")
    visit_on(sessions, kate, [TODAY - timedelta(days=days) for days in range(7)], hour=9)
    yesterday = TODAY - timedelta(days=1)
    handover(sessions, kate, {
        "Monday's closer, read on Tuesday": local(TODAY - timedelta(days=2), 21),
        "Tuesday's opener": local(yesterday, 7),
        "Tuesday's closer": local(yesterday, 21),
        "This morning": NOW - timedelta(hours=1),
    })
    assert since(sessions, NOW) == local(yesterday, 0)
    assert handover_texts(sessions, NOW) == ["This morning", "Tuesday's closer",
                                             "Tuesday's opener"]
    # All day long, from just after midnight: the day that just ended and today so far.
    assert since(sessions, local(TODAY, 0, 5)) == local(yesterday, 0)
    assert since(sessions, local(TODAY, 23, 55)) == local(yesterday, 0)


def test_after_a_holiday_the_last_business_day_counts_but_never_more_than_14_days(
    sessions, add_customer
) -> None:
    kate = add_customer(name="Kate Smith")
    handover(sessions, kate, {
        "before the cap": NOW - HANDOVER_MAX_BACK - timedelta(minutes=1),
        "just inside the cap": NOW - HANDOVER_MAX_BACK + timedelta(minutes=1),
        "before the holiday": local(TODAY - timedelta(days=9), 17),
        "the day before that": local(TODAY - timedelta(days=10), 17),
    })
    # Shut for three weeks: the last business day is too far back; 14 days it is.
    visit_on(sessions, kate, [TODAY - timedelta(days=21)])
    assert since(sessions, NOW) == NOW - HANDOVER_MAX_BACK
    assert handover_texts(sessions, NOW) == ["before the holiday", "the day before that",
                                             "just inside the cap"]
    # Shut for a holiday week (and two weekends): back to the start of the last open day.
    visit_on(sessions, kate, [TODAY - timedelta(days=9)])
    assert since(sessions, NOW) == local(TODAY - timedelta(days=9), 0)
    assert handover_texts(sessions, NOW) == ["before the holiday"]


@pytest.fixture
def pacific(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shop's computer is in California (a POSIX rule: no time zone database needed)."""
    if not hasattr(clock, "tzset"):
        pytest.skip("time.tzset is not available on this platform")
    monkeypatch.setenv("TZ", "PST8PDT,M3.2.0,M11.1.0")
    clock.tzset()
    yield
    monkeypatch.undo()
    clock.tzset()


def test_the_previous_business_day_is_a_local_day(sessions, add_customer, pacific) -> None:
    kate = add_customer(name="Kate Smith")
    # 20:00 on Saturday in California is already Sunday in UTC; it still makes Saturday the
    # business day, so Saturday morning's note reaches Monday's opener.
    visit_on(sessions, kate, [SATURDAY], hour=20)
    handover(sessions, kate, {"Saturday morning": local(SATURDAY, 9),
                              "Friday night": local(FRIDAY, 23, 30)})
    opening = local(MONDAY, 8)
    assert since(sessions, opening) == local(SATURDAY, 0)
    assert handover_texts(sessions, opening) == ["Saturday morning"]


def test_a_note_kind_must_be_note_or_handover(sessions, add_customer) -> None:
    kate = add_customer(name="Kate Smith")
    with sessions.begin() as session, pytest.raises(models.ValidationError) as raised:
        models.add_note(session, kate, "hello", kind="memo")
    assert "kind" in raised.value.errors
    with sessions.begin() as session:
        note = models.add_note(session, kate, "hello")
        handover = models.add_note(session, kate, "for later", kind="handover")
    with sessions() as session:
        kinds = {n.id: n.kind for n in models.load_card(session, kate, now=NOW).recent_notes}
    assert kinds == {note: "note", handover: "handover"}


# ----- birthdays --------------------------------------------------------------------------------

def test_birthdays_today_and_in_the_next_seven_days_but_not_the_eighth(
    sessions, add_customer
) -> None:
    add_customer(name="Today Person", birthday_month=3, birthday_day=4, birthday_year=1990)
    add_customer(name="Week Person", birthday_month=3, birthday_day=11)
    add_customer(name="Late Person", birthday_month=3, birthday_day=12)
    add_customer(name="Past Person", birthday_month=3, birthday_day=3)
    add_customer(name="No Birthday")
    entries = briefing(sessions).section("birthdays").entries
    assert [e.title for e in entries] == ["Today", "Week"]
    assert entries[0].detail == "Birthday today! · turns 36" and entries[0].urgent
    assert entries[1].detail == "Birthday on Wed 11 Mar (in 7 days)" and not entries[1].urgent


def test_birthdays_across_new_year(sessions, add_customer) -> None:
    add_customer(name="January Person", birthday_month=1, birthday_day=2)
    add_customer(name="December Person", birthday_month=12, birthday_day=30)
    found = briefing(sessions, now=local(date(2026, 12, 28)))
    entries = found.section("birthdays").entries
    assert [e.title for e in entries] == ["December", "January"]
    assert entries[1].detail == "Birthday on Sat 02 Jan (in 5 days)"


def test_a_feb_29_birthday_is_on_mar_1_in_other_years(sessions, add_customer) -> None:
    add_customer(name="Leap Person", birthday_month=2, birthday_day=29, birthday_year=2000)
    [entry] = briefing(sessions, now=local(date(2026, 2, 26))).section("birthdays").entries
    assert entry.detail == "Birthday on Sun 01 Mar (in 3 days) — born on 29 Feb · turns 26"
    leap_year = briefing(sessions, now=local(date(2028, 2, 26))).section("birthdays").entries
    assert [e.detail for e in leap_year] == ["Birthday on Tue 29 Feb (in 3 days) · turns 28"]
    assert briefing(sessions, now=local(date(2026, 3, 2))).section("birthdays").entries == ()


def test_birthday_dates_cover_the_window() -> None:
    dates = birthday_dates(date(2027, 2, 27), 2)
    assert dates == {(2, 27): date(2027, 2, 27), (2, 28): date(2027, 2, 28),
                     (3, 1): date(2027, 3, 1), (2, 29): date(2027, 3, 1)}
    assert birthday_dates(date(2026, 3, 4), 0) == {(3, 4): date(2026, 3, 4)}


def test_forgotten_regulars_and_those_who_asked_not_to_be_remembered_are_left_out(
    sessions, add_customer
) -> None:
    gone = add_customer(name="Gone Person", birthday_month=3, birthday_day=4)
    private = add_customer(name="Private Person", birthday_month=3, birthday_day=5)
    with sessions.begin() as session:
        models.add_note(session, gone, "for later", kind="handover", now=NOW)
    with sessions.begin() as session:
        from models.privacy import forget_customer

        forget_customer(session, gone)
    with sessions.begin() as session:
        from models.entities import Customer

        # As models/privacy.py leaves a "do not remember" regular (a birthday would be erased
        # there too; kept here to prove the briefing does not rely on that).
        customer = session.get(Customer, private)
        assert customer is not None
        customer.do_not_remember = True
    found = briefing(sessions)
    assert found.section("birthdays").entries == ()
    assert found.section("handover").entries == ()


def test_days_ahead_is_checked(sessions) -> None:
    with sessions() as session, pytest.raises(models.ValidationError):
        models.load_briefing(session, now=NOW, days_ahead=-1)
    assert briefing(sessions, days_ahead=0).section("birthdays").title == "Birthdays today"


# ----- regulars with an open problem who are likely in today ------------------------------------

def weeks_back(*weeks: int, day: date = TODAY) -> list[date]:
    return [day - timedelta(weeks=week) for week in weeks]


def test_a_regular_with_an_open_problem_who_comes_on_this_weekday_is_likely_in(
    sessions, add_customer
) -> None:
    wendy = add_customer(name="Wendy Wednesday")
    saturday = add_customer(name="Sandy Saturday")
    resolved = add_customer(name="Rita Resolved")
    rare = add_customer(name="Rory Rare")
    untroubled = add_customer(name="Uma Untroubled")
    visit_on(sessions, wendy, weeks_back(1, 2, 4, 7))
    visit_on(sessions, saturday, weeks_back(1, 2, 3, 4, 5, day=TODAY - timedelta(days=4)))
    visit_on(sessions, resolved, weeks_back(1, 2, 3, 4))
    visit_on(sessions, rare, weeks_back(1, 5) + weeks_back(9, 10, 11))  # mostly too long ago
    visit_on(sessions, untroubled, weeks_back(1, 2, 3, 4))
    sam = as_person(sessions, "Sam")
    with sam.begin() as session:
        report = ProblemReport(what_happened="Oat latte came with dairy milk",
                               subject="oat latte", category_id=category_id(sessions),
                               occurred_at=NOW - timedelta(days=6), handled_by="Jo")
        models.log_problem(session, wendy, report, now=NOW - timedelta(days=6))
    for customer in (saturday, rare):
        log_problem(sessions, customer, at=NOW - timedelta(days=3))
    log_problem(sessions, resolved, at=NOW - timedelta(days=3), resolved=True)

    with sessions() as session:
        assert likely_visitors(session, TODAY) == {wendy: 4}
    [entry] = briefing(sessions).section("likely").entries
    assert entry.title == f"Wendy — in on 4 of the last {LIKELY_WEEKS} Wednesdays"
    assert entry.customer_id == wendy
    assert entry.detail == (
        "Open: Wrong or remade order — oat latte (minor, 6 days ago, logged by Sam)")


def test_the_likely_rule_counts_weeks_not_visits_and_needs_the_minimum(
    sessions, add_customer
) -> None:
    twice = add_customer(name="Two Weeks")
    exactly = add_customer(name="Three Weeks")
    # Three visits on one Wednesday are one week; the same hour of the morning every time.
    visit_on(sessions, twice, weeks_back(1, 1, 1, 2))
    visit_on(sessions, exactly, weeks_back(*range(1, LIKELY_MIN_WEEKS + 1)))
    for customer in (twice, exactly):
        log_problem(sessions, customer)
    with sessions() as session:
        assert likely_visitors(session, TODAY) == {exactly: LIKELY_MIN_WEEKS}


def test_visits_just_before_and_after_local_midnight_count_for_their_own_day(
    sessions, add_customer
) -> None:
    owl = add_customer(name="Night Owl")
    # 23:30 on the Tuesdays before: never a Wednesday, however the clock is stored.
    visit_on(sessions, owl, weeks_back(1, 2, 3, day=TODAY - timedelta(days=1)), hour=23)
    log_problem(sessions, owl)
    with sessions() as session:
        assert likely_visitors(session, TODAY) == {}
    early = add_customer(name="Early Bird")
    visit_on(sessions, early, weeks_back(1, 2, 3), hour=0)  # 00:00 on the Wednesdays
    log_problem(sessions, early)
    with sessions() as session:
        assert likely_visitors(session, TODAY) == {early: 3}


def test_a_safety_problem_comes_first_and_more_open_problems_are_counted(
    sessions, add_customer
) -> None:
    minor, safety = add_customer(name="Minor Matter"), add_customer(name="Safety Sam")
    visit_on(sessions, minor, weeks_back(*range(1, 9)))
    visit_on(sessions, safety, weeks_back(1, 2, 3))
    log_problem(sessions, minor, at=NOW - timedelta(days=2))
    log_problem(sessions, minor, at=NOW - timedelta(days=1), subject="scone")
    log_problem(sessions, safety, at=NOW - timedelta(days=9), allergen_or_illness=True)
    entries = briefing(sessions).section("likely").entries
    assert [e.title.split(" — ")[0] for e in entries] == ["Safety", "Minor"]
    assert entries[0].urgent and not entries[1].urgent
    assert "— scone" in entries[1].detail and "2 open problems" in entries[1].detail
    assert "in on 8 of the last 8" in entries[1].title


# ----- attribution on the card and the timeline -------------------------------------------------

def test_notes_and_problems_carry_their_author_to_the_card_and_the_timeline(
    sessions, add_customer
) -> None:
    kate = add_customer(name="Kate Smith")
    with as_person(sessions, "Sam").begin() as session:
        models.add_note(session, kate, "Likes the window seat", now=NOW - timedelta(days=2))
        models.add_note(session, kate, "Bring her the new beans", kind="handover",
                        now=NOW - timedelta(hours=1))
    with as_person(sessions, "Jo").begin() as session:
        report = ProblemReport(what_happened="Waited too long", category_id=category_id(
            sessions, "wait_time"), occurred_at=NOW - timedelta(days=1), handled_by="Priya")
        models.log_problem(session, kate, report, now=NOW - timedelta(days=1))
    with sessions() as session:
        card = models.load_card(session, kate, now=NOW)
        timeline = models.load_timeline(session, kate)
    assert [(n.text, n.author, n.is_handover) for n in card.recent_notes] == [
        ("Bring her the new beans", "Sam", True), ("Likes the window seat", "Sam", False)]
    [problem] = card.last_time
    assert (problem.logged_by, problem.handled_by) == ("Jo", "Priya")
    by_title = {entry.title: entry for entry in timeline}
    assert by_title["For next shift"].byline == "by Sam"
    assert by_title["Note"].byline == "by Sam"
    assert by_title["Problem: Wait time (Minor, open)"].byline == "logged by Jo"
    assert models.greeting.attribution("Sam", NOW - timedelta(days=2), NOW) == "Sam · 2 days ago"
    assert models.greeting.attribution("", NOW, NOW) == "today"


def test_an_edited_note_names_who_changed_it(sessions, add_customer) -> None:
    kate = add_customer(name="Kate Smith")
    with as_person(sessions, "Sam").begin() as session:
        note_id = models.add_note(session, kate, "Likes the window seat", now=NOW)
    with as_person(sessions, "Jo", Role.SHIFT_LEAD).begin() as session:
        from models.entities import Note

        note = session.get(Note, note_id)
        assert note is not None
        note.text = "Likes the window seat by the plant"
    with sessions() as session:
        [entry] = models.load_timeline(session, kate, kinds={"note"})
        [view] = models.load_card(session, kate, now=NOW).recent_notes
    assert entry.byline == "by Sam, edited by Jo"
    assert (view.author, view.edited_by) == ("Sam", "Jo")
