"""What signing in, permissions and the audit trail cost at the counter (issue 6).

    python scripts/bench_team.py [--customers N] [--visits-per-customer F] [--runs R]

Seeds a throwaway SQLite shop, then prints, in milliseconds (median of R runs):
- a PIN check (scrypt; the same cost whether right or wrong),
- a search keystroke through a plain session and through a signed-in one (the signed-in one
  re-reads the teammate's role once per session),
- a check-in with and without the audit trail's flush listener writing its rows,
- the shift briefing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import models
from models import audit_trail
from models.briefing import load_briefing
from models.seeding import seed_customers, seed_problems
from models.staff import (
    Role,
    SignedIn,
    add_staff,
    create_first_owner,
    sign_in,
    signed_in_sessions,
)


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--visits-per-customer", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sessions = models.open_database(f"sqlite:///{folder}/shop.sqlite3")
        started = time.perf_counter()
        seed_customers(sessions, args.customers, visits_per_customer=args.visits_per_customer)
        seed_problems(sessions)
        print(f"seeded {args.customers:,} regulars in {time.perf_counter() - started:.0f} s")
        with sessions.begin() as session:
            owner = create_first_owner(session, "Dana", "2468")
        holder = SignedIn(owner)
        counter = signed_in_sessions(sessions, holder)
        with counter.begin() as session:
            sam = add_staff(session, "Sam", Role.CLERK, "1234")

        def pin_check() -> None:
            with sessions.begin() as session:
                sign_in(session, sam, "1234")

        def search(factory: models.SessionFactory) -> Callable[[], object]:
            def run() -> object:
                with factory() as session:
                    return models.find_customers(session, "mar", limit=50)
            return run

        with sessions() as session:
            regular = models.find_customers(session, "mar", limit=1)[0].id

        def check_in() -> None:
            with counter.begin() as session:
                models.check_in(session, regular)

        def check_in_unaudited() -> None:
            with counter.begin() as session, models.audit.one_event_for_many(session):
                models.check_in(session, regular)

        def briefing() -> None:
            with counter() as session:
                load_briefing(session, now=datetime.now(UTC))

        runs = args.runs
        rows = [
            ("PIN check (scrypt)", median_ms(pin_check, max(5, runs // 3))),
            ("search 'mar', plain session", median_ms(search(sessions), runs)),
            ("search 'mar', signed-in session", median_ms(search(counter), runs)),
            ("check-in, audited", median_ms(check_in, runs)),
            ("check-in, no per-row audit", median_ms(check_in_unaudited, runs)),
            ("shift briefing", median_ms(briefing, max(5, runs // 3))),
        ]
        assert audit_trail.RECORD_TYPES  # the listener is installed by open_database
        for label, value in rows:
            print(f"{label:34} {value:8.2f} ms")
        sessions.kw["bind"].dispose()


if __name__ == "__main__":
    main()
