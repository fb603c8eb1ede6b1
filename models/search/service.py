"""find_customers: the one search that the window, the command line and scripts all use."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from models.search.backends import Hit, SearchBackend, backend_for
from models.search.folding import compact, digits, fold, words
from models.staff import Permission, require

# Result tiers, best first. Inside a tier: exactness, then the rank key (recent, frequent).
TIER_NAME = 0  # a word of the name or goes-by equals or starts with what was typed
TIER_NAME_PART = 1  # any part of the name ("rie" in Katherine)
TIER_CONTACT = 2  # phone digits or email
TIER_DETAILS = 3  # description, usual order, preferences, talking points, tags, notes
TIER_SIMILAR = 4  # a name one typo away
TIER_RECENT = 5  # nothing typed: the regulars seen most recently and most often

MATCHED_ON = {
    TIER_NAME: "name",
    TIER_NAME_PART: "name",
    TIER_CONTACT: "contact",
    TIER_DETAILS: "details",
    TIER_SIMILAR: "similar name",
    TIER_RECENT: "recent",
}

MIN_SUBSTRING = 3  # trigram indexes cannot match fewer characters
MIN_TYPO_LETTERS = 5
MIN_PHONE_DIGITS = 3
# Each question to the index fetches at least this many candidates, so that a small ``limit``
# returns the top of the same list a larger one would (an exact match is never cut off).
CANDIDATE_POOL = 50
# Typo candidates are fetched before their letters are compared, so fetch more of them: a
# common first half ("kath") must not crowd out the one Katherine whose second half has a typo.
TYPO_POOL_FACTOR = 2
_MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class CustomerMatch:
    """One search result, as plain values (safe to keep after the session closes)."""

    id: int
    name: str
    goes_by: str
    phone: str
    email: str
    description: str
    usuals: tuple[str, ...]
    allergies: tuple[str, ...]
    visits: int
    last_visit: datetime | None
    matched_on: str

    @property
    def usual(self) -> str:
        return "; ".join(self.usuals)

    @property
    def display_name(self) -> str:
        """Who this is, for a list: the name, else the goes-by, else how to recognize them."""
        shown_in_name = compact(self.goes_by) in map(compact, self.name.split())
        if self.name and self.goes_by and not shown_in_name:
            return f"{self.name} ({self.goes_by})"
        return self.name or self.goes_by or self.description

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "goes_by": self.goes_by,
            "phone": self.phone,
            "email": self.email,
            "description": self.description,
            "usual": self.usual,
            "usuals": list(self.usuals),
            "allergies": list(self.allergies),
            "visits": self.visits,
            "last_visit": self.last_visit.isoformat() if self.last_visit else None,
            "matched_on": self.matched_on,
        }


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ParsedQuery:
    tokens: tuple[str, ...]
    compact: str
    digits: str
    contact_text: str
    letters: int

    @classmethod
    def parse(cls, text: str) -> ParsedQuery:
        # Control characters (a pasted NUL) can be in no stored field and would end an FTS5
        # string early.
        text = _CONTROL_CHARACTERS.sub("", text[:_MAX_QUERY_CHARS])
        packed = compact(text)
        return cls(
            tokens=tuple(dict.fromkeys(words(text))),
            compact=packed,
            digits=digits(text),
            contact_text="".join(fold(text).split()),
            letters=sum(ch.isalpha() for ch in packed),
        )

    @property
    def is_email_like(self) -> bool:
        return "@" in self.contact_text or "." in self.contact_text

    @property
    def is_phone_like(self) -> bool:
        return len(self.digits) >= MIN_PHONE_DIGITS and self.letters == 0


@dataclass
class _Ranking:
    query: ParsedQuery
    limit: int
    best: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # id -> sort key

    def add(self, hits: list[Hit], tier: int) -> None:
        for hit in hits:
            if hit.customer_id not in self.best:
                exact = _exactness(self.query, hit) if tier == TIER_NAME else 0
                self.best[hit.customer_id] = (tier, exact, -hit.rank_key)

    @property
    def full(self) -> bool:
        return len(self.best) >= self.limit

    def top(self) -> list[tuple[int, int]]:
        """(customer id, tier) of the best ``limit`` hits, best first."""
        ordered = sorted(self.best.items(), key=lambda item: item[1])[: self.limit]
        return [(customer_id, key[0]) for customer_id, key in ordered]


def find_customers(
    session: Session, text: str, limit: int = 50, *, backend: SearchBackend | None = None
) -> list[CustomerMatch]:
    """Customers matching what a clerk typed, best first.

    Everything typed is taken literally: quotes, ``*``, ``AND`` or SQL never act as operators.
    ``backend`` is the engine's own (``backend_for``) unless given, as benchmarks compare them.
    """
    require(session, Permission.USE_COUNTER)
    if limit <= 0:
        return []
    query = ParsedQuery.parse(text)
    if not query.tokens and not query.contact_text:
        return []
    ranking = _Ranking(query, limit)
    backend = backend or backend_for(session)
    _collect(session, backend, query, ranking)
    return _materialize(session, ranking.top(), backend)


def _collect(
    session: Session, backend: SearchBackend, query: ParsedQuery, ranking: _Ranking
) -> None:
    limit = max(ranking.limit, CANDIDATE_POOL)
    if query.is_phone_like:
        ranking.add(backend.substring(session, "phone_digits", query.digits, limit), TIER_CONTACT)
    if query.tokens:
        # Whole-word matches first, so "Al" is not crowded out by fifty Alexanders.
        ranking.add(
            backend.words(session, query.tokens, names_only=True, prefix=False, limit=limit),
            TIER_NAME,
        )
        ranking.add(
            backend.words(session, query.tokens, names_only=True, prefix=True, limit=limit),
            TIER_NAME,
        )
    if not ranking.full and len(query.compact) >= MIN_SUBSTRING:
        ranking.add(backend.substring(session, "name_compact", query.compact, limit),
                    TIER_NAME_PART)
    if (not ranking.full and len(query.contact_text) >= MIN_SUBSTRING
            and query.is_email_like):
        ranking.add(backend.substring(session, "email", query.contact_text, limit),
                    TIER_CONTACT)
    if not ranking.full and query.tokens:
        # Whole words first: a prefix longer than the prefix index (3 letters) makes FTS5 merge
        # every matching word's full list (~10 ms for a common word at 1M regulars), while a
        # whole word is read lazily and stops after the best 50.
        ranking.add(
            backend.words(session, query.tokens, names_only=False, prefix=False, limit=limit),
            TIER_DETAILS,
        )
    if not ranking.full and query.tokens:
        ranking.add(
            backend.words(session, query.tokens, names_only=False, prefix=True, limit=limit),
            TIER_DETAILS,
        )
    if not ranking.full and query.letters >= MIN_TYPO_LETTERS:
        ranking.add(_similar_names(session, backend, query, limit), TIER_SIMILAR)


def _similar_names(
    session: Session, backend: SearchBackend, query: ParsedQuery, limit: int
) -> list[Hit]:
    """Names one typo (insert, delete, replace or swap a letter) away from the query.

    One typo leaves intact the first half of the query, or the second half, or (a swap across
    the middle) everything after the middle letter; candidates are names containing one of
    those pieces, and only they are compared letter by letter.
    """
    # Imported here: only typo searches need it, and start-up stays lighter.
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    target = query.compact
    half = len(target) // 2
    pool = limit * TYPO_POOL_FACTOR
    candidates: list[Hit] = []
    for piece in dict.fromkeys((target[:half], target[half:], target[half + 1:])):
        if len(piece) >= MIN_SUBSTRING:
            candidates += backend.substring(session, "name_compact", piece, pool)
        elif piece == target[:half]:  # too short for the trigram index: a name starting so
            candidates += backend.words(session, (piece,), names_only=True, prefix=True,
                                        limit=pool)
    # Every name word and whole name of every candidate, compared in one call (in C++).
    unique = list({hit.customer_id: hit for hit in candidates}.values())
    forms: list[str] = []
    owners: list[Hit] = []
    for hit in unique:
        for form in (*hit.names.split(), *hit.name_compact.split()):
            forms.append(form)
            owners.append(hit)
    close = process.extract(target, forms, scorer=OSA.distance, score_cutoff=1, limit=None)
    similar = {owners[index].customer_id: owners[index] for _, _, index in close}
    return sorted(similar.values(), key=lambda hit: hit.rank_key, reverse=True)[:limit]


def _exactness(query: ParsedQuery, hit: Hit) -> int:
    """0: the whole name or goes-by; 1: whole words of it; 2: starts the name; 3: other."""
    whole_names = hit.name_compact.split(" ")
    if query.compact and query.compact in whole_names:
        return 0
    name_words = set(hit.names.split())
    if query.tokens and all(t in name_words for t in query.tokens):
        return 1
    first = query.tokens[0] if query.tokens else ""
    goes_by = whole_names[1] if len(whole_names) > 1 else ""
    if first and (hit.names.startswith(first) or goes_by.startswith(first)):
        return 2
    return 3


def _materialize(
    session: Session, ranked: list[tuple[int, int]], backend: SearchBackend | None = None
) -> list[CustomerMatch]:
    if not ranked:
        return []
    backend = backend or backend_for(session)
    rows = {row[0]: row for row in backend.customer_rows(session, [cid for cid, _ in ranked])}
    matches = []
    for customer_id, tier in ranked:
        row = rows.get(customer_id)
        if row is None:  # deleted between the index lookup and now
            continue
        (id_, name, goes_by, phone, email, description, usuals, allergies, visits,
         last_visit) = row
        matches.append(CustomerMatch(
            id=id_, name=name, goes_by=goes_by, phone=phone, email=email,
            description=description, usuals=_json_list(usuals), allergies=_json_list(allergies),
            visits=visits, last_visit=_utc(last_visit), matched_on=MATCHED_ON[tier],
        ))
    return matches


def _json_list(value: str | list[str] | None) -> tuple[str, ...]:
    if not value or value == "[]":
        return ()
    return tuple(json.loads(value) if isinstance(value, str) else value)


def _utc(value: str | datetime | None) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def recent_customers(session: Session, limit: int = 50) -> list[CustomerMatch]:
    """The regulars seen most recently and most often: what an empty search box shows."""
    require(session, Permission.USE_COUNTER)
    hits = backend_for(session).best_ranked(session, limit)
    return _materialize(session, [(hit.customer_id, TIER_RECENT) for hit in hits])


def match_for(session: Session, customer_id: int) -> CustomerMatch | None:
    """One customer as a search result (to show someone just added, whatever was typed)."""
    require(session, Permission.USE_COUNTER)
    found = _materialize(session, [(customer_id, TIER_RECENT)])
    return found[0] if found else None
