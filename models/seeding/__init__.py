"""Synthetic regulars: bulk data for benchmarks and a warm, believable shop for ``--demo``.

``seed_customers`` writes a batch of customers per transaction straight to the tables (Core
inserts, no ORM objects), computing the denormalised ``visit_count`` / ``last_visit_at`` and the
search documents in Python, so the database is exactly what the services would have left (the
tests compare it with ``refresh_document``). On SQLite it is tuned for speed: rows are bound
already in SQLAlchemy's storage format and go straight to the driver's executemany, and each
batch is full-text indexed with one INSERT … SELECT per index instead of row triggers. The
same seed and ``now`` give the same rows on every path. Everything runs in this process.

``create_demo_data`` uses the same generator for a few hundred regulars over six months, plus
a handful of hand-written ones that testers look for (Zoë Park, José Alvarez, the corgi owner).

E-mail addresses use the reserved example.* domains; no card numbers or other payment details
are ever generated.

The modules, each building on the ones before it:

- ``vocabulary``: the word lists (names by culture, the menu, preferences, notes, tags …);
- ``generator``: regulars and their visit times, drawn deterministically from one seed;
- ``rows``: a regular as rows of the five tables, with its search document;
- ``writer``: inserting a batch of rows, on SQLite by the fast path;
- ``bulk``: ``seed_customers``, a planned series of batches;
- ``problems``: ``seed_problems``, a share of regulars with a problem and its recovery;
- ``demo``: ``create_demo_data`` and its hand-written regulars (``demo_problems``: their stories).
"""

from models.seeding.bulk import SeedSummary, seed_customers
from models.seeding.demo import create_demo_data
from models.seeding.problems import seed_problems

__all__ = ["SeedSummary", "create_demo_data", "seed_customers", "seed_problems"]
