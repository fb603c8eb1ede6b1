"""A separate process that writes through the services, for the crash and multi-process tests.

    python tests/crash_writer.py URL CUSTOMER_ID                # write until killed
    python tests/crash_writer.py URL CUSTOMER_ID --check-ins N  # N check-ins, then exit
    python tests/crash_writer.py URL CUSTOMER_ID --fork-server  # writers on demand (POSIX)

It prints "ready" once the database is open, then waits for a line on standard input before it
starts (so that two writers can be started together).

A fork server pays Python's and SQLAlchemy's start-up (most of a second) once: it reads
commands on standard input. "start" forks a writer process, which prints "started PID", opens
the database itself, prints "writing" and writes until killed; "reap PID" waits for that
process to end and prints "reaped PID STATUS", after anything the writer printed.

Every write is printed only after its transaction committed, flushed at once, so whatever the
test reads was committed:

    visit ID          a check-in
    note ID           a note
    pair N VID NID    a check-in and a note in one transaction ("pair N" in both)
    error MESSAGE     a write failed (the multi-process test wants none)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import models


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def write_forever(sessions: models.SessionFactory, customer_id: int) -> None:
    n = 0
    while True:
        n += 1
        with sessions.begin() as session:
            visit_id = models.check_in(session, customer_id, items=f"espresso {n}")
        say(f"visit {visit_id}")
        with sessions.begin() as session:
            note_id = models.add_note(session, customer_id, f"note {n}: " + "likes jazz " * 20)
        say(f"note {note_id}")
        with sessions.begin() as session:
            visit_id = models.check_in(session, customer_id, items=f"pair {n}")
            note_id = models.add_note(session, customer_id, f"pair {n}")
        say(f"pair {n} {visit_id} {note_id}")


def check_in_times(sessions: models.SessionFactory, customer_id: int, count: int) -> None:
    for _ in range(count):
        try:
            with sessions.begin() as session:
                visit_id = models.check_in(session, customer_id)
        except Exception as exc:  # reported, not raised: the test counts them
            say(f"error {type(exc).__name__}: {exc}".splitlines()[0])
        else:
            say(f"visit {visit_id}")


def fork_server(url: str, customer_id: int) -> None:
    import os

    from sqlalchemy.orm import configure_mappers

    configure_mappers()  # the ORM's one-off set-up, done before forking
    say("server ready")
    for command in sys.stdin:
        match command.split():
            case ["start"]:
                pid = os.fork()
                if pid == 0:  # the writer: a process of its own, with its own connections
                    say(f"started {os.getpid()}")
                    try:
                        sessions = models.open_database(url)
                        say("writing")
                        write_forever(sessions, customer_id)
                    finally:
                        os._exit(1)
            case ["reap", pid_text]:
                pid, status = os.waitpid(int(pid_text), 0)
                say(f"reaped {pid} {os.waitstatus_to_exitcode(status)}")
            case _:
                say(f"error unknown command {command.strip()!r}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("customer_id", type=int)
    parser.add_argument("--check-ins", type=int, default=0)
    parser.add_argument("--fork-server", action="store_true")
    args = parser.parse_args()
    if args.fork_server:
        fork_server(args.url, args.customer_id)
        return 0
    sessions = models.open_database(args.url)
    with sessions() as session:  # warm up: compile the statements before the start signal
        models.load_card(session, args.customer_id)
    say("ready")
    sys.stdin.readline()
    if args.check_ins:
        check_in_times(sessions, args.customer_id, args.check_ins)
        say("done")
    else:
        write_forever(sessions, args.customer_id)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
