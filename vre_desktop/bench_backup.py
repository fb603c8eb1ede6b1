"""vre-desktop bench-backup: how long backups and integrity checks take on a seeded shop.

Seeds a temporary database (like ``vre-desktop bench``), then measures: the online backup (the
page copy and the verification of the copy apart), its size, the start-up inspection with
``quick_check``, ``quick_check`` and ``integrity_check`` warm and with the file dropped from the
OS cache (``posix_fadvise``, where the OS has it: an approximation of a cold start), and a
restore. Each warm figure is the median of three runs.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import models
from models.backups import inspect_database_file, make_backup, restore
from models.backups.files import connect_read_only, integrity_lines
from models.seeding import seed_customers, seed_problems

REPEAT = 3


def _note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _drop_from_cache(path: Path) -> bool:
    """Ask the OS to forget the file's cached pages (clean pages only; no root needed)."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return False
    for candidate in (path, path.with_name(path.name + "-wal")):
        if candidate.exists():
            descriptor = os.open(candidate, os.O_RDONLY)
            try:
                advise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(descriptor)
    return True


def _seconds(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _check(path: Path, *, full: bool) -> None:
    connection = connect_read_only(path)
    try:
        lines = integrity_lines(connection, full=full)
    finally:
        connection.close()
    if lines != ["ok"]:
        raise RuntimeError(f"the seeded database failed its check: {lines[0]}")


def measure(path: Path, backups: Path) -> dict[str, object]:
    cold = _drop_from_cache(path)
    quick_cold = _seconds(lambda: _check(path, full=False)) if cold else float("nan")
    quick = statistics.median(_seconds(lambda: _check(path, full=False)) for _ in range(REPEAT))
    inspect = statistics.median(
        _seconds(lambda: inspect_database_file(path, check="quick")) for _ in range(REPEAT))
    structural = statistics.median(
        _seconds(lambda: inspect_database_file(path, check="none")) for _ in range(REPEAT))
    if cold:
        _drop_from_cache(path)
    full_cold = _seconds(lambda: _check(path, full=True)) if cold else float("nan")
    full = statistics.median(_seconds(lambda: _check(path, full=True)) for _ in range(REPEAT))
    runs = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        info = make_backup(path, backups)
        runs.append((time.perf_counter() - started, info))
    total, info = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
    live = backups.parent / "restored.sqlite3"
    shutil.copyfile(path, live)
    restore_s = _seconds(lambda: restore(info.path, live, backup_folder=backups / "safety"))
    return {
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "backup_mb": round(info.size / 2**20, 1),
        "backup_s": round(total, 3),
        "backup_copy_s": round(info.copy_seconds, 3),
        "backup_verify_s": round(info.verify_seconds, 3),
        "startup_inspection_s": round(inspect, 3),
        "structural_inspection_s": round(structural, 4),
        "quick_check_s": round(quick, 3),
        "quick_check_cold_s": round(quick_cold, 3),
        "integrity_check_s": round(full, 3),
        "integrity_check_cold_s": round(full_cold, 3),
        "restore_s": round(restore_s, 3),
    }


LABELS = {
    "file_mb": "database file (MB)",
    "backup_mb": "backup file (MB)",
    "backup_s": "backup, verified (s)",
    "backup_copy_s": "  of which the page copy (s)",
    "backup_verify_s": "  of which integrity_check on the copy (s)",
    "startup_inspection_s": "start-up inspection with quick_check (s)",
    "structural_inspection_s": "start-up inspection, structure only (s)",
    "quick_check_s": "quick_check, warm (s)",
    "quick_check_cold_s": "quick_check, file not cached (s)",
    "integrity_check_s": "integrity_check, warm (s)",
    "integrity_check_cold_s": "integrity_check, file not cached (s)",
    "restore_s": "restore: check, copy, back up current, swap (s)",
}


def run_backup_benchmark(*, customers: int, visits_per_customer: float, as_json: bool,
                         keep_dir: str | None = None) -> int:
    folder = Path(keep_dir) if keep_dir else Path(tempfile.mkdtemp(prefix="vre-bench-backup-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench.sqlite3"
    try:
        sessions = models.open_database(f"sqlite:///{path}")
        with sessions() as session:
            seeded = models.count_customers(session)
        if seeded < customers:
            _note(f"seeding {customers - seeded:,} regulars …")
            seed_customers(sessions, customers - seeded, visits_per_customer=visits_per_customer)
            seed_problems(sessions)
        with sessions() as session:
            counts = {
                "customers": models.count_customers(session),
                "visits": int(session.connection().exec_driver_sql(
                    "SELECT count(*) FROM visit").scalar() or 0),
            }
        sessions.kw["bind"].dispose()  # the last connection folds the WAL into the file
        checkpoint = sqlite3.connect(path)
        checkpoint.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        checkpoint.close()
        _note("measuring …")
        backups = folder / "backups"
        shutil.rmtree(backups, ignore_errors=True)
        figures = measure(path, backups)
        report = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                       f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
            **counts, **figures,
        }
        if as_json:
            print(json.dumps(report, indent=2))
        else:
            print(f"{report['machine']}; {counts['customers']:,} regulars, "
                  f"{counts['visits']:,} visits")
            for key, label in LABELS.items():
                print(f"  {label.ljust(48)} {figures[key]}")
        return 0
    finally:
        if not keep_dir:
            shutil.rmtree(folder, ignore_errors=True)
