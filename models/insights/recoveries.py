"""Recoveries: did making it right bring customers back? The share who came back within 30 days
of a recovery, by kind, beside regulars with no problem; and what value-adds cost per month.

The numbers come from models.problem_reports (the same the problem reports use); this module
only frames them in the insights' window of local days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from models.insights.windows import DayWindow, last_days
from models.problem_reports import (
    RETURN_WINDOW_DAYS,
    MonthlyCost,
    ReturnRate,
    return_rates,
    value_add_costs,
)
from models.staff import Permission, require


@dataclass(frozen=True)
class RecoveryReport:
    window: DayWindow
    within_days: int
    # One per recovery kind (models.problem_entities.ACTION_KINDS order), then "no_problem".
    return_rates: tuple[ReturnRate, ...]
    # Months (UTC) with a value-add or refund cost, oldest first.
    monthly_costs: tuple[MonthlyCost, ...]

    @property
    def value_add_cents(self) -> int:
        return sum(month.value_add_cents for month in self.monthly_costs)


def recoveries(
    session: Session, today: date, *, days: int = 90, within_days: int = RETURN_WINDOW_DAYS,
    utc_offset: timedelta = timedelta(0),
) -> RecoveryReport:
    """Recoveries made in the ``days`` local days through ``today``. Recoveries in the last
    ``within_days`` days have had less time to see a return (see ``return_rates``)."""
    require(session, Permission.REPORTS)
    window = last_days(today, days, utc_offset)
    return RecoveryReport(
        window, within_days,
        tuple(return_rates(session, window.since, window.until, within_days=within_days)),
        tuple(value_add_costs(session, window.since, window.until)),
    )
