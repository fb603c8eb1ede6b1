"""Adding, editing, visits and notes: what the counter relies on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import models


def test_a_name_or_a_description_is_enough(sessions) -> None:
    with sessions.begin() as session:
        by_name = models.create_customer(session, models.CustomerDraft(name="Ana"))
        by_look = models.create_customer(
            session, models.CustomerDraft(description="tall, red fixie, double espresso"))
    with sessions() as session:
        assert models.load_card(session, by_name).greet_as == "Ana"
        card = models.load_card(session, by_look)
    assert card.greet_as == ""
    assert card.description == "tall, red fixie, double espresso"


@pytest.mark.parametrize(
    ("draft", "field", "words"),
    [
        (models.CustomerDraft(), "name", "name"),
        (models.CustomerDraft(name="   ", description="  "), "name", "recognize"),
        (models.CustomerDraft(name="Al", phone="12"), "phone", "digits"),
        (models.CustomerDraft(name="Al", phone="call me"), "phone", "only digits"),
        (models.CustomerDraft(name="Al", email="al@"), "email", "email address"),
        (models.CustomerDraft(name="Al", birthday_month=2, birthday_day=30), "birthday",
         "no day 30"),
        (models.CustomerDraft(name="Al", birthday_month=13, birthday_day=1), "birthday", "month"),
        (models.CustomerDraft(name="Al", birthday_day=4), "birthday", "month and a day"),
        (models.CustomerDraft(name="x" * 201), "name", "too long"),
        (models.CustomerDraft(name="Al\x00"), "name", "control character"),
        (models.CustomerDraft(name="Al", usuals=["ok", "y" * 501]), "usuals", "too long"),
    ],
)
def test_bad_input_is_refused_with_a_message_for_the_field(sessions, draft, field, words) -> None:
    with sessions.begin() as session, pytest.raises(models.ValidationError) as caught:
        models.create_customer(session, draft)
    assert field in caught.value.errors
    assert words in caught.value.errors[field]
    with sessions() as session:
        assert models.count_customers(session) == 0


def test_feb_29_without_a_year_is_a_valid_birthday(sessions) -> None:
    with sessions.begin() as session:
        models.create_customer(
            session, models.CustomerDraft(name="Leap", birthday_month=2, birthday_day=29))


def test_everything_typed_is_stored_and_read_back_exactly(sessions) -> None:
    draft = models.CustomerDraft(
        name="Zoë O'Brien-王", goes_by="Zo 🌸", phone="'+1 (562) 397-2052", email="zoe@example.com",
        description="green scarf", usuals=["oat flat white", "  ", "croissant"],
        preferences=["extra hot"], allergies=["tree nuts"], talking_points=["Lisbon trip"],
        tags=["Regular", "regular", "student"], birthday_month=3, birthday_day=14,
        birthday_year=1990, consent_given=True,
    )
    with sessions.begin() as session:
        customer_id = models.create_customer(session, draft)
    with sessions() as session:
        stored = models.load_draft(session, customer_id)
        card = models.load_card(session, customer_id)
    assert stored.name == "Zoë O'Brien-王"
    assert stored.goes_by == "Zo 🌸"
    assert stored.phone == "+1 (562) 397-2052"  # the spreadsheet apostrophe is dropped
    assert stored.usuals == ["oat flat white", "croissant"]
    assert stored.tags == ["regular", "student"]
    assert (stored.birthday_month, stored.birthday_day, stored.birthday_year) == (3, 14, 1990)
    assert card.consent_given and card.consent_at is not None
    assert card.greet_as == "Zo 🌸"


def test_editing_keeps_the_visits_and_records_consent_changes(sessions, add_customer) -> None:
    customer_id = add_customer(name="Ben", visits=2)
    with sessions.begin() as session:
        draft = models.load_draft(session, customer_id)
        draft.goes_by = "Benny"
        draft.consent_given = True
        models.update_customer(session, customer_id, draft)
    with sessions() as session:
        card = models.load_card(session, customer_id)
    assert card.greet_as == "Benny"
    assert card.visits == 2
    assert card.consent_at is not None


def test_check_in_counts_and_undo_takes_it_back(sessions, add_customer) -> None:
    customer_id = add_customer(name="Cleo")
    earlier = datetime.now(UTC) - timedelta(days=3)
    with sessions.begin() as session:
        models.check_in(session, customer_id, at=earlier)
        latest = models.check_in(session, customer_id, items="cortado")
    with sessions() as session:
        card = models.load_card(session, customer_id)
    assert card.visits == 2
    assert card.last_visit is not None and card.last_visit > earlier
    with sessions.begin() as session:
        models.undo_check_in(session, latest)
    with sessions() as session:
        card = models.load_card(session, customer_id)
    assert card.visits == 1
    assert card.last_visit == earlier.replace(microsecond=card.last_visit.microsecond)
    with sessions.begin() as session, pytest.raises(models.NotFoundError):
        models.undo_check_in(session, latest)


def test_check_in_of_a_missing_customer_changes_nothing(sessions) -> None:
    with sessions.begin() as session, pytest.raises(models.NotFoundError):
        models.check_in(session, 12345)


def test_notes_pinned_first_and_recent_ones_on_the_card(sessions, add_customer) -> None:
    customer_id = add_customer(name="Dee")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with sessions.begin() as session:
        models.add_note(session, customer_id, "pays with exact change", pinned=True, now=start)
        for day in range(5):
            models.add_note(session, customer_id, f"note {day}", now=start + timedelta(days=day))
        with pytest.raises(models.ValidationError):
            models.add_note(session, customer_id, "   ")
    with sessions() as session:
        card = models.load_card(session, customer_id)
    assert [n.text for n in card.pinned_notes] == ["pays with exact change"]
    assert [n.text for n in card.recent_notes] == ["note 4", "note 3", "note 2"]


def test_timestamps_are_timezone_aware_utc(sessions, add_customer) -> None:
    customer_id = add_customer(name="Eve", visits=1)
    with sessions() as session:
        card = models.load_card(session, customer_id)
    assert card.first_seen.tzinfo is not None
    assert card.last_visit is not None and card.last_visit.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("days_ago", "expected"),
    [(0, "today"), (1, "yesterday"), (3, "3 days ago"), (20, "2 weeks ago"),
     (100, "3 months ago"), (400, "a year ago"), (800, "2 years ago")],
)
def test_last_visit_reads_like_a_person_would_say_it(days_ago, expected) -> None:
    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    assert models.relative_day(now - timedelta(days=days_ago), now) == expected


def test_birthday_countdown_wraps_the_year() -> None:
    from datetime import date

    from models.greeting import GreetingCard

    card = GreetingCard(
        id=1, greet_as="A", name="A", goes_by="", description="", phone="", email="",
        usuals=(), preferences=(), allergies=(), talking_points=(), tags=(), visits=0,
        last_visit=None, first_seen=datetime.now(UTC), birthday=(1, 2, None),
        consent_given=False, consent_at=None, pinned_notes=(), recent_notes=(),
    )
    assert card.days_to_birthday(date(2026, 12, 31)) == 2
    assert card.days_to_birthday(date(2026, 1, 2)) == 0


def test_two_counters_checking_in_at_once_lose_no_visit(sessions, add_customer) -> None:
    import threading

    customer_id = add_customer(name="Busy Regular")
    errors: list[BaseException] = []

    def counter() -> None:
        try:
            for _ in range(15):
                with sessions.begin() as session:
                    models.check_in(session, customer_id)
                    models.add_note(session, customer_id, "came in again")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=counter) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with sessions() as session:
        card = models.load_card(session, customer_id)
        found = models.find_customers(session, "busy")
    assert card.visits == 30
    assert [m.visits for m in found] == [30]
