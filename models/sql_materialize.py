"""Computing a subquery once."""

from __future__ import annotations

from sqlalchemy import CTE
from sqlalchemy.sql.selectable import HasCTE


def materialized(query: HasCTE, name: str) -> CTE:
    """``query`` as a common table expression both engines compute once.

    Otherwise SQLite (and PostgreSQL, for a CTE used once) inline it, copying each correlated
    subquery into every clause that uses its column: a per-customer count used in WHERE,
    ORDER BY and a window function would run three times per customer.
    """
    return query.cte(name).prefix_with("MATERIALIZED")
