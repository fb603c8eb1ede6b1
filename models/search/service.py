"""find_customers: the one search that the window, the command line and scripts all use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rapidfuzz.distance import OSA
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.entities import Customer, SearchDocument
from models.search.backends import Hits, SearchBackend, backend_for
from models.search.folding import compact, digits, fold, words

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
        if self.name and self.goes_by and fold(self.goes_by) not in fold(self.name):
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


@dataclass(frozen=True)
class ParsedQuery:
    tokens: tuple[str, ...]
    compact: str
    digits: str
    contact_text: str
    letters: int

    @classmethod
    def parse(cls, text: str) -> ParsedQuery:
        text = text[:_MAX_QUERY_CHARS]
        packed = compact(text)
        return cls(
            tokens=tuple(dict.fromkeys(words(text))),
            compact=packed,
            digits=digits(text),
            contact_text="".join(fold(text).split()),
            letters=sum(ch.isalpha() for ch in packed),
        )

    @property
    def is_phone_like(self) -> bool:
        return len(self.digits) >= MIN_PHONE_DIGITS and self.letters == 0


@dataclass
class _Ranking:
    limit: int
    best: dict[int, tuple[int, int]] = field(default_factory=dict)  # id -> (tier, rank_key)

    def add(self, hits: Hits, tier: int) -> None:
        for customer_id, key in hits:
            if customer_id not in self.best:
                self.best[customer_id] = (tier, key)

    @property
    def full(self) -> bool:
        return len(self.best) >= self.limit


def find_customers(session: Session, text: str, limit: int = 50) -> list[CustomerMatch]:
    """Customers matching what a clerk typed, best first.

    Everything typed is taken literally: quotes, ``*``, ``AND`` or SQL never act as operators.
    """
    if limit <= 0:
        return []
    query = ParsedQuery.parse(text)
    if not query.tokens and not query.contact_text:
        return []
    backend = backend_for(session)
    ranking = _Ranking(limit)
    _collect(session, backend, query, ranking)
    return _materialize(session, query, ranking)


def _collect(
    session: Session, backend: SearchBackend, query: ParsedQuery, ranking: _Ranking
) -> None:
    limit = ranking.limit
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
    if not ranking.full and len(query.contact_text) >= MIN_SUBSTRING:
        if not query.is_phone_like:
            ranking.add(backend.substring(session, "email", query.contact_text, limit),
                        TIER_CONTACT)
    if not ranking.full and query.tokens:
        ranking.add(
            backend.words(session, query.tokens, names_only=False, prefix=True, limit=limit),
            TIER_DETAILS,
        )
    if not ranking.full and query.letters >= MIN_TYPO_LETTERS:
        ranking.add(_similar_names(session, backend, query, limit), TIER_SIMILAR)


def _similar_names(
    session: Session, backend: SearchBackend, query: ParsedQuery, limit: int
) -> Hits:
    """Names one typo (insert, delete, replace or swap a letter) away from the query.

    One typo leaves one half of the query intact, so the candidates are names containing
    either half; only those few are compared letter by letter.
    """
    target = query.compact
    half = len(target) // 2
    head, tail = target[:half], target[half:]
    candidates: Hits = []
    if len(head) >= MIN_SUBSTRING:
        candidates += backend.substring(session, "name_compact", head, limit * 4)
    else:
        candidates += backend.words(session, (head,), names_only=True, prefix=True,
                                    limit=limit * 4)
    candidates += backend.substring(session, "name_compact", tail, limit * 4)
    seen: set[int] = set()
    similar: Hits = []
    for customer_id, key, names in backend.names_for(session, candidates):
        if customer_id in seen:
            continue
        seen.add(customer_id)
        name_words = names.split()
        forms = [*name_words, "".join(name_words)]
        if any(OSA.distance(target, form, score_cutoff=1) <= 1 for form in forms):
            similar.append((customer_id, key))
    similar.sort(key=lambda hit: hit[1], reverse=True)
    return similar[:limit]


def _exactness(query: ParsedQuery, name: str, goes_by: str) -> int:
    """0: the whole name or goes-by; 1: whole words of it; 2: starts the name; 3: other."""
    if query.compact and query.compact in (compact(name), compact(goes_by)):
        return 0
    name_words = set(words(name)) | set(words(goes_by))
    if query.tokens and all(t in name_words for t in query.tokens):
        return 1
    first_words = [ws[0] for ws in (words(name), words(goes_by)) if ws]
    if query.tokens and any(w.startswith(query.tokens[0]) for w in first_words):
        return 2
    return 3


def _materialize(session: Session, query: ParsedQuery, ranking: _Ranking) -> list[CustomerMatch]:
    if not ranking.best:
        return []
    rows = session.execute(
        select(
            Customer.id, Customer.name, Customer.goes_by, Customer.phone, Customer.email,
            Customer.description, Customer.usuals, Customer.allergies, Customer.visit_count,
            Customer.last_visit_at,
        ).where(Customer.id.in_(list(ranking.best)))
    ).all()
    scored = []
    for row in rows:
        tier, key = ranking.best[row.id]
        exact = _exactness(query, row.name, row.goes_by) if tier == TIER_NAME else 0
        match = CustomerMatch(
            id=row.id,
            name=row.name,
            goes_by=row.goes_by,
            phone=row.phone,
            email=row.email,
            description=row.description,
            usuals=tuple(row.usuals or ()),
            allergies=tuple(row.allergies or ()),
            visits=row.visit_count,
            last_visit=row.last_visit_at,
            matched_on=MATCHED_ON[tier],
        )
        scored.append(((tier, exact, -key), match))
    scored.sort(key=lambda pair: pair[0])
    return [match for _, match in scored[: ranking.limit]]


def recent_customers(session: Session, limit: int = 50) -> list[CustomerMatch]:
    """The regulars seen most recently and most often: what an empty search box shows."""
    hits = session.execute(
        select(SearchDocument.customer_id, SearchDocument.rank_key)
        .order_by(SearchDocument.rank_key.desc())
        .limit(limit)
    ).all()
    ranking = _Ranking(limit)
    ranking.add([(int(c), int(k)) for c, k in hits], TIER_RECENT)
    return _materialize(session, ParsedQuery.parse(""), ranking)


def match_for(session: Session, customer_id: int) -> CustomerMatch | None:
    """One customer as a search result (to show someone just added, whatever was typed)."""
    key = session.scalar(
        select(SearchDocument.rank_key).where(SearchDocument.customer_id == customer_id)
    )
    if key is None:
        return None
    ranking = _Ranking(1)
    ranking.add([(customer_id, int(key))], TIER_RECENT)
    found = _materialize(session, ParsedQuery.parse(""), ranking)
    return found[0] if found else None
