"""Writing batches of rows fast, one transaction each.

Two paths store exactly the same thing. On SQLite, rows encoded raw (see ``Encoder``) go
straight to the driver's executemany, and the batch is full-text indexed with one
INSERT … SELECT per index while the row triggers are dropped. Elsewhere (or if SQLite stores
values differently than the raw encoder writes them) rows go through ``insert(table)`` and the
triggers, if any, index them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select

from models.base import Base
from models.database import SessionFactory
from models.entities import Customer, CustomerTag, Note, SearchDocument, Visit
from models.seeding.rows import (
    CUSTOMER_COLUMNS,
    DOCUMENT_COLUMNS,
    NOTE_COLUMNS,
    TAG_COLUMNS,
    VISIT_COLUMNS,
    Encoder,
    Rows,
)


@contextmanager
def bulk_connection(sessions: SessionFactory, cache_kib: int) -> Iterator[Connection]:
    """A connection for bulk writes: on SQLite with a larger page cache while it lasts (millions
    of visits update their time index all over; the default 2 MB cache thrashes)."""
    bind = sessions.kw.get("bind")
    if not isinstance(bind, Engine):
        with sessions() as session:
            found = session.get_bind()
        bind = found if isinstance(found, Engine) else found.engine
    with bind.connect() as connection:
        if connection.dialect.name != "sqlite" or cache_kib <= 0:
            yield connection
            return
        previous = int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
        connection.exec_driver_sql(f"PRAGMA cache_size = {-int(cache_kib)}")
        connection.commit()
        try:
            yield connection
        finally:
            if connection.in_transaction():
                connection.rollback()
            connection.exec_driver_sql(f"PRAGMA cache_size = {previous}")
            connection.commit()


def begin_batch(connection: Connection) -> int:
    """Start a batch's write transaction; returns the first free customer id."""
    if connection.dialect.name == "sqlite" and not _in_transaction(connection):
        # Take the write lock now, so the max(id) read below cannot be raced.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE customer IN EXCLUSIVE MODE")
    return next_customer_id(connection)


def next_customer_id(connection: Connection) -> int:
    return int(connection.execute(select(func.max(Customer.id))).scalar() or 0) + 1


def write_rows(connection: Connection, encoder: Encoder, rows: Rows) -> None:
    """Insert one batch; the caller holds the transaction."""
    insert_rows(connection, encoder, Customer, CUSTOMER_COLUMNS, rows.customers)
    insert_rows(connection, encoder, CustomerTag, TAG_COLUMNS, rows.tags)
    insert_rows(connection, encoder, Visit, VISIT_COLUMNS, rows.visits)
    insert_rows(connection, encoder, Note, NOTE_COLUMNS, rows.notes)
    if connection.dialect.name == "postgresql":
        # Explicit ids leave the serial sequences behind; the next regular added by hand
        # would collide with a seeded one.
        for table in ("customer",):
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
    insert_documents(connection, encoder, rows.documents, int(rows.customers[0][0]))


def insert_documents(
    connection: Connection, encoder: Encoder, documents: list[tuple[Any, ...]], first_id: int
) -> None:
    """Insert the search documents of customers whose ids are all >= ``first_id`` (new ones).

    Indexing them with one INSERT … SELECT per full-text index is ~4x faster than the triggers
    firing row by row; DDL is transactional in SQLite, so no one ever sees the triggers missing.
    """
    # Ascending rank keys (rowids): the order SQLite's table and full-text indexes take fastest.
    documents.sort(key=lambda row: int(row[0]))
    if not (encoder.raw and _has_search_triggers(connection)):
        insert_rows(connection, encoder, SearchDocument, DOCUMENT_COLUMNS, documents)
        return
    # (Imported here, as below: fts.py imports alembic, which only this path needs.)
    from models.migrations.fts import SEARCH_TRIGGERS, sqlite_index_rows_sql, sqlite_trigger_sql

    for trigger in SEARCH_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER {trigger}")
    insert_rows(connection, encoder, SearchDocument, DOCUMENT_COLUMNS, documents)
    for statement in sqlite_index_rows_sql(f"customer_id >= {int(first_id)}"):
        connection.exec_driver_sql(statement)
    for statement in sqlite_trigger_sql():
        connection.exec_driver_sql(statement)


def insert_rows(
    connection: Connection, encoder: Encoder, entity: type[Base], columns: Sequence[str],
    rows: list[tuple[Any, ...]],
) -> None:
    """``insert(table)`` executemany. Raw rows go straight to the driver with the statement
    SQLAlchemy compiles: its per-row parameter processing would cost 3-4 times what SQLite
    needs to store the row."""
    if not rows:
        return
    table = entity.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{entity.__name__} is not mapped to a table")
    if encoder.raw:
        compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(columns))
        if list(compiled.positiontup or ()) != list(columns):
            raise RuntimeError(f"{table.name}: seeding columns are out of table order")
        connection.exec_driver_sql(str(compiled), rows)
    else:
        connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


def _has_search_triggers(connection: Connection) -> bool:
    from models.migrations.fts import SEARCH_TRIGGERS

    placeholders = ", ".join("?" for _ in SEARCH_TRIGGERS)
    found = connection.exec_driver_sql(
        f"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({placeholders})",
        SEARCH_TRIGGERS,
    ).scalar()
    # Dropping them is only safe inside a transaction (begin_batch opens one).
    return found == len(SEARCH_TRIGGERS) and _in_transaction(connection)


def _in_transaction(connection: Connection) -> bool:
    driver = connection.connection.driver_connection
    return bool(getattr(driver, "in_transaction", False))
