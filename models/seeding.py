"""Synthetic regulars: bulk data for benchmarks and a warm, believable shop for ``--demo``.

``seed_customers`` writes a batch of customers per transaction straight to the tables (Core
inserts, no ORM objects), computing the denormalised ``visit_count`` / ``last_visit_at`` and the
search documents in Python, so the database is exactly what the services would have left (the
tests compare it with ``refresh_document``). On SQLite it is tuned for speed: rows are bound
already in SQLAlchemy's storage format and go straight to the driver's executemany, the batch is
full-text indexed with one INSERT … SELECT per index instead of row triggers, and with two or
more cores a helper process generates the next batch while this one is written. The same seed
and ``now`` give the same rows on every path.

``create_demo_data`` uses the same generator for a few hundred regulars over six months, plus
a handful of hand-written ones that testers look for (Zoë Park, José Alvarez, the corgi owner).

E-mail addresses use the reserved example.* domains; no card numbers or other payment details
are ever generated.
"""

from __future__ import annotations

import calendar
import json
import math
import os
import random
import sys
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import repeat
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select

from models.base import Base, utcnow
from models.database import SessionFactory
from models.entities import Customer, CustomerTag, Note, SearchDocument, Visit
from models.search.documents import document_values
from models.search.folding import compact, digits, fold, word_text
from models.search.ranking import rank_key

__all__ = ["SeedSummary", "create_demo_data", "seed_customers"]

# ----------------------------------------------------------------------------------------------
# Word lists
# ----------------------------------------------------------------------------------------------

# (weight, given names, family names). Accents, apostrophes and hyphens are there on purpose:
# search must find "Łukasz" by "lukasz" and "O'Brien" by "obrien".
_CULTURES: tuple[tuple[float, tuple[str, ...], tuple[str, ...]], ...] = (
    (14, ("Katherine", "Elizabeth", "William", "Robert", "Margaret", "Christopher", "Jennifer",
          "Jonathan", "Benjamin", "Samantha", "Rebecca", "Theodore", "Mary-Jane", "Billie-Jo",
          "Hannah", "Oliver", "Grace", "Ethan", "Olivia", "Daniel", "Emily", "Nicholas", "Ruby",
          "Harper", "Mason", "Abigail", "Walter", "Dolores", "Frank", "June"),
     ("Smith", "Johnson", "Williams", "Brown", "Taylor", "Miller", "Davis", "Wilson", "Moore",
      "Clarke", "Walker", "Hughes", "Bennett", "Turner", "Parker", "Campbell", "Smith-Jones",
      "Fairweather", "Holloway", "Reed")),
    (6, ("Siobhán", "Niamh", "Aoife", "Ciarán", "Seán", "Saoirse", "Pádraig", "Róisín", "Declan",
         "Orla", "Eoin", "Caoimhe"),
     ("O'Brien", "O'Connor", "O'Sullivan", "McCarthy", "Murphy", "Kennedy", "Ó Briain",
      "Fitzgerald", "MacNamara", "Doyle")),
    (12, ("José", "María", "Lucía", "Alejandro", "Sofía", "Javier", "Guadalupe", "Francisco",
          "Camila", "Andrés", "Valentina", "Mateo", "Inés", "Ramón", "Ximena", "Joaquín"),
     ("Alvarez", "García", "Hernández", "Núñez", "Rodríguez", "Martínez", "López", "Ibáñez",
      "Peña", "Castillo", "Ortega", "Muñoz", "Delgado", "Fuentes")),
    (4, ("Łukasz", "Małgorzata", "Wojciech", "Zofia", "Aleksandra", "Paweł", "Agnieszka",
         "Krzysztof", "Joanna", "Michał"),
     ("Kowalski", "Wiśniewska", "Nowak", "Wójcik", "Zieliński", "Kamińska", "Lewandowski",
      "Dąbrowska")),
    (5, ("Zoë", "Chloé", "Hélène", "François", "Étienne", "Amélie", "Jean-Luc", "Anne-Marie",
         "Noémie", "Gaël", "Léa", "Benoît"),
     ("Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Bonnet", "Fontaine", "Mercier")),
    (4, ("Jürgen", "Jörg", "Sören", "Lena", "Matthias", "Anke", "Björn", "Åsa", "Søren", "Ingrid",
         "Freja", "Mikkel"),
     ("Müller", "Schröder", "Weiß", "Becker", "Hoffmann", "Sørensen", "Lindqvist", "Ødegaard",
      "Johansson", "Bergström")),
    (4, ("João", "Conceição", "Thiago", "Beatriz", "Giulia", "Niccolò", "Francesca", "Matteo",
         "Chiara", "Lorenzo"),
     ("Gonçalves", "Araújo", "Ferreira", "Rossi", "De Luca", "Esposito", "Romano", "Bianchi")),
    (5, ("Thảo", "Minh", "Phương", "Linh", "Huy", "Trang", "Maricel", "Jun", "Rowena", "Paolo"),
     ("Nguyễn", "Trần", "Lê", "Phạm", "Santos", "Reyes", "dela Cruz", "Bautista")),
    (6, ("Priya", "Arjun", "Aditi", "Rajesh", "Priyanka", "Ananya", "Vikram", "Deepa", "Sunil",
         "Kavya"),
     ("Patel", "Sharma", "Iyer", "Reddy", "Gupta", "Menon", "Chatterjee", "Singh")),
    (5, ("Yusuf", "Layla", "Omar", "Fatima", "Karim", "Noor", "Muhammad", "Amira", "Ayşe",
         "Emre", "Çağla", "Mert"),
     ("Haddad", "Al-Sayed", "Khalil", "Mansour", "Nasser", "Yılmaz", "Öztürk", "Şahin")),
    (5, ("Chidi", "Adaeze", "Oluwaseun", "Chukwuemeka", "Ngozi", "Kwame", "Ama", "Abebe",
         "Wanjiru", "Tendai"),
     ("Okafor", "Adeyemi", "Mensah", "Okonkwo", "Boateng", "Mwangi", "Tesfaye", "Abubakar")),
    (3, ("Eleni", "Giorgos", "Dimitra", "Noa", "Avi", "Tamar", "Anastasia", "Dmitri", "Oksana",
         "Jiří", "Zsófia", "Þóra", "Guðrún"),
     ("Papadopoulos", "Cohen", "Levi", "Ivanova", "Kovalenko", "Dvořák", "Szőke",
      "Sigurðardóttir")),
)

