"""The one place that knows how each database engine searches.

Every backend answers the same five small questions, each returning (customer_id, rank_key)
pairs best-first and at most ``limit`` of them. The service in models/search/service.py turns
the answers into a ranked result list, so ranking is identical on every engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import ColumnElement, and_, literal, or_, select, text
from sqlalchemy.orm import Session

from models.entities import SearchDocument

Hits = list[tuple[int, int]]
NameHits = list[tuple[int, int, str]]


class SearchBackend(Protocol):
    def words(
        self, session: Session, tokens: Sequence[str], *, names_only: bool, prefix: bool,
        limit: int,
    ) -> Hits:
        """Documents containing every token as a word (or word prefix)."""

    def substring(self, session: Session, column: str, needle: str, limit: int) -> Hits:
        """Documents whose ``column`` (name_compact, phone_digits, email) contains ``needle``.

        ``needle`` has at least 3 characters.
        """

    def names_for(self, session: Session, hits: Hits) -> NameHits:
        """The folded name words of the given hits, for typo checks."""


SUBSTRING_COLUMNS = ("name_compact", "phone_digits", "email")


def fts5_phrase(token: str) -> str:
    """Quote a token as an FTS5 string: nothing the user types is ever an operator."""
    return '"' + token.replace('"', '""') + '"'


class SQLiteFTSBackend:
    """SQLite FTS5: a word index with prefix indexes (1–3 letters) and a trigram index.

    Both use the rank key as rowid, so ``ORDER BY rowid DESC LIMIT n`` reads the best n matches
    straight off the index.
    """

    def words(
        self, session: Session, tokens: Sequence[str], *, names_only: bool, prefix: bool,
        limit: int,
    ) -> Hits:
        star = "*" if prefix else ""
        column = "names : " if names_only else ""
        match = " AND ".join(f"{column}{fts5_phrase(t)}{star}" for t in tokens)
        return self._run(session, "search_words", match, limit)

    def substring(self, session: Session, column: str, needle: str, limit: int) -> Hits:
        if column not in SUBSTRING_COLUMNS:
            raise ValueError(column)
        return self._run(session, "search_substrings", f"{column} : {fts5_phrase(needle)}", limit)

    def names_for(self, session: Session, hits: Hits) -> NameHits:
        return _names_for(session, hits)

    @staticmethod
    def _run(session: Session, table: str, match: str, limit: int) -> Hits:
        rows = session.execute(
            text(
                f"SELECT d.customer_id, d.rank_key FROM {table} AS f "  # noqa: S608 - fixed names
                "JOIN search_document AS d ON d.rank_key = f.rowid "
                f"WHERE {table} MATCH :match ORDER BY f.rowid DESC LIMIT :limit"
            ),
            {"match": match, "limit": limit},
        )
        return [(int(r[0]), int(r[1])) for r in rows]


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class PortableBackend:
    """Plain SQL (LIKE over the folded columns) that runs on any engine SQLAlchemy supports.

    Used for PostgreSQL until it gets its own trigram-indexed backend, and in the tests on
    SQLite to prove both backends give the same answers.
    """

    def words(
        self, session: Session, tokens: Sequence[str], *, names_only: bool, prefix: bool,
        limit: int,
    ) -> Hits:
        doc = SearchDocument
        conditions: list[ColumnElement[bool]] = []
        for token in tokens:
            pattern = f"% {_like_escape(token)}{'%' if prefix else ' %'}"
            columns = [doc.names] if names_only else [doc.names, doc.other]
            conditions.append(
                or_(*((literal(" ") + col + literal(" ")).like(pattern, escape="\\")
                      for col in columns))
            )
        query = (
            select(doc.customer_id, doc.rank_key)
            .where(and_(*conditions))
            .order_by(doc.rank_key.desc())
            .limit(limit)
        )
        return [(int(c), int(k)) for c, k in session.execute(query)]

    def substring(self, session: Session, column: str, needle: str, limit: int) -> Hits:
        if column not in SUBSTRING_COLUMNS:
            raise ValueError(column)
        col = getattr(SearchDocument, column)
        query = (
            select(SearchDocument.customer_id, SearchDocument.rank_key)
            .where(col.like(f"%{_like_escape(needle)}%", escape="\\"))
            .order_by(SearchDocument.rank_key.desc())
            .limit(limit)
        )
        return [(int(c), int(k)) for c, k in session.execute(query)]

    def names_for(self, session: Session, hits: Hits) -> NameHits:
        return _names_for(session, hits)


def _names_for(session: Session, hits: Hits) -> NameHits:
    if not hits:
        return []
    rows = session.execute(
        select(SearchDocument.customer_id, SearchDocument.names).where(
            SearchDocument.customer_id.in_({cid for cid, _ in hits})
        )
    )
    names = {int(cid): text_ for cid, text_ in rows}
    return [(cid, key, names.get(cid, "")) for cid, key in hits]


_SQLITE = SQLiteFTSBackend()
_PORTABLE = PortableBackend()


def backend_for(session: Session) -> SearchBackend:
    dialect = session.get_bind().dialect.name
    return _SQLITE if dialect == "sqlite" else _PORTABLE
