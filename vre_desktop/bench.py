"""vre-desktop bench: seed a temporary database and measure what a clerk feels.

Search latency by kind of query through the service, beside the same match run straight against
SQLite with no ranking (the floor); keystroke-to-painted-results in the real window; cold start
to an interactive window; peak memory of the app process. Everything is measured in this run,
on this machine, so the ratios compare like with like.
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import models
from models.search.backends import fts5_phrase
from models.search.folding import compact, digits, words
from models.seeding import seed_customers, seed_problems

SAMPLES_PER_KIND = 200
STARTS = 5


@dataclass
class SearchFigure:
    kind: str
    example: str
    p50_ms: float
    p95_ms: float
    raw_p50_ms: float
    raw_p95_ms: float
    mean_results: float

    @property
    def ratio(self) -> float:
        return self.p50_ms / self.raw_p50_ms if self.raw_p50_ms else float("nan")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


_PEOPLE_SQL = (
    "SELECT name, goes_by, phone FROM customer WHERE name != '' ORDER BY random() LIMIT 4000"
)
_NOTES_SQL = "SELECT text FROM note ORDER BY random() LIMIT 2000"


def sample_queries(path: Path, rng: random.Random) -> dict[str, list[tuple[str, str]]]:
    """(what a clerk types, the raw FTS5 match with no ranking) per kind, from real rows."""
    with sqlite3.connect(path) as db:
        people = db.execute(_PEOPLE_SQL).fetchall()
        notes = [r[0] for r in db.execute(_NOTES_SQL)]
    return queries_from(people, notes, rng)


def queries_from(
    people: list[Any], notes: list[str], rng: random.Random
) -> dict[str, list[tuple[str, str]]]:
    latin = [w for n, _, _ in people for w in words(n) if w.isascii() and len(w) >= 6]
    phones = [digits(p) for _, _, p in people if len(digits(p)) >= 7]
    note_words = [w for text in notes for w in words(text) if len(w) >= 5 and w.isalpha()]
    if not latin or not phones or not note_words:
        raise RuntimeError("the seeded database is too small to sample queries from")

    def prefix_kind(length: int) -> list[tuple[str, str]]:
        out = []
        for _ in range(SAMPLES_PER_KIND):
            word = rng.choice(latin)[:length]
            out.append((word, f"{fts5_phrase(word)}*"))
        return out

    def typo(word: str) -> str:
        position = rng.randrange(1, len(word) - 1)
        replacement = rng.choice([c for c in "aeioursnt" if c != word[position]])
        return word[:position] + replacement + word[position + 1:]

    phone_queries = []
    for _ in range(SAMPLES_PER_KIND):
        number = rng.choice(phones)
        start = rng.randrange(0, len(number) - 4)
        fragment = number[start:start + rng.choice((4, 5, 7))]
        phone_queries.append((fragment, f"phone_digits : {fts5_phrase(fragment)}"))
    typos = [typo(rng.choice(latin)) for _ in range(SAMPLES_PER_KIND)]
    return {
        "1 letter": prefix_kind(1),
        "2 letters": prefix_kind(2),
        "3 letters": prefix_kind(3),
        "5 letters": prefix_kind(5),
        "phone fragment": phone_queries,
        "word from a note": [
            (w, fts5_phrase(w) + "*") for w in rng.sample(note_words, SAMPLES_PER_KIND)
        ],
        "typo (1 letter off)": [
            (t, fts5_phrase(compact(t)[len(compact(t)) // 2:]))
            for t in typos
        ],
    }


def time_calls(call: Callable[[], int], repeat: int = 1) -> tuple[float, int]:
    started = time.perf_counter()
    count = 0
    for _ in range(repeat):
        count = call()
    return (time.perf_counter() - started) * 1000 / repeat, count


def measure_search(
    sessions: models.SessionFactory, path: Path, rng: random.Random
) -> list[SearchFigure]:
    figures = []
    raw = sqlite3.connect(path)
    with sessions() as warm:  # first query pays for statement compilation; not a clerk's cost
        models.find_customers(warm, "warm up")
    for kind, queries in sample_queries(path, rng).items():
        service_ms, raw_ms, counts = [], [], []
        for typed, match in queries:
            def service(text: str = typed) -> int:
                with sessions() as session:
                    return len(models.find_customers(session, text, limit=50))

            table = ("search_contacts" if match.startswith("phone")
                     else "search_name_parts" if kind.startswith("typo")
                     else "search_names" if kind.endswith(("letter", "letters"))
                     else "search_words")

            def direct(m: str = match, t: str = table) -> int:
                return len(raw.execute(
                    f"SELECT rowid FROM {t} WHERE {t} MATCH ? LIMIT 50", (m,)
                ).fetchall())

            elapsed, count = time_calls(service)
            service_ms.append(elapsed)
            counts.append(count)
            raw_ms.append(time_calls(direct)[0])
        figures.append(SearchFigure(
            kind=kind, example=queries[0][0],
            p50_ms=statistics.median(service_ms), p95_ms=percentile(service_ms, 0.95),
            raw_p50_ms=statistics.median(raw_ms), raw_p95_ms=percentile(raw_ms, 0.95),
            mean_results=statistics.fmean(counts),
        ))
    raw.close()
    return figures


def measure_problem_cards(sessions: models.SessionFactory, count: int = 200) -> dict[str, float]:
    """The greeting card of regulars with a problem (its "last time" box and visits since),
    and the follow-ups badge, as the counter loads them."""
    with sessions() as session:
        ids = [row[0] for row in session.connection().exec_driver_sql(
            f"SELECT DISTINCT customer_id FROM problem ORDER BY customer_id LIMIT {count}")]
    timings = []
    with sessions() as session:
        for customer_id in ids:
            started = time.perf_counter()
            models.load_card(session, customer_id)
            timings.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        models.count_follow_ups_due(session, date.today())
        badge_ms = (time.perf_counter() - started) * 1000
    if not timings:
        return {"cards": 0, "card_p50_ms": float("nan"), "card_p95_ms": float("nan"),
                "badge_ms": badge_ms}
    return {"cards": len(timings), "card_p50_ms": percentile(timings, 0.5),
            "card_p95_ms": percentile(timings, 0.95), "badge_ms": badge_ms}


def measure_cold_start(url: str) -> list[float]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               VRE_STARTUP_PROBE="1")
    seconds = []
    for _ in range(STARTS):
        started = time.perf_counter()
        # Timed to the child's report of its first painted frame, not to its exit: shutting
        # Qt down afterwards is not part of starting up.
        child = subprocess.Popen(
            [sys.executable, "-m", "vre_desktop", "--database-url", url],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert child.stdout is not None
        line = child.stdout.readline()
        elapsed = time.perf_counter() - started
        _, errors = child.communicate(timeout=120)
        if not line.startswith("interactive"):
            raise RuntimeError(f"the app did not start: {errors.strip()[-300:]}")
        seconds.append(elapsed)
    return seconds


def measure_typing(url: str, typed: list[str]) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    result = subprocess.run(
        [sys.executable, "-m", "vre_desktop.bench_typing", url, json.dumps(typed)],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the typing benchmark failed: {result.stderr.strip()[-500:]}")
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def compile_bytecode() -> None:
    """Start-up is measured as installed: with compiled bytecode, as pip leaves it."""
    import compileall

    import resources
    import ui

    for package in (models, ui, resources, sys.modules["vre_desktop"]):
        compileall.compile_dir(str(Path(package.__file__ or "").parent), quiet=1)


def run_benchmark(
    *, customers: int, visits_per_customer: float, as_json: bool, keep_dir: str | None = None
) -> int:
    folder = Path(keep_dir) if keep_dir else Path(tempfile.mkdtemp(prefix="vre-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench.sqlite3"
    url = f"sqlite:///{path}"
    rng = random.Random(7)
    try:
        sessions = models.open_database(url)
        if not _already_seeded(sessions, customers):
            _note(f"seeding {customers:,} regulars …")
            summary = seed_customers(sessions, customers, visits_per_customer=visits_per_customer)
            seed_problems(sessions)
            seed_seconds = summary.seconds
        else:
            seed_seconds = float("nan")
        with sessions() as session:
            counts = {
                "customers": models.count_customers(session),
                "visits": int(session.connection().exec_driver_sql(
                    "SELECT count(*) FROM visit").scalar() or 0),
                "problems": int(session.connection().exec_driver_sql(
                    "SELECT count(*) FROM problem").scalar() or 0),
            }
        sessions.kw["bind"].dispose()
        sessions = models.open_database(url)
        _note("searching …")
        search = measure_search(sessions, path, rng)
        cards = measure_problem_cards(sessions)
        sessions.kw["bind"].dispose()
        _note("starting the app …")
        compile_bytecode()
        starts = measure_cold_start(url)
        _note("typing into the window …")
        typed = [q for kind in ("3 letters", "5 letters") for q, _ in
                 sample_queries(path, rng)[kind][:15]]
        typed += [q for q, _ in sample_queries(path, rng)["phone fragment"][:5]]
        typing = measure_typing(url, typed)
        report = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                       f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
            "database": {**counts, "file_mb": round(path.stat().st_size / 2**20, 1),
                         "seed_seconds": round(seed_seconds, 1)},
            "search": [{**asdict(f), "ratio": round(f.ratio, 2)} for f in search],
            "cold_start_s": {"median": statistics.median(starts), "max": max(starts)},
            "typing": typing,
            "problem_cards": cards,
        }
        print(json.dumps(report, indent=2) if as_json else format_report(report))
        return 0
    finally:
        if not keep_dir:
            shutil.rmtree(folder, ignore_errors=True)


def _already_seeded(sessions: models.SessionFactory, customers: int) -> bool:
    with sessions() as session:
        return models.count_customers(session) >= customers


def _note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def format_report(report: dict) -> str:  # type: ignore[type-arg]
    db = report["database"]
    lines = [
        f"Machine: {report['machine']}",
        f"Database: {db['customers']:,} regulars, {db['visits']:,} visits, "
        f"{db.get('problems', 0):,} problems, "
        f"{db['file_mb']} MB (seeded in {db['seed_seconds']} s)",
        "",
        f"{'search (limit 50)':<22}{'example':<12}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'raw p50':>9}{'raw p95':>9}{'ratio':>7}{'rows':>6}",
    ]
    for f in report["search"]:
        lines.append(
            f"{f['kind']:<22}{f['example'][:11]:<12}{f['p50_ms']:>8.2f}{f['p95_ms']:>8.2f}"
            f"{f['raw_p50_ms']:>9.2f}{f['raw_p95_ms']:>9.2f}{f['ratio']:>7.1f}"
            f"{f['mean_results']:>6.0f}"
        )
    typing = report["typing"]
    start = report["cold_start_s"]
    cards = report["problem_cards"]
    lines += [
        "",
        "raw = the same FTS5 match straight on sqlite3, no ranking, no ORM; "
        "ratio = service p50 / raw p50",
        "",
        f"keystroke → painted results: median {typing['keystroke_p50_ms']:.1f} ms, "
        f"p95 {typing['keystroke_p95_ms']:.1f} ms, max {typing['keystroke_max_ms']:.1f} ms "
        f"({typing['keystrokes']:.0f} keystrokes)",
        f"greeting card after a typing pause: median {typing['card_p50_ms']:.1f} ms, "
        f"p95 {typing['card_p95_ms']:.1f} ms",
        f"cold start → interactive window: median {start['median']:.2f} s, "
        f"max {start['max']:.2f} s",
        f"peak resident memory of the app: {typing['peak_rss_mb']:.0f} MB",
        f"card of a regular with a problem (load_card, {cards['cards']:.0f} regulars): "
        f"median {cards['card_p50_ms']:.1f} ms, p95 {cards['card_p95_ms']:.1f} ms; "
        f"follow-ups badge count {cards['badge_ms']:.1f} ms",
    ]
    return "\n".join(lines)


# --- an existing database (any engine), search only -------------------------------------------


def run_search_benchmark(url: str, *, as_json: bool) -> int:
    """Measure search on the database at ``url`` as it is (nothing is seeded or written):
    this engine's own search backend beside the portable one, on the same sampled queries,
    and whether the two ever answer differently."""
    from models.search.backends import PortableBackend, backend_for

    sessions = models.open_database(url)
    engine = sessions.kw["bind"]
    try:
        with sessions() as session:
            connection = session.connection()
            people = [tuple(row) for row in connection.exec_driver_sql(_PEOPLE_SQL)]
            notes = [row[0] for row in connection.exec_driver_sql(_NOTES_SQL)]
            own = backend_for(session)
            customers = models.count_customers(session)
        _analyze_if_never_analyzed(engine)
        queries = queries_from(people, notes, random.Random(7))
        backends = {type(own).__name__: own, "PortableBackend": PortableBackend()}
        with sessions() as warm:  # the first query pays for compiling statements
            for backend in backends.values():
                models.find_customers(warm, "warm up", backend=backend)
        rows = []
        for kind, sampled in queries.items():
            typed = [text for text, _ in sampled]
            row: dict[str, Any] = {"kind": kind, "example": typed[0]}
            answers = {}
            for label, backend in backends.items():
                timings, answers[label] = _time_searches(sessions, typed, backend)
                row[label] = {"p50_ms": statistics.median(timings),
                              "p95_ms": percentile(timings, 0.95)}
            first, *others = answers.values()
            row["mean_results"] = statistics.fmean(len(ids) for ids in first)
            row["differing_queries"] = sum(
                a != b for other in others for a, b in zip(first, other, strict=True))
            rows.append(row)
    finally:
        engine.dispose()
    report = {"database": engine.url.render_as_string(hide_password=True),
              "engine": engine.dialect.name, "customers": customers,
              "backends": list(backends), "search": rows}
    print(json.dumps(report, indent=2) if as_json else format_search_report(report))
    return 0


def _time_searches(
    sessions: models.SessionFactory, typed: list[str], backend: Any
) -> tuple[list[float], list[list[int]]]:
    timings, answers = [], []
    for text in typed:
        started = time.perf_counter()
        with sessions() as session:
            found = models.find_customers(session, text, limit=50, backend=backend)
        timings.append((time.perf_counter() - started) * 1000)
        answers.append([match.id for match in found])
    return timings, answers


def _analyze_if_never_analyzed(engine: Any) -> None:
    """PostgreSQL plans searches from table statistics; a freshly loaded database whose
    autovacuum has not run yet (or is off) has none, and would be measured on guesses."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        missing = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('search_document', "
            "'customer') AND last_analyze IS NULL AND last_autoanalyze IS NULL").scalar()
        if missing:
            _note("analyzing the tables (they have no statistics yet) …")
            connection.exec_driver_sql("ANALYZE search_document")
            connection.exec_driver_sql("ANALYZE customer")
            connection.commit()


def format_search_report(report: dict) -> str:  # type: ignore[type-arg]
    own, *others = report["backends"]
    header = f"{'search (limit 50)':<22}{'example':<12}"
    for label in report["backends"]:
        short = label.removesuffix("Backend")[:17]
        header += f"{short + ' p50':>22}{'p95':>8}"
    lines = [
        f"Database: {report['database']} ({report['engine']}), "
        f"{report['customers']:,} regulars",
        "",
        header + f"{'rows':>6}{'differ':>8}",
    ]
    for row in report["search"]:
        line = f"{row['kind']:<22}{row['example'][:11]:<12}"
        for label in report["backends"]:
            line += f"{row[label]['p50_ms']:>22.2f}{row[label]['p95_ms']:>8.2f}"
        lines.append(line + f"{row['mean_results']:>6.0f}{row['differing_queries']:>8}")
    lines += ["", f"ms per search through the service (find_customers, limit 50); differ = "
              f"queries where {', '.join(others)} answered differently from {own}"]
    return "\n".join(lines)