# Whole names written without spaces, with a romanised e-mail handle and an everyday name.
_CJK_NAMES: tuple[tuple[str, str, str], ...] = (
    ("王芳", "wang.fang", "Fiona"), ("李娜", "li.na", ""), ("张伟", "zhang.wei", "David"),
    ("陈静", "chen.jing", ""), ("刘洋", "liu.yang", "Leo"), ("黄丽", "huang.li", "Lily"),
    ("佐藤花子", "hanako.sato", "Hana"), ("鈴木一郎", "ichiro.suzuki", ""),
    ("高橋さくら", "sakura.takahashi", "Sakura"), ("김민준", "minjun.kim", ""),
    ("이서연", "seoyeon.lee", "Sophie"), ("박지훈", "jihoon.park", ""),
)

_NICKNAMES: dict[str, tuple[str, ...]] = {
    "Katherine": ("Kate", "Kat", "Katie"), "Elizabeth": ("Liz", "Beth", "Lizzie"),
    "William": ("Will", "Bill"), "Robert": ("Rob", "Bobby"), "Margaret": ("Maggie", "Peggy"),
    "Christopher": ("Chris", "Kit"), "Jennifer": ("Jen",), "Jonathan": ("Jon", "Jonny"),
    "Benjamin": ("Ben", "Benji"), "Samantha": ("Sam",), "Rebecca": ("Becky", "Bex"),
    "Theodore": ("Teddy", "Theo"), "Mary-Jane": ("MJ",), "Nicholas": ("Nick",),
    "Siobhán": ("Shiv",), "Pádraig": ("Paddy",), "Alejandro": ("Alex",), "José": ("Pepe",),
    "Francisco": ("Paco",), "Guadalupe": ("Lupe",), "Małgorzata": ("Gosia",),
    "Aleksandra": ("Ola",), "Wojciech": ("Wojtek",), "Krzysztof": ("Krzyś",),
    "Oluwaseun": ("Seun",), "Chukwuemeka": ("Emeka",), "Muhammad": ("Mo",),
    "Rajesh": ("Raj",), "Priyanka": ("Priya",), "Anastasia": ("Nastya",), "Dmitri": ("Dima",),
    "Niccolò": ("Nico",), "Francesca": ("Fran", "Frankie"), "Giorgos": ("George",),
    "Valentina": ("Vale",), "Matthias": ("Matze",), "Zsófia": ("Zsófi",),
}

# (weight, item). Drinks first on the ticket, then maybe something to eat.
_DRINKS: tuple[tuple[float, str], ...] = (
    (6, "oat flat white"), (6, "flat white"), (4, "double espresso"), (4, "cortado"),
    (5, "cappuccino"), (4, "large latte"), (3, "oat latte, extra hot"), (3, "iced oat latte"),
    (3, "long black"), (2, "americano with a splash of milk"), (1, "piccolo"),
    (2, "macchiato"), (2, "mocha, no cream"), (2, "decaf flat white"), (1, "soy cappuccino"),
    (2, "batch brew, black"), (2, "cold brew"), (2, "chai latte"), (1, "dirty chai"),
    (2, "matcha latte with oat milk"), (1, "hot chocolate"), (2, "English breakfast tea"),
    (1, "Earl Grey, milk on the side"), (1, "peppermint tea"), (1, "almond milk cortado"),
    (1, "half-caf long black"),
)
_FOOD: tuple[tuple[float, str], ...] = (
    (3, "almond croissant"), (3, "plain croissant"), (2, "pain au chocolat"),
    (3, "banana bread, toasted"), (2, "cinnamon bun"), (3, "bacon & egg roll"),
    (2, "avocado toast with chilli flakes"), (2, "smoked salmon bagel"), (2, "pastrami on rye"),
    (1, "turkey & swiss on sourdough"), (2, "ham & cheese toastie"), (1, "BLT, no tomato"),
    (1, "falafel wrap"), (1, "soup of the day"), (1, "Reuben"), (1, "egg & cress sandwich"),
    (1, "granola with yoghurt"), (1, "porridge with honey"), (1, "Cubano"),
    (1, "gluten-free brownie"), (1, "babyccino for the little one"),
)
_PASTRIES = ("almond croissant", "plain croissant", "pain au chocolat", "cinnamon bun",
             "banana bread", "morning bun", "lemon drizzle slice")

_PREFERENCES = (
    "extra hot", "oat milk", "no sugar", "half sweet", "light on the foam", "extra shot",
    "in a mug, staying in", "brings own keep cup", "likes the window seat", "pays by card",
    "no lid", "splash of cold milk", "toast well done", "has it ready if we see them parking",
    "decaf after 2 pm", "skinny milk", "large, always", "sugar in the raw, two",
    "no cinnamon on top", "heart latte art, please", "tap water with it",
)
_ALLERGIES = (
    "tree nuts", "peanuts", "dairy (lactose)", "coeliac — no gluten", "sesame", "egg", "soy",
    "shellfish", "cinnamon", "kiwi",
)
_CITIES = ("Lisbon", "Kyoto", "Mexico City", "Oaxaca", "Seoul", "Dublin", "Kraków", "Lagos",
           "Marrakesh", "Hanoi", "Reykjavík", "Naples", "Buenos Aires", "Vancouver", "Chicago",
           "Porto", "Istanbul", "Copenhagen", "Bogotá", "Melbourne")
_PETS = ("Biscuit", "Pickles", "Mochi", "Olive", "Toast", "Bruno", "Luna", "Pepper", "Waffles",
         "Ziggy", "Nacho", "Maple")
_DOGS = ("corgi", "greyhound", "sausage dog", "golden retriever", "French bulldog", "whippet",
         "border collie", "pug", "cockapoo", "rescue mutt")
_TEAMS = ("the Dodgers", "the Lakers", "LAFC", "Arsenal", "the Galaxy", "the Sparks",
          "Boca Juniors", "the Rams")
_PLACES = ("the hospital", "the library", "the new bakery on 4th", "the high school",
           "the bike shop", "City Hall", "a design studio", "the vet clinic", "the bookshop")
_TALKING_POINTS = (
    "ask about the {city} trip", "training for the {city} marathon", "new puppy, {pet}",
    "started a new job at {place}", "daughter just started university", "into sourdough baking",
    "plays in a jazz trio on Fridays", "big fan of {team}", "learning Japanese",
    "renovating the kitchen", "just became a grandparent", "grows tomatoes on the balcony",
    "doing a pottery course", "moving to {city} next year", "writing a novel",
    "restoring an old motorbike", "sings in a choir", "twins turning five soon",
    "back from {city} — ask about the food", "volunteers at the dog shelter",
    "studying for the bar exam", "birdwatcher — ask what they spotted",
)
_TAGS_COMMON = ("student", "neighbour", "remote-worker", "dog-owner", "staff-favourite",
                "teacher", "nurse", "local-business", "early-bird", "loyalty-card", "family",
                "cyclist")
