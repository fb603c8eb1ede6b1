"""Did the fix work? A category's problems per 1,000 visits in equal windows before and after
each process fix.

Windows: the fix day itself belongs to neither side (that day is part before, part after the
change). The "before" window is the ``days`` days ending the day before the fix; the "after"
window the ``days`` days starting the day after. While fewer than ``days`` days have passed
since the fix, *both* windows shrink to the days that have passed, so the two sides always
cover equally many days (``complete`` says whether they reached ``days``); a fix made today or
dated in the future has nothing to compare yet (both windows empty). A side with no visits
has no rate (None), never a rate of 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ScalarSelect

from models.entities import Visit
from models.insights.process_fixes import ProcessFixView, list_fixes
from models.insights.windows import DayWindow, check_days
from models.problem_entities import Problem
from models.staff import Permission, require

PER_VISITS = 1000


@dataclass(frozen=True)
class RateWindow:
    window: DayWindow
    problems: int  # in the fix's category
    visits: int  # all visits: the rate's denominator

    @property
    def rate(self) -> float | None:
        """Problems per 1,000 visits; None without visits."""
        return self.problems * PER_VISITS / self.visits if self.visits else None


@dataclass(frozen=True)
class FixImpact:
    fix: ProcessFixView
    days: int  # the length of each window (less than asked while the fix is recent)
    complete: bool  # both windows have the full length asked for
    before: RateWindow
    after: RateWindow

    @property
    def change(self) -> float | None:
        """After minus before, per 1,000 visits (negative: fewer problems)."""
        if self.before.rate is None or self.after.rate is None:
            return None
        return self.after.rate - self.before.rate


@dataclass(frozen=True)
class FixesReport:
    today: date
    days: int
    impacts: tuple[FixImpact, ...]  # newest fix first


def fix_windows(fixed_on: date, today: date, days: int, utc_offset: timedelta = timedelta(0)
                ) -> tuple[DayWindow, DayWindow]:
    """(before, after) for a fix: see the module's note on how recent fixes are handled."""
    length = max(0, min(days, (today - fixed_on).days))
    before = DayWindow(fixed_on - timedelta(days=length), fixed_on - timedelta(days=1),
                       utc_offset)
    after = DayWindow(fixed_on + timedelta(days=1), fixed_on + timedelta(days=length),
                      utc_offset)
    return before, after


def _problems(category_id: int, window: DayWindow) -> ScalarSelect[int]:
    return (select(func.count()).select_from(Problem)
            .where(Problem.category_id == category_id, Problem.occurred_at >= window.since,
                   Problem.occurred_at < window.until)
            .scalar_subquery())


def _visits(window: DayWindow) -> ScalarSelect[int]:
    return (select(func.count()).select_from(Visit)
            .where(Visit.visited_at >= window.since, Visit.visited_at < window.until)
            .scalar_subquery())


def fix_impacts(
    session: Session, today: date, *, days: int = 30, category_id: int | None = None,
    utc_offset: timedelta = timedelta(0),
) -> FixesReport:
    """Every recorded fix (or one category's), with its before and after problem rates.

    One short query per fix (four index range counts): shops record a handful of fixes a year.
    """
    require(session, Permission.REPORTS)
    check_days(days)
    impacts = []
    for fix in list_fixes(session, category_id=category_id):
        before, after = fix_windows(fix.fixed_on, today, days, utc_offset)
        counts: tuple[int, ...] = (0, 0, 0, 0)
        if before.days:
            counts = tuple(session.execute(select(
                _problems(fix.category_id, before), _visits(before),
                _problems(fix.category_id, after), _visits(after))).one())
        impacts.append(FixImpact(
            fix, before.days, before.days == days,
            RateWindow(before, counts[0], counts[1]), RateWindow(after, counts[2], counts[3]),
        ))
    return FixesReport(today, days, tuple(impacts))
