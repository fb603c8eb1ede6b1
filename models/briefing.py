"""The shift briefing: what the people starting a shift should know before the first customer.

Five sections, each a list of short entries (a title and one line of detail) that mostly lead
to a regular's card:

- follow-ups due today or overdue (promises made to regulars),
- teammates waiting for a check-in (for shift leads and owners),
- handover notes the previous shift left ("for next shift" notes, ``Note.kind == "handover"``,
  since the start of the previous business day; see ``HANDOVER_WINDOW``),
- regulars' birthdays today and in the next days,
- regulars with an unresolved problem who are likely to come in today (see ``likely_visitors``).

"Today" is the counter's local day, as for follow-ups (``now.astimezone().date()``); moments
are stored in UTC and compared against the local day's bounds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, distinct, false, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from models.entities import Customer, Note, Visit
from models.errors import ValidationError
from models.follow_ups import open_follow_ups
from models.problem_entities import Problem, ProblemCategory
from models.problem_report import SEVERITY_LABELS
from models.staff import Permission, current_actor, require
from models.teammates import open_teammate_check_ins
from models.wording import greeting_name, relative_day

# The previous shift's handover notes are those written since the start of the previous
# business day — the last local day before today on which any visit was logged — but never less
# than the last 24 hours and never more than 14 days back. Not simply "the last day", because the
# next shift may be days later: the Monday opener of a shop closed on Sunday must still read what
# Saturday's closer left, and so must whoever opens after a holiday week. With the shop open
# every day this is yesterday and today: one round of shifts, across the night between the
# closer and the next morning's opener. A day without a single visit counts as closed. Older
# notes have been read by a whole round of shifts and live on in the card and the timeline; the
# 14-day cap keeps a shop shut for a season from reopening to stale news, and the 24 hours
# cover a shop with no visits logged yet.
HANDOVER_WINDOW = timedelta(hours=24)  # at least this far back
HANDOVER_MAX_BACK = timedelta(days=14)  # at most this far back

# "Likely to come in today": on at least LIKELY_MIN_WEEKS of the same weekday in each of the
# last LIKELY_WEEKS weeks (today's weekday, local days, today itself not counted) the regular
# checked in. A Wednesday regular who came 3 of the last 8 Wednesdays is expected this
# Wednesday; one who comes every day also qualifies; one seen only on Saturdays does not.
LIKELY_WEEKS = 8
LIKELY_MIN_WEEKS = 3

DAYS_AHEAD_MAX = 31
SECTION_LIMIT = 200  # a briefing is read in a minute; the full lists are a shortcut away
DETAIL_CHARS = 160
HANDOVER_CHARS = 240  # the note itself: three lines of the briefing; the card has all of it


@dataclass(frozen=True)
class BriefingEntry:
    title: str
    detail: str
    customer_id: int | None  # the regular whose card it opens; None for a teammate
    urgent: bool = False  # overdue, a birthday today, a safety problem: drawn to stand out
    author: str = ""  # handover notes: who wrote it
    at: datetime | None = None  # handover notes: when it was written


@dataclass(frozen=True)
class BriefingSection:
    key: str  # one of SECTION_KEYS
    title: str
    empty: str  # what to say when there is nothing: "No follow-ups due."
    entries: tuple[BriefingEntry, ...]


@dataclass(frozen=True)
class Briefing:
    today: date
    sections: tuple[BriefingSection, ...]

    def section(self, key: str) -> BriefingSection:
        return next(s for s in self.sections if s.key == key)

    @property
    def entry_count(self) -> int:
        return sum(len(s.entries) for s in self.sections)


SECTION_KEYS = ("follow_ups", "teammates", "handover", "birthdays", "likely")


def load_briefing(session: Session, *, now: datetime, days_ahead: int = 7) -> Briefing:
    """Everything the shift starting at ``now`` should know; birthdays up to ``days_ahead``
    days from today."""
    require(session, Permission.USE_COUNTER)
    if not 0 <= days_ahead <= DAYS_AHEAD_MAX:
        raise ValidationError({"days_ahead": f"Look 0 to {DAYS_AHEAD_MAX} days ahead."})
    today = now.astimezone().date()
    return Briefing(today, (
        BriefingSection("follow_ups", "Follow-ups due", "No follow-ups due.",
                        tuple(_follow_ups(session, today))),
        _teammates(session, now),
        BriefingSection("handover", "Notes from the last shift",
                        "No notes from the last shift.",
                        tuple(_handover_notes(session, now))),
        BriefingSection("birthdays", "Birthdays" if days_ahead else "Birthdays today",
                        "No birthdays today." if not days_ahead
                        else f"No birthdays in the next {days_ahead} days.",
                        tuple(_birthdays(session, today, days_ahead))),
        BriefingSection("likely", "Open problems, likely in today",
                        "No regular with an open problem is expected today.",
                        tuple(_likely_visitors(session, today, now))),
    ))


def _name(name: str | None, goes_by: str | None, description: str | None) -> str:
    return greeting_name(name or "", goes_by or "") or description or "A regular"


def _rememberable() -> ColumnElement[bool]:
    """Not forgotten, and not among those who asked not to be remembered."""
    return and_(Customer.forgotten_at.is_(None), Customer.do_not_remember == false())


def _one_line(text: str, limit: int = DETAIL_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _at(moment: datetime, now: datetime) -> str:
    """ "today 09:15", "yesterday 21:40", "3 days ago 12:00" (local clock)."""
    return f"{relative_day(moment, now)} {moment.astimezone():%H:%M}"


# ----- follow-ups and teammates -------------------------------------------------------------

def _follow_ups(session: Session, today: date) -> Iterable[BriefingEntry]:
    for follow_up in open_follow_ups(session, due_by=today, limit=SECTION_LIMIT):
        days = follow_up.days_overdue(today)
        due = ("Due today" if days <= 0
               else f"{days} day{'s' if days > 1 else ''} overdue")
        bits = [due]
        if follow_up.problem_subject:
            bits.append(f"about {follow_up.problem_subject}")
        if follow_up.created_by:
            bits.append(f"set by {follow_up.created_by}")
        yield BriefingEntry(f"{follow_up.customer}: {_one_line(follow_up.task, 100)}",
                            " · ".join(bits), follow_up.customer_id, urgent=days > 0)


def _teammates(session: Session, now: datetime) -> BriefingSection:
    title, empty = "Teammates to check on", "Nobody is waiting for a check-in."
    actor = current_actor(session)
    if actor is None or not actor.may(Permission.TEAMMATE_CHECK_INS):
        # Who had a hard encounter is for whoever leads the shift to follow up on.
        return BriefingSection("teammates", title, "Shift leads see teammate check-ins here.", ())
    entries = []
    for check_in in open_teammate_check_ins(session, limit=SECTION_LIMIT):
        bits = [f"since {relative_day(check_in.created_at, now)}"]
        if check_in.customer:
            bits.append(f"with {check_in.customer}")
        if check_in.flagged_by:
            bits.append(f"flagged by {check_in.flagged_by}")
        why = f": {_one_line(check_in.reason, 100)}" if check_in.reason else ""
        entries.append(BriefingEntry(f"Check on {check_in.teammate}{why}", " · ".join(bits),
                                     None))
    return BriefingSection("teammates", title, empty, tuple(entries))


# ----- handover notes -----------------------------------------------------------------------

def handover_since(session: Session, now: datetime) -> datetime:
    """The moment from which handover notes are shown at ``now`` (see ``HANDOVER_WINDOW``): the
    start of the previous business day, clamped to between 24 hours and 14 days back.

    The previous business day comes from one look at the visit log: the latest visit before
    today's local midnight, read from the end of the (visited_at, customer_id) index — one
    row, however long the log.
    """
    midnight, _ = _local_day_bounds(now.astimezone().date())
    last_visit = session.scalar(
        select(Visit.visited_at)
        .where(Visit.visited_at < midnight)
        .order_by(Visit.visited_at.desc())
        .limit(1)
    )
    since = now - HANDOVER_WINDOW
    if last_visit is not None:
        business_day_start, _ = _local_day_bounds(last_visit.astimezone().date())
        since = min(since, business_day_start)
    return max(since, now - HANDOVER_MAX_BACK)


def _handover_notes(session: Session, now: datetime) -> Iterable[BriefingEntry]:
    """Newest first; the (kind, created_at) index finds them without reading other notes."""
    rows = session.execute(
        select(Note, Customer.name, Customer.goes_by, Customer.description)
        .join(Customer, Customer.id == Note.customer_id)
        .where(Note.kind == "handover", Note.created_at >= handover_since(session, now),
               _rememberable())
        .order_by(Note.created_at.desc(), Note.id.desc())
        .limit(SECTION_LIMIT)
    )
    for note, name, goes_by, description in rows:
        by = f"{note.author} · " if note.author else ""
        yield BriefingEntry(_name(name, goes_by, description),
                            f"“{_one_line(note.text, HANDOVER_CHARS)}” — {by}"
                            f"{_at(note.created_at, now)}",
                            note.customer_id, author=note.author, at=note.created_at)


# ----- birthdays ----------------------------------------------------------------------------

def birthday_dates(today: date, days_ahead: int) -> dict[tuple[int, int], date]:
    """(month, day) of a birthday -> the date it is celebrated, for today and the next
    ``days_ahead`` days. Across New Year the dates run into next year; in a year without
    Feb 29 those born on it celebrate on Mar 1 (as the greeting card counts)."""
    dates: dict[tuple[int, int], date] = {}
    for offset in range(days_ahead + 1):
        day = today + timedelta(days=offset)
        dates[(day.month, day.day)] = day
        if (day.month, day.day) == (3, 1) and not _is_leap(day.year):
            dates[(2, 29)] = day
    return dates


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _birthdays(session: Session, today: date, days_ahead: int) -> Iterable[BriefingEntry]:
    dates = birthday_dates(today, days_ahead)
    # One pass over the customer table with a handful of (month, day) pairs: ~8 comparisons a
    # row, no index needed for a table that fits in memory.
    rows = session.execute(
        select(Customer.id, Customer.name, Customer.goes_by, Customer.description,
               Customer.birthday_month, Customer.birthday_day, Customer.birthday_year)
        .where(or_(*(and_(Customer.birthday_month == month, Customer.birthday_day == day)
                     for month, day in dates)),
               _rememberable())
    ).all()
    found = []
    for customer_id, name, goes_by, description, month, day, year in rows:
        on = dates[(month or 0, day or 0)]  # the query only matched these pairs
        found.append((on, _name(name, goes_by, description), customer_id, month, day, year))
    found.sort(key=lambda row: (row[0], row[1].lower(), row[2]))
    for on, who, customer_id, month, day, year in found[:SECTION_LIMIT]:
        days = (on - today).days
        when = ("Birthday today!" if days == 0 else "Birthday tomorrow" if days == 1
                else f"Birthday on {on:%a %d %b} (in {days} days)")
        if (month, day) == (2, 29) and on.month == 3:
            when += " — born on 29 Feb"
        if year:
            when += f" · turns {on.year - year}"
        yield BriefingEntry(who, when, customer_id, urgent=days == 0)


# ----- regulars with an open problem who are likely in today ---------------------------------

def _local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first moment of the local ``day`` and of the next, aware (daylight saving included)."""
    start = datetime.combine(day, time.min).astimezone()
    end = datetime.combine(day + timedelta(days=1), time.min).astimezone()
    return start, end