_LOOKS = ("tall", "very tall", "short grey hair", "red beanie", "big headphones",
          "always in running gear", "cycling jersey", "paint-splattered overalls",
          "scrubs, night shift", "hi-vis vest", "tweed jacket", "yellow raincoat",
          "silver rings", "round glasses", "green scarf", "suit and trainers", "pink hair",
          "long braids", "bushy moustache", "tattooed forearms", "denim jacket", "bucket hat")
_THINGS = ("red fixie", "black lab", "golden retriever", "double pram", "skateboard",
           "laptop covered in stickers", "sketchbook", "crossword", "guitar case", "yoga mat",
           "toolbox", "film camera", "vintage Vespa", "twin boys", "sausage dog",
           "French bulldog", "trumpet case", "stack of library books")
_DESCRIPTIONS = (
    "works at the bookshop next door", "comes in with the twins after school drop-off",
    "runs the flower stall on Saturdays", "usually on a call — wave, don't talk",
    "sits at the big table with a laptop", "drives the 33 bus, quick stop",
    "brings the whole office order on Fridays", "always with a crossword",
)
# (text, pinned). Practical must-knows are pinned; the rest is colour.
_NOTES: tuple[tuple[str, bool], ...] = (
    ("Prefers to pay by card, never cash", True),
    ("Hard of hearing in the left ear; face them when talking", True),
    ("Likes their name spelled right on the cup", True),
    ("Likes to order at the bar, not from the table", True),
    ("Often orders ahead by phone; keep the order warm by the till", True),
    ("Has a {dog} called {pet} — keep a dog biscuit handy", False),
    ("Back from {city}, loved the coffee there", False),
    ("Was sad we ran out of {pastry}; set one aside on Fridays", False),
    ("Recommended us to their whole office", False),
    ("Moving to {city} in the spring — will miss them", False),
    ("Brought the team a box of doughnuts for no reason", False),
    ("Their partner sometimes picks up the order", False),
    ("Asked whether we cater birthdays — sent them to the manager", False),
    ("Tips generously, always says hi to the whole team", False),
    ("Mentioned they are training for a half marathon", False),
    ("Left a lovely review online", False),
    ("Asked us to save the Sunday paper crossword", False),
    ("Knows the owner from way back", False),
)
_AREA_CODES = ("310", "323", "213", "562", "626", "818", "714", "949", "415", "212", "646",
               "718", "617", "206", "503", "312", "512", "305")
_EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")

# ----------------------------------------------------------------------------------------------
# Shape of the data
# ----------------------------------------------------------------------------------------------

DAY = 86_400
HISTORY_DAYS = 730  # seed_customers: visits over the last two years
DEMO_HISTORY_DAYS = 183  # create_demo_data: six months
DEMO_CUSTOMERS = 290  # generated demo regulars, besides the hand-written ones
DEMO_VISITS_PER_CUSTOMER = 14
DEMO_SEED = 2024
BULK_CACHE_KIB = 65_536  # SQLite page cache while seeding (64 MiB)


@dataclass(frozen=True)
class _Segment:
    """A kind of customer: how many there are, how often they come, and for how long."""

    share: float
    rate: float  # relative visits per year of history
    min_history_days: int
    lapsed: bool
    notes: float  # mean number of notes
    regular_tag: float  # chance of the "regular" tag


_SEGMENTS = (
    _Segment(0.05, 14.0, 120, False, 1.5, 0.9),  # daily regulars
    _Segment(0.17, 4.0, 60, False, 0.9, 0.6),  # weekly
    _Segment(0.43, 1.0, 0, False, 0.4, 0.05),  # occasional
    _Segment(0.25, 0.25, 0, False, 0.15, 0.0),  # rare: tourists, once a season
    _Segment(0.10, 1.5, 120, True, 0.5, 0.1),  # lapsed: used to come, stopped
)
_SEGMENT_CUMULATIVE = tuple(
    sum(s.share for s in _SEGMENTS[: i + 1]) for i in range(len(_SEGMENTS))
)

# When a coffee bar / deli sees its customers (local time): a morning rush, a lunch bump, a
# quiet afternoon. Picked by index, which is much faster than random.choices per visit.
_HOURLY = {6: 4, 7: 12, 8: 16, 9: 12, 10: 8, 11: 7, 12: 10, 13: 8, 14: 5, 15: 5, 16: 3, 17: 2}
_VISIT_SECONDS: tuple[int, ...] = tuple(
    hour * 3600 + minute * 60
    for hour, weight in _HOURLY.items()
    for minute in range(0, 60, 2)
    for _ in range(weight)
)


def _expand(weighted: Sequence[tuple[float, str]]) -> tuple[str, ...]:
    """Each item repeated in proportion to its weight, for O(1) weighted picks."""
    return tuple(item for weight, item in weighted for _ in range(round(weight * 2)))


_DRINK_PICKS = _expand(_DRINKS)
_FOOD_PICKS = _expand(_FOOD)
_CULTURE_PICKS: tuple[int, ...] = tuple(
    index for index, (weight, _, _) in enumerate(_CULTURES) for _ in range(round(weight))
)


@dataclass
class _Regular:
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
    segment: _Segment = _SEGMENTS[2]


