"""``seed_customers``: many synthetic regulars, written a batch per transaction.

The batches are planned up front (ids, customers and the visit target of each), then
generated one at a time and written before the next is made, so memory stays bounded and an
interrupted seed leaves whole, consistent customers.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from models.database import SessionFactory
from models.seeding.generator import RegularGenerator, allocate_visits, aware_now
from models.seeding.rows import Documents, Encoder, Rows, add_rows
from models.seeding.writer import begin_batch, bulk_connection, next_customer_id, write_rows

HISTORY_DAYS = 730  # visits over the last two years
BULK_CACHE_KIB = 65_536  # SQLite page cache while seeding (64 MiB)
BATCH_VISITS = 200_000  # visit rows per transaction, at most
BATCH_MIN_CUSTOMERS = 1_000
BATCH_MAX_CUSTOMERS = 20_000


@dataclass(frozen=True)
class Batch:
    first_id: int
    customers: int
    visits: int  # the target; the allocation comes out within a fraction of a percent


@dataclass(frozen=True)
class Plan:
    seed: int
    now: datetime
    history_days: int
    batches: tuple[Batch, ...]
    avoid: frozenset[str] = frozenset()  # names and descriptions not to generate


def plan_batches(first_id: int, customers: int, visits_per_customer: float) -> list[Batch]:
    """Customers per transaction: ~BATCH_VISITS visit rows (~50 MB) in memory at most."""
    size = max(BATCH_MIN_CUSTOMERS, min(
        BATCH_MAX_CUSTOMERS, int(BATCH_VISITS / max(visits_per_customer, 1.0))))
    # A smaller first batch, so the first progress report comes sooner. The split is part of
    # what a seed generates (visits are allocated batch by batch): changing it changes the data.
    sizes = [min(size, max(BATCH_MIN_CUSTOMERS, size // 8))] if customers > size else []
    while sum(sizes) < customers:
        sizes.append(min(size, customers - sum(sizes)))
    batches = []
    start = first_id
    owed = 0.0  # fractional visits carried between batches, so the total stays on target
    for count in sizes:
        owed += count * visits_per_customer
        batches.append(Batch(start, count, int(owed)))
        owed -= int(owed)
        start += count
    return batches


def generate_batches(plan: Plan, encoder: Encoder) -> Iterator[Rows]:
    """The rows of the plan's batches, each made only when the previous one has been taken."""
    gen = RegularGenerator(random.Random(plan.seed), plan.now, plan.history_days)
    documents = Documents()
    for batch in plan.batches:
        regulars = []
        for customer_id in range(batch.first_id, batch.first_id + batch.customers):
            regular = gen.regular(customer_id)
            while (regular.name or regular.description) in plan.avoid:
                regular = gen.regular(customer_id)
            regulars.append(regular)
        rows = Rows()
        for regular, count in zip(regulars, allocate_visits(gen.rng, regulars, batch.visits),
                                  strict=True):
            add_rows(rows, encoder, documents, gen, regular, gen.visit_times(regular, count))
        yield rows


@dataclass(frozen=True)
class SeedSummary:
    """What seed_customers added, and how long it took."""

    customers: int
    visits: int
    notes: int
    seconds: float


def _run(
    connection: Connection, plan: Plan, progress: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """Write the plan's batches, one transaction each; returns (visits, notes) written."""
    encoder = Encoder.for_connection(connection)
    total = sum(b.customers for b in plan.batches)
    done = visits = notes = 0
    for batch, rows in zip(plan.batches, generate_batches(plan, encoder), strict=True):
        with connection.begin():
            if begin_batch(connection) != batch.first_id:
                raise RuntimeError(
                    "Another program added regulars while seeding; seed a database that "
                    "nothing else is writing to."
                )
            write_rows(connection, encoder, rows)
        done += batch.customers
        visits += len(rows.visits)
        notes += len(rows.notes)
        if progress is not None:
            progress(done, total)
    return visits, notes


def seed_customers(
    sessions: SessionFactory,
    customers: int,
    *,
    visits_per_customer: float = 20.0,
    seed: int = 1,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SeedSummary:
    """Add ``customers`` synthetic regulars with about ``visits_per_customer`` visits each.

    Visits spread over the last two years with a realistic skew (a few daily regulars, many
    occasional customers, some who stopped coming), about half a note per customer. Appends to
    what is there (ids continue after the highest one). Each batch of up to 20,000 customers
    is one transaction, so an interrupted seed leaves whole, consistent customers;
    ``progress(done, total)`` is called after each batch. The same seed and ``now`` give the
    same data (visit times follow the local clock's opening hours).
    """
    if customers < 0:
        raise ValueError("customers must not be negative")
    if not (visits_per_customer >= 0 and math.isfinite(visits_per_customer)):
        raise ValueError("visits_per_customer must be a non-negative number")
    started = time.perf_counter()
    now = aware_now(now)
    with bulk_connection(sessions, BULK_CACHE_KIB) as connection:
        first_id = next_customer_id(connection)
        connection.commit()
        plan = Plan(seed, now, HISTORY_DAYS,
                    tuple(plan_batches(first_id, customers, visits_per_customer)))
        visits, notes = _run(connection, plan, progress)
    return SeedSummary(customers, visits, notes, time.perf_counter() - started)

