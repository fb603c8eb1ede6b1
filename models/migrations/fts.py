"""SQLite full-text indexes over search_document, kept in step by triggers.

Both are external-content FTS5 tables whose rowid is search_document.rank_key, so they store
only the index, and "ORDER BY rowid DESC" is best-first (see models/search/ranking.py).
Other engines search search_document directly; these helpers do nothing there.
"""

from __future__ import annotations

from alembic import op

_TABLES = {
    # Words with prefix indexes for 1-3 letters: a 1-letter query reads one short list.
    "search_words": ("names, other", "tokenize = 'unicode61', prefix = '1 2 3'"),
    # Any substring of 3+ characters: part of a name, phone digits, email.
    "search_substrings": ("name_compact, phone_digits, email", "tokenize = 'trigram'"),
}


def _columns(columns: str, prefix: str) -> str:
    return ", ".join(f"{prefix}{c.strip()}" for c in columns.split(","))


def create_sqlite_search_index() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, (columns, options) in _TABLES.items():
        op.execute(
            f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, content = 'search_document', "
            f"content_rowid = 'rank_key', {options})"
        )
    inserts = "\n".join(
        f"INSERT INTO {t}(rowid, {c}) VALUES (new.rank_key, {_columns(c, 'new.')});"
        for t, (c, _) in _TABLES.items()
    )
    deletes = "\n".join(
        f"INSERT INTO {t}({t}, rowid, {c}) VALUES ('delete', old.rank_key, {_columns(c, 'old.')});"
        for t, (c, _) in _TABLES.items()
    )
    for name, event, body in (("ai", "INSERT", inserts), ("ad", "DELETE", deletes)):
        op.execute(
            f"CREATE TRIGGER search_document_{name} AFTER {event} ON search_document BEGIN\n"
            f"{body}\nEND"
        )
    op.execute(
        f"CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN\n"
        f"{deletes}\n{inserts}\nEND"
    )


def drop_sqlite_search_index() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("search_document_ai", "search_document_ad", "search_document_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table in _TABLES:
        op.execute(f"DROP TABLE IF EXISTS {table}")