def likely_visitors(session: Session, today: date) -> dict[int, int]:
    """Regulars with an open problem who usually come in on today's weekday: customer id ->
    on how many of the last ``LIKELY_WEEKS`` same weekdays they checked in (at least
    ``LIKELY_MIN_WEEKS``).

    Only regulars with an open problem are candidates (found by the problem status index), and
    only their visits on those eight local days are read (the customer-and-time index), so the
    cost follows the number of open problems, not the size of the visit log.
    """
    bounds = [_local_day_bounds(today - timedelta(weeks=week))
              for week in range(1, LIKELY_WEEKS + 1)]
    on_day = [and_(Visit.visited_at >= start, Visit.visited_at < end) for start, end in bounds]
    week_of_visit = case(*((condition, week) for week, condition in enumerate(on_day, 1)))
    weeks_seen = func.count(distinct(week_of_visit))
    candidates = (
        select(Problem.customer_id).join(Customer, Customer.id == Problem.customer_id)
        .where(Problem.status == "open", _rememberable())
    )
    rows = session.execute(
        select(Visit.customer_id, weeks_seen)
        .where(Visit.customer_id.in_(candidates),
               Visit.visited_at >= bounds[-1][0], Visit.visited_at < bounds[0][1],
               or_(*on_day))
        .group_by(Visit.customer_id)
        .having(weeks_seen >= LIKELY_MIN_WEEKS)
    )
    return {customer_id: int(weeks) for customer_id, weeks in rows}


