"""Alembic environment: runs on the connection that models.database hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from models import entities  # noqa: F401  - registers the tables on Base.metadata
from models.base import Base

config = context.config
target_metadata = Base.metadata


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
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
