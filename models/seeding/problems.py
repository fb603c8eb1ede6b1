"""Synthetic problems, recoveries, follow-ups and teammate check-ins for seeded regulars.

A few percent of regulars with at least two visits get one problem, mostly at their latest
visit. The mix of causes, severities, recoveries and outcomes is a plausible coffee bar's, so
every list, card and report has something to show. Deterministic for a seed and ``now``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models.database import SessionFactory
from models.entities import Customer
from models.problem_entities import (
    FollowUp,
    Problem,
    ProblemCategory,
    RecoveryAction,
    TeammateCheckIn,
)
from models.seeding.generator import aware_now
from models.seeding.vocabulary import DRINKS, FOOD, PASTRIES

STAFF = ("Sam", "Aisha", "Jo", "Marco", "Lena", "Ben")
CATEGORY_WEIGHTS = {
    "wrong_order": 25, "wait_time": 18, "product_quality": 15, "poor_communication": 10,
    "process_breakdown": 10, "value_for_price": 8, "training_gap": 6, "staff_attitude": 5,
    "other": 3,
}
STORIES = {
    "wrong_order": "Made the {item} the wrong way; they noticed at the first sip.",
    "wait_time": "Waited almost twenty minutes for the {item} during the rush.",
    "product_quality": "The {item} was stale / not up to our standard.",
    "poor_communication": "We told them the {item} was sold out for good; it was only today.",
    "process_breakdown": "The ticket for the {item} got lost between till and bar.",
    "value_for_price": "Felt the new price of the {item} was too steep for the size.",
    "training_gap": "New starter did not know how to make the {item}.",
    "staff_attitude": "Felt brushed off when asking about the {item}.",
    "other": "Something was off with the {item}.",
}
SAFETY_STORY = "Possible allergen cross-contact with the {item}; caught before eating."
VALUE_ADDS = (("a free cookie", 250), ("a pastry on the house", 375), ("a drink on us", 450),
              ("a bag of house beans", 1400), ("a loyalty stamp", 100))


def seed_problems(
    sessions: SessionFactory, *, share: float = 0.04, seed: int = 1,
    now: datetime | None = None,
) -> int:
    """Give about ``share`` of the regulars with two or more visits one problem; returns how
    many problems were added (one transaction)."""
    now = aware_now(now)
    rng = random.Random(seed * 7919 + 17)
    with sessions.begin() as session:
        categories = {key: id_ for key, id_ in session.execute(
            select(ProblemCategory.key, ProblemCategory.id).where(ProblemCategory.key.is_not(None))
        )}
        candidates = session.execute(
            select(Customer.id, Customer.created_at, Customer.last_visit_at)
            .where(Customer.visit_count >= 2).order_by(Customer.id)
        ).all()
        chosen = [row for row in candidates if rng.random() < share]
        return _write(session, rng, chosen, categories, now)


def _write(session: Session, rng: random.Random, chosen: Sequence[Any],
           categories: dict[str | None, int], now: datetime) -> int:
    keys = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())
    menu = [item for _w, item in DRINKS] + [item for _w, item in FOOD] + list(PASTRIES)
    next_id = (session.scalar(select(Problem.id).order_by(Problem.id.desc()).limit(1)) or 0) + 1
    problems, actions, follow_ups, check_ins = [], [], [], []
    for offset, (customer_id, created_at, last_visit) in enumerate(chosen):
        problem_id = next_id + offset
        # Whole days before their latest visit keep the time of day of a real visit.
        span_days = max((last_visit - created_at).days, 0)
        at = last_visit if rng.random() < 0.4 else last_visit - timedelta(
            days=rng.randint(0, span_days))
        key = rng.choices(keys, weights)[0]
        item = rng.choice(menu)
        safety = rng.random() < 0.04
        severity = "safety" if safety else ("major" if rng.random() < 0.25 else "minor")
        outcome = rng.choices(("happy", "okay", "unhappy"), (65, 25, 10))[0]
        resolved = rng.random() < (0.5 if outcome == "unhappy" else 0.9)
        staff = rng.choice(STAFF)
        problems.append({
            "id": problem_id, "customer_id": customer_id, "occurred_at": at,
            "subject": item,
            "what_happened": (SAFETY_STORY if safety else STORIES[key]).format(item=item),
            "customer_words": "", "fair_fix": "",
            "category_id": categories[key if not safety else "product_quality"],
            "severity": severity, "allergen_or_illness": safety, "handled_by": staff,
            "outcome": outcome, "status": "resolved" if resolved else "open",
            "resolved_by": staff if resolved else "", "resolved_at": at if resolved else None,
            "created_at": at, "updated_at": at,
        })

        def action(kind: str, details: str = "", cost: int | None = None,
                   pid: int = problem_id, when: datetime = at) -> None:
            actions.append({"problem_id": pid, "kind": kind, "details": details,
                            "cost_cents": cost, "taken_at": when})

        if rng.random() < 0.6:
            action("apology")
        if key in ("wrong_order", "product_quality", "training_gap") and rng.random() < 0.7:
            action("remade", item)
        if rng.random() < 0.3:
            action("value_add", *rng.choice(VALUE_ADDS))
        if rng.random() < 0.08:
            action("refund", item, rng.randrange(300, 900, 25))
        if (now - at).days < 30 and rng.random() < 0.3:
            due = (at + timedelta(days=rng.randint(1, 7))).date()
            follow_ups.append({"customer_id": customer_id, "problem_id": problem_id,
                               "task": f"Check they were happy with the next {item}",
                               "due_on": due, "created_by": staff, "created_at": at,
                               "done_at": None, "done_by": "", "result": ""})
        if key == "staff_attitude" or (severity != "minor" and rng.random() < 0.2):
            recent = (now - at).days < 14
            check_ins.append({"problem_id": problem_id, "teammate": staff,
                              "reason": "A tense exchange at the counter", "flagged_by": staff,
                              "created_at": at, "done_at": None if recent else at,
                              "done_by": "" if recent else rng.choice(STAFF),
                              "done_note": ""})
    for table, rows in ((Problem, problems), (RecoveryAction, actions), (FollowUp, follow_ups),
                        (TeammateCheckIn, check_ins)):
        for start in range(0, len(rows), 5000):
            if rows[start:start + 5000]:
                session.execute(insert(table), rows[start:start + 5000])
    if session.get_bind().dialect.name == "postgresql" and problems:
        # Explicit ids leave the sequence behind; the next problem logged would collide.
        session.connection().exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('problem', 'id'), (SELECT max(id) FROM problem))"
        )
    return len(problems)
