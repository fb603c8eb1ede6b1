"""find_customers: every matching rule, literal input and ranking, on both backends and on a
real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import models

pytestmark = pytest.mark.usefixtures("search_backend")


def names(sessions: models.SessionFactory, text: str, limit: int = 50) -> list[str]:
    with sessions() as session:
        return [m.name or m.description for m in models.find_customers(session, text, limit)]


@pytest.fixture
def shop(add_customer) -> dict[str, int]:
    return {
        "zoe": add_customer(name="Zoë Park", usuals=["oat flat white"]),
        "jose": add_customer(name="José Alvarez", phone="(310) 703-8944"),
        "obrien": add_customer(name="Siobhan O'Brien", email="siobhan@example.ie"),
        "kate": add_customer(name="Katherine Smith", goes_by="Kate"),
        "wang": add_customer(name="王芳", usuals=["jasmine tea 🍵"]),
        "fixie": add_customer(description="tall, red fixie, double espresso"),
        "corgi": add_customer(name="Priya Natarajan", notes=("Has a corgi called Biscuit",)),
        "tags": add_customer(name="Tomás Ferreira", tags=["night-shift"],
                             talking_points=["ask about the Lisbon trip"],
                             preferences=["extra hot"]),
        "mary": add_customer(name="Mary-Jane Watson"),
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("zoe", "Zoë Park"),
        ("ZOË", "Zoë Park"),
        ("jose", "José Alvarez"),
        ("obrien", "Siobhan O'Brien"),
        ("o'brien", "Siobhan O'Brien"),
        ("O’Brien", "Siobhan O'Brien"),
        ("brien", "Siobhan O'Brien"),
        ("herine", "Katherine Smith"),  # any part of the name
        ("kate", "Katherine Smith"),  # the name they go by
        ("maryjane", "Mary-Jane Watson"),
        ("jane", "Mary-Jane Watson"),
        ("王", "王芳"),
        ("芳", "王芳"),
    ],
)
def test_names_match_any_part_ignoring_case_accents_and_apostrophes(
    sessions, shop, typed, expected
) -> None:
    assert expected in names(sessions, typed)


@pytest.mark.parametrize(
    "typed", ["7038944", "703-8944", "(310) 703", "3107038944", "310 703 8944"]
)
def test_phone_matches_by_digits_whatever_the_formatting(sessions, shop, typed) -> None:
    assert names(sessions, typed) == ["José Alvarez"]


def test_email_matches(sessions, shop) -> None:
    assert names(sessions, "siobhan@exa") == ["Siobhan O'Brien"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("corgi", "Priya Natarajan"),  # a note
        ("fixie", "tall, red fixie, double espresso"),  # how to recognize them
        ("oat flat white", "Zoë Park"),  # usual order, several words
        ("flat white oat", "Zoë Park"),  # in any order
        ("lisbon", "Tomás Ferreira"),  # talking point
        ("extra hot", "Tomás Ferreira"),  # preference
        ("night shift", "Tomás Ferreira"),  # tag
        ("jasmine", "王芳"),
    ],
)
def test_words_in_details_match(sessions, shop, typed, expected) -> None:
    assert expected in names(sessions, typed)


def test_single_letter_typo_matches_once_five_letters_are_typed(sessions, shop) -> None:
    assert "Katherine Smith" in names(sessions, "Katharine")
    assert "Katherine Smith" in names(sessions, "Ktherine")  # a letter missing
    assert "Katherine Smith" in names(sessions, "Katherinne")  # a letter too many
    assert "Katherine Smith" in names(sessions, "Kahterine")  # two letters swapped
    assert "Priya Natarajan" in names(sessions, "Natarjan")


def test_typos_across_the_middle_and_among_many_similar_names(sessions, add_customer) -> None:
    for i in range(80):  # a shop full of Kath… names that are more recent regulars
        add_customer(name=f"Kathleen Kath{i:02d}", visits=3)
    add_customer(name="Katherine Smith")
    assert "Katherine Smith" in names(sessions, "Katehrine")  # swapped across the middle
    assert "Katherine Smith" in names(sessions, "Katherien")  # typo in the crowded half's twin
    assert "Katherine Smith" in names(sessions, "Katherime")


def test_hangul_and_kana_keep_their_letters(sessions, add_customer) -> None:
    add_customer(name="김민수")
    add_customer(name="ガンダム")
    add_customer(name="カンダム")
    assert names(sessions, "민") == ["김민수"]
    assert names(sessions, "ガン") == ["ガンダム"]  # the voicing mark is part of the letter


def test_short_queries_are_not_typo_matched(sessions, shop) -> None:
    assert names(sessions, "Zoa") == []  # three letters: a typo could be anyone
    assert "Katherine Smith" not in names(sessions, "Kathy")  # two edits away


def test_emoji_are_stored_and_returned_intact(sessions, shop) -> None:
    with sessions() as session:
        [match] = models.find_customers(session, "王芳")
    assert match.usuals == ("jasmine tea 🍵",)


@pytest.mark.parametrize(
    "typed",
    ['"', "'", '""', "*", "-", "AND", "OR", "NOT", "NEAR(", "NEAR(a b)", "');--",
     "a OR b", "zoe*", "-zoe", '"zoe', "zoe)", "^zoe", "name:zoe", "%", "_", "\\", "\x00",
     "{names}: zoe", "x" * 5000, "  ", "", "🍵", "'; DROP TABLE customer; --"],
)
def test_anything_typed_is_searched_literally_and_never_raises(sessions, shop, typed) -> None:
    found = names(sessions, typed)
    # Punctuation and operators fold away; what is left is matched as plain words.
    expected = {'"zoe': ["Zoë Park"], "zoe)": ["Zoë Park"], "^zoe": ["Zoë Park"],
                "-zoe": ["Zoë Park"], "zoe*": ["Zoë Park"], "name:zoe": []}
    if typed in expected:
        assert found == expected[typed]
    elif not any(ch.isalnum() for ch in typed):
        assert found == []
    with sessions() as session:
        assert models.count_customers(session) == len(shop)  # nothing was dropped


def test_operators_do_not_change_the_meaning(sessions, shop, add_customer) -> None:
    add_customer(name="Andy Orwell")
    # "AND" is the start of Andy, not an operator; "zoe OR jose" finds neither of them.
    assert names(sessions, "AND") == ["Andy Orwell"]
    assert names(sessions, "zoe OR jose") == []
    assert names(sessions, "%") == []
    assert names(sessions, "_") == []
    assert names(sessions, "zoe*") == ["Zoë Park"]  # the star is dropped like punctuation


def test_exact_and_prefix_name_matches_come_before_other_fields(sessions, add_customer) -> None:
    add_customer(description="regular with a grey coat", notes=("Asked for Al's usual",),
                 visits=30)
    add_customer(name="Alexander Grey", visits=10)
    add_customer(name="Al Green", visits=1)
    add_customer(name="Sally Alvarez", visits=20)
    # Exact word first (even with fewer visits), then first names, then other name words,
    # and only then the note.
    assert names(sessions, "al") == [
        "Al Green", "Alexander Grey", "Sally Alvarez", "regular with a grey coat"]
    assert names(sessions, "grey")[0] == "Alexander Grey"


def test_among_equals_the_more_recent_and_frequent_visitor_comes_first(
    sessions, add_customer
) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=200)
    lapsed = add_customer(name="Sam Lapsed")
    frequent = add_customer(name="Sam Frequent")
    once = add_customer(name="Sam Once")
    with sessions.begin() as session:
        for _ in range(20):
            models.check_in(session, lapsed, at=long_ago)
        models.check_in(session, once, at=datetime.now(UTC) - timedelta(hours=1))
        for _ in range(20):
            models.check_in(session, frequent, at=datetime.now(UTC) - timedelta(hours=1))
    assert names(sessions, "sam") == ["Sam Frequent", "Sam Once", "Sam Lapsed"]


def test_one_letter_shows_the_best_regulars_not_the_first_added(sessions, add_customer) -> None:
    for i in range(60):
        add_customer(name=f"Bea {i:02d}")
    add_customer(name="Bea Favourite", visits=5)
    assert names(sessions, "b", limit=5)[0] == "Bea Favourite"
    assert len(names(sessions, "b", limit=5)) == 5


def test_limit_is_respected(sessions, add_customer) -> None:
    for i in range(12):
        add_customer(name=f"Lee {i}")
    assert len(names(sessions, "lee", limit=10)) == 10
    assert names(sessions, "lee", limit=0) == []


def test_search_follows_edits_notes_and_deletions(sessions, add_customer) -> None:
    customer = add_customer(name="Ravi Shah")
    with sessions.begin() as session:
        models.update_customer(session, customer, models.CustomerDraft(name="Ravi Sharma"))
        note_id = models.add_note(session, customer, "collects vinyl")
    assert names(sessions, "sharma") == ["Ravi Sharma"]
    assert names(sessions, "vinyl") == ["Ravi Sharma"]
    assert names(sessions, "shah") == []
    with sessions.begin() as session:
        models.delete_note(session, note_id)
    assert names(sessions, "vinyl") == []


def test_results_are_plain_values_usable_after_the_session(sessions, shop) -> None:
    with sessions() as session:
        [match] = models.find_customers(session, "zoe")
    payload = match.to_json()
    assert payload["name"] == "Zoë Park"
    assert payload["usual"] == "oat flat white"
    assert {"id", "name", "goes_by", "phone", "usual", "visits", "last_visit"} <= set(payload)


def test_recent_customers_lists_the_latest_visitors_first(sessions, add_customer) -> None:
    add_customer(name="First")
    add_customer(name="Second", visits=1)
    with sessions() as session:
        assert [m.name for m in models.recent_customers(session)] == ["Second", "First"]


def test_a_small_limit_keeps_the_exact_match_on_top(sessions, add_customer) -> None:
    for i in range(3):
        add_customer(name=f"Zoe Park {i}", visits=5)  # more recent and frequent
    add_customer(name="Zoë O'Brien", goes_by="Zoë")  # but this one *is* "Zoë"
    assert names(sessions, "zoe", limit=1) == ["Zoë O'Brien"]
    assert names(sessions, "zoe", limit=2)[0] == "Zoë O'Brien"
