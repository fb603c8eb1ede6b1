"""Shop-wide settings, stored in the database so every counter sharing it agrees."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.errors import ValidationError
from models.problem_entities import AppSetting
from models.staff import Permission, require

LAST_TIME_DAYS_KEY = "last_time_days"


@dataclass(frozen=True)
class Setting:
    key: str
    default: int
    minimum: int
    maximum: int
    label: str


# How far back the greeting card's "last time" line looks (safety problems show regardless).
LAST_TIME_DAYS = Setting(LAST_TIME_DAYS_KEY, 90, 1, 3650, "Days a problem stays on the card")


def get_setting(session: Session, setting: Setting) -> int:
    row = session.get(AppSetting, setting.key)
    value = row.value if row is not None else None
    if isinstance(value, int) and setting.minimum <= value <= setting.maximum:
        return value
    return setting.default


def set_setting(session: Session, setting: Setting, value: int) -> None:
    require(session, Permission.SETTINGS)
    if not setting.minimum <= value <= setting.maximum:
        raise ValidationError({setting.key: (
            f"{setting.label} must be between {setting.minimum:,} and {setting.maximum:,}."
        )})
    row = session.get(AppSetting, setting.key)
    if row is None:
        session.add(AppSetting(key=setting.key, value=value))
    else:
        row.value = value

# Whether visits (without what they had) are still logged for customers who asked not to be
# remembered; 1 = yes, 0 = their visits are not kept at all.
DO_NOT_REMEMBER_KEEPS_VISITS = Setting(
    "do_not_remember_keeps_visits", 1, 0, 1,
    "Keep visits (without details) of customers who asked not to be remembered",
)

# Minutes without a key press, click or touch before the counter locks and shows the sign-in
# pad again (ui/sign_in/counter_lock.py).
AUTO_LOCK_MINUTES = Setting("auto_lock_minutes", 5, 1, 240, "Idle minutes before the counter locks")
