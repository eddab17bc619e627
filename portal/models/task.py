from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.models import Model

if TYPE_CHECKING:
    from portal.models.correspondence import Correspondence
    from portal.models.outbox import OutboxMessage
    from portal.models.submission import Submission


class Task(Model):
    """Something a member of staff must do by a date, e.g. acknowledge by phone or
    letter when the person gave no email address."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    description: Mapped[str] = mapped_column(sa.String(300))
    due_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    # The letter or message the task is to deliver, when it is one (printed from it).
    correspondence_id: Mapped[int | None] = mapped_column(sa.ForeignKey("correspondence.id"))
    # The message that never reached the person, when the task is to reach them another
    # way (a permanent failure or a returned letter: services/receipts.py).
    outbox_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_messages.id"), index=True
    )

    submission: Mapped["Submission"] = relationship()
    correspondence: Mapped["Correspondence | None"] = relationship()
    outbox_message: Mapped["OutboxMessage | None"] = relationship()
