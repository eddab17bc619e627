from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models import Model


class StageResponse(Model):
    """One stage of a case, from the day it was reached to the council's response: its
    dates, its extension, the people and panel who worked it, and the response itself (the
    overall finding and the redress given; domain.md, "Categories, outcomes, sources").
    One row per stage reached (stage1, stage2, stage3: the Welsh written resolution and the
    corporate responses are stage1 and stage2 too), made when the stage starts (stage 1 on
    acceptance, stage 2 and 3 on the request), so a stage 2 finding sits beside stage 1's
    instead of over it and a payment at each stage counts as two. The findings per point
    are in complaint_points. The case's old names for these columns (stage2_requested_on,
    panel_on ...) are properties on Submission that read and write this row
    (models/submission.py, ON_STAGES): a bridge for their readers, not a shape for new
    code."""

    __tablename__ = "stage_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    stage: Mapped[str] = mapped_column(sa.String(10))

    # --- reaching the stage ------------------------------------------------------------
    # Stages 2 and 3: the person's request, and whether it came after the window (stage 1
    # starts on the case's accepted_on).
    requested_on: Mapped[date | None]
    request_late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The corporate procedure, stage 2: the request acknowledged (stage 2 counts from it).
    acknowledged_on: Mapped[date | None]
    # Wales, stage 1: the discussion held (the written resolution is the response).
    discussion_on: Mapped[date | None]
    # Stage 2: the statement of complaint agreed, and who investigates.
    statement_on: Mapped[date | None]
    investigators_appointed_on: Mapped[date | None]
    investigating_officer: Mapped[str | None] = mapped_column(sa.String(200))
    independent_person: Mapped[str | None] = mapped_column(sa.String(200))
    # Stage 3: the review panel, its members and its report.
    panel_on: Mapped[date | None]
    panel_members: Mapped[str | None] = mapped_column(sa.String(600))
    panel_report_on: Mapped[date | None]
    panel_recommendations: Mapped[str | None] = mapped_column(sa.Text)
    # More time: stage 1 records the day it was extended (the longer limit follows from the
    # rules), stage 2 the new date the person was told.
    extended_on: Mapped[date | None]
    extended_to: Mapped[date | None]
    extension_reason: Mapped[str | None] = mapped_column(sa.String(500))

    # --- the response ------------------------------------------------------------------
    # The day the stage's response was sent (stage 2: the adjudication).
    responded_on: Mapped[date | None]
    # upheld, partially_upheld, not_upheld or no_finding.
    outcome: Mapped[str | None] = mapped_column(sa.String(30))
    redress_apology: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    redress_explanation: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    redress_service_review: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # For time and trouble, paid at this stage.
    ex_gratia_pence: Mapped[int | None]
    # What the stage cost the council (recorded for the stage 2 investigation).
    cost_pence: Mapped[int | None]

    __table_args__ = (sa.UniqueConstraint("submission_id", "stage"),)

    @property
    def has_response(self) -> bool:
        """Whether the council has responded at this stage (a reached stage has a row
        before it has a response)."""
        return (
            self.responded_on is not None
            or self.outcome is not None
            or self.ex_gratia_pence is not None
            or self.cost_pence is not None
            or bool(self.redress_apology or self.redress_explanation)
            or bool(self.redress_service_review)
        )
