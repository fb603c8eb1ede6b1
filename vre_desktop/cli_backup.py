"""The backup subcommands: backup, restore and check (for owners, scripts and the shop's IT).

They work on the shop's SQLite file and never open it through the app's engine: ``check``
only reads, ``backup`` reads a consistent snapshot while the app keeps working, ``restore``
keeps the current database aside. For a PostgreSQL URL they say that pg_dump is the tool.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from vre_desktop.cli import CommandLineError

RETENTION_TEXT = "7 daily, 4 weekly, 12 monthly"


def backup(url: str, dest: str | None) -> int:
    from models.backups import human_size, make_backup, require_sqlite_path, rotate
    from models.base import utcnow
    from vre_desktop.paths import backup_dir

    database = require_sqlite_path(url)
    default_folder = backup_dir(url)
    folder = Path(dest).expanduser() if dest else default_folder
    if folder is None:  # pragma: no cover - require_sqlite_path already refused
        raise CommandLineError("there is no backup folder for this database")
    if folder.exists() and not folder.is_dir():
        raise CommandLineError(f"{folder} is a file; give the folder to write the backup into")
    started = time.perf_counter()
    info = make_backup(database, folder, reason="" if dest is None else "manual")
    seconds = time.perf_counter() - started
    print(f"Backed up {database.name} to {info.path} ({human_size(info.size)}, schema "
          f"{info.revision or 'none'}, integrity verified) in {seconds:.1f} s.")
    if dest is None or _same(folder, default_folder):
        result = rotate(folder, now=utcnow())
        removed = f"; removed {len(result.deleted)} older" if result.deleted else ""
        print(f"{len(result.kept)} backups kept in {folder} ({RETENTION_TEXT}){removed}.")
        for path, why in result.failed:
            print(f"  could not remove {path.name}: {why}")
    return 0


def _same(a: Path, b: Path | None) -> bool:
    if b is None:
        return False
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def restore(url: str, file: str, *, yes: bool) -> int:
    from models.backups import check_backup_file, human_size, require_sqlite_path
    from models.backups import restore as restore_backup
    from models.backups.inspection import count_rows
    from models.database import SCHEMA_REVISION
    from vre_desktop.paths import backup_dir

    database = require_sqlite_path(url)
    source = Path(file).expanduser()
    state = check_backup_file(source)
    counts = count_rows(source, state.tables)
    schema = f"schema {state.revision}"
    if state.revision != SCHEMA_REVISION:
        schema += f", upgraded to {SCHEMA_REVISION} when restored"
    print(f"{source.name}: a Velvet Rope backup ({human_size(state.size)}, {schema}), "
          f"{counts.get('customer', 0):,} regulars, {counts.get('visit', 0):,} visits; "
          "integrity ok.")
    if not yes:
        if not sys.stdin.isatty():
            raise CommandLineError(f"add --yes to replace the database at {database} with "
                                   f"{source.name}")
        answer = input(f"Replace the database at {database} with this backup? The current "
                       "one is kept aside. Close Velvet Rope first. Type yes: ")
        if answer.strip().lower() != "yes":
            print("Nothing was changed.")
            return 1
    from models.staff import COMMAND_LINE

    result = restore_backup(source, database, backup_folder=backup_dir(url), checked=state,
                            actor=COMMAND_LINE.name)
    print(f"Restored {database} from {source.name}"
          + (" (schema upgraded)." if result.upgraded else "."))
    if result.set_aside is not None:
        print(f"The previous database was kept as {result.set_aside}.")
    if result.safety_backup is not None:
        print(f"A verified backup of it is {result.safety_backup.path}.")
    return 0


def check(url: str, *, quick: bool) -> int:
    from models.backups import check_database, human_size, require_sqlite_path
    from models.database import SCHEMA_REVISION

    database = require_sqlite_path(url)
    report = check_database(database, full=not quick)
    state = report.state
    size = state.size + _wal_size(database)
    print(f"Database:  {database}" + (f" ({human_size(size)})" if state.size else ""))
    which = "quick_check" if quick else "integrity_check"
    timing = f", {state.check_seconds:.2f} s" if state.check != "none" else ""
    print(f"Integrity: {report.integrity} ({which}{timing})")
    known = "" if state.revision in (None, SCHEMA_REVISION) else " — differs"
    print(f"Schema:    {state.revision or 'none'} (this version: {SCHEMA_REVISION}){known}")
    if report.counts:
        width = max(len(table) for table in report.counts)
        print("Rows:")
        for table, count in report.counts.items():
            print(f"  {table.ljust(width)}  {count:>12,}")
    from vre_desktop.network_share import warning_for

    if warning := warning_for(database):
        print(f"Warning:   {warning}")
    if report.ok:
        print("No problems found.")
        return 0
    for problem in report.problems:
        print(f"Problem:   {problem}")
    return 1


def _wal_size(database: Path) -> int:
    try:
        return database.with_name(database.name + "-wal").stat().st_size
    except OSError:
        return 0


def run_backup_command(url: str, args: argparse.Namespace) -> int:
    """Dispatch ``backup``, ``restore``, ``check`` and ``bench-backup`` (see cli.py)."""
    if args.command == "backup":
        return backup(url, args.dest)
    if args.command == "restore":
        return restore(url, args.file, yes=args.yes)
    if args.command == "check":
        return check(url, quick=args.quick)
    from vre_desktop.bench_backup import run_backup_benchmark

    return run_backup_benchmark(customers=args.customers,
                                visits_per_customer=args.visits_per_customer,
                                as_json=args.json, keep_dir=args.keep)
