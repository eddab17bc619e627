import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models import Model


class StageResponse(Model):
    """The council's response at one stage of a case: its overall finding and the redress
    it gave (domain.md, "Categories, outcomes, sources"). One row per stage responded to
    (stage1, stage2, stage3: the Welsh written resolution and the corporate responses are
    stage1 and stage2 too), so a stage 2 finding sits beside stage 1's instead of over it,
    and a payment at each stage counts as two. The findings per point are in
    complaint_points; the dates stay with the case's progress (submissions)."""

    __tablename__ = "stage_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    stage: Mapped[str] = mapped_column(sa.String(10))
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
