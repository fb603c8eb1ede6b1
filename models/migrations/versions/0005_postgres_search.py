"""PostgreSQL search indexes: pg_trgm GIN indexes over the folded search documents.

search_document already holds folded text (models/search/folding.py: lower case, no accents,
no apostrophes), so the indexes cover those columns as they are and no unaccent() is needed:
folding stays in one place, in Python, identical for SQLite and PostgreSQL. The expressions
match the queries in models/search/postgres_backend.py exactly (the planner only uses an
expression index for the same expression); tests/test_postgres.py checks the plans.

Without permission to create the pg_trgm extension (PostgreSQL 13+ lets the database owner do
it; older servers need a superuser) the revision logs a warning and creates no index: search
then runs the portable LIKE queries, with the same results, only slower at tens of thousands
of regulars. A no-op on SQLite, whose FTS5 indexes came with 0001.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""
import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

# fastupdate off: a new regular goes straight into the index instead of a pending list that
# every search would scan until autovacuum merges it; the counter adds one row at a time.
_GIN = "USING gin ({expression} gin_trgm_ops) WITH (fastupdate = off)"
INDEXES = {
    # Name words: "% kat%" is a word of the name starting with "kat" (see the backend).
    "ix_search_document_names_trgm": "(' ' || names || ' ')",
    # Every word, names and details together, for "corgi" or "oat flat white".
    "ix_search_document_words_trgm": "(' ' || names || ' ' || other || ' ')",
    # Substrings of 3+ characters.
    "ix_search_document_name_compact_trgm": "name_compact",
    "ix_search_document_phone_digits_trgm": "phone_digits",
    "ix_search_document_email_trgm": "email",
}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    try:
        with bind.begin_nested():  # a failed CREATE EXTENSION must not abort the migration
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as exc:
        message = str(exc.orig or exc).strip().splitlines()[0]
        log.warning(
            "Cannot create the pg_trgm extension (%s); search works without its indexes but "
            "is slower. To add them later, a superuser runs CREATE EXTENSION pg_trgm and the "
            "CREATE INDEX statements of revision 0005 (0005_postgres_search.py) in this "
            "database.", message)
        return
    for name, expression in INDEXES.items():
        op.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON search_document "
            + _GIN.format(expression=expression)
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    # The pg_trgm extension stays: it may have been there before, or serve something else.
