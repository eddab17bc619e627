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


class Case(Model):
    """The case as worked in the back office from a submission (one each, made with it):
    what staff decide and record after receipt. The rule: a column staff change belongs
    here; what the person sent, and what was worked out from it on receipt, stays on the
    submission (models/submission.py). Under way (issue 15): the columns the queue, the
    reports and retention still filter and sort on in SQL are still on the submission; the
    ones read one case at a time are here. Read and written through the submission's old
    names (OnCase bridges), which move the submission's version on, as before."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), unique=True)

    routing_reason: Mapped[str | None] = mapped_column(sa.String(200))
    next_due_statutory: Mapped[date | None]
    # When the person's acknowledgement was sent, and how.
    acknowledged_how: Mapped[str | None] = mapped_column(sa.String(20))
    # What a member of staff did about signs of danger, and who.
    safeguarding_action: Mapped[str | None] = mapped_column(sa.Text)
    safeguarding_actioned_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))

    informal_resolution_terms: Mapped[str | None] = mapped_column(sa.Text)
    ombudsman_reference: Mapped[str | None] = mapped_column(sa.String(40))
    ombudsman_decided_on: Mapped[date | None]

    # "Someone else": does the person have sufficient interest in the child's welfare?
    sufficient_interest: Mapped[bool | None]
    sufficient_interest_reason: Mapped[str | None] = mapped_column(sa.String(500))
    sufficient_interest_decided_on: Mapped[date | None]

    advocacy_status: Mapped[str | None] = mapped_column(sa.String(20))
    advocacy_due_on: Mapped[date | None]
    advocate_assigned: Mapped[str | None] = mapped_column(sa.String(200))
    reclassified_from: Mapped[str | None] = mapped_column(sa.String(20))
    legal_hold_reason: Mapped[str | None] = mapped_column(sa.String(500))


# The case's columns (all but its keys), each a bridge of the same name on the submission.
CASE_COLUMNS: tuple[str, ...] = tuple(
    column.key for column in Case.__table__.columns if column.key not in {"id", "submission_id"}
)
