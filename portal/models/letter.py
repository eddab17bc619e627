from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.models import Model

if TYPE_CHECKING:
    from portal.models.correspondence import Correspondence
    from portal.models.staff import Staff
    from portal.models.submission import Submission


class LetterStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    RETURNED = "returned"  # back with the caseworker, with the approver's comments
    SENT = "sent"  # approved and sent: by email, or printed for the post


class ResponseLetter(Model):
    """The council's written response at a stage (services/response_letters.py): drafted
    from the case, edited by a caseworker, approved by a manager, then sent through
    correspondence. One letter a stage; once sent it is kept as sent."""

    __tablename__ = "response_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    stage: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(20))
    language: Mapped[str] = mapped_column(sa.String(2))  # what the words were written in
    subject: Mapped[str] = mapped_column(sa.String(200))
    greeting: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    # Bumped on every change: approving a letter that changed since it was read is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    drafted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))
    drafted_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"))
    edited_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]  # sent for approval
    returned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    returned_at: Mapped[datetime | None]
    return_comments: Mapped[str | None] = mapped_column(sa.Text)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    approved_at: Mapped[datetime | None]
    sent_how: Mapped[str | None] = mapped_column(sa.String(10))  # email or post
    # The complainant's copy as kept on the case (services/correspondence.py).
    correspondence_id: Mapped[int | None] = mapped_column(sa.ForeignKey("correspondence.id"))

    submission: Mapped["Submission"] = relationship()
    drafted_by: Mapped["Staff"] = relationship(foreign_keys=[drafted_by_id])
    edited_by: Mapped["Staff"] = relationship(foreign_keys=[edited_by_id])
    returned_by: Mapped["Staff | None"] = relationship(foreign_keys=[returned_by_id])
    approved_by: Mapped["Staff | None"] = relationship(foreign_keys=[approved_by_id])
    correspondence: Mapped["Correspondence | None"] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.UniqueConstraint("submission_id", "stage"),)
