"""Every visit knows the same regular's visit before it, however the visits got there.

The visits report counts different regulars per period from these links, so a wrong link is a
wrong number on the owner's screen. Each path that adds, removes or moves visits is checked
against the links worked out from the visits themselves. Each test runs on SQLite and on a
real PostgreSQL server.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

import models
from models.entities import Visit
from models.importing.applying import import_parsed
from models.importing.history import write_history
from models.importing.records import CustomerHistory, ImportRecord, ParsedFile
from models.insights import visit_activity
from models.merging import merge_customers
from models.seeding import seed_customers
from models.visit_links import previous_times, relink

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


Links = dict[int, list[tuple[datetime, datetime | None]]]


def stored_links(sessions: models.SessionFactory) -> Links:
    """customer id -> (visit time, stored previous visit time), oldest first."""
    found: Links = defaultdict(list)
    with sessions() as session:
        for visit in session.scalars(select(Visit).order_by(Visit.customer_id, Visit.visited_at,
                                                            Visit.id)):
            found[visit.customer_id].append((visit.visited_at, visit.previous_visit_at))
    return dict(found)


def assert_links_follow_the_visits(sessions: models.SessionFactory) -> None:
    for customer_id, visits in stored_links(sessions).items():
        times = [when for when, _ in visits]
        assert [previous for _, previous in visits] == previous_times(times), customer_id


def check_in(sessions: models.SessionFactory, customer_id: int, *moments: datetime) -> list[int]:
    with sessions.begin() as session:
        return [models.check_in(session, customer_id, at=moment) for moment in moments]


def new_customer(sessions: models.SessionFactory, name: str) -> int:
    with sessions.begin() as session:
        return models.create_customer(session, models.CustomerDraft(name=name))


def test_previous_times_of_a_regulars_visits() -> None:
    assert previous_times([]) == []
    assert previous_times([1]) == [None]
    assert previous_times([1, 1, 5]) == [None, 1, 1]


def test_check_ins_in_any_order_and_their_undo_keep_the_chain(any_sessions) -> None:
    ana = new_customer(any_sessions, "Ana")
    ben = new_customer(any_sessions, "Ben")
    check_in(any_sessions, ana, at(10, 1), at(10, 20))
    check_in(any_sessions, ben, at(10, 5))
    [between] = check_in(any_sessions, ana, at(10, 10))  # logged late, lands in the middle
    [same_moment] = check_in(any_sessions, ana, at(10, 20))
    assert stored_links(any_sessions)[ana] == [
        (at(10, 1), None), (at(10, 10), at(10, 1)), (at(10, 20), at(10, 10)),
        (at(10, 20), at(10, 20))]
    with any_sessions.begin() as session:
        models.undo_check_in(session, between)
        models.undo_check_in(session, same_moment)
    assert stored_links(any_sessions) == {
        ana: [(at(10, 1), None), (at(10, 20), at(10, 1))], ben: [(at(10, 5), None)]}


def test_a_merge_interleaves_both_chains(any_sessions) -> None:
    keep = new_customer(any_sessions, "Maggie Chen")
    other = new_customer(any_sessions, "Mags")
    check_in(any_sessions, keep, at(9, 1), at(9, 20))
    check_in(any_sessions, other, at(9, 10), at(9, 30))
    with any_sessions.begin() as session:
        merge_customers(session, keep, other)
    assert stored_links(any_sessions) == {keep: [
        (at(9, 1), None), (at(9, 10), at(9, 1)), (at(9, 20), at(9, 10)),
        (at(9, 30), at(9, 20))]}


def test_imports_link_new_regulars_and_history_added_to_existing_ones(any_sessions) -> None:
    zoe = new_customer(any_sessions, "Zoë Park")
    check_in(any_sessions, zoe, at(6, 1), at(8, 1))
    with any_sessions.begin() as session:
        import_parsed(session, ParsedFile("square", "Square", records=[
            ImportRecord(line=2, name="Pepe Diaz", phone="555 123 4567",
                         first_visit=at(1, 5), last_visit=at(3, 9), visit_count=12),
            ImportRecord(line=3, name="Zoë Park", first_visit=at(7, 1), last_visit=at(9, 1),
                         visit_count=4),
        ]), now=NOW)
    with any_sessions.begin() as session:
        write_history(session, zoe, CustomerHistory(visits=[
            {"at": at(5, 1), "items": "tea"}, {"at": at(8, 1, 8), "items": ""}]))
    links = stored_links(any_sessions)
    assert [when for when, _ in links[zoe]] == [
        at(5, 1), at(6, 1), at(7, 1), at(8, 1, 8), at(8, 1), at(9, 1)]
    assert len(links) == 2
    assert_links_follow_the_visits(any_sessions)


def test_seeded_regulars_are_linked(any_sessions) -> None:
    seed_customers(any_sessions, 40, visits_per_customer=6, now=NOW)
    assert sum(len(v) for v in stored_links(any_sessions).values()) > 100
    assert_links_follow_the_visits(any_sessions)


def test_relinking_everyone_repairs_broken_links(any_sessions) -> None:
    ana = new_customer(any_sessions, "Ana")
    check_in(any_sessions, ana, at(3, 1), at(3, 2), at(3, 3))
    with any_sessions.begin() as session:
        session.execute(Visit.__table__.update().values(previous_visit_at=None))
        relink(session.connection())
    assert_links_follow_the_visits(any_sessions)


def test_the_visits_report_counts_late_logged_and_merged_visits_once_per_month(
        any_sessions) -> None:
    """What the owner sees: different regulars per month stay right when visits are logged
    out of order or two profiles are merged."""
    ana = new_customer(any_sessions, "Ana")
    twin = new_customer(any_sessions, "Ana (second profile)")
    check_in(any_sessions, ana, at(10, 2), at(11, 3))
    check_in(any_sessions, twin, at(10, 25), at(11, 1))
    check_in(any_sessions, ana, at(10, 12))  # logged late
    with any_sessions.begin() as session:
        merge_customers(session, ana, twin)
    with any_sessions() as session:
        report = visit_activity(session, date(2026, 11, 20), days=60, bucket="month",
                                utc_offset=timedelta(0))
    assert [(b.start, b.visits, b.customers, b.new_customers) for b in report.buckets] == [
        (date(2026, 9, 1), 0, 0, 0), (date(2026, 10, 1), 3, 1, 1), (date(2026, 11, 1), 2, 1, 0)]
