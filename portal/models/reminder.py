from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import utcnow
from portal.models import Model


class DeadlineNotice(Model):
    """A reminder or breach notice sent about one step a case owes by one date.

    One per (case, kind, step, due date): a second run of the job, even one on another
    machine at the same moment, fails to insert it and sends nothing. A new due date (an
    extension) is a new event, with a reminder of its own."""

    __tablename__ = "deadline_notices"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "kind", "what", "due_on", name="uq_deadline_notices"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Found by case through the unique constraint, which starts with it.
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"))
    kind: Mapped[str] = mapped_column(sa.String(10))  # "reminder" or "breach"
    what: Mapped[str] = mapped_column(sa.String(60))  # the case's next_due_what
    due_on: Mapped[date]
    sent_on: Mapped[date]  # the London date of the run that sent it
    recipients: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    outbox_message_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeadlineDigest(Model):
    """A team's daily list of what is due and overdue: one per team per London date."""

    __tablename__ = "deadline_digests"
    __table_args__ = (sa.UniqueConstraint("team_id", "sent_on", name="uq_deadline_digests"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"))
    sent_on: Mapped[date]
    due_count: Mapped[int] = mapped_column(default=0)
    overdue_count: Mapped[int] = mapped_column(default=0)
    recipients: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    outbox_message_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
