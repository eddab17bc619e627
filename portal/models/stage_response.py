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
    are in complaint_points. Code reads a stage's row as `submission.response(stage)` (None
    before it is reached) or `submission.stage_row(stage)` (blank before it is reached),
    and writes on `submission.reach(stage)`. The rules (domain/stages.py Progress), the
    moves and the audit trail name these columns as the case once did (STAGE_FIELDS,
    below)."""

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

    @classmethod
    def blank(cls, stage: str) -> "StageResponse":
        """A row of `stage` with nothing recorded yet (nothing late, no redress)."""
        return cls(
            stage=stage,
            request_late=False,
            redress_apology=False,
            redress_explanation=False,
            redress_service_review=False,
        )

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


# The names the rules' Progress (domain/stages.py), the moves, the audit trail and the
# subject access export give a stage's columns: name -> (stage, column). Read and written
# by name through models/submission.py read_field and write_field.
STAGE_FIELDS: dict[str, tuple[str, str]] = {
    "stage1_extended_on": ("stage1", "extended_on"),
    "stage1_extension_reason": ("stage1", "extension_reason"),
    "discussion_on": ("stage1", "discussion_on"),  # Wales
    "stage1_responded_on": ("stage1", "responded_on"),
    "stage2_requested_on": ("stage2", "requested_on"),
    "stage2_acknowledged_on": ("stage2", "acknowledged_on"),
    "stage2_request_late": ("stage2", "request_late"),
    "stage2_statement_on": ("stage2", "statement_on"),
    "investigators_appointed_on": ("stage2", "investigators_appointed_on"),
    "investigating_officer": ("stage2", "investigating_officer"),
    "independent_person": ("stage2", "independent_person"),
    "stage2_extended_to": ("stage2", "extended_to"),
    "stage2_extension_reason": ("stage2", "extension_reason"),
    "stage2_adjudicated_on": ("stage2", "responded_on"),
    "stage3_requested_on": ("stage3", "requested_on"),
    "stage3_request_late": ("stage3", "request_late"),
    "panel_on": ("stage3", "panel_on"),
    "panel_members": ("stage3", "panel_members"),
    "panel_report_on": ("stage3", "panel_report_on"),
    "panel_recommendations": ("stage3", "panel_recommendations"),
    "stage3_responded_on": ("stage3", "responded_on"),
}
