"""Pulling the plug on a writing process: every write it reported as committed is there after
it is killed (SIGKILL, at random moments), the file passes integrity_check, and a transaction
is all there or not at all."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import text

import models

WRITER = Path(__file__).with_name("crash_writer.py")
KILLS = 30
MIN_KILLS = 20
TIME_BUDGET_S = 12.0  # past this, stop at MIN_KILLS (a slow or busy machine)


def _random_delay(rng: random.Random) -> float:
    """After the writer opened the database: in its first write, or mid-stream, in a write, in
    a commit, between two (a write takes ~10 ms, the first one longer)."""
    return rng.choice([0.0, 0.03, rng.uniform(0.0, 0.3), rng.uniform(0.0, 0.3)])


class ForkServer:
    """tests/crash_writer.py --fork-server: each writer is a fresh process, forked from one
    that has already imported everything (a spawned Python takes most of a second)."""

    def __init__(self, url: str, customer_id: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(WRITER), url, str(customer_id), "--fork-server"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self._line() == "server ready"

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"the fork server died ({self.process.poll()})")
        return line.rstrip("\n")

    def _send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def run_and_kill(self, rng: random.Random) -> list[str]:
        """Start a writer, SIGKILL it after a random while; the lines it printed."""
        self._send("start")
        started = self._line()
        assert started.startswith("started "), started
        pid = int(started.split()[1])
        # One kill in eight lands while the writer opens the database.
        opening = rng.random() < 1 / 8
        if not opening:
            assert self._line() == "writing"
        time.sleep(_random_delay(rng))
        os.kill(pid, signal.SIGKILL)
        self._send(f"reap {pid}")
        lines = []
        while not (line := self._line()).startswith(f"reaped {pid} "):
            if line != "writing":
                lines.append(line)
        assert line == f"reaped {pid} {-signal.SIGKILL}", line
        return lines

    def close(self) -> None:
        self.process.kill()
        self.process.communicate()


def _spawn_and_kill(url: str, customer_id: int, rng: random.Random) -> list[str]:
    """Without fork (Windows): a whole new writer process each time, slower to start."""
    process = subprocess.Popen(
        [sys.executable, str(WRITER), url, str(customer_id)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    process.stdin.write("go\n")
    process.stdin.flush()
    time.sleep(_random_delay(rng))
    process.kill()  # TerminateProcess where there is no SIGKILL
    out, _err = process.communicate(timeout=30)
    return out.split("\n")[:-1]  # the last piece lacks its newline: not reported


def test_killed_writers_never_lose_a_reported_write_nor_damage_the_file(
    sessions: models.SessionFactory, add_customer, database_url: str
) -> None:
    customer_id = add_customer(name="Crash Test Regular")
    seed = int(os.environ.get("CRASH_SEED", "0")) or random.randrange(1, 10**9)
    rng = random.Random(seed)
    visits: set[int] = set()
    notes: set[int] = set()
    pairs: set[tuple[int, int, int]] = set()  # (n, visit id, note id)
    kills = 0
    started = time.monotonic()
    server = ForkServer(database_url, customer_id) if hasattr(os, "fork") else None
    try:
        while kills < KILLS and (kills < MIN_KILLS or time.monotonic() - started < TIME_BUDGET_S):
            lines = (server.run_and_kill(rng) if server is not None
                     else _spawn_and_kill(database_url, customer_id, rng))
            kills += 1
            for line in lines:
                kind, *values = line.split()
                if kind == "visit":
                    visits.add(int(values[0]))
                elif kind == "note":
                    notes.add(int(values[0]))
                elif kind == "pair":
                    n, visit_id, note_id = map(int, values)
                    pairs.add((n, visit_id, note_id))
                else:
                    raise AssertionError(f"unexpected output {line!r} (CRASH_SEED={seed})")
            _check_after_crash(database_url, customer_id, visits, notes, pairs)
    finally:
        if server is not None:
            server.close()
    print(f"{kills} kills, {len(visits)} visits, {len(notes)} notes and {len(pairs)} pairs "
          f"reported and found (CRASH_SEED={seed})")
    assert kills >= MIN_KILLS
    assert len(visits) + len(notes) >= kills // 2  # the kills did land mid-stream


def _check_after_crash(
    url: str, customer_id: int, visits: set[int], notes: set[int],
    pairs: set[tuple[int, int, int]],
) -> None:
    reopened = models.open_database(url)  # as the app does at its next start
    try:
        with reopened() as session:
            connection = session.connection()
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            stored_visits = dict(connection.execute(
                text("SELECT id, items FROM visit WHERE customer_id = :c"), {"c": customer_id}
            ).all())
            stored_notes = dict(connection.execute(
                text("SELECT id, text FROM note WHERE customer_id = :c"), {"c": customer_id}
            ).all())
            missing_visits = visits - stored_visits.keys()
            missing_notes = notes - stored_notes.keys()
            assert not missing_visits, f"reported visits lost: {sorted(missing_visits)}"
            assert not missing_notes, f"reported notes lost: {sorted(missing_notes)}"
            for n, visit_id, note_id in pairs:
                assert stored_visits.get(visit_id) == f"pair {n}"
                assert stored_notes.get(note_id) == f"pair {n}"
            # All or nothing: no transaction left half of a pair behind, reported or not.
            paired_visits = Counter(v for v in stored_visits.values() if v.startswith("pair "))
            paired_notes = Counter(t for t in stored_notes.values() if t.startswith("pair "))
            assert paired_visits == paired_notes
            # The visit count is written in the same transaction as the visit.
            card = models.load_card(session, customer_id)
            assert card.visits == len(stored_visits)
            # The search index was kept in step too.
            assert [m.id for m in models.find_customers(session, "crash test")] == [customer_id]
    finally:
        reopened.kw["bind"].dispose()

