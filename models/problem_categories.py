"""Root-cause categories: owners add, rename and retire them without losing history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.errors import NotFoundError, ValidationError
from models.problem_entities import Problem, ProblemCategory
from models.staff import Permission, require
from models.validation import check_text

CATEGORY_NAME_MAX = 80


@dataclass(frozen=True)
class CategoryView:
    id: int
    key: str | None  # built-in categories only
    name: str
    retired: bool
    problems: int = 0


def list_categories(session: Session, *, include_retired: bool = False,
                    with_counts: bool = False) -> list[CategoryView]:
    require(session, Permission.USE_COUNTER)
    counts: dict[int, int] = {}
    if with_counts:
        counts = dict(session.execute(
            select(Problem.category_id, func.count(Problem.id)).group_by(Problem.category_id)
        ).all())
    query = select(ProblemCategory).order_by(ProblemCategory.position, ProblemCategory.id)
    if not include_retired:
        query = query.where(ProblemCategory.retired.is_(False))
    return [
        CategoryView(c.id, c.key, c.name, c.retired, counts.get(c.id, 0))
        for c in session.scalars(query)
    ]


def _checked_name(session: Session, name: str, *, except_id: int | None = None) -> str:
    name = " ".join(name.split())
    message = (
        "Give the category a name." if not name
        else check_text(name, "The category name", CATEGORY_NAME_MAX)
    )
    if message:
        raise ValidationError({"name": message})
    # Compared here rather than with SQL lower(), which folds only A-Z on SQLite: "ÉTÉ" and
    # "été" would both pass, and the second then hit the unique name as a database error.
    # (A shop has a few dozen categories.)
    folded = name.casefold()
    for other_id, other_name in session.execute(
        select(ProblemCategory.id, ProblemCategory.name)
    ):
        if other_id != except_id and other_name.casefold() == folded:
            raise ValidationError({"name": f"There is already a category called “{other_name}”."})
    return name


def add_category(session: Session, name: str) -> int:
    require(session, Permission.SETTINGS)
    name = _checked_name(session, name)
    last = session.scalar(select(func.max(ProblemCategory.position))) or 0
    category = ProblemCategory(name=name, position=last + 1)
    session.add(category)
    session.flush()
    return category.id


def rename_category(session: Session, category_id: int, name: str) -> None:
    require(session, Permission.SETTINGS)
    category = _get(session, category_id)
    category.name = _checked_name(session, name, except_id=category_id)


def set_category_retired(session: Session, category_id: int, retired: bool) -> None:
    """A retired category is no longer offered for new problems; old ones keep it."""
    require(session, Permission.SETTINGS)
    category = _get(session, category_id)
    if retired and category.key == "other":
        raise ValidationError({"name": "“Other” is always offered; it cannot be retired."})
    category.retired = retired


def _get(session: Session, category_id: int) -> ProblemCategory:
    category = session.get(ProblemCategory, category_id)
    if category is None:
        raise NotFoundError("That category was deleted.")
    return category
