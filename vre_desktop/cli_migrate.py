"""vre-desktop migrate-to URL: move the shop's SQLite database onto a PostgreSQL server.

1. The source is brought to the newest schema (as the app would at start-up) and read in one
   snapshot, so a counter still writing cannot tear the copy.
2. The target gets its schema from the same migrations as any new database, and must be empty:
   no tables at all, or only the rows a freshly created schema starts with (the starting
   problem categories), e.g. after an earlier attempt that failed.
3. One transaction on the target: those starting rows go, then every table is copied with
   COPY, parents before children; secondary indexes are dropped before and rebuilt after (much
   faster than updating them row by row); the id sequences continue after the highest id; the
   row counts are compared with the source snapshot. Any difference or error rolls everything
   back, so the target is either a complete copy or as empty as before.

Search documents are copied as they are: they hold folded text, the same on every engine, and
PostgreSQL's trigram indexes are rebuilt over them. SQLite's own full-text tables are not copied.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from vre_desktop.cli import CommandLineError

BATCH_ROWS = 5000
# Tables that exist on one engine only and are derived from the others.
SQLITE_ONLY_TABLES = ("search_names", "search_words", "search_name_parts", "search_contacts")
NOT_COPIED = ("alembic_version",)  # written by the migrations themselves


def migrate_to(source_url: str, target_url: str) -> int:
    source_path = _source_file(source_url)
    target = _postgres_url(target_url)
    if make_url(source_url) == target:
        raise CommandLineError("the target is the database being copied")

    import models
    from models.database import create_database_engine

    started = time.perf_counter()
    models.open_database(source_url).kw["bind"].dispose()  # upgraded to the newest schema
    shown = target.render_as_string(hide_password=True)
    engine = create_database_engine(target_url)
    try:
        _refuse_foreign_tables(engine, shown)
        models.open_database(target_url).kw["bind"].dispose()  # the schema, by migrations
        _refuse_data(engine)
        with closing(sqlite3.connect(source_path, isolation_level=None)) as source:
            counts = _copy(source, engine)
        with engine.connect() as connection:  # fresh statistics: search plans depend on them
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "ANALYZE")
    finally:
        engine.dispose()
    _report(shown, counts, time.perf_counter() - started)
    return 0


def _source_file(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise CommandLineError(
            f"migrate-to copies a SQLite database; the current one is {parsed.get_backend_name()}")
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        raise CommandLineError("migrate-to needs a database file, not an in-memory database")
    return database


def _postgres_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CommandLineError(f"{url!r} is not a database URL such as "
                               "postgresql+psycopg://user@host/dbname") from None
    if parsed.get_backend_name() != "postgresql":
        raise CommandLineError("migrate-to copies into PostgreSQL; give a URL such as "
                               "postgresql+psycopg://user@host/dbname")
    return parsed


def _refuse_foreign_tables(engine: Engine, shown: str) -> None:
    from models.database import DatabaseError

    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
    except SQLAlchemyError as exc:
        message = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseError(f"Cannot open the database at {shown}: {message}") from exc
    if tables and "alembic_version" not in tables:
        raise CommandLineError(
            f"the target database is not empty: it holds tables of something else "
            f"({', '.join(sorted(tables)[:3])}); create a new database for the shop")


def _refuse_data(engine: Engine) -> None:
    """Refuse a target holding anything but what a freshly created schema starts with."""
    with engine.connect() as connection:
        tables = _tables(connection)
        found = {table: _count(connection, table) for table in tables}
    fresh = _fresh_schema_counts(tables)
    extra = {t: n for t, n in found.items() if n != fresh.get(t, 0)}
    if extra:
        shown = ", ".join(f"{table}: {rows:,} rows" for table, rows in list(extra.items())[:3])
        raise CommandLineError(
            f"the target database is not empty ({shown}); migrate-to copies only into an "
            "empty database")


def _fresh_schema_counts(tables: list[str]) -> dict[str, int]:
    """Rows each table holds right after the migrations created it (in a scratch database)."""
    import models

    scratch = models.open_database("sqlite://")
    engine = scratch.kw["bind"]
    try:
        with engine.connect() as connection:
            present = set(inspect(connection).get_table_names())
            return {t: _count(connection, t) for t in tables if t in present}
    finally:
        engine.dispose()


def _tables(connection: Connection) -> list[str]:
    """The target's tables to fill, parents before children."""
    ordered = inspect(connection).get_sorted_table_and_fkc_names()
    return [name for name, _ in ordered if name is not None and name not in NOT_COPIED]


def _count(connection: Connection, table: str) -> int:
    return int(connection.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar() or 0)


