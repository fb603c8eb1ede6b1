"""``create_demo_data``: a warm, believable neighbourhood coffee bar for ``--demo``.

A few hundred generated regulars over six months, plus a handful of hand-written ones that
testers look for (Zoë Park, José Alvarez, the corgi owner …), all in one transaction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from models.database import SessionFactory
from models.seeding.bulk import Batch, Plan, generate_batches
from models.seeding.demo_problems import add_demo_problems
from models.seeding.generator import (
    DAY,
    VISIT_SECONDS,
    Regular,
    RegularGenerator,
    aware_now,
    visit_items,
)
from models.seeding.problems import seed_problems
from models.seeding.rows import Documents, Encoder, add_rows
from models.seeding.writer import begin_batch, bulk_connection, write_rows
from models.staff import Role, add_staff, list_staff

DEMO_HISTORY_DAYS = 183  # six months
DEMO_CUSTOMERS = 290  # generated demo regulars, besides the hand-written ones
DEMO_VISITS_PER_CUSTOMER = 14
DEMO_SEED = 2024


@dataclass(frozen=True)
class DemoTeammate:
    name: str
    role: Role
    pin: str


# One person of each role, with PINs the demo's sign-in screen shows (never do this for real).
DEMO_STAFF: tuple[DemoTeammate, ...] = (
    DemoTeammate("Dana", Role.OWNER, "2468"),
    DemoTeammate("Marco", Role.SHIFT_LEAD, "1357"),
    DemoTeammate("Sam", Role.CLERK, "1111"),
)


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


def _curated_regular(
    gen: RegularGenerator, customer_id: int, spec: _Curated
) -> tuple[Regular, int]:
    """The hand-written regular, and how many visits they made."""
    regular = Regular(
        id=customer_id, name=spec.name, goes_by=spec.goes_by, phone=spec.phone,
        email=spec.email, description=spec.description, usuals=list(spec.usuals),
        preferences=list(spec.preferences), allergies=list(spec.allergies),
        talking_points=list(spec.talking_points), tags=sorted(spec.tags), birthday=spec.birthday,
        consent=spec.consent, notes=list(spec.notes),
    )
    regular.visit_items = visit_items(spec.usuals, ", ".join(spec.usuals), "")
    regular.start = gen.midnight - spec.first_seen_days_ago * DAY
    regular.active_days = spec.first_seen_days_ago - spec.last_seen_days_ago + 1
    return regular, max(1, round(spec.per_week * regular.active_days / 7))


def create_demo_data(sessions: SessionFactory, *, now: datetime | None = None) -> None:
    """Fill the database with ~300 believable regulars of a neighbourhood coffee bar.

    Six months of visits and notes, and a few memorable people a tester can search for:
    "Zoë Park", "José Alvarez" ((310) 703-8944), "Siobhan O'Brien", "Katherine Smith"
    (Kate), "王芳", the nameless "tall, red fixie, double espresso", and a corgi owner.
    Appends to what is there; meant for the throwaway database of ``--demo``. The team is
    ``DEMO_STAFF``: an owner, a shift lead and a clerk whose PINs the demo shows.
    """
    now = aware_now(now)
    curated = frozenset(spec.name or spec.description for spec in _DEMO_REGULARS)
    with bulk_connection(sessions, 0) as connection, connection.begin():
        encoder = Encoder.for_connection(connection)
        first_id = begin_batch(connection)
        batch = Batch(first_id, DEMO_CUSTOMERS, DEMO_CUSTOMERS * DEMO_VISITS_PER_CUSTOMER)
        plan = Plan(DEMO_SEED, now, DEMO_HISTORY_DAYS, (batch,), avoid=curated)
        (rows,) = generate_batches(plan, encoder)
        gen = RegularGenerator(random.Random(DEMO_SEED + 1), now, DEMO_HISTORY_DAYS)
        documents = Documents()
        rnd = gen.rng.random
        for customer_id, spec in enumerate(_DEMO_REGULARS, start=first_id + DEMO_CUSTOMERS):
            regular, count = _curated_regular(gen, customer_id, spec)
            times = gen.visit_times(regular, count)
            if spec.last_seen_days_ago == 0:
                # In this morning (or yesterday, if the shop has not opened yet today).
                today = gen.midnight + VISIT_SECONDS[int(rnd() * len(VISIT_SECONDS))]
                times[-1] = max(times[-1], today if today <= gen.now_ts else today - DAY)
            add_rows(rows, encoder, documents, gen, regular, times)
        write_rows(connection, encoder, rows)
    # What went wrong and how it was made right: a few stories on the memorable regulars'
    # cards, and a sprinkling over the generated ones so lists and reports are not empty.
    seed_problems(sessions, share=0.08, seed=DEMO_SEED, now=now)
    add_demo_problems(sessions, now)
    add_demo_staff(sessions)
    add_demo_handover_notes(sessions, now)


# Left "for the next shift" a few hours ago, so the demo's briefing (Ctrl+B) has some.
_DEMO_HANDOVER = (
    ("Katherine Smith", "Sam", 3, "Her oat milk brand is back in stock — she asked twice"),
    ("Comes in with her corgi", "Marco", 5,
     "Left her umbrella (green, with ducks) under the window seat; it is behind the counter"),
)


def add_demo_handover_notes(sessions: SessionFactory, now: datetime) -> None:
    from datetime import timedelta

    from models.customers import add_note
    from models.search.service import find_customers
    from models.staff import Actor, SignedIn, signed_in_sessions

    with sessions() as session:
        team = {m.name: m for m in list_staff(session)}
    for who_they_are, author, hours_ago, text in _DEMO_HANDOVER:
        member = team[author]
        as_author = signed_in_sessions(sessions, SignedIn(Actor(member.id, member.name,
                                                                member.role)))
        with as_author.begin() as session:
            matches = find_customers(session, who_they_are, limit=1)
            if matches:
                add_note(session, matches[0].id, text, kind="handover",
                         now=now - timedelta(hours=hours_ago))


def add_demo_staff(sessions: SessionFactory) -> None:
    """The demo team (``DEMO_STAFF``), skipping anyone already there."""
    with sessions.begin() as session:
        taken = {member.name for member in list_staff(session, include_inactive=True)}
        for teammate in DEMO_STAFF:
            if teammate.name not in taken:
                add_staff(session, teammate.name, teammate.role, teammate.pin)
