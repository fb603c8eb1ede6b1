"""Alembic environment: runs on the connection that models.database hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from models import entities, problem_entities  # noqa: F401
from models.base import Base
from models.staff import entities as staff_entities  # noqa: F401  - registers the tables on Base.metadata

config = context.config
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    """Autogenerate must not drop the SQLite FTS5 tables or the PostgreSQL trigram indexes
    (revision 0005), which the ORM does not map."""
    if type_ == "index" and reflected and str(name).endswith("_trgm"):
        return False
    return not (type_ == "table" and reflected
                and name.startswith(("search_names", "search_words", "search_name_parts",
                                     "search_contacts")))


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # the alembic command line, for developers writing migrations
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///dev.db")
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite's ALTER TABLE is limited; batch mode rebuilds tables
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
