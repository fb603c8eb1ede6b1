"""Date arithmetic in SQL that reads the same on SQLite and PostgreSQL.

Timestamps are stored as naive UTC (see models.base.UTCDateTime): text on SQLite, timestamp
without time zone on PostgreSQL. These constructs compile to each engine's own functions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer, String, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql._typing import _ColumnExpressionArgument as Expression
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class days_between(FunctionElement[float]):  # noqa: N801 - reads like the SQL function it is
    """``later - earlier`` in days, as a fraction (1.5 = a day and a half)."""

    type = Float()
    inherit_cache = True

    def __init__(self, later: Expression[Any], earlier: Expression[Any]) -> None:
        super().__init__(later, earlier)


class year_month(FunctionElement[str]):  # noqa: N801
    """'2026-11' for a timestamp (UTC months)."""

    type = String()
    inherit_cache = True

    def __init__(self, moment: Expression[Any]) -> None:
        super().__init__(moment)


def _arguments(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(argument, **kw) for argument in element.clauses]


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = _arguments(element, compiler, **kw)
    return f"(julianday({later}) - julianday({earlier}))"


@compiles(days_between)
def _days_between_default(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = _arguments(element, compiler, **kw)
    return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"


@compiles(year_month, "sqlite")
def _year_month_sqlite(element: year_month, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = _arguments(element, compiler, **kw)
    return f"strftime('%Y-%m', {moment})"


@compiles(year_month)
def _year_month_default(element: year_month, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = _arguments(element, compiler, **kw)
    return f"to_char({moment}, 'YYYY-MM')"


class local_hour(FunctionElement[int]):  # noqa: N801
    """0–23: the hour on a clock ``offset_minutes`` ahead of UTC.

    The offset is bound as a parameter, so one cached statement serves every offset.
    """

    type = Integer()
    inherit_cache = True

    def __init__(self, moment: Expression[Any], offset_minutes: int) -> None:
        super().__init__(moment, literal(int(offset_minutes), Integer()))


@compiles(local_hour, "sqlite")
def _local_hour_sqlite(element: local_hour, compiler: SQLCompiler, **kw: Any) -> str:
    moment, minutes = _arguments(element, compiler, **kw)
    # The shift is a date-function modifier such as '-300 minutes'.
    return f"CAST(strftime('%H', {moment}, ({minutes} || ' minutes')) AS INTEGER)"


@compiles(local_hour)
def _local_hour_default(element: local_hour, compiler: SQLCompiler, **kw: Any) -> str:
    moment, minutes = _arguments(element, compiler, **kw)
    shifted = f"({moment} + make_interval(mins => CAST({minutes} AS INTEGER)))"
    return f"CAST(EXTRACT(HOUR FROM {shifted}) AS INTEGER)"
