"""The one place that knows how each database engine searches.

Every backend answers the same two small questions, each returning at most ``limit`` hits
best-first. A hit carries the folded name columns too, so the service can rank without another
query. The service in models/search/service.py turns hits into the result list, so ranking is
identical on every engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol

from sqlalchemy import ColumnElement, Text, and_, literal, or_, select, type_coerce
from sqlalchemy.orm import Session

from models.entities import Customer, SearchDocument


class Hit(NamedTuple):
    customer_id: int
    rank_key: int
    names: str  # folded words of name and goes-by, name first
    name_compact: str  # "compactname compactgoesby"


# The columns of a search result, in this order, as the backends fetch them.
MATCH_COLUMNS = (
    "id", "name", "goes_by", "phone", "email", "description", "usuals", "allergies",
    "visit_count", "last_visit_at",
)


class SearchBackend(Protocol):
    def words(
        self, session: Session, tokens: Sequence[str], *, names_only: bool, prefix: bool,
        limit: int,
    ) -> list[Hit]:
        """Documents containing every token as a word (or word prefix)."""

    def substring(self, session: Session, column: str, needle: str, limit: int) -> list[Hit]:
        """Documents whose ``column`` (name_compact, phone_digits, email) contains ``needle``.

        ``needle`` has at least 3 characters.
        """

    def customer_rows(self, session: Session, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        """MATCH_COLUMNS of the given customers, as stored (JSON text, naive UTC times)."""

    def best_ranked(self, session: Session, limit: int) -> list[Hit]:
        """The documents with the highest rank keys (what an empty search shows)."""


SUBSTRING_COLUMNS = ("name_compact", "phone_digits", "email")


def fts5_phrase(token: str) -> str:
    """Quote a token as an FTS5 string: nothing the user types is ever an operator."""
    return '"' + token.replace('"', '""') + '"'


class SQLiteFTSBackend:
    """SQLite FTS5: word indexes (names; everything) with 1–3 letter prefix indexes, and a
    trigram index for substrings.

    Both use the rank key as rowid, so ``ORDER BY rowid DESC LIMIT n`` reads the best n matches
    straight off the index. Queries go to the sqlite3 cursor directly: at ~0.2 ms per query the
    SQL is cheaper than building a SQLAlchemy statement around it.
    """

    _SQL = (
        "SELECT d.customer_id, d.rank_key, d.names, d.name_compact "
        "FROM (SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?) AS f "
        "JOIN search_document AS d ON d.rank_key = f.rowid ORDER BY d.rank_key DESC"
    )

    def words(
        self, session: Session, tokens: Sequence[str], *, names_only: bool, prefix: bool,
        limit: int,
    ) -> list[Hit]:
        star = "*" if prefix else ""
        match = " AND ".join(f"{fts5_phrase(t)}{star}" for t in tokens)
        return self._run(session, "search_names" if names_only else "search_words", match, limit)

    def substring(self, session: Session, column: str, needle: str, limit: int) -> list[Hit]:
        if column == "name_compact":
            return self._run(session, "search_name_parts", fts5_phrase(needle), limit)
        if column not in SUBSTRING_COLUMNS:
            raise ValueError(column)
        return self._run(session, "search_contacts", f"{column} : {fts5_phrase(needle)}", limit)

    def best_ranked(self, session: Session, limit: int) -> list[Hit]:
        rows = self._fetch(
            session,
            "SELECT customer_id, rank_key, names, name_compact FROM search_document "
            "ORDER BY rank_key DESC LIMIT ?",
            (limit,),
        )
        return [Hit(*row) for row in rows]

    def customer_rows(self, session: Session, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        marks = ",".join("?" * len(ids))
        columns = ", ".join(MATCH_COLUMNS)
        return self._fetch(
            session, f"SELECT {columns} FROM customer WHERE id IN ({marks})", tuple(ids)
        )

    def _run(self, session: Session, table: str, match: str, limit: int) -> list[Hit]:
        rows = self._fetch(session, self._SQL.format(table=table), (match, limit))
        return [Hit(*row) for row in rows]

    @staticmethod
    def _fetch(session: Session, sql: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        driver: Any = session.connection().connection.driver_connection
        cursor = driver.cursor()
        try:
            cursor.execute(sql, parameters)
            return list(cursor.fetchall())
        finally:
            cursor.close()


_CONVERTED = {"usuals", "allergies"}


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_HIT_COLUMNS = (
    SearchDocument.customer_id, SearchDocument.rank_key, SearchDocument.names,
    SearchDocument.name_compact,
)


class PortableBackend:
    """Plain SQL (LIKE over the folded columns) that runs on any engine SQLAlchemy supports.

    Used on engines without a backend of their own, on PostgreSQL when the pg_trgm extension
    could not be installed, and in the tests to prove every backend gives the same answers.
    """

    def words(
        self, session: Session, tokens: Sequence[str], *, names_only: bool, prefix: bool,
        limit: int,
    ) -> list[Hit]:
        doc = SearchDocument
        conditions: list[ColumnElement[bool]] = []
        for token in tokens:
            pattern = f"% {_like_escape(token)}{'%' if prefix else ' %'}"
            columns = [doc.names] if names_only else [doc.names, doc.other]
            conditions.append(
                or_(*((literal(" ") + col + literal(" ")).like(pattern, escape="\\")
                      for col in columns))
            )
        return self._run(session, and_(*conditions), limit)

    def substring(self, session: Session, column: str, needle: str, limit: int) -> list[Hit]:
        if column not in SUBSTRING_COLUMNS:
            raise ValueError(column)
        col = getattr(SearchDocument, column)
        return self._run(session, col.like(f"%{_like_escape(needle)}%", escape="\\"), limit)

    def customer_rows(self, session: Session, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        table = Customer.__table__
        columns = [table.c[name] for name in MATCH_COLUMNS]
        # Read the stored text, not the ORM's converted values, so both backends agree.
        raw = [type_coerce(c, Text) if c.name in _CONVERTED else c for c in columns]
        query = select(*raw).where(table.c.id.in_(list(ids)))
        return [tuple(row) for row in session.connection().execute(query)]

    def best_ranked(self, session: Session, limit: int) -> list[Hit]:
        return self._run(session, None, limit)

    @staticmethod
    def _run(session: Session, condition: ColumnElement[bool] | None, limit: int) -> list[Hit]:
        query = (
            select(*_HIT_COLUMNS).where(*([] if condition is None else [condition]))
            .order_by(SearchDocument.rank_key.desc()).limit(limit)
        )
        return [Hit(int(c), int(k), n, nc) for c, k, n, nc in session.execute(query)]


_SQLITE = SQLiteFTSBackend()
_PORTABLE = PortableBackend()


def backend_for(session: Session) -> SearchBackend:
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return _SQLITE
    if dialect == "postgresql":
        # Imported here: it imports this module, and SQLite-only installs never need it.
        from models.search import postgres_backend

        if postgres_backend.has_trigram_indexes(session):
            return postgres_backend.TRIGRAM
    return _PORTABLE
