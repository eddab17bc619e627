from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import utcnow
from portal.models import Model


class ClockEvent(Model):
    """One entry in a case's clock ledger (services/clock.py): a stage's clock started,
    paused, restarted, extended or stopped, or its due date recomputed. Never changed
    once written: whether a step was on time is fixed here when it stops."""

    __tablename__ = "clock_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    stage: Mapped[str] = mapped_column(sa.String(10))  # stage1, stage2, stage3
    kind: Mapped[str] = mapped_column(sa.String(20))
    on: Mapped[date]
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    # An extension: how and when the complainant agreed to it.
    agreement: Mapped[str | None] = mapped_column(sa.String(300))
    due_before: Mapped[date | None]
    due_after: Mapped[date | None]
    # A stop: the working days the step took (less pauses) and whether that was in time.
    working_days_taken: Mapped[int | None]
    on_time: Mapped[bool | None]
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
