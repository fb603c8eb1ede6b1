"""SQLite full-text indexes over search_document, kept in step by triggers.

All are external-content FTS5 tables whose rowid is search_document.rank_key, so they store
only the index, and "ORDER BY rowid DESC" is best-first (see models/search/ranking.py).
Other engines search search_document directly; these helpers do nothing there.
"""

from __future__ import annotations

from alembic import op

_TABLES = {
    # Name words alone, with prefix indexes for 1-3 letters: a 1-letter query reads one short
    # list. Kept apart from the other words because a column filter still walks the whole
    # list of a token: "a" as a name costs ~4 ms at 100k regulars when "a" is in every note.
    "search_names": ("names", "tokenize = 'unicode61', prefix = '1 2 3'"),
    # Every word (names and details), for "corgi", "oat flat white" or "kate corgi".
    "search_words": ("names, other", "tokenize = 'unicode61', prefix = '1 2 3'"),
    # Any substring of 3+ characters: part of a name; phone digits or email. Two tables for the
    # same reason as above: a name search must not walk every email's trigrams.
    "search_name_parts": ("name_compact", "tokenize = 'trigram'"),
    "search_contacts": ("phone_digits, email", "tokenize = 'trigram'"),
}


SEARCH_INDEXES = tuple(_TABLES)


def _columns(columns: str, prefix: str) -> str:
    return ", ".join(f"{prefix}{c.strip()}" for c in columns.split(","))


SEARCH_TRIGGERS = ("search_document_ai", "search_document_ad", "search_document_au")


def sqlite_trigger_sql() -> list[str]:
    """The CREATE TRIGGER statements (named as in SEARCH_TRIGGERS) keeping the indexes in step.

    Shared with models/seeding/writer.py, which drops the triggers around a bulk load and
    indexes the new rows with sqlite_index_rows_sql() instead.
    """
    inserts = "\n".join(
        f"INSERT INTO {t}(rowid, {c}) VALUES (new.rank_key, {_columns(c, 'new.')});"
        for t, (c, _) in _TABLES.items()
    )
    deletes = "\n".join(
        f"INSERT INTO {t}({t}, rowid, {c}) VALUES ('delete', old.rank_key, {_columns(c, 'old.')});"
        for t, (c, _) in _TABLES.items()
    )
    return [
        f"CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN\n{inserts}\nEND",
        f"CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN\n{deletes}\nEND",
        f"CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN\n"
        f"{deletes}\n{inserts}\nEND",
    ]


def sqlite_index_rows_sql(where: str) -> list[str]:
    """Statements that add the search_document rows matching ``where`` to every index, in rowid
    order, exactly as the insert trigger would; for bulk loads with the triggers dropped."""
    return [
        f"INSERT INTO {t}(rowid, {c}) SELECT rank_key, {c} FROM search_document "
        f"WHERE {where} ORDER BY rank_key"
        for t, (c, _) in _TABLES.items()
    ]


def create_sqlite_search_index() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, (columns, options) in _TABLES.items():
        op.execute(
            f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, content = 'search_document', "
            f"content_rowid = 'rank_key', {options})"
        )
    for statement in sqlite_trigger_sql():
        op.execute(statement)


def drop_sqlite_search_index() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in SEARCH_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table in _TABLES:
        op.execute(f"DROP TABLE IF EXISTS {table}")