def _likely_visitors(session: Session, today: date, now: datetime) -> Iterable[BriefingEntry]:
    likely = likely_visitors(session, today)
    if not likely:
        return []
    rows = session.execute(
        select(Problem, ProblemCategory.name, Customer.name, Customer.goes_by,
               Customer.description)
        .join(ProblemCategory, ProblemCategory.id == Problem.category_id)
        .join(Customer, Customer.id == Problem.customer_id)
        .where(Problem.status == "open", Problem.customer_id.in_(list(likely)))
        .order_by(Problem.occurred_at.desc(), Problem.id.desc())
    )
    latest: dict[int, tuple[Problem, str, str]] = {}
    open_count: dict[int, int] = {}
    safety: set[int] = set()
    for problem, category, name, goes_by, description in rows:
        customer_id = problem.customer_id
        open_count[customer_id] = open_count.get(customer_id, 0) + 1
        if problem.severity == "safety":
            safety.add(customer_id)
        latest.setdefault(customer_id, (problem, category, _name(name, goes_by, description)))
    weekday = f"{today:%A}s"
    entries = []
    for customer_id, (problem, category, who) in latest.items():
        about = f" — {problem.subject}" if problem.subject else ""
        severity = SEVERITY_LABELS.get(problem.severity, problem.severity)
        by = (f", logged by {problem.logged_by}" if problem.logged_by
              else f", handled by {problem.handled_by}" if problem.handled_by else "")
        bits = [f"Open: {category}{about} ({severity.lower()}, "
                f"{relative_day(problem.occurred_at, now)}{by})"]
        if open_count[customer_id] > 1:
            bits.append(f"{open_count[customer_id]} open problems")
        title = f"{who} — in on {likely[customer_id]} of the last {LIKELY_WEEKS} {weekday}"
        entries.append(BriefingEntry(title, " · ".join(bits), customer_id,
                                     urgent=customer_id in safety))
    # Safety first, then the surest visitors, then the newest problem.
    entries.sort(key=lambda e: (not e.urgent, -likely[e.customer_id or 0]))
    return entries[:SECTION_LIMIT]