class _Generator:
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
        return template.format(city=pick(_CITIES), pet=pick(_PETS), dog=pick(_DOGS),
                               team=pick(_TEAMS), place=pick(_PLACES), pastry=pick(_PASTRIES))

    # -- who they are ---------------------------------------------------------------------------

    def regular(self, customer_id: int) -> _Regular:
        rnd = self.rng.random
        regular = _Regular(id=customer_id)
        self.identity(regular)
        self.contact(regular)
        self.orders(regular)
        if rnd() < 0.45:
            regular.preferences = self.some(_PREFERENCES, 1 + (rnd() < 0.35))
        if rnd() < 0.10:
            regular.allergies = self.some(_ALLERGIES, 1 + (rnd() < 0.15))
        if rnd() < 0.5:
            points = self.some(_TALKING_POINTS, 1 + (rnd() < 0.3))
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
            tags += self.some(_TAGS_COMMON, 1 + (rnd() < 0.2))
        regular.tags = sorted(set(tags))  # the order refresh_document reads them back in
        for _ in range(int(segment.notes + rnd())):
            text, pinned = _NOTES[int(rnd() * len(_NOTES))]
            regular.notes.append((self.fill(text), pinned))
        return regular

    def identity(self, regular: _Regular) -> None:
        rnd = self.rng.random
        roll = rnd()
        if roll < 0.05:  # nobody knows their name yet
            regular.description = (f"{self.pick(_LOOKS)}, {self.pick(_THINGS)}, "
                                   f"{self.pick(_DRINK_PICKS)}")
            return
        if roll < 0.08:
            name, handle, everyday = _CJK_NAMES[int(rnd() * len(_CJK_NAMES))]
            regular.name = name
            if everyday and rnd() < 0.6:
                regular.goes_by = everyday
            regular.email = handle  # the e-mail handle, if they get an address in contact()
            return
        _, givens, families = _CULTURES[_CULTURE_PICKS[int(rnd() * len(_CULTURE_PICKS))]]
        if rnd() < 0.12:  # families and marriages mix cultures
            families = _CULTURES[_CULTURE_PICKS[int(rnd() * len(_CULTURE_PICKS))]][2]
        given = self.pick(givens)
        # Some regulars are only ever known by their first name.
        regular.name = given if rnd() < 0.06 else f"{given} {self.pick(families)}"
        nicknames = _NICKNAMES.get(given)
        if nicknames and rnd() < 0.5:
            regular.goes_by = self.pick(nicknames)
        if rnd() < 0.07:
            regular.description = self.pick(_DESCRIPTIONS)

    def contact(self, regular: _Regular) -> None:
        rnd = self.rng.random
        named = bool(regular.name)
        if rnd() < (0.72 if named else 0.2):
            regular.phone = self.phone()
        handle, regular.email = regular.email, ""
        if rnd() < (0.42 if named else 0.05):
            if not handle:
                parts = [compact(p) for p in regular.name.split()] or [compact(self.pick(_PETS))]
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
                    handle = f"{compact(self.pick(_PETS))}.fan{int(rnd() * 999)}"
            regular.email = f"{handle}@{self.pick(_EMAIL_DOMAINS)}"

    def phone(self) -> str:
        rnd = self.rng.random
        if rnd() < 0.06:  # visitors and expats
            kind = rnd()
            if kind < 0.4:
                return f"+44 7700 900{int(rnd() * 1000):03d}"
            if kind < 0.7:
                return "+33 6 " + " ".join(f"{int(rnd() * 100):02d}" for _ in range(4))
            return f"+49 151 {int(rnd() * 100_000_000):08d}"
        area = self.pick(_AREA_CODES)
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

    def orders(self, regular: _Regular) -> None:
        roll = self.rng.random()
        drink = self.pick(_DRINK_PICKS)
        usuals = [drink]
        if roll > 0.55:
            usuals.append(self.pick(_FOOD_PICKS))
        if roll > 0.9:
            extra = self.pick(_DRINK_PICKS)
            if extra not in usuals:
                usuals.append(extra)
        regular.usuals = usuals
        regular.visit_items = _visit_items(usuals, f"{drink}, {self.pick(_PASTRIES)}",
                                           self.pick(_DRINK_PICKS))

    # -- when they come -------------------------------------------------------------------------

    def history(self, regular: _Regular) -> None:
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

    def visit_times(self, regular: _Regular, count: int) -> list[int]:
        """``count`` visit times in opening hours over the regular's active days, sorted."""
        bits = self.rng.getrandbits
        start = regular.start
        span = regular.active_days
        seconds = _VISIT_SECONDS
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


def _visit_items(usuals: Sequence[str], with_pastry: str, something_new: str) -> tuple[str, ...]:
    """What they had on a visit, drawn by index: mostly the usual, sometimes with a pastry, now
    and then something new, and sometimes nothing (staff just tapped "check in")."""
    everything = ", ".join(usuals)
    first = usuals[0] if usuals else ""
    return (everything,) * 6 + (first,) * 2 + (with_pastry, something_new, "", "")


def _allocate(rng: random.Random, regulars: Sequence[_Regular], target: int) -> list[int]:
    """Visit counts summing to about ``target``: one each if there are enough to go round, the
    rest in proportion to weight, with random rounding so the total stays on target."""
    if target <= 0 or not regulars:
        return [0] * len(regulars)
    base = 1 if target >= len(regulars) else 0
    factor = (target - base * len(regulars)) / (sum(r.weight for r in regulars) or 1.0)
    rnd = rng.random
    return [base + int(r.weight * factor + rnd()) for r in regulars]


# ----------------------------------------------------------------------------------------------
# Rows
# ----------------------------------------------------------------------------------------------

_CUSTOMER_COLUMNS = (
    "id", "name", "goes_by", "phone", "email", "description", "usuals", "preferences",
    "allergies", "talking_points", "birthday_month", "birthday_day", "birthday_year",
    "consent_given", "consent_at", "visit_count", "last_visit_at", "created_at", "updated_at",
)
_TAG_COLUMNS = ("customer_id", "name")
_VISIT_COLUMNS = ("customer_id", "visited_at", "items")
_NOTE_COLUMNS = ("customer_id", "text", "pinned", "created_at", "updated_at")
_DOCUMENT_COLUMNS = (
    "rank_key", "customer_id", "names", "other", "name_compact", "phone_digits", "email",
)


class _DayPrefixes(dict[int, str]):
    """Day number since the epoch -> "YYYY-MM-DD ", computed once per day."""

    def __missing__(self, day: int) -> str:
        prefix = self[day] = datetime.fromtimestamp(day * DAY, UTC).strftime("%Y-%m-%d ")
        return prefix


