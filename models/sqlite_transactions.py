"""SQLite transactions that take the write lock when a unit of work begins.

Python's sqlite3 driver (in its default, legacy mode) sends BEGIN only before an INSERT, UPDATE
or DELETE: the reads that come first run outside any transaction, and the write lock is asked
for halfway through. With two windows or processes on one file that means stale reads, and
once reads do share the transaction, "database is locked" when the read lock is upgraded (in
WAL mode an upgrade from an outdated snapshot fails at once, SQLITE_BUSY_SNAPSHOT, whatever the
busy timeout). So, as SQLAlchemy's SQLite documentation describes ("Using SQLAlchemy to emit
BEGIN in lieu of SQLite's transaction control"), the driver's own BEGIN is switched off and
this module sends it:

- ``with sessions.begin() as session:`` (a unit of work that writes, by this code base's
  convention) sends ``BEGIN IMMEDIATE``: the write lock is taken first, waiting up to the busy
  timeout for another writer, so nothing read in the transaction can change before it commits.
- A plain ``with sessions() as session:`` (searching, loading a card) and bare connections send
  a deferred ``BEGIN``: readers never wait for a writer, nor hold one up, and see one
  consistent snapshot. If their first statement writes, they too send ``BEGIN IMMEDIATE``.
  A bare connection asks for the write lock up front with the execution option
  ``write_lock=True`` (schema upgrades do) or by sending ``BEGIN IMMEDIATE`` itself as its first
  statement (models/seeding/writer.py ``begin_batch``).

The BEGIN goes out just before the transaction's first statement rather than at ``begin()``:
statements that SQLite refuses or ignores inside a transaction (PRAGMA foreign_keys, VACUUM,
ATTACH), when they come first, still run outside one, as they did with the driver's own
transaction control.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session, SessionTransaction, SessionTransactionOrigin

# Connection.info key: the BEGIN statement to send before the transaction's first statement.
_PENDING = "vre_sqlite_begin"
BEGIN_DEFERRED = "BEGIN"
BEGIN_IMMEDIATE = "BEGIN IMMEDIATE"
# First words of statements that run outside a transaction when they come first (the last four
# end one: there is none to end yet).
_OUTSIDE = frozenset({"PRAGMA", "VACUUM", "ATTACH", "DETACH", "COMMIT", "END", "ROLLBACK",
                      "RELEASE"})
_FIRST_WORD = re.compile(r"\s*(\w+)")
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER"})


def install(engine: Engine) -> None:
    """Take over BEGIN on a SQLite engine, as described in the module docstring."""
    event.listen(engine, "connect", _leave_begin_to_us)
    event.listen(engine, "begin", _on_begin)
    event.listen(engine, "before_cursor_execute", _before_statement)
    event.listen(engine, "commit", _on_end)
    event.listen(engine, "rollback", _on_end)


def _leave_begin_to_us(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver level: it sends no BEGIN of its own, and still sends COMMIT and
    # ROLLBACK when SQLite is inside a transaction (ours).
    dbapi_connection.isolation_level = None


def _on_begin(connection: Connection) -> None:
    options = connection.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return  # each statement commits on its own, as asked
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None and dbapi_connection.isolation_level is not None:
        # SQLAlchemy restores the driver's default after an isolation_level option: ours again.
        dbapi_connection.isolation_level = None
    wants_lock = options.get("write_lock", False)
    connection.info[_PENDING] = BEGIN_IMMEDIATE if wants_lock else BEGIN_DEFERRED


def _on_end(connection: Connection) -> None:
    connection.info.pop(_PENDING, None)


def _before_statement(
    connection: Connection, cursor: Any, statement: str, _parameters: Any, _context: Any,
    _executemany: bool,
) -> None:
    info = connection.info
    begin = info.get(_PENDING)
    if begin is None:
        return
    found = _FIRST_WORD.match(statement)
    first = found.group(1).upper() if found else ""
    if first in _OUTSIDE:
        return  # runs outside the transaction, which begins with the next statement
    del info[_PENDING]
    if first == "BEGIN":
        return  # the caller begins the transaction itself (models/seeding/writer.py)
    if first in _WRITES:
        begin = BEGIN_IMMEDIATE
    cursor.execute(begin)


@event.listens_for(Session, "after_begin")
def _unit_of_work_began(
    _session: Session, transaction: SessionTransaction, connection: Connection
) -> None:
    """An explicit ``session.begin()`` (``sessions.begin()``) asks for the write lock."""
    if (
        transaction.origin is SessionTransactionOrigin.BEGIN
        and connection.info.get(_PENDING) is not None
    ):
        connection.info[_PENDING] = BEGIN_IMMEDIATE
