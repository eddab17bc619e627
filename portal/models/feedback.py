import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.models import Model

if TYPE_CHECKING:
    from portal.models.submission import Submission


class FeedbackInvitation(Model):
    """The one invitation a closed case's complainant gets to the feedback questionnaire
    (services/feedback.py). Its secret link works until it is answered; only the
    token's hash is kept. Nothing here says what they answered."""

    __tablename__ = "feedback_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: a case closed, reopened and closed again is still invited once.
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), unique=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    answered_at: Mapped[datetime | None]

    submission: Mapped["Submission"] = relationship()


def _random_id() -> str:
    return uuid.uuid4().hex


class FeedbackAnswer(Model):
    """One questionnaire as answered, kept WITHOUT a link to the case so it is anonymous:
    no case id, no time finer than the month, and a random id (a counting id would
    line up with the order invitations were answered in)."""

    __tablename__ = "feedback_answers"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=_random_id)
    answered_month: Mapped[date] = mapped_column(index=True)  # the first of the month
    child: Mapped[bool]  # the children's version (a child or young person complained)
    stage_reached: Mapped[str] = mapped_column(sa.String(10))  # none, informal, 1, 2, 3
    procedure: Mapped[str] = mapped_column(sa.String(30))
    language: Mapped[str] = mapped_column(sa.String(2))
    # 1 to 5 (5 the best: "Strongly agree", a child's "Yes, definitely").
    easy: Mapped[int] = mapped_column(sa.SmallInteger)
    informed: Mapped[int] = mapped_column(sa.SmallInteger)
    on_time: Mapped[int] = mapped_column(sa.SmallInteger)
    respect: Mapped[int] = mapped_column(sa.SmallInteger)
    satisfied: Mapped[int] = mapped_column(sa.SmallInteger)
    # Names, emails, phone numbers, references and dates taken out before it is kept.
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    # The complaints manager can keep a comment out of the report.
    comment_hidden: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
