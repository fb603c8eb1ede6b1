"""The tables for when something goes wrong: problems, how they were made right, follow-ups,
teammate check-ins, the categories owners keep, unsent drafts and shop-wide settings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow

SEVERITIES = ("minor", "major", "safety")
OUTCOMES = ("happy", "okay", "unhappy")
STATUSES = ("open", "resolved")
ACTION_KINDS = ("apology", "remade", "refund", "value_add", "follow_up_contact", "other")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ProblemCategory(Base):
    """A root cause. Built-in ones carry a stable ``key`` (the greeting line's wording depends on
    it) so owners can rename them freely; retired ones stay attached to old problems."""

    __tablename__ = "problem_category"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str | None] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Problem(Base):
    __tablename__ = "problem"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What it was about, in a few words ("oat latte"): the greeting line names it.
    subject: Mapped[str] = mapped_column(String(200), default="")
    what_happened: Mapped[str] = mapped_column(Text)
    customer_words: Mapped[str] = mapped_column(Text, default="")
    fair_fix: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("problem_category.id"))
    severity: Mapped[str] = mapped_column(String(10))
    allergen_or_illness: Mapped[bool] = mapped_column(Boolean, default=False)
    handled_by: Mapped[str] = mapped_column(String(100), default="")
    outcome: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="open")
    resolved_by: Mapped[str] = mapped_column(String(100), default="")
    # Who wrote the report (signed in); ``handled_by`` is who dealt with the customer.
    logged_by: Mapped[str] = mapped_column(String(100), server_default=sql_text("''"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    category: Mapped[ProblemCategory] = relationship()
    actions: Mapped[list[RecoveryAction]] = relationship(
        back_populates="problem", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(RecoveryAction.taken_at, RecoveryAction.id)",
    )

    __table_args__ = (
        CheckConstraint(_one_of("severity", SEVERITIES), name="severity"),
        CheckConstraint(f"outcome IS NULL OR {_one_of('outcome', OUTCOMES)}", name="outcome"),
        CheckConstraint(_one_of("status", STATUSES), name="status"),
        # An allergen or illness case is always a safety problem, whatever the form said.
        CheckConstraint("NOT allergen_or_illness OR severity = 'safety'", name="allergen_safety"),
        Index("ix_problem_customer_time", "customer_id", "occurred_at"),
        Index("ix_problem_time", "occurred_at"),
        Index("ix_problem_status", "status", "occurred_at"),
        # One category's problems in a period: the root-cause and process-fix insights.
        Index("ix_problem_category_time", "category_id", "occurred_at"),
    )


class RecoveryAction(Base):
    """One thing done to make it right; ``cost_cents`` for what a value-add or refund cost."""

    __tablename__ = "recovery_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problem.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="")
    cost_cents: Mapped[int | None] = mapped_column(Integer)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    taken_by: Mapped[str] = mapped_column(String(100), server_default=sql_text("''"))

    problem: Mapped[Problem] = relationship(back_populates="actions")

    __table_args__ = (
        CheckConstraint(_one_of("kind", ACTION_KINDS), name="kind"),
        CheckConstraint("cost_cents IS NULL OR cost_cents >= 0", name="cost_not_negative"),
        Index("ix_recovery_action_problem", "problem_id"),
        Index("ix_recovery_action_kind_time", "kind", "taken_at"),
    )


class FollowUp(Base):
    """Something to do for a regular by a date ("call Thursday about the grinder")."""

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problem.id", ondelete="CASCADE"))
    task: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str] = mapped_column(String(100), default="")
    result: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (
        # Open ones by due date: the follow-ups list and its badge.
        Index("ix_follow_up_open_due", "done_at", "due_on"),
        Index("ix_follow_up_customer", "customer_id"),
        Index("ix_follow_up_problem", "problem_id"),
    )


class TeammateCheckIn(Base):
    """A teammate who had a hard encounter and should get a word from whoever leads the shift."""

    __tablename__ = "teammate_check_in"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problem.id", ondelete="CASCADE"))
    teammate: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")
    flagged_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str] = mapped_column(String(100), default="")
    done_note: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (
        Index("ix_teammate_check_in_open", "done_at", "created_at"),
        Index("ix_teammate_check_in_problem", "problem_id"),
    )


class ProblemDraft(Base):
    """An unsent problem report (the dialog was closed, or the app was), one per regular."""

    __tablename__ = "problem_draft"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AppSetting(Base):
    """Shop-wide settings, in the database so every counter sharing it agrees."""

    __tablename__ = "app_setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class ProcessFix(Base):
    """What the owner changed so a root cause stops recurring ("retrained everyone on milk
    steaming"), dated so the insights can compare the category's problems before and after."""

    __tablename__ = "process_fix"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("problem_category.id"))
    what_changed: Mapped[str] = mapped_column(Text)
    fixed_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_process_fix_category", "category_id", "fixed_on"),)