def _copy(source: sqlite3.Connection, engine: Engine) -> list[tuple[str, int, int]]:
    """Copy every table in one target transaction; (table, source rows, target rows)."""
    source.execute("BEGIN")  # one snapshot for the counts and every row read
    try:
        with engine.begin() as connection:
            tables = _tables(connection)
            _check_source_tables(source, tables)
            expected = {t: _source_count(source, t) for t in tables}
            for table in reversed(tables):  # the starting rows of a fresh schema
                connection.exec_driver_sql(f'DELETE FROM "{table}"')
            # Index builds sort in memory; the default 64 MB spills the trigram indexes to disk.
            connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            with _foreign_keys_checked_at_the_end(connection.connection.driver_connection):
                for table in tables:
                    if expected[table]:
                        _copy_table(source, connection, table, expected[table])
            _continue_sequences(connection, tables)
            counts = [(t, expected[t], _count(connection, t)) for t in tables]
            wrong = [(t, a, b) for t, a, b in counts if a != b]
            if wrong:  # raising rolls the whole copy back
                table, had, got = wrong[0]
                raise CommandLineError(
                    f"{table}: the copy has {got:,} rows but the source {had:,}; nothing was "
                    "copied")
    finally:
        source.execute("ROLLBACK")
    return counts


def _check_source_tables(source: sqlite3.Connection, tables: list[str]) -> None:
    present = {row[0] for row in source.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    derived = {t for t in present
               if any(t == name or t.startswith(f"{name}_") for name in SQLITE_ONLY_TABLES)}
    left_out = present - derived - set(tables) - set(NOT_COPIED)
    if left_out:
        raise CommandLineError(
            f"the target has no table for {', '.join(sorted(left_out))}; nothing was copied")
    missing = set(tables) - present
    if missing:
        raise CommandLineError(
            f"the source has no table {', '.join(sorted(missing))}; nothing was copied")


def _source_count(source: sqlite3.Connection, table: str) -> int:
    return int(source.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def _copy_table(source: sqlite3.Connection, connection: Connection, table: str,
                total: int) -> None:
    """COPY one table's rows as SQLite stores them: PostgreSQL reads that text (timestamps
    'YYYY-MM-DD HH:MM:SS.ffffff', JSON text, 0/1 for booleans) as the column's type."""
    from psycopg import sql

    columns = [c["name"] for c in inspect(connection).get_columns(table)]
    stored = {row[1] for row in source.execute(f'PRAGMA table_info("{table}")')}
    if set(columns) - stored:
        raise CommandLineError(f"{table}: the source has no column "
                               f"{', '.join(sorted(set(columns) - stored))}; nothing was copied")
    driver: Any = connection.connection.driver_connection
    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)))
    select = "SELECT " + ", ".join(f'"{c}"' for c in columns) + f' FROM "{table}"'
    done = 0
    with _without_secondary_indexes(driver, table), driver.cursor() as cursor:
        try:
            with cursor.copy(copy_sql) as copy:
                rows = source.execute(select)
                while batch := rows.fetchmany(BATCH_ROWS):
                    for row in batch:
                        copy.write_row(row)
                    done += len(batch)
                    _progress(table, done, total)
        except Exception as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            raise CommandLineError(f"copying {table} failed: {message}; nothing was copied"
                                   ) from exc
        finally:
            _end_progress()


@contextmanager
def _foreign_keys_checked_at_the_end(driver: Any) -> Iterator[None]:
    """Drop the foreign keys and add them back after the copy: adding one checks every row
    with one join, where keeping it checks each copied row with a query of its own (a third of
    the time of copying two million visits). A row without its parent still fails the copy."""
    from psycopg import sql

    with driver.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' "
            "AND connamespace = current_schema()::regnamespace")
        keys = list(cursor.fetchall())
        for table, name, _ in keys:
            cursor.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                sql.SQL(table), sql.Identifier(name)))
    yield
    with driver.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                sql.SQL(table), sql.Identifier(name), sql.SQL(definition)))


@contextmanager
def _without_secondary_indexes(driver: Any, table: str) -> Iterator[None]:
    """Drop the table's indexes that back no constraint, and build them again afterwards."""
    from psycopg import sql

    with driver.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = to_regclass(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            [sql.Identifier(table).as_string(driver)])
        indexes = list(cursor.fetchall())
        for name, _ in indexes:
            cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    yield
    with driver.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)


def _continue_sequences(connection: Connection, tables: list[str]) -> None:
    """Let each id sequence continue after the highest id copied."""
    for table in tables:
        for column in inspect(connection).get_columns(table):
            name = column["name"]
            sequence = connection.exec_driver_sql(
                "SELECT pg_get_serial_sequence(%s, %s)", (f'"{table}"', name)).scalar()
            if sequence:
                connection.exec_driver_sql(
                    f'SELECT setval(%s, coalesce(max("{name}"), 1), max("{name}") IS NOT NULL) '
                    f'FROM "{table}"', (sequence,))


def _progress(table: str, done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\rcopying {table}: {done:,}/{total:,} rows", end="", file=sys.stderr,
              flush=True)


def _end_progress() -> None:
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)


def _report(shown: str, counts: list[tuple[str, int, int]], seconds: float) -> None:
    width = max(len("table"), *(len(t) for t, _, _ in counts))
    print(f"Copied into {shown} in {seconds:.1f} s:")
    print(f"{'table':<{width}}  {'SQLite':>12}  {'PostgreSQL':>12}")
    for table, had, got in counts:
        print(f"{table:<{width}}  {had:>12,}  {got:>12,}")
    print("Every table's row count matches. Point each counter at the new database with "
          "--database-url or VRE_DATABASE_URL.")
