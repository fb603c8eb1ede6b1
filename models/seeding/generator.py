"""Synthetic regulars and when they come, drawn deterministically from one seed.

``RegularGenerator`` makes a believable customer (name, contact details, usual order,
preferences, notes, tags) and spreads their visits over opening hours; nothing here touches
the database. The same seed, ``now`` and local time zone give the same regulars.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from models.base import utcnow
from models.search.folding import compact
from models.seeding.vocabulary import (
    ALLERGIES,
    AREA_CODES,
    CITIES,
    CJK_NAMES,
    COMMON_TAGS,
    CULTURE_PICKS,
    CULTURES,
    DESCRIPTIONS,
    DOGS,
    DRINK_PICKS,
    EMAIL_DOMAINS,
    FOOD_PICKS,
    LOOKS,
    NICKNAMES,
    NOTES,
    PASTRIES,
    PETS,
    PLACES,
    PREFERENCES,
    TALKING_POINTS,
    TEAMS,
    THINGS,
)

DAY = 86_400


@dataclass(frozen=True)
class Segment:
    """A kind of customer: how many there are, how often they come, and for how long."""

    share: float
    rate: float  # relative visits per year of history
    min_history_days: int
    lapsed: bool
    notes: float  # mean number of notes
    regular_tag: float  # chance of the "regular" tag


_SEGMENTS = (
    Segment(0.05, 14.0, 120, False, 1.5, 0.9),  # daily regulars
    Segment(0.17, 4.0, 60, False, 0.9, 0.6),  # weekly
    Segment(0.43, 1.0, 0, False, 0.4, 0.05),  # occasional
    Segment(0.25, 0.25, 0, False, 0.15, 0.0),  # rare: tourists, once a season
    Segment(0.10, 1.5, 120, True, 0.5, 0.1),  # lapsed: used to come, stopped
)
_SEGMENT_CUMULATIVE = tuple(
    sum(s.share for s in _SEGMENTS[: i + 1]) for i in range(len(_SEGMENTS))
)

# When a coffee bar / deli sees its customers (local time): a morning rush, a lunch bump, a
# quiet afternoon. Picked by index, which is much faster than random.choices per visit.
_HOURLY = {6: 4, 7: 12, 8: 16, 9: 12, 10: 8, 11: 7, 12: 10, 13: 8, 14: 5, 15: 5, 16: 3, 17: 2}
VISIT_SECONDS: tuple[int, ...] = tuple(
    hour * 3600 + minute * 60
    for hour, weight in _HOURLY.items()
    for minute in range(0, 60, 2)
    for _ in range(weight)
)


@dataclass
class Regular:
    """One customer as generated, before it becomes rows of the five tables."""

    id: int
    name: str = ""
    goes_by: str = ""
    phone: str = ""
    email: str = ""
    description: str = ""
    usuals: list[str] = field(default_factory=list)
    preferences: list[str] = field(default_factory=list)
    allergies: list[str] = field(default_factory=list)
    talking_points: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    birthday: tuple[int, int, int | None] | None = None
    consent: bool = True
    notes: list[tuple[str, bool]] = field(default_factory=list)
    visit_items: tuple[str, ...] = ("",)  # what they had, drawn from per visit
    start: int = 0  # local midnight of their first day, seconds since the epoch
    active_days: int = 1  # days from the first day to the last one they could have come
    weight: float = 0.0  # share of the visits, relative to the other customers
    segment: Segment = _SEGMENTS[2]


class RegularGenerator:
    """Draws believable regulars from one ``random.Random``; nothing else is random."""

    def __init__(self, rng: random.Random, now: datetime, history_days: int) -> None:
        self.rng = rng
        self.now_ts = int(now.timestamp())
        self.history_days = history_days
        # Local midnight today, so visits fall in opening hours on the shop's clock.
        local = now.astimezone()
        self.midnight = int(local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp())

    def pick(self, items: Sequence[str]) -> str:
        return items[int(self.rng.random() * len(items))]

    def some(self, items: Sequence[str], count: int) -> list[str]:
        return self.rng.sample(items, count) if count > 1 else [self.pick(items)]

    def fill(self, template: str) -> str:
        if "{" not in template:
            return template
        pick = self.pick
        return template.format(city=pick(CITIES), pet=pick(PETS), dog=pick(DOGS),
                               team=pick(TEAMS), place=pick(PLACES), pastry=pick(PASTRIES))

    # -- who they are ---------------------------------------------------------------------------

    def regular(self, customer_id: int) -> Regular:
        rnd = self.rng.random
        regular = Regular(id=customer_id)
        self.identity(regular)
        self.contact(regular)
        self.orders(regular)
        if rnd() < 0.45:
            regular.preferences = self.some(PREFERENCES, 1 + (rnd() < 0.35))
        if rnd() < 0.10:
            regular.allergies = self.some(ALLERGIES, 1 + (rnd() < 0.15))
        if rnd() < 0.5:
            points = self.some(TALKING_POINTS, 1 + (rnd() < 0.3))
            regular.talking_points = [self.fill(point) for point in points]
        if rnd() < 0.35:
            month = 1 + int(rnd() * 12)
            year = 1950 + int(rnd() * 56) if rnd() < 0.4 else None
            days = calendar.monthrange(year or 2000, month)[1]  # 2000: Feb 29 allowed
            regular.birthday = (month, 1 + int(rnd() * days), year)
        regular.consent = rnd() < 0.88
        self.history(regular)
        segment = regular.segment
        tags = ["regular"] if rnd() < segment.regular_tag else []
        if rnd() < 0.4:
            tags += self.some(COMMON_TAGS, 1 + (rnd() < 0.2))
        regular.tags = sorted(set(tags))  # the order refresh_document reads them back in
        for _ in range(int(segment.notes + rnd())):
            text, pinned = NOTES[int(rnd() * len(NOTES))]
            regular.notes.append((self.fill(text), pinned))
        return regular

    def identity(self, regular: Regular) -> None:
        rnd = self.rng.random
        roll = rnd()
        if roll < 0.05:  # nobody knows their name yet
            regular.description = (f"{self.pick(LOOKS)}, {self.pick(THINGS)}, "
                                   f"{self.pick(DRINK_PICKS)}")
            return
        if roll < 0.08:
            name, handle, everyday = CJK_NAMES[int(rnd() * len(CJK_NAMES))]
            regular.name = name
            if everyday and rnd() < 0.6:
                regular.goes_by = everyday
            regular.email = handle  # the e-mail handle, if they get an address in contact()
            return
        _, givens, families = CULTURES[CULTURE_PICKS[int(rnd() * len(CULTURE_PICKS))]]
        if rnd() < 0.12:  # families and marriages mix cultures
            families = CULTURES[CULTURE_PICKS[int(rnd() * len(CULTURE_PICKS))]][2]
        given = self.pick(givens)
        # Some regulars are only ever known by their first name.
        regular.name = given if rnd() < 0.06 else f"{given} {self.pick(families)}"
        nicknames = NICKNAMES.get(given)
        if nicknames and rnd() < 0.5:
            regular.goes_by = self.pick(nicknames)
        if rnd() < 0.07:
            regular.description = self.pick(DESCRIPTIONS)

    def contact(self, regular: Regular) -> None:
        rnd = self.rng.random
        named = bool(regular.name)
        if rnd() < (0.72 if named else 0.2):
            regular.phone = self.phone()
        handle, regular.email = regular.email, ""
        if rnd() < (0.42 if named else 0.05):
            if not handle:
                parts = [compact(p) for p in regular.name.split()] or [compact(self.pick(PETS))]
                style = rnd()
                if style < 0.45 and len(parts) > 1:
                    handle = f"{parts[0]}.{parts[-1]}"
                elif style < 0.65:
                    handle = "".join(parts)
                elif style < 0.8 and len(parts) > 1:
                    handle = f"{parts[0][0]}{parts[-1]}"
                else:
                    handle = f"{parts[0]}{int(rnd() * 99) + 1}"
                if not handle.isascii():
                    handle = f"{compact(self.pick(PETS))}.fan{int(rnd() * 999)}"
            regular.email = f"{handle}@{self.pick(EMAIL_DOMAINS)}"

    def phone(self) -> str:
        rnd = self.rng.random
        if rnd() < 0.06:  # visitors and expats
            kind = rnd()
            if kind < 0.4:
                return f"+44 7700 900{int(rnd() * 1000):03d}"
            if kind < 0.7:
                return "+33 6 " + " ".join(f"{int(rnd() * 100):02d}" for _ in range(4))
            return f"+49 151 {int(rnd() * 100_000_000):08d}"
        area = self.pick(AREA_CODES)
        exchange = 200 + int(rnd() * 800)
        line = int(rnd() * 10_000)
        style = rnd()
        if style < 0.35:
            return f"({area}) {exchange}-{line:04d}"
        if style < 0.55:
            return f"{area}-{exchange}-{line:04d}"
        if style < 0.7:
            return f"{area}.{exchange}.{line:04d}"
        if style < 0.85:
            return f"+1 {area} {exchange} {line:04d}"
        return f"{area}{exchange}{line:04d}"

    def orders(self, regular: Regular) -> None:
        roll = self.rng.random()
        drink = self.pick(DRINK_PICKS)
        usuals = [drink]
        if roll > 0.55:
            usuals.append(self.pick(FOOD_PICKS))
        if roll > 0.9:
            extra = self.pick(DRINK_PICKS)
            if extra not in usuals:
                usuals.append(extra)
        regular.usuals = usuals
        regular.visit_items = visit_items(usuals, f"{drink}, {self.pick(PASTRIES)}",
                                          self.pick(DRINK_PICKS))

    # -- when they come -------------------------------------------------------------------------

    def history(self, regular: Regular) -> None:
        rnd = self.rng.random
        roll = rnd()
        segment = _SEGMENTS[-1]
        for candidate, cumulative in zip(_SEGMENTS, _SEGMENT_CUMULATIVE, strict=True):
            if roll < cumulative:
                segment = candidate
                break
        regular.segment = segment
        history = self.history_days
        least = min(segment.min_history_days, history)
        # Slightly more long-standing customers than new ones: the shop has been open a while.
        days_ago = int(least + (history - least) * rnd() ** 0.8)
        end_days_ago = 0
        if segment.lapsed and days_ago > 60:
            end_days_ago = int(30 + (days_ago - 30) * rnd() * 0.8)
        regular.start = self.midnight - days_ago * DAY
        regular.active_days = days_ago - end_days_ago + 1
        regular.weight = segment.rate * regular.active_days / 365 * (0.5 + rnd())

    def visit_times(self, regular: Regular, count: int) -> list[int]:
        """``count`` visit times in opening hours over the regular's active days, sorted."""
        bits = self.rng.getrandbits
        start = regular.start
        span = regular.active_days
        seconds = VISIT_SECONDS
        size = len(seconds)
        latest = self.now_ts
        times = []
        for _ in range(count):
            r = bits(44)  # one draw: day, time of day, and a jitter of up to two minutes
            at = start + (r & 0xFFFFF) % span * DAY + seconds[(r >> 20 & 0xFFFF) % size]
            at += (r >> 36) % 120
            times.append(at if at <= latest else at - DAY)  # later today than it is now
        times.sort()
        return times


def visit_items(usuals: Sequence[str], with_pastry: str, something_new: str) -> tuple[str, ...]:
    """What they had on a visit, drawn by index: mostly the usual, sometimes with a pastry, now
    and then something new, and sometimes nothing (staff just tapped "check in")."""
    everything = ", ".join(usuals)
    first = usuals[0] if usuals else ""
    return (everything,) * 6 + (first,) * 2 + (with_pastry, something_new, "", "")


def allocate_visits(rng: random.Random, regulars: Sequence[Regular], target: int) -> list[int]:
    """Visit counts summing to about ``target``: one each if there are enough to go round, the
    rest in proportion to weight, with random rounding so the total stays on target."""
    if target <= 0 or not regulars:
        return [0] * len(regulars)
    base = 1 if target >= len(regulars) else 0
    factor = (target - base * len(regulars)) / (sum(r.weight for r in regulars) or 1.0)
    rnd = rng.random
    return [base + int(r.weight * factor + rnd()) for r in regulars]


def aware_now(now: datetime | None) -> datetime:
    """``now``, or the current time if it is None; naive datetimes are refused."""
    if now is None:
        return utcnow()
    if now.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware datetime as now")
    return now

