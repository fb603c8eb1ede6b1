"""The data subcommands: import, export and forget (for owners, scripts and e-mailed requests).

Each prints a short report on stdout, progress on stderr when it is a terminal, and exits
non-zero with one plain line when it cannot do what was asked.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from vre_desktop.cli import CommandLineError


def _progress(verb: str) -> Callable[[int, int], bool]:
    def show(done: int, total: int) -> bool:
        if sys.stderr.isatty() and total:
            print(f"\r{verb}: {done:,}/{total:,}", end="", file=sys.stderr, flush=True)
        return True

    return show


def _end_progress() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)


def import_file(url: str, file: str, *, fmt: str, dry_run: bool, by: str) -> int:
    import models
    from models.importing import ImportFileError, import_parsed, preview_import, read_file

    path = Path(file)
    try:
        parsed = read_file(path, fmt)
    except ImportFileError as exc:
        message = str(exc)
        raise CommandLineError(message if path.name in message
                               else f"{path.name}: {message}") from None
    except OSError as exc:
        raise CommandLineError(f"cannot read {file}: {exc.strerror or exc}") from None
    sessions = models.open_database(url)
    if dry_run:
        with sessions() as session:
            report = preview_import(session, parsed)
    else:
        with sessions.begin() as session:
            report = import_parsed(session, parsed, progress=_progress("importing"), actor=by,
                                   source_name=path.name)
        _end_progress()
    print(f"{path.name}: {parsed.format_label}, {len(parsed.records) + len(parsed.skipped):,} "
          f"rows ({parsed.encoding}).")
    print(report.summary())
    for row in report.skipped:
        print(f"  line {row.line}: skipped: {row.reason}")
    for warning in report.warnings:
        print(f"  {warning}")
    if dry_run:
        print("Dry run: nothing was changed.")
    return 0


def export_file(url: str, file: str, *, fmt: str | None) -> int:
    import models
    from models.exporting import export_csv, export_json

    path = Path(file)
    chosen = fmt or ("csv" if path.suffix.lower() == ".csv" else "json")
    if not path.parent.exists():
        raise CommandLineError(f"the folder {path.parent} does not exist")
    sessions = models.open_database(url)
    writer = export_csv if chosen == "csv" else export_json
    try:
        summary = writer(sessions, path, progress=_progress("exporting"))
    except OSError as exc:
        raise CommandLineError(f"cannot write {file}: {exc.strerror or exc}") from None
    finally:
        _end_progress()
    print(f"Exported {summary.customers:,} customers, {summary.visits:,} visits, "
          f"{summary.notes:,} notes and {summary.problems:,} problems to {path} "
          f"({chosen.upper()}).")
    return 0


def forget(url: str, customer_id: int, *, yes: bool, by: str) -> int:
    import models
    from models.privacy import checkpoint, forget_customer

    sessions = models.open_database(url)
    with sessions() as session:
        card = models.load_card(session, customer_id)
    who = card.name or card.goes_by or card.description[:40] or "this customer"
    if not yes:
        if not sys.stdin.isatty():
            raise CommandLineError(f"add --yes to forget {who} (#{customer_id})")
        answer = input(f"Erase every personal detail of {who} (#{customer_id})? "
                       "This cannot be undone. Type yes: ")
        if answer.strip().lower() != "yes":
            print("Nothing was changed.")
            return 1
    with sessions.begin() as session:
        summary = forget_customer(session, customer_id, actor=by)
    with sessions.begin() as session:
        checkpoint(session)
    print(f"Forgot customer #{customer_id}: profile, {summary.notes_removed} notes and every "
          f"problem text erased; {summary.visits_kept} visits and {summary.problems_kept} "
          "problems kept as anonymous counts.")
    return 0
