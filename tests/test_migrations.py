"""Schema upgrades never lose data: a database created at every earlier revision and filled
with representative rows is upgraded to the newest, and every row and field is still there;
then it is downgraded back (every migration has a downgrade) and upgraded again, and the
rows of that revision survive both ways. On SQLite and on PostgreSQL.

The revisions come from Alembic's script directory, so a new migration is covered as soon as
it exists. The rows are written with SQL against the schema *as it is at that revision*
(reflected, not the ORM models of today): every column of every table gets a value, from
ROWS below or, for a column or table that a newer migration added, a plain value of its type.
If a new table has constraints that plain values break, add representative rows to ROWS.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    bindparam,
    inspect,
    select,
    text,
)

import models
from models.database import MIGRATIONS_DIR, create_database_engine, current_revision, upgrade_schema
from models.search.documents import document_values


def _script() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config)


def _revisions() -> list[str]:
    """Oldest first."""
    return [script.revision for script in reversed(list(_script().walk_revisions()))]


HEAD = _script().get_current_head()
EARLIER = [revision for revision in _revisions() if revision != HEAD]
# Fields a migration removes on purpose: {revision that removes it: {"table.column", ...}}.
REMOVED_ON_PURPOSE: dict[str, set[str]] = {}

AT = datetime(2026, 3, 14, 9, 26, 53, 589793)  # naive UTC, as the app stores times
ZOE_NOTES = ["likes jazz on Fridays", "pinned: oat milk, never dairy"]
ROWS: dict[str, list[dict[str, Any]]] = {
    "customer": [
        {"id": 1, "name": "Zoë Park", "goes_by": "Zoë", "phone": "(310) 703-8944",
         "email": "zoe@example.com", "description": "curly hair, green bike helmet",
         "usuals": ["oat flat white"], "preferences": ["window seat"],
         "allergies": ["tree nuts"], "talking_points": ["ask about the Lisbon trip"],
         "birthday_month": 2, "birthday_day": 29, "birthday_year": 1992,
         "consent_given": True, "consent_at": AT, "visit_count": 5, "last_visit_at": AT,
         "created_at": datetime(2025, 1, 2, 8, 0), "updated_at": AT,
         "consent_by": "Sam", "do_not_remember": False, "do_not_remember_at": None,
         "forgotten_at": None, "earlier_visits": 3},
        {"id": 2, "name": "", "goes_by": "", "phone": "", "email": "",
         "description": "tall, red fixie, double espresso", "usuals": [], "preferences": [],
         "allergies": [], "talking_points": [], "birthday_month": None, "birthday_day": None,
         "birthday_year": None, "consent_given": False, "consent_at": None, "visit_count": 0,
         "last_visit_at": None, "created_at": AT, "updated_at": AT, "consent_by": "",
         "do_not_remember": True, "do_not_remember_at": AT, "forgotten_at": None,
         "earlier_visits": 0},
    ],
    "customer_tag": [{"customer_id": 1, "name": "regular"}, {"customer_id": 1, "name": "vip"}],
    "visit": [
        {"id": 1, "customer_id": 1, "visited_at": datetime(2026, 3, 1, 8, 5), "items": "latte"},
        {"id": 2, "customer_id": 1, "visited_at": AT, "items": ""},
    ],
    "note": [
        {"id": 1, "customer_id": 1, "text": ZOE_NOTES[0], "pinned": False, "created_at": AT,
         "updated_at": AT, "source": ""},
        {"id": 2, "customer_id": 1, "text": ZOE_NOTES[1], "pinned": True, "created_at": AT,
         "updated_at": AT, "source": "Square import"},
    ],
    "search_document": [
        document_values(customer_id=1, name="Zoë Park", goes_by="Zoë", phone="(310) 703-8944",
                        email="zoe@example.com", description="curly hair, green bike helmet",
                        usuals=["oat flat white"], preferences=["window seat"],
                        allergies=["tree nuts"], talking_points=["ask about the Lisbon trip"],
                        tags=["regular", "vip"], notes=ZOE_NOTES,
                        last_seen=AT.replace(tzinfo=UTC), visit_count=5),
        document_values(customer_id=2, name="", goes_by="", phone="", email="",
                        description="tall, red fixie, double espresso", usuals=[],
                        preferences=[], allergies=[], talking_points=[], tags=[], notes=[],
                        last_seen=AT.replace(tzinfo=UTC), visit_count=0),
    ],
    "app_setting": [{"key": "last_time_days", "value": 45}],
    # Migration 0002 adds the nine starting categories (ids 1-9); this one an owner added.
    "problem_category": [{"id": 10, "key": None, "name": "Milk steaming", "retired": True,
                          "position": 9, "created_at": AT}],
    "problem": [
        {"id": 1, "customer_id": 1, "occurred_at": datetime(2026, 3, 1, 8, 10),
         "subject": "oat flat white", "what_happened": "made with dairy milk",
         "customer_words": "I can't have dairy", "fair_fix": "a remake", "category_id": 5,
         "severity": "safety", "allergen_or_illness": True, "handled_by": "Sam",
         "outcome": "okay", "status": "resolved", "resolved_by": "Ana", "resolved_at": AT,
         "created_at": AT, "updated_at": AT},
    ],
    "recovery_action": [
        {"id": 1, "problem_id": 1, "kind": "remade", "details": "with oat milk",
         "cost_cents": None, "taken_at": AT},
        {"id": 2, "problem_id": 1, "kind": "value_add", "details": "a free croissant",
         "cost_cents": 450, "taken_at": AT},
    ],
    "follow_up": [
        {"id": 1, "customer_id": 1, "problem_id": 1, "task": "ask how today's is",
         "due_on": date(2026, 3, 20), "created_by": "Sam", "created_at": AT, "done_at": AT,
         "done_by": "Ana", "result": "all good"},
        {"id": 2, "customer_id": 1, "problem_id": None, "task": "birthday card",
         "due_on": date(2027, 2, 28), "created_by": "", "created_at": AT, "done_at": None,
         "done_by": "", "result": ""},
    ],
    "teammate_check_in": [
        {"id": 1, "problem_id": 1, "teammate": "Sam", "reason": "shouted at",
         "flagged_by": "Ana", "created_at": AT, "done_at": None, "done_by": "",
         "done_note": ""},
    ],
    "problem_draft": [{"customer_id": 2, "payload": {"what_happened": "half written"},
                       "saved_at": AT}],
    "audit_event": [{"id": 1, "at": AT, "actor": "Ana", "action": "import",
                     "record_type": "customer", "record_id": 1,
                     "summary": "imported 1 regular from square.csv"}],
    "process_fix": [{"id": 1, "category_id": 5, "what_changed": "retrained on milk steaming",
                     "fixed_on": date(2026, 3, 5), "recorded_by": "Ana", "created_at": AT}],
    "staff_member": [{"id": 1, "name": "Ana", "role": "owner", "active": True,
                      "pin_hash": "", "failed_pins": 0, "locked_until": None,
                      "last_signed_in_at": AT, "created_at": AT}],
}


# ----- migrating ------------------------------------------------------------------------------

def migrate(engine: Engine, target: str, *, down: bool = False) -> None:
    """As models.database.upgrade_schema does it (foreign keys off on SQLite, so that a batch
    table rebuild cannot cascade), to any revision, either way."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        with connection.begin():
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, target)
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            connection.commit()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine on a database with no schema at all (migrated down to base)."""
    url = request.getfixturevalue("database_url")
    engine = create_database_engine(url)
    migrate(engine, "base", down=True)
    assert current_revision(engine) is None
    yield engine
    engine.dispose()


# ----- the data, as the schema is at a revision ------------------------------------------------

def _data_tables(connection: Connection) -> list[str]:
    """Tables that hold data: not Alembic's, not SQLite's full-text indexes (which mirror
    search_document) nor their shadow tables."""
    names = set(inspect(connection).get_table_names()) - {"alembic_version"}
    if connection.dialect.name == "sqlite":
        virtual = [row[0] for row in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'")]
        names = {n for n in names if not any(n == v or n.startswith(f"{v}_") for v in virtual)}
    return sorted(names)


def _reflect(connection: Connection) -> MetaData:
    metadata = MetaData()
    metadata.reflect(bind=connection, only=_data_tables(connection))
    return metadata


def _plain_value(table: Table, column_name: str, filled: dict[str, list[dict[str, Any]]]
                 ) -> Any:
    """A value for a column ROWS does not know (added by a newer migration)."""
    column = table.columns[column_name]
    for foreign_key in column.foreign_keys:
        target = foreign_key.column
        return filled[target.table.name][0][target.name]
    kind = column.type
    if isinstance(kind, Boolean):
        return True
    if isinstance(kind, DateTime):
        return AT
    if isinstance(kind, Date):
        return date(2026, 3, 14)
    if isinstance(kind, Integer):
        return 7
    if isinstance(kind, Float | Numeric):
        return 1.5
    if isinstance(kind, JSON):
        return {"kept": [1, "two"]}
    if isinstance(kind, String):
        return f"{table.name}.{column_name}"[: kind.length or 200]
    return f"{table.name}.{column_name}"


def fill(connection: Connection) -> None:
    """Representative rows in every table, every column given a value."""
    metadata = _reflect(connection)
    filled: dict[str, list[dict[str, Any]]] = {}
    for table in metadata.sorted_tables:
        rows = ROWS.get(table.name) or [{}]
        ready = []
        for number, row in enumerate(rows, start=1):
            values = {k: v for k, v in row.items() if k in table.columns}
            for column in table.columns:
                if column.name in values:
                    continue
                if column.primary_key and isinstance(column.type, Integer) and len(
                        table.primary_key.columns) == 1:
                    values[column.name] = number
                else:
                    values[column.name] = _plain_value(table, column.name, filled)
            ready.append(values)
        connection.execute(table.insert(), ready)
        filled[table.name] = ready
    if connection.dialect.name == "postgresql":  # explicit ids leave the sequences behind
        for table in metadata.sorted_tables:
            if "id" in table.columns and isinstance(table.columns["id"].type, Integer):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table.name}))")


Snapshot = dict[str, dict[tuple[Any, ...], dict[str, Any]]]


def snapshot(connection: Connection) -> Snapshot:
    """Every row of every data table, by primary key."""
    metadata = _reflect(connection)
    result: Snapshot = {}
    for table in metadata.sorted_tables:
        key = [c.name for c in table.primary_key.columns] or [c.name for c in table.columns]
        result[table.name] = {
            tuple(row[k] for k in key): dict(row)
            for row in connection.execute(select(table)).mappings()
        }
    return result


def assert_kept(before: Snapshot, after: Snapshot, *, removed: set[str] = frozenset()) -> None:
    """Every row and field of ``before`` is in ``after``, unchanged."""
    for table, rows in before.items():
        assert table in after, f"table {table} was lost"
        for key, row in rows.items():
            assert key in after[table], f"{table} row {key} was lost"
            now = after[table][key]
            for column, value in row.items():
                if f"{table}.{column}" in removed:
                    continue
                assert column in now, f"{table}.{column} was lost"
                assert now[column] == value, f"{table} row {key}: {column} changed"


def removed_between(start: str) -> set[str]:
    revisions = _revisions()
    later = revisions[revisions.index(start) + 1:]
    return set().union(*(REMOVED_ON_PURPOSE.get(r, set()) for r in later))


def check_app_reads(url: str) -> None:
    """The app opens the upgraded file and finds the regulars as before."""
    sessions = models.open_database(url)
    try:
        with sessions() as session:
            card = models.load_card(session, 1)
            assert (card.name, card.greet_as, card.allergies) == ("Zoë Park", "Zoë",
                                                                   ("tree nuts",))
            assert card.tags == ("regular", "vip")
            assert {n.text for n in card.pinned_notes} == {ZOE_NOTES[1]}
            for query in ("zoe", "jazz", "703-8944", "lisbon"):
                assert [m.id for m in models.find_customers(session, query)] == [1], query
            assert [m.id for m in models.find_customers(session, "fixie")] == [2]
            connection = session.connection()
            if connection.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        sessions.kw["bind"].dispose()


# ----- the tests ------------------------------------------------------------------------------

def test_every_revision_is_covered() -> None:
    assert _revisions()[:-1] == EARLIER
    assert {"0001", "0002", "0003"} <= set(EARLIER)
    assert HEAD == models.database.SCHEMA_REVISION


@pytest.mark.parametrize("revision", EARLIER)
def test_a_filled_database_at_an_earlier_revision_upgrades_without_losing_anything(
    empty_engine: Engine, revision: str
) -> None:
    engine = empty_engine
    migrate(engine, revision)
    assert current_revision(engine) == revision
    with engine.begin() as connection:
        fill(connection)
    with engine.connect() as connection:
        at_revision = snapshot(connection)
    assert all(at_revision.values()), "every table has rows"

    upgrade_schema(engine)  # what the app runs at start-up
    assert current_revision(engine) == HEAD
    with engine.connect() as connection:
        at_head = snapshot(connection)
    assert_kept(at_revision, at_head, removed=removed_between(revision))
    check_app_reads(engine.url.render_as_string(hide_password=False))

    # Back down, then up again: what the revision had survives the round trip (what only
    # newer revisions have room for goes on the way down).
    try:
        migrate(engine, revision, down=True)
    except NotImplementedError as exc:  # a migration that cannot be undone says so
        pytest.skip(f"no downgrade from {HEAD} to {revision}: {exc}")
    assert current_revision(engine) == revision
    with engine.connect() as connection:
        assert_kept(at_revision, snapshot(connection))
    upgrade_schema(engine)
    with engine.connect() as connection:
        assert_kept(at_revision, snapshot(connection), removed=removed_between(revision))
    check_app_reads(engine.url.render_as_string(hide_password=False))


def test_a_database_filled_through_the_app_survives_going_down_and_up_again(
    sessions: models.SessionFactory, database_url: str
) -> None:
    """The other way round: data written by today's services, the schema taken down to
    every earlier revision in turn and brought back up; nothing the older schemas have
    room for is lost (what they have no room for, such as problems below 0002, goes)."""
    with sessions.begin() as session:
        zoe = models.create_customer(session, models.CustomerDraft(
            name="Zoë Park", tags=["regular"], consent_given=True))
        models.check_in(session, zoe)
        models.add_note(session, zoe, "oat milk")
        wrong = next(c.id for c in models.list_categories(session) if c.key == "wrong_order")
        models.log_problem(session, zoe, models.ProblemReport(
            what_happened="dairy milk", category_id=wrong,
            occurred_at=datetime(2026, 11, 1, tzinfo=UTC)))
    engine = sessions.kw["bind"]
    with engine.connect() as connection:
        original = snapshot(connection)
    for revision in reversed(EARLIER):
        migrate(engine, revision, down=True)
        with engine.connect() as connection:
            lower = snapshot(connection)
        assert {t: len(r) for t, r in lower.items() if t in original} == {
            t: len(original[t]) for t in lower if t in original}
        upgrade_schema(engine)
        with engine.connect() as connection:
            assert_kept(lower, snapshot(connection))
    with sessions() as session:
        card = models.load_card(session, zoe)
        assert (card.name, card.visits, card.tags) == ("Zoë Park", 1, ("regular",))
        assert [m.id for m in models.find_customers(session, "oat")] == [zoe]
        # Problems came with 0002: taken down to 0001, they were gone.
        assert session.execute(text("SELECT count(*) FROM problem")).scalar() == 0


def test_upgrading_links_each_visit_to_the_regulars_visit_before_it(empty_engine: Engine) -> None:
    """0007 works out every stored visit's previous visit, which the visits report counts
    different regulars by; visits stored out of order and at the same moment included."""
    migrate(empty_engine, "0006")
    visits = [(1, 1, datetime(2026, 3, 9, 8)), (2, 2, datetime(2026, 3, 2, 9)),
              (3, 1, datetime(2026, 3, 1, 7)), (4, 1, datetime(2026, 3, 9, 8)),
              (5, 1, datetime(2026, 3, 5, 12))]
    with empty_engine.begin() as connection:
        for customer_id in (1, 2):
            connection.exec_driver_sql(
                "INSERT INTO customer (id, name, goes_by, phone, email, description, usuals, "
                "preferences, allergies, talking_points, consent_given, visit_count, "
                "created_at, updated_at) VALUES "
                f"({customer_id}, 'R{customer_id}', '', '', '', '', '[]', '[]', '[]', '[]', "
                "false, 0, '2026-03-01 00:00:00', '2026-03-01 00:00:00')")
        for visit_id, customer_id, moment in visits:
            connection.execute(
                text("INSERT INTO visit (id, customer_id, visited_at, items) "
                     "VALUES (:id, :customer, :at, '')").bindparams(
                    bindparam("at", type_=DateTime)),
                {"id": visit_id, "customer": customer_id, "at": moment})
    upgrade_schema(empty_engine)
    with empty_engine.connect() as connection:
        links = dict(connection.execute(text("SELECT id, previous_visit_at FROM visit").columns(
            id=Integer, previous_visit_at=DateTime)).all())
    assert links == {3: None, 5: datetime(2026, 3, 1, 7), 1: datetime(2026, 3, 5, 12),
                     4: datetime(2026, 3, 9, 8), 2: None}
