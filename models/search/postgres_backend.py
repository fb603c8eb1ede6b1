"""PostgreSQL search: LIKE over the folded search documents, served by pg_trgm GIN indexes.

search_document stores text already folded in Python (models/search/folding.py), so plain
case-sensitive LIKE on it means exactly what the SQLite FTS5 queries mean, and both engines
give the same results on the same data. The trigram indexes of migration 0005 make those LIKEs
fast; the expressions here must stay identical to the indexed ones:

- a word of the name starting with "kat" is ``(' ' || names || ' ') LIKE '% kat%'``; the space
  before it is a word start for pg_trgm, so even one letter has a trigram ("  k") and the index
  reads only names with a word starting so; a whole word also ends in a space ("% kat %");
- any word at all (names and details) likewise over ``' ' || names || ' ' || other || ' '``;
- substrings of 3+ characters are ``name_compact / phone_digits / email LIKE '%…%'``.

Short queries (1–2 letters) need no index of their own (a btree on the names would only serve
the first word, and FTS5 matches any word): many regulars match them, and the planner then
reads the primary key (the rank key) backwards and stops at the best ``limit`` matches, as FTS5
does with its prefix index; a rare short prefix ("zq") goes through the trigram index instead.
Every statement is planned with its actual pattern (never a generic prepared plan), because
the right plan depends on how common the pattern is. (The planner takes the backward scan a
little too eagerly for prefixes shared by ~1 % of regulars: 4–9 ms at 100,000 where the index
would take 2–4; no planner setting tried was worth overriding it for.)

pg_trgm counts as word characters the letters of the database's locale: in a database created
with LC_CTYPE "C", names in non-Latin scripts give no trigrams, and their LIKE reads the whole
index, with the same results, only slower. README asks for a UTF-8 locale.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models.search.backends import MATCH_COLUMNS, SUBSTRING_COLUMNS, Hit

log = logging.getLogger(__name__)

NAME_WORDS = "(' ' || names || ' ')"
ALL_WORDS = "(' ' || names || ' ' || other || ' ')"
# Created by models/migrations/versions/0005_postgres_search.py.
TRIGRAM_INDEXES = (
    "ix_search_document_names_trgm",
    "ix_search_document_words_trgm",
    "ix_search_document_name_compact_trgm",
    "ix_search_document_phone_digits_trgm",
    "ix_search_document_email_trgm",
)

_HITS = (
    "SELECT customer_id, rank_key, names, name_compact FROM search_document "
    "WHERE {where} ORDER BY rank_key DESC LIMIT %s"
)
_JSON_COLUMNS = ("usuals", "allergies")
_CUSTOMER_ROWS = "SELECT {} FROM customer WHERE id = ANY(%s)".format(
    ", ".join(f"{c}::text" if c in _JSON_COLUMNS else c for c in MATCH_COLUMNS)
)


def like_escape(value: str) -> str:
    """``value`` matched literally by LIKE (whose escape character is a backslash)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class PostgresTrigramBackend:
    """The SearchBackend for PostgreSQL with pg_trgm (see the module docstring)."""

    def words(
        self, session: Session, tokens: Sequence[str], *, names_only: bool, prefix: bool,
        limit: int,
    ) -> list[Hit]:
        expression = NAME_WORDS if names_only else ALL_WORDS
        end = "%" if prefix else " %"
        where = " AND ".join(f"{expression} LIKE %s" for _ in tokens)
        patterns = [f"% {like_escape(token)}{end}" for token in tokens]
        return self._hits(session, where, patterns, limit)

    def substring(self, session: Session, column: str, needle: str, limit: int) -> list[Hit]:
        if column not in SUBSTRING_COLUMNS:
            raise ValueError(column)
        return self._hits(session, f"{column} LIKE %s", [f"%{like_escape(needle)}%"], limit)

    def best_ranked(self, session: Session, limit: int) -> list[Hit]:
        return self._hits(session, "TRUE", [], limit)

    def customer_rows(self, session: Session, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        # JSON as its text, as stored (psycopg's own JSON parsing would take half the time of
        # this query); times come back as naive datetimes, which the service reads as UTC.
        return _fetch(session, _CUSTOMER_ROWS, [list(ids)])

    @staticmethod
    def _hits(session: Session, where: str, parameters: list[Any], limit: int) -> list[Hit]:
        rows = _fetch(session, _HITS.format(where=where), [*parameters, limit])
        return [Hit(*row) for row in rows]


def _fetch(session: Session, sql: str, parameters: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run ``sql`` on the session's psycopg connection, in its transaction.

    ``prepare=False``: psycopg would otherwise prepare a statement after 5 runs, and the server
    could then switch to one generic plan for every pattern: fine for "zq", slow for "a".
    """
    driver: Any = session.connection().connection.driver_connection
    with driver.cursor() as cursor:
        cursor.execute(sql, parameters, prepare=False)
        return list(cursor.fetchall())


TRIGRAM = PostgresTrigramBackend()
_has_indexes: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


def has_trigram_indexes(session: Session) -> bool:
    """Whether migration 0005 created the trigram indexes here (asked once per engine)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    found = _has_indexes.get(engine)
    if found is None:
        count = _fetch(
            session,
            "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = 'search_document' AND indexname = ANY(%s)",
            [list(TRIGRAM_INDEXES)],
        )[0][0]
        found = count == len(TRIGRAM_INDEXES)
        if not found:
            log.warning(
                "The PostgreSQL search indexes are missing (the pg_trgm extension could not "
                "be created when the database was upgraded); searching without them")
        _has_indexes[engine] = found
    return found
