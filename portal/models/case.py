from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models import Model


class ComplaintPoint(Model):
    """One point of a complaint, with its finding at a stage."""

    __tablename__ = "complaint_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    stage: Mapped[str] = mapped_column(sa.String(10))
    summary: Mapped[str] = mapped_column(sa.String(1000))
    outcome: Mapped[str] = mapped_column(sa.String(20))


class Lesson(Model):
    """A lesson learned from a case, and the action taken on it."""

    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))
    lesson: Mapped[str] = mapped_column(sa.String(2000))
    action: Mapped[str] = mapped_column(sa.String(2000))
    action_due_on: Mapped[date | None]
