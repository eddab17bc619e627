from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.models import Model

if TYPE_CHECKING:
    from portal.models.correspondence import Correspondence
    from portal.models.staff import Staff
    from portal.models.submission import Submission
    from portal.models.task import Task


class ComplainantStep(Model):
    """Something the person who complained (or their advocate) did from the tracking
    page: a reply, more information or files, a request for more time, a withdrawal, a
    request for stage 2 (services/complainant_steps.py). Kept as sent, dated the day it
    came (London), with what staff decided when a decision is theirs. Personal data like
    the rest of the case (subject access, retention)."""

    __tablename__ = "complainant_steps"
    # One step per form sent: the same form sent twice (a double click, a resubmit) is
    # refused by the database, whatever else happens at the same instant.
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "form_key", name="uq_complainant_steps_form_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    # reply, information, more_time, withdraw, stage2 (domain/complainant_steps.StepKind)
    kind: Mapped[str] = mapped_column(sa.String(20))
    by: Mapped[str] = mapped_column(sa.String(20))  # complainant or advocate
    # An advocate acting for the child from their own account: which account.
    by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    # A reply: the message from us it answers.
    in_reply_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("correspondence.id"))
    # More time: what for (send_something, stage2_decision) and until when they asked.
    more_time_for: Mapped[str | None] = mapped_column(sa.String(20))
    # The key of the form page it was sent from (domain/complainant_steps.FORM_KEY).
    form_key: Mapped[str | None] = mapped_column(sa.String(64))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_on: Mapped[date]
    # A stage 2 request after its window: accepted, and flagged for staff to decide.
    late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # A stage 2 request in time: recorded as the case's request at once.
    recorded: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Signs of danger read in the words (domain/safeguarding.py), as on a submission.
    danger_signs: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    # Staff's decision (more time), or that they dealt with it: who, when, what.
    decision: Mapped[str | None] = mapped_column(sa.String(10))
    granted_to: Mapped[date | None]
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    # The staff task it made (done when staff decide or deal with it).
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id"))

    submission: Mapped["Submission"] = relationship()
    in_reply_to: Mapped["Correspondence | None"] = relationship()
    task: Mapped["Task | None"] = relationship()
    by_staff: Mapped["Staff | None"] = relationship(foreign_keys=[by_staff_id])
