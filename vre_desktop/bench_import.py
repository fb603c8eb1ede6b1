"""``vre-desktop bench-import``: how long importing, re-importing, exporting and forgetting take.

Writes a Square customer-directory CSV of N rows with the quirks real exports have (apostrophe
phone numbers, memos with commas and line breaks, three birthday shapes, first/last visit and a
transaction count), imports it into an empty SQLite database, imports it again (every row should
come back "already up to date"), exports everything as JSON and CSV, and forgets one customer.
For scale, it also times SQLite alone storing what the import stored (the same rows, already
in memory, bulk-inserted into an empty database with the search index built once): the floor
that no import from a file can beat on this machine. Prints the numbers; asserts nothing.
"""

from __future__ import annotations

import csv
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

SQUARE_HEADER = [
    "Reference ID", "First Name", "Last Name", "Email Address", "Phone Number", "Nickname",
    "Company Name", "Street Address 1", "Street Address 2", "City", "State", "Postal Code",
    "Birthday", "Memo", "Square Customer ID", "Creation Source", "First Visit", "Last Visit",
    "Transaction Count", "Lifetime Spend", "Email Subscription Status", "Instant Profile",
    "Blocked from online booking",
]
FIRST = ["Zoë", "José", "Maggie", "Kate", "Shiv", "Aiko", "Omar", "Lena", "Pepe", "Ana", "Wei",
         "Noor", "Finn", "Ines", "Raj", "Mia"]
LAST = ["Park", "Alvarez", "Chen", "Lee", "Patel", "Tanaka", "Haddad", "Berg", "Rossi", "Silva",
        "Wang", "Khan", "Murphy", "Costa", "Singh", "Novak"]
MEMOS = ["oat flat white, extra hot", "Ask about the Lisbon trip.\nHas a corgi called Biscuit",
         "coeliac — no gluten", "", "", "likes the window seat", "pays cash, \"no receipt\""]


def write_square_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(SQUARE_HEADER)
        for n in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            birthday = rng.choice([f"{1960 + n % 40}-{month:02d}-{day:02d}",
                                   f"{month:02d}-{day:02d}-{1960 + n % 40}",
                                   f"{month:02d}-{day:02d}", ""])
            phone = rng.choice([f"'+1213{n:07d}", f"(213) {n // 10000:03d}-{n % 10000:04d}",
                                f"213.{n // 10000:03d}.{n % 10000:04d}"])
            writer.writerow([
                f"R{n}", first, last, f"{first.lower()}.{n}@example.com", phone,
                rng.choice(["", "", first[:3]]), "", "1 Main St", "", "Springfield", "CA",
                "90210", birthday, rng.choice(MEMOS), f"SQ{n:08d}",
                rng.choice(["Directory", "Instant Profile (via Payment)"]),
                f"2024-{month:02d}-{day:02d}", f"2026-{month:02d}-{day:02d}",
                str(rng.randint(1, 200)), f"${rng.randint(5, 2000)}.00", "subscribed", "No", "No",
            ])


def run_import_benchmark(rows: int, *, as_json: bool = False) -> int:
    import models
    from models.exporting import export_csv, export_json
    from models.importing import import_parsed, read_file
    from models.privacy import checkpoint, forget_customer

    results: dict[str, Any] = {"rows": rows}
    with tempfile.TemporaryDirectory(prefix="vre-bench-import-") as folder:
        base = Path(folder)
        source = base / "square.csv"
        write_square_csv(source, rows)
        results["file_mb"] = round(source.stat().st_size / 1e6, 1)
        sessions = models.open_database(f"sqlite:///{base / 'shop.sqlite3'}")

        started = time.perf_counter()
        parsed = read_file(source)
        results["parse_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        with sessions.begin() as session:
            report = import_parsed(session, parsed, source_name=source.name)
        results["import_s"] = round(time.perf_counter() - started, 2)
        results["created"], results["updated"] = report.created, report.updated
        results["combined"], results["skipped"] = report.combined, len(report.skipped)

        results["raw_load_s"] = _raw_load_seconds(base / "shop.sqlite3", base / "raw.sqlite3")

        started = time.perf_counter()
        with sessions.begin() as session:
            again = import_parsed(session, read_file(source), source_name=source.name)
        results["reimport_s"] = round(time.perf_counter() - started, 2)
        results["reimport_changed"] = again.created + again.updated

        for name, writer, suffix in (("export_json", export_json, "json"),
                                     ("export_csv", export_csv, "csv")):
            target = base / f"export.{suffix}"
            started = time.perf_counter()
            writer(sessions, target)
            results[f"{name}_s"] = round(time.perf_counter() - started, 2)
            results[f"{name}_mb"] = round(target.stat().st_size / 1e6, 1)

        started = time.perf_counter()
        with sessions.begin() as session:
            forget_customer(session, rows // 2 or 1)
        with sessions.begin() as session:
            checkpoint(session)
        results["forget_s"] = round(time.perf_counter() - started, 2)
        sessions.kw["bind"].dispose()

    if as_json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"Square CSV, {rows:,} rows ({results['file_mb']} MB)")
    print(f"  parse                 {results['parse_s']:6.2f} s")
    print(f"  import (empty db)     {results['import_s']:6.2f} s   {results['created']:,} added, "
          f"{results['combined']:,} combined, {results['skipped']:,} skipped")
    print(f"  raw SQLite floor      {results['raw_load_s']:6.2f} s   the same rows, "
          "prepared in memory, bulk-inserted, search index built once")
    print(f"  re-import same file   {results['reimport_s']:6.2f} s   "
          f"{results['reimport_changed']:,} changed")
    print(f"  export JSON           {results['export_json_s']:6.2f} s   "
          f"{results['export_json_mb']} MB")
    print(f"  export CSV            {results['export_csv_s']:6.2f} s   "
          f"{results['export_csv_mb']} MB")
    print(f"  forget one customer   {results['forget_s']:6.2f} s")
    return 0


_RAW_TABLES = ("customer", "customer_tag", "note", "visit", "search_document")


def _raw_load_seconds(imported: Path, target: Path) -> float:
    """Seconds SQLite alone takes to store the rows the import stored (see the docstring)."""
    import sqlite3

    import models
    from models.migrations.fts import SEARCH_TRIGGERS, sqlite_index_rows_sql, sqlite_trigger_sql

    models.open_database(f"sqlite:///{target}").kw["bind"].dispose()  # an empty, migrated file
    with sqlite3.connect(imported) as source:
        rows = {table: source.execute(f"SELECT * FROM {table}").fetchall()
                for table in _RAW_TABLES}
    connection = sqlite3.connect(target, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA cache_size = -65536")
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        for trigger in SEARCH_TRIGGERS:
            connection.execute(f"DROP TRIGGER {trigger}")
        for table, values in rows.items():
            if values:
                marks = ", ".join("?" * len(values[0]))
                connection.executemany(f"INSERT INTO {table} VALUES ({marks})",
                                       values)
        for statement in (*sqlite_index_rows_sql("1"), *sqlite_trigger_sql()):
            connection.execute(statement)
        connection.execute("COMMIT")
        return round(time.perf_counter() - started, 2)
    finally:
        connection.close()
