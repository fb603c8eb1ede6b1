"""The staff table: who works the counter, their role, and their PIN (as a slow salted hash)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Integer, String
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

ROLE_VALUES = ("clerk", "shift_lead", "owner")


class StaffMember(Base):
    __tablename__ = "staff_member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # "scrypt$n$r$p$salt$hash" (models/staff/pins.py); never the PIN itself.
    pin_hash: Mapped[str] = mapped_column(String(300), default="")
    # Wrong PINs in a row, and until when the pad waits before taking another.
    failed_pins: Mapped[int] = mapped_column(Integer, server_default=sql_text("0"), default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("role IN ('clerk', 'shift_lead', 'owner')", name="role"),
    )
