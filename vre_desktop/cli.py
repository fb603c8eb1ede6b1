"""The vre-desktop command: start the app, or run one of the subcommands for scripts and IT."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import NoReturn

from vre_desktop import __version__

log = logging.getLogger(__name__)


class CommandLineError(Exception):
    """A problem the person at the keyboard can fix; printed as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--database-url", metavar="URL", default=argparse.SUPPRESS,
        help="SQLAlchemy URL of the database (default: $VRE_DATABASE_URL, else a SQLite file "
        "in the user data directory)",
    )
    parser = _Parser(
        prog="vre-desktop",
        description="Velvet Rope Desktop: remember your regulars at the front counter.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"vre-desktop {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="open a throwaway database full of demo regulars")
    parser.add_argument("--verbose", action="store_true", help="log debug details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    find = sub.add_parser("find", parents=[common], help="search regulars like the search box")
    find.add_argument("text", metavar="TEXT", help="name, phone digits, or any word")
    find.add_argument("--limit", type=_limit, default=50, metavar="N",
                      help=f"at most N results (1–{MAX_LIMIT:,}; default 50)")
    find.add_argument("--json", action="store_true", help="print JSON instead of a table")

    problems = sub.add_parser(
        "problems", parents=[common],
        help="list problems: customer, category, severity, status, what was done, outcome")
    problems.add_argument("--open", action="store_true", help="only problems still open")
    problems.add_argument("--since", type=_date, metavar="DATE",
                          help="only problems on or after DATE (YYYY-MM-DD, local time)")
    problems.add_argument("--json", action="store_true", help="print JSON instead of a table")

    importing = sub.add_parser(
        "import", parents=[common],
        help="bring in customers from Square, Shopify, Google Contacts, vCard, CSV or JSON")
    importing.add_argument("file", metavar="FILE", help="the exported file")
    importing.add_argument("--format", default="auto", choices=IMPORT_FORMATS,
                           help="the file's format (default: detect from the file)")
    importing.add_argument("--dry-run", action="store_true",
                           help="print what would happen without changing anything")
    importing.add_argument("--by", default="", metavar="NAME",
                           help="who is importing (for the audit trail)")

    export = sub.add_parser(
        "export", parents=[common],
        help="write every customer with everything about them to a JSON or CSV file")
    export.add_argument("file", metavar="FILE", help="where to write (.json or .csv)")
    export.add_argument("--format", choices=("json", "csv"),
                        help="default: from the file name, else json")

    forget = sub.add_parser(
        "forget", parents=[common],
        help="erase one customer's personal data on their request (keeps anonymous counts)")
    forget.add_argument("customer_id", type=_positive_int, metavar="CUSTOMER_ID")
    forget.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    forget.add_argument("--by", default="", metavar="NAME",
                        help="who handled the request (for the audit trail)")

    migrate = sub.add_parser(
        "migrate-to", parents=[common],
        help="copy the whole SQLite database into an empty PostgreSQL database and verify it")
    migrate.add_argument("target", metavar="URL",
                         help="the PostgreSQL database, e.g. postgresql+psycopg://user@host/db")

    seed = sub.add_parser("seed", parents=[common],
                          help="add synthetic regulars with visits and notes (for benchmarks)")
    seed.add_argument("--customers", type=_positive_int, required=True, metavar="N")
    seed.add_argument("--visits-per-customer", type=_non_negative_float, default=20.0,
                      metavar="F")
    seed.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    bench = sub.add_parser(
        "bench", parents=[common], help="measure search, typing, start-up and memory; with "
        "--database-url, only search on that database as it is (any engine)")
    bench.add_argument("--customers", type=_positive_int, default=100_000, metavar="N")
    bench.add_argument("--visits-per-customer", type=_non_negative_float, default=20.0,
                       metavar="F")
    bench.add_argument("--json", action="store_true", help="print JSON instead of a table")
    bench.add_argument("--keep", metavar="DIR", help="build the database in DIR and keep it")

    bench_import = sub.add_parser(
        "bench-import", help="measure importing, re-importing, exporting and forgetting")
    bench_import.add_argument("--rows", type=_positive_int, default=100_000, metavar="N")
    bench_import.add_argument("--json", action="store_true", help="print JSON")
    _add_backup_commands(sub, common)
    from vre_desktop.cli_report import add_report_commands

    add_report_commands(sub, common)
    from vre_desktop.cli_audit import add_audit_command

    add_audit_command(sub, common)
    from vre_desktop.cli_staff import add_staff_commands

    add_staff_commands(sub, common)
    return parser


def _add_backup_commands(sub: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    backup = sub.add_parser(
        "backup", parents=[common],
        help="make a verified copy of the SQLite database (default: the backups folder, "
        "which keeps 7 daily, 4 weekly and 12 monthly copies)")
    backup.add_argument("dest", nargs="?", metavar="DEST",
                        help="folder to write the copy into (default: $VRE_BACKUP_DIR, else "
                        "the backups folder beside the database)")
    restore = sub.add_parser(
        "restore", parents=[common],
        help="replace the database with a backup (checked first; the current database is "
        "backed up and kept aside). Close the app first")
    restore.add_argument("file", metavar="FILE", help="the backup file (.sqlite3)")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    check = sub.add_parser(
        "check", parents=[common],
        help="integrity, schema version and row counts; exits non-zero on any problem")
    check.add_argument("--quick", action="store_true",
                       help="SQLite's quick_check instead of the full integrity_check")
    bench_backup = sub.add_parser(
        "bench-backup", help="measure backup, quick_check and integrity_check times")
    bench_backup.add_argument("--customers", type=_positive_int, default=100_000, metavar="N")
    bench_backup.add_argument("--visits-per-customer", type=_non_negative_float, default=20.0,
                              metavar="F")
    bench_backup.add_argument("--json", action="store_true", help="print JSON")
    bench_backup.add_argument("--keep", metavar="DIR", help="build the database in DIR and keep it")


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return number


MAX_LIMIT = 1000
# The keys of models.importing.reading.FORMATS, listed here so --help needs no models import.
IMPORT_FORMATS = ("auto", "square", "shopify", "google", "vcard", "csv", "json")


def _limit(value: str) -> int:
    number = _positive_int(value)
    if number > MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"{value} is more than {MAX_LIMIT:,}")
    return number


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-11-01") from None


def _non_negative_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value} must not be negative")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from vre_desktop.logging_setup import configure_logging

    log_file = configure_logging(verbose=args.verbose)
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        return 130
    except CommandLineError as exc:
        print(f"vre-desktop: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        from models import DatabaseError, NotFoundError, ValidationError

        if isinstance(exc, DatabaseError | NotFoundError | ValidationError):
            print(f"vre-desktop: {exc}", file=sys.stderr)
            return 1
        from vre_desktop.logging_setup import FILE_ONLY

        log.exception("unexpected error", extra=FILE_ONLY)
        where = f" (details in {log_file})" if log_file else ""
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"vre-desktop: unexpected error: {first_line}{where}", file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace) -> int:
    from vre_desktop.paths import resolve_database_url

    url, is_default = resolve_database_url(getattr(args, "database_url", None))
    if args.command == "find":
        return _find(url, args.text, args.limit, args.json)
    if args.command == "problems":
        return _problems(url, open_only=args.open, since=args.since, as_json=args.json)
    if args.command == "import":
        from vre_desktop.cli_data import import_file

        return import_file(url, args.file, fmt=args.format, dry_run=args.dry_run, by=args.by)
    if args.command == "export":
        from vre_desktop.cli_data import export_file

        return export_file(url, args.file, fmt=args.format)
    if args.command == "forget":
        from vre_desktop.cli_data import forget

        return forget(url, args.customer_id, yes=args.yes, by=args.by)
    if args.command == "migrate-to":
        from vre_desktop.cli_migrate import migrate_to

        return migrate_to(url, args.target)
    if args.command == "seed":
        return _seed(url, is_default, args.customers, args.visits_per_customer, args.seed)
    if args.command in ("backup", "restore", "check", "bench-backup"):
        from vre_desktop.cli_backup import run_backup_command

        return run_backup_command(url, args)
    if args.command == "audit":
        from vre_desktop.cli_audit import run_audit

        return run_audit(url, args)
    if args.command == "staff":
        from vre_desktop.cli_staff import run_staff

        return run_staff(url, args)
    if args.command == "report":
        from vre_desktop.cli_report import run_report

        return run_report(url, args)
    if args.command == "bench-reports":
        from vre_desktop.bench_reports import run_reports_benchmark

        return run_reports_benchmark(
            customers=args.customers, visits_per_customer=args.visits_per_customer,
            runs=args.runs, as_json=args.json, keep_dir=args.keep,
        )
    if args.command == "bench-import":
        from vre_desktop.bench_import import run_import_benchmark

        return run_import_benchmark(args.rows, as_json=args.json)
    if args.command == "bench":
        from vre_desktop.bench import run_benchmark, run_search_benchmark

        if getattr(args, "database_url", None):  # given explicitly, not from the environment
            return run_search_benchmark(args.database_url, as_json=args.json)
        return run_benchmark(
            customers=args.customers, visits_per_customer=args.visits_per_customer,
            as_json=args.json, keep_dir=args.keep,
        )
    from vre_desktop.app import run_gui

    return run_gui(url, demo=args.demo)


def _find(url: str, text: str, limit: int, as_json: bool) -> int:
    import models

    sessions = models.open_database(url)
    with sessions() as session:
        matches = models.find_customers(session, text, limit=limit)
    if as_json:
        print(json.dumps([m.to_json() for m in matches], ensure_ascii=False, indent=2))
        return 0
    if not matches:
        print(f"No regular matches {text!r}.")
        return 0
    rows = [
        (str(m.id), m.display_name, m.phone, m.usual, str(m.visits),
         models.relative_day(m.last_visit))
        for m in matches
    ]
    print(_table(("id", "name", "phone", "usual", "visits", "last visit"), rows))
    return 0


def _problems(url: str, *, open_only: bool, since: date | None, as_json: bool) -> int:
    import models

    start = datetime.combine(since, time.min).astimezone() if since else None
    sessions = models.open_database(url)
    with sessions() as session:
        problems = models.list_problems(session, open_only=open_only, since=start)
    if as_json:
        print(json.dumps([p.to_json() for p in problems], ensure_ascii=False, indent=2))
        return 0
    if not problems:
        print("No open problems." if open_only else "No problems logged.")
        return 0
    rows = [
        (str(p.id), f"{p.occurred_at.astimezone():%Y-%m-%d %H:%M}", p.customer, p.category,
         p.severity, p.status,
         ", ".join(models.ACTION_LABELS[a.kind] for a in p.actions) or "—",
         models.OUTCOME_LABELS[p.outcome] if p.outcome else "—")
        for p in problems
    ]
    print(_table(("id", "when", "regular", "category", "severity", "status", "made right",
                  "outcome"), rows))
    return 0


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], width: int = 40) -> str:
    clipped = [[c if len(c) <= width else c[: width - 1] + "…" for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in clipped)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
              for r in clipped]
    return "\n".join(lines)


def _seed(url: str, is_default: bool, customers: int, visits: float, seed: int) -> int:
    import models
    from models.seeding import seed_customers, seed_problems

    sessions = models.open_database(url)
    if is_default:
        with sessions() as session:
            existing = models.count_customers(session)
        if existing:
            raise CommandLineError(
                f"the shop's database already holds {existing:,} regulars; seed synthetic data "
                "into another database with --database-url"
            )

    def progress(done: int, total: int) -> None:
        print(f"\rseeding: {done:,}/{total:,} regulars", end="", file=sys.stderr, flush=True)

    summary = seed_customers(sessions, customers, visits_per_customer=visits, seed=seed,
                             progress=progress)
    problems = seed_problems(sessions, seed=seed)
    print(file=sys.stderr)
    print(f"Added {summary.customers:,} regulars, {summary.visits:,} visits, "
          f"{summary.notes:,} notes and {problems:,} problems in {summary.seconds:.1f} s.")
    return 0
