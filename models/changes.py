"""Has anyone else changed the database? A cheap poll, so that another window, process or
counter's check-ins and notes show up here within a couple of seconds.

``ChangeWatcher(engine).poll()`` answers "something was committed since the last poll" from a
connection of its own that it never writes on:

- SQLite: ``PRAGMA data_version``, which changes whenever another connection (in this process
  or another) commits. A few microseconds; the connection waits for no lock (busy timeout 0),
  and a briefly busy file just answers "no change yet".
- PostgreSQL: LISTEN/NOTIFY. Every transaction of this app that writes sends
  ``NOTIFY vre_changes`` as it commits (``announce_changes``, installed on every engine by
  models/database.py); the watcher listens on its connection and, at each poll, runs a trivial
  query that collects what arrived (one round trip, ~0.2 ms on a local network). A
  notification reaches only the connections of the same database, and nothing at all is sent
  by a rolled-back transaction.

Anything else (an in-memory SQLite database, other servers) never reports a change. A lost
connection is reopened at the next poll, which then reports a change, since what happened
meanwhile is unknown.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.pool import StaticPool

CHANNEL = "vre_changes"
_WROTE = "vre_wrote"  # Connection.info key: this transaction wrote something
_FIRST_WORD = re.compile(r"\s*(\w+)")
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "CREATE", "DROP",
                     "ALTER", "COPY"})


def announce_changes(engine: Engine) -> None:
    """On PostgreSQL, make every transaction that writes send ``NOTIFY vre_changes`` with its
    commit, for the ChangeWatchers of other counters. (SQLite needs nothing of the kind.)"""
    if engine.dialect.name != "postgresql":
        return
    event.listen(engine, "before_cursor_execute", _note_write)
    event.listen(engine, "commit", _announce)
    event.listen(engine, "rollback", _forget)


def _note_write(
    connection: Connection, _cursor: Any, statement: str, _parameters: Any, _context: Any,
    _executemany: bool,
) -> None:
    info = connection.info
    if info.get(_WROTE):
        return
    found = _FIRST_WORD.match(statement)
    if found and found.group(1).upper() in _WRITES:
        info[_WROTE] = True


def _announce(connection: Connection) -> None:
    if not connection.info.pop(_WROTE, False):
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None:  # sent inside the transaction: delivered as it commits
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"NOTIFY {CHANNEL}")
        finally:
            cursor.close()


def _forget(connection: Connection) -> None:
    connection.info.pop(_WROTE, None)


class ChangeWatcher:
    """Polls for changes committed through any other connection; see the module docstring."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        name = engine.dialect.name
        in_memory = name == "sqlite" and (
            isinstance(engine.pool, StaticPool)
            or (engine.url.database or "") in ("", ":memory:")
        )
        self._sqlite = name == "sqlite"
        self._supported = (self._sqlite and not in_memory) or name == "postgresql"
        self._connection: Any = None  # the driver's connection, owned by this watcher
        self._notices = 0  # PostgreSQL: notifications heard so far
        self._last: object = None
        if self._supported:
            try:
                self._last = self._read()
            except Exception:  # unreachable now: the next poll retries and reports a change
                self._close_connection()

    @property
    def supported(self) -> bool:
        return self._supported

    def poll(self) -> bool:
        """True when something was committed elsewhere since the last poll (or since the
        watcher was made). Never raises: trouble reading counts as "no news" until it clears."""
        if not self._supported:
            return False
        reconnecting = self._connection is None
        try:
            version = self._read()
        except Exception:  # busy, or the server went away: try again at the next poll
            self._close_connection()
            return False
        changed = reconnecting or version != self._last
        self._last = version
        return changed

    def close(self) -> None:
        self._close_connection()

    def __enter__(self) -> ChangeWatcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _read(self) -> object:
        connection = self._connection if self._connection is not None else self._open()
        cursor = connection.cursor()
        try:
            if self._sqlite:
                cursor.execute("PRAGMA data_version")
                row = cursor.fetchone()
                return row[0] if row else None
            cursor.execute("SELECT 1")  # notifications that arrived meanwhile are handled
            cursor.fetchone()
            return self._notices
        finally:
            cursor.close()

    def _heard(self, _notification: object) -> None:
        self._notices += 1

    def _open(self) -> Any:
        # A connection made the way the engine makes them (same URL, driver settings and
        # SQLite pragmas), then taken out of its pool for good: it is this watcher's own.
        pooled = self._engine.raw_connection()
        connection = pooled.driver_connection
        if connection is None:
            pooled.close()
            raise RuntimeError("the database driver gave no connection")
        pooled.detach()
        try:
            if self._sqlite:
                connection.isolation_level = None  # every poll outside a transaction
                connection.execute("PRAGMA busy_timeout = 0")  # never make the window wait
            else:
                connection.autocommit = True
                connection.add_notify_handler(self._heard)
                connection.execute(f"LISTEN {CHANNEL}")
        except Exception:
            connection.close()
            raise
        self._connection = connection
        return connection

    def _close_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # already broken: nothing more to release
                connection.close()