class _Encoder:
    """Turns generated values into what executemany binds.

    ``raw`` (SQLite): already in the form SQLAlchemy stores, i.e. its JSON serialisation and
    its DateTime text "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, so the rows can go straight to the
    driver (see _insert). Otherwise plain Python values for ``connection.execute(insert(...))``.
    """

    def __init__(self, raw: bool) -> None:
        self.raw = raw
        self._days = _DayPrefixes()
        self._clock = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000"
                       for s in range(DAY)] if raw else []
        self._json_cache: dict[tuple[str, ...], str] = {}
        self.when: Callable[[int], Any] = self._stamp if raw else self._datetime
        self.json: Callable[[list[str]], Any] = self._json if raw else list

    @classmethod
    def for_connection(cls, connection: Connection) -> _Encoder:
        """Raw when the dialect is SQLite and stores values exactly as the raw encoder writes
        them (checked against SQLAlchemy's own bind processors)."""
        dialect = connection.dialect
        if dialect.name != "sqlite" or dialect.paramstyle != "qmark":
            return cls(raw=False)
        raw = cls(raw=True)
        stamp_type = Visit.__table__.c.visited_at.type
        stamp = stamp_type.dialect_impl(dialect).bind_processor(dialect)
        json_type = Customer.__table__.c.usuals.type
        to_json = json_type.dialect_impl(dialect).bind_processor(dialect)
        moments = (datetime(2024, 2, 29, 7, 5, 9, tzinfo=UTC),
                   datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC))
        sample = ["Zoë's oat flat white", 'a "quoted" word', "王芳"]
        same = (
            stamp is not None and to_json is not None
            and all(stamp(m) == raw.when(int(m.timestamp())) for m in moments)
            and to_json(sample) == raw.json(sample)
        )
        return raw if same else cls(raw=False)

    @staticmethod
    def _datetime(at: int) -> datetime:
        return datetime.fromtimestamp(at, UTC)

    def _stamp(self, at: int) -> str:
        return self._days[at // DAY] + self._clock[at % DAY]

    def stamps(self, times: list[int]) -> list[Any]:
        """``when`` of many times at once (the visits: most of the rows of a seed)."""
        if not self.raw:
            return [datetime.fromtimestamp(at, UTC) for at in times]
        days = self._days
        clock = self._clock
        return [days[at // DAY] + clock[at % DAY] for at in times]

    def _json(self, items: list[str]) -> str:
        key = tuple(items)
        value = self._json_cache.get(key)
        if value is None:
            value = json.dumps(items)
            if len(self._json_cache) < 100_000:
                self._json_cache[key] = value
        return value


class _Documents:
    """search_document rows: ``document_values`` with the folding of repeated parts memoised.

    Folding the same menu items, tags and names over and over would be most of a seed's Python
    time, and ``word_text(a, b)`` is ``word_text(a)`` and ``word_text(b)`` joined, so each part is
    folded once. Every ``CHECK_EVERY``-th row is compared with ``document_values`` itself, so a
    change there cannot silently make seeded documents differ from the services' ones.
    """

    CHECK_EVERY = 97
    _CACHE_LIMIT = 200_000

    def __init__(self) -> None:
        self._words: dict[str, str] = {}
        self._names: dict[tuple[str, str], tuple[str, str]] = {}

    def _word_text(self, part: str) -> str:
        folded = self._words.get(part)
        if folded is None:
            folded = word_text(part)
            if len(self._words) < self._CACHE_LIMIT:
                self._words[part] = folded
        return folded

    def _name_columns(self, name: str, goes_by: str) -> tuple[str, str]:
        """(names, name_compact) of a name and goes-by, as document_values builds them."""
        key = (name, goes_by)
        columns = self._names.get(key)
        if columns is None:
            words_of = self._word_text
            columns = (" ".join(w for w in (words_of(name), words_of(goes_by)) if w),
                       f"{compact(name)} {compact(goes_by)}".strip())
            if len(self._names) < self._CACHE_LIMIT:
                self._names[key] = columns
        return columns

    def row(
        self, regular: _Regular, notes: list[str], last_seen: datetime, visit_count: int
    ) -> tuple[Any, ...]:
        names, name_compact = self._name_columns(regular.name, regular.goes_by)
        parts = (regular.description, *regular.usuals, *regular.preferences, *regular.allergies,
                 *regular.talking_points, *regular.tags, *notes)
        row = (
            rank_key(regular.id, last_seen, visit_count),
            regular.id,
            names,
            " ".join(filter(None, map(self._word_text, parts))),
            name_compact,
            digits(regular.phone),
            fold(regular.email).strip(),
        )
        if regular.id % self.CHECK_EVERY == 0:
            expected = document_values(
                customer_id=regular.id, name=regular.name, goes_by=regular.goes_by,
                phone=regular.phone, email=regular.email, description=regular.description,
                usuals=regular.usuals, preferences=regular.preferences,
                allergies=regular.allergies, talking_points=regular.talking_points,
                tags=regular.tags, notes=notes, last_seen=last_seen, visit_count=visit_count,
            )
            if tuple(expected[c] for c in _DOCUMENT_COLUMNS) != row:
                raise RuntimeError(
                    "models/seeding.py builds search documents unlike "
                    "models.search.documents.document_values; update _Documents.row"
                )
        return row


@dataclass
class _Rows:
    """One batch, as rows of each table (tuples in the *_COLUMNS order)."""

    customers: list[tuple[Any, ...]] = field(default_factory=list)
    tags: list[tuple[Any, ...]] = field(default_factory=list)
    visits: list[tuple[Any, ...]] = field(default_factory=list)
    notes: list[tuple[Any, ...]] = field(default_factory=list)
    documents: list[tuple[Any, ...]] = field(default_factory=list)


def _add_rows(
    rows: _Rows, encoder: _Encoder, documents: _Documents, gen: _Generator, regular: _Regular,
    times: list[int],
) -> None:
    """The rows of one regular, with visit_count, last_visit_at and the search document
    computed from the very visits and notes written."""
    rnd = gen.rng.random
    when = encoder.when
    cid = regular.id
    items = regular.visit_items
    n_items = len(items)
    rows.visits.extend(zip(repeat(cid), encoder.stamps(times),
                           [items[int(rnd() * n_items)] for _ in times], strict=False))
    if times:
        created = times[0] - 60 * (1 + int(rnd() * 10))  # added a few minutes before check-in
        last_seen = times[-1]
    else:  # added, never checked in
        created = min(regular.start + int(rnd() * regular.active_days * DAY), gen.now_ts)
        last_seen = created
    # A note is written at the counter: a few minutes into one of their visits.
    note_times = sorted(
        min((times[int(rnd() * len(times))] if times else created) + 60 * (1 + int(rnd() * 5)),
            gen.now_ts)
        for _ in regular.notes
    )
    for (text, pinned), at in zip(regular.notes, note_times, strict=True):
        stamp = when(at)
        rows.notes.append((cid, text, pinned, stamp, stamp))
    created_at = when(created)
    month, day, year = regular.birthday or (None, None, None)
    rows.customers.append((
        cid, regular.name, regular.goes_by, regular.phone, regular.email, regular.description,
        encoder.json(regular.usuals), encoder.json(regular.preferences),
        encoder.json(regular.allergies), encoder.json(regular.talking_points), month, day, year,
        regular.consent, created_at if regular.consent else None, len(times),
        when(times[-1]) if times else None, created_at,
        when(max(created, note_times[-1])) if note_times else created_at,
    ))
    rows.tags.extend([(cid, tag) for tag in regular.tags])
    rows.documents.append(documents.row(
        regular, [text for text, _ in regular.notes], datetime.fromtimestamp(last_seen, UTC),
        len(times),
    ))


# ----------------------------------------------------------------------------------------------
# Batches: planned up front, generated here or in a helper process, written one transaction each
# ----------------------------------------------------------------------------------------------

BATCH_VISITS = 200_000  # visit rows per transaction, at most
BATCH_MIN_CUSTOMERS = 1_000
BATCH_MAX_CUSTOMERS = 20_000
# Below this many rows, or with one CPU, generating in-process is as fast as a helper process.
PARALLEL_MIN_ROWS = 200_000


@dataclass(frozen=True)
class _Batch:
    first_id: int
    customers: int
    visits: int  # the target; the allocation comes out within a fraction of a percent


@dataclass(frozen=True)
class _Plan:
    seed: int
    now: datetime
    history_days: int
    batches: tuple[_Batch, ...]
    avoid: frozenset[str] = frozenset()  # names and descriptions not to generate


def _plan_batches(first_id: int, customers: int, visits_per_customer: float) -> list[_Batch]:
    """Customers per transaction: ~BATCH_VISITS visit rows (~50 MB) in memory at most."""
    size = max(BATCH_MIN_CUSTOMERS, min(
        BATCH_MAX_CUSTOMERS, int(BATCH_VISITS / max(visits_per_customer, 1.0))))
    # A small first batch gets the writing going sooner when a helper process generates.
    sizes = [min(size, max(BATCH_MIN_CUSTOMERS, size // 8))] if customers > size else []
    while sum(sizes) < customers:
        sizes.append(min(size, customers - sum(sizes)))
    batches = []
    start = first_id
    owed = 0.0  # fractional visits carried between batches, so the total stays on target
    for count in sizes:
        owed += count * visits_per_customer
        batches.append(_Batch(start, count, int(owed)))
        owed -= int(owed)
        start += count
    return batches


def _generate(plan: _Plan, encoder: _Encoder) -> Generator[_Rows, None, None]:
    """The plan's batches, one after the other (the same rows wherever this runs)."""
    gen = _Generator(random.Random(plan.seed), plan.now, plan.history_days)
    documents = _Documents()
    for batch in plan.batches:
        regulars = []
        for customer_id in range(batch.first_id, batch.first_id + batch.customers):
            regular = gen.regular(customer_id)
            while (regular.name or regular.description) in plan.avoid:
                regular = gen.regular(customer_id)
            regulars.append(regular)
        rows = _Rows()
        for regular, count in zip(regulars, _allocate(gen.rng, regulars, batch.visits),
                                  strict=True):
            _add_rows(rows, encoder, documents, gen, regular, gen.visit_times(regular, count))
        yield rows


def _produce(plan: _Plan, queue: Any) -> None:
    """Helper process: generate the batches while the parent writes the previous ones."""
    try:
        for rows in _generate(plan, _Encoder(raw=True)):
            queue.put(rows)
        queue.put(None)
    except BaseException:  # report anything; the parent raises it
        import traceback

        queue.put(traceback.format_exc())


def _generate_in_helper(plan: _Plan) -> Generator[_Rows, None, None]:
    """``_generate(plan, raw encoder)``, run in a helper process (the other core) so that
    generating a batch overlaps with SQLite writing the previous one. Falls back to generating
    here if the process cannot start."""
    import multiprocessing  # imported here: only big seeds need it
    from queue import Empty

    try:
        context = multiprocessing.get_context()
        queue = context.Queue(maxsize=1)  # one batch waiting at most: memory stays bounded
        helper = context.Process(target=_produce, args=(plan, queue), daemon=True,
                                 name="vre-seed-generator")
        helper.start()
    except (OSError, RuntimeError, ValueError):  # no processes here (sandbox, frozen app …)
        yield from _generate(plan, _Encoder(raw=True))
        return
    received = 0
    try:
        while True:
            try:
                item = queue.get(timeout=0.5)
            except Empty:
                if helper.is_alive():
                    continue
                if received:
                    raise RuntimeError("the seeding helper process stopped unexpectedly") from None
                break  # it never got going (e.g. cannot re-import __main__): do it here
            if item is None:
                return
            if isinstance(item, str):
                raise RuntimeError(f"the seeding helper process failed:\n{item}")
            received += 1
            yield item
    finally:
        if helper.is_alive():
            helper.terminate()
        helper.join()
        queue.close()
    yield from _generate(plan, _Encoder(raw=True))


def _use_helper(plan: _Plan, encoder: _Encoder) -> bool:
    rows = sum(b.customers + b.visits for b in plan.batches)
    return (
        encoder.raw and len(plan.batches) > 1 and rows >= PARALLEL_MIN_ROWS
        and (os.cpu_count() or 1) > 1 and not getattr(sys, "frozen", False)
    )


def _insert(
    connection: Connection, encoder: _Encoder, entity: type[Base], columns: Sequence[str],
    rows: list[tuple[Any, ...]],
) -> None:
    """``insert(table)`` executemany. Raw rows go straight to the driver with the statement
    SQLAlchemy compiles: its per-row parameter processing would cost 3-4 times what SQLite
    needs to store the row."""
    if not rows:
        return
    table = entity.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{entity.__name__} is not mapped to a table")
    if encoder.raw:
        compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(columns))
        if list(compiled.positiontup or ()) != list(columns):
            raise RuntimeError(f"{table.name}: seeding columns are out of table order")
        connection.exec_driver_sql(str(compiled), rows)
    else:
        connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


def _write(connection: Connection, encoder: _Encoder, rows: _Rows) -> None:
    """Insert one batch; the caller holds the transaction."""
    _insert(connection, encoder, Customer, _CUSTOMER_COLUMNS, rows.customers)
    _insert(connection, encoder, CustomerTag, _TAG_COLUMNS, rows.tags)
    _insert(connection, encoder, Visit, _VISIT_COLUMNS, rows.visits)
    _insert(connection, encoder, Note, _NOTE_COLUMNS, rows.notes)
    # Ascending rank keys (rowids): the order SQLite's table and full-text indexes take fastest.
    rows.documents.sort(key=lambda row: int(row[0]))
    if not (encoder.raw and _has_search_triggers(connection)):
        _insert(connection, encoder, SearchDocument, _DOCUMENT_COLUMNS, rows.documents)
        return
    # Indexing the batch with one INSERT … SELECT per index is ~4x faster than the triggers
    # firing row by row; DDL is transactional in SQLite, so no one ever sees them missing.
    from models.migrations.fts import SEARCH_TRIGGERS, sqlite_index_rows_sql, sqlite_trigger_sql

    for trigger in SEARCH_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER {trigger}")
    _insert(connection, encoder, SearchDocument, _DOCUMENT_COLUMNS, rows.documents)
    first_id = int(rows.customers[0][0])
    for statement in sqlite_index_rows_sql(f"customer_id >= {first_id}"):
        connection.exec_driver_sql(statement)
    for statement in sqlite_trigger_sql():
        connection.exec_driver_sql(statement)


def _has_search_triggers(connection: Connection) -> bool:
    from models.migrations.fts import SEARCH_TRIGGERS

    found = connection.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?, ?)",
        SEARCH_TRIGGERS,
    ).scalar()
    # Dropping them is only safe inside a transaction (_begin_batch opens one).
    return found == len(SEARCH_TRIGGERS) and _in_transaction(connection)


def _in_transaction(connection: Connection) -> bool:
    driver = connection.connection.driver_connection
    return bool(getattr(driver, "in_transaction", False))


def _begin_batch(connection: Connection) -> int:
    """Start a batch's write transaction; returns the first free customer id."""
    if connection.dialect.name == "sqlite" and not _in_transaction(connection):
        # Take the write lock now, so the max(id) read below cannot be raced.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    return _next_customer_id(connection)


def _next_customer_id(connection: Connection) -> int:
    return int(connection.execute(select(func.max(Customer.id))).scalar() or 0) + 1


@contextmanager
def _bulk_connection(sessions: SessionFactory, cache_kib: int) -> Iterator[Connection]:
    """A connection for bulk writes: on SQLite with a larger page cache while it lasts (millions
    of visits update their time index all over; the default 2 MB cache thrashes)."""
    bind = sessions.kw.get("bind")
    if not isinstance(bind, Engine):
        with sessions() as session:
            found = session.get_bind()
        bind = found if isinstance(found, Engine) else found.engine
    with bind.connect() as connection:
        if connection.dialect.name != "sqlite" or cache_kib <= 0:
            yield connection
            return
        previous = int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
        connection.exec_driver_sql(f"PRAGMA cache_size = {-int(cache_kib)}")
        connection.commit()
        try:
            yield connection
        finally:
            if connection.in_transaction():
                connection.rollback()
            connection.exec_driver_sql(f"PRAGMA cache_size = {previous}")
            connection.commit()


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    if now.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware datetime as now")
    return now


@dataclass(frozen=True)
class SeedSummary:
    """What seed_customers added, and how long it took."""

    customers: int
    visits: int
    notes: int
    seconds: float


def _run(
    connection: Connection, plan: _Plan, progress: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """Write the plan's batches, one transaction each; returns (visits, notes) written."""
    encoder = _Encoder.for_connection(connection)
    batches = _generate_in_helper(plan) if _use_helper(plan, encoder) else _generate(
        plan, encoder)
    total = sum(b.customers for b in plan.batches)
    done = visits = notes = 0
    try:
        for batch, rows in zip(plan.batches, batches, strict=True):
            with connection.begin():
                if _begin_batch(connection) != batch.first_id:
                    raise RuntimeError(
                        "Another program added regulars while seeding; seed a database that "
                        "nothing else is writing to."
                    )
                _write(connection, encoder, rows)
            done += batch.customers
            visits += len(rows.visits)
            notes += len(rows.notes)
            if progress is not None:
                progress(done, total)
    finally:
        batches.close()
    return visits, notes


def seed_customers(
    sessions: SessionFactory,
    customers: int,
    *,
    visits_per_customer: float = 20.0,
    seed: int = 1,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SeedSummary:
    """Add ``customers`` synthetic regulars with about ``visits_per_customer`` visits each.

    Visits spread over the last two years with a realistic skew (a few daily regulars, many
    occasional customers, some who stopped coming), about half a note per customer. Appends to
    what is there (ids continue after the highest one). Each batch of up to 20,000 customers
    is one transaction, so an interrupted seed leaves whole, consistent customers;
    ``progress(done, total)`` is called after each batch. The same seed and ``now`` give the
    same data (visit times follow the local clock's opening hours).
    """
    if customers < 0:
        raise ValueError("customers must not be negative")
    if not (visits_per_customer >= 0 and math.isfinite(visits_per_customer)):
        raise ValueError("visits_per_customer must be a non-negative number")
    started = time.perf_counter()
    now = _aware(now)
    with _bulk_connection(sessions, BULK_CACHE_KIB) as connection:
        first_id = _next_customer_id(connection)
        connection.commit()
        plan = _Plan(seed, now, HISTORY_DAYS,
                     tuple(_plan_batches(first_id, customers, visits_per_customer)))
        visits, notes = _run(connection, plan, progress)
    return SeedSummary(customers, visits, notes, time.perf_counter() - started)


# ----------------------------------------------------------------------------------------------
# Demo data
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Curated:
    """A hand-written regular for the demo: the people a tester (or shop owner) looks for."""

    name: str = ""
    goes_by: str = ""
    phone: str = ""
    email: str = ""
    description: str = ""
    usuals: tuple[str, ...] = ()
    preferences: tuple[str, ...] = ()
    allergies: tuple[str, ...] = ()
    talking_points: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    birthday: tuple[int, int, int | None] | None = None
    notes: tuple[tuple[str, bool], ...] = ()
    per_week: float = 2.0
    first_seen_days_ago: int = 180
    last_seen_days_ago: int = 0
    consent: bool = True


_DEMO_REGULARS: tuple[_Curated, ...] = (
    _Curated(
        name="Zoë Park", goes_by="Zoë", phone="(213) 555-0142", email="zoe.park@example.com",
        usuals=("oat flat white", "almond croissant"), preferences=("extra hot",),
        talking_points=("ask about the Lisbon trip", "new puppy, Mochi"),
        tags=("regular", "staff-favourite", "neighbour"), birthday=(4, 17, None),
        notes=(("Likes Zoë spelled with the dots on the cup", True),
               ("Back from Lisbon — brought us pastéis de nata!", False)),
        per_week=6, first_seen_days_ago=182,
    ),
    _Curated(
        name="José Alvarez", goes_by="Pepe", phone="(310) 703-8944",
        usuals=("cortado", "bacon & egg roll"), preferences=("toast well done",),
        talking_points=("big fan of the Dodgers", "daughter just started university"),
        tags=("regular", "local-business"),
        notes=(("Runs the hardware store two doors down; happy to lend a ladder", False),),
        per_week=5, first_seen_days_ago=181, last_seen_days_ago=1,
    ),
    _Curated(
        name="Siobhan O'Brien", goes_by="Shiv", phone="+1 562 397 2052",
        email="siobhan.obrien@example.org", usuals=("English breakfast tea", "scone with jam"),
        allergies=("coeliac — no gluten",), talking_points=("training for the Dublin marathon",),
        tags=("regular",),
        notes=(("Coeliac: gluten-free scone from the sealed tin, separate tongs", True),),
        per_week=3, first_seen_days_ago=175, last_seen_days_ago=2,
    ),
    _Curated(
        name="Katherine Smith", goes_by="Kate", phone="562.397.2052",
        email="kate.smith@example.com", usuals=("large latte", "banana bread, toasted"),
        preferences=("skinny milk", "in a mug, staying in"),
        talking_points=("ask how the kitchen renovation is going",),
        tags=("regular", "teacher"), birthday=(11, 2, 1984),
        notes=(("Prefers to pay by card, never cash", True),
               ("Marking essays on Sunday mornings — the corner table if it's free", False)),
        per_week=2.5, first_seen_days_ago=170,
    ),
    _Curated(
        name="王芳", goes_by="Fiona", email="wang.fang@example.net",
        usuals=("matcha latte with oat milk",), allergies=("dairy (lactose)",),
        talking_points=("learning to surf", "ask about her sister's wedding in Chengdu"),
        tags=("regular", "student"),
        notes=(("Lactose intolerant — oat or soy only, even in the matcha", True),),
        per_week=3, first_seen_days_ago=120,
    ),
    _Curated(
        description="tall, red fixie, double espresso", usuals=("double espresso",),
        preferences=("no lid", "has it ready if we see them parking"), tags=("cyclist",),
        notes=(("Locks the bike to the bench outside; drinks it standing at the bar", False),),
        per_week=4, first_seen_days_ago=90, consent=False,
    ),
    _Curated(
        name="Marguerite Dubois", goes_by="Maggie", phone="(323) 480-1177",
        usuals=("flat white", "pain au chocolat"), preferences=("tap water with it",),
        talking_points=("ask how Biscuit is doing at puppy school",),
        tags=("regular", "dog-owner", "neighbour"),
        notes=(("Comes in with her corgi, Biscuit — keep a pup cup ready", False),
               ("Biscuit is scared of the coffee grinder; wait before grinding", True)),
        per_week=4, first_seen_days_ago=178,
    ),
    _Curated(
        name="Łukasz Nowak", goes_by="Luke", phone="+1 818 226 4410",
        email="lukasz.nowak@example.com", usuals=("long black", "pastrami on rye"),
        allergies=("tree nuts",), talking_points=("restoring an old motorbike",),
        tags=("regular", "remote-worker"),
        notes=(("Tree nut allergy — keep the almond croissants away from his plate", True),),
        per_week=3, first_seen_days_ago=160,
    ),
    _Curated(
        name="Mary-Jane Holloway", goes_by="MJ", phone="714-555-0199",
        usuals=("chai latte", "cinnamon bun"), talking_points=("just became a grandparent",),
        tags=("regular", "early-bird"), birthday=(2, 29, 1956),
        notes=(("First one in most mornings; knows everybody's name", False),),
        per_week=5, first_seen_days_ago=183,
    ),
    _Curated(
        name="Priya Iyer", phone="(626) 318-0045", email="priya.iyer@example.org",
        usuals=("iced oat latte", "avocado toast with chilli flakes"),
        allergies=("peanuts", "sesame"), talking_points=("studying for the bar exam",),
        tags=("student",),
        notes=(("Studies here Tuesday and Thursday afternoons — big table if possible", False),),
        per_week=2, first_seen_days_ago=140, last_seen_days_ago=3,
    ),
    _Curated(
        name="Chidi Okafor", phone="213.908.6621", usuals=("cold brew", "smoked salmon bagel"),
        preferences=("large, always",), talking_points=("plays in a jazz trio on Fridays",),
        tags=("staff-favourite",),
        notes=(("Invited the whole team to his gig at the Blue Room", False),),
        per_week=1.5, first_seen_days_ago=150, last_seen_days_ago=5,
    ),
    _Curated(
        name="Walter Reed", goes_by="Walt", usuals=("batch brew, black",),
        preferences=("sugar in the raw, two",),
        talking_points=("ask about the grandkids", "big fan of the Rams"),
        tags=("regular", "neighbour"),
        notes=(("Hard of hearing in the left ear; face him when talking", True),
               ("Reads the paper at the window for an hour, refill on the house", False)),
        per_week=6, first_seen_days_ago=183,
    ),
    _Curated(
        name="Ayşe Yılmaz", phone="+44 7700 900461", usuals=("Turkish coffee, medium sweet",),
        talking_points=("back from Istanbul — ask about the food",), tags=("neighbour",),
        notes=(("Moved from London in the summer; still has her UK number", False),),
        per_week=1, first_seen_days_ago=100, last_seen_days_ago=8,
    ),
    _Curated(
        name="Theo Fairweather", usuals=("hot chocolate", "babyccino for the little one"),
        talking_points=("twins turning five soon",), tags=("family",),
        notes=(("Twins Ada and Max — one marshmallow each, not two", False),),
        per_week=1, first_seen_days_ago=160, last_seen_days_ago=75,
    ),
)


def _curated_regular(gen: _Generator, customer_id: int, spec: _Curated) -> tuple[_Regular, int]:
    """The hand-written regular, and how many visits they made."""
    regular = _Regular(
        id=customer_id, name=spec.name, goes_by=spec.goes_by, phone=spec.phone,
        email=spec.email, description=spec.description, usuals=list(spec.usuals),
        preferences=list(spec.preferences), allergies=list(spec.allergies),
        talking_points=list(spec.talking_points), tags=sorted(spec.tags), birthday=spec.birthday,
        consent=spec.consent, notes=list(spec.notes),
    )
    regular.visit_items = _visit_items(spec.usuals, ", ".join(spec.usuals), "")
    regular.start = gen.midnight - spec.first_seen_days_ago * DAY
    regular.active_days = spec.first_seen_days_ago - spec.last_seen_days_ago + 1
    return regular, max(1, round(spec.per_week * regular.active_days / 7))


def create_demo_data(sessions: SessionFactory, *, now: datetime | None = None) -> None:
    """Fill the database with ~300 believable regulars of a neighbourhood coffee bar.

    Six months of visits and notes, and a few memorable people a tester can search for:
    "Zoë Park", "José Alvarez" ((310) 703-8944), "Siobhan O'Brien", "Katherine Smith"
    (Kate), "王芳", the nameless "tall, red fixie, double espresso", and a corgi owner.
    Appends to what is there; meant for the throwaway database of ``--demo``.
    """
    now = _aware(now)
    curated = frozenset(spec.name or spec.description for spec in _DEMO_REGULARS)
    with _bulk_connection(sessions, 0) as connection, connection.begin():
        encoder = _Encoder.for_connection(connection)
        first_id = _begin_batch(connection)
        batch = _Batch(first_id, DEMO_CUSTOMERS, DEMO_CUSTOMERS * DEMO_VISITS_PER_CUSTOMER)
        plan = _Plan(DEMO_SEED, now, DEMO_HISTORY_DAYS, (batch,), avoid=curated)
        (rows,) = _generate(plan, encoder)
        gen = _Generator(random.Random(DEMO_SEED + 1), now, DEMO_HISTORY_DAYS)
        documents = _Documents()
        rnd = gen.rng.random
        for customer_id, spec in enumerate(_DEMO_REGULARS, start=first_id + DEMO_CUSTOMERS):
            regular, count = _curated_regular(gen, customer_id, spec)
            times = gen.visit_times(regular, count)
            if spec.last_seen_days_ago == 0:
                # In this morning (or yesterday, if the shop has not opened yet today).
                today = gen.midnight + _VISIT_SECONDS[int(rnd() * len(_VISIT_SECONDS))]
                times[-1] = max(times[-1], today if today <= gen.now_ts else today - DAY)
            _add_rows(rows, encoder, documents, gen, regular, times)
        _write(connection, encoder, rows)
