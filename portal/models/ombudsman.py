from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.domain import ombudsman as rules
from portal.models import Model


class OmbudsmanEnquiry(Model):
    """The ombudsman's enquiry into a case (domain/ombudsman.py): its reference, the day
    it arrived and the day the council must reply by (as the ombudsman sets it), the
    reply, the draft decision and the council's comments on it, and the final decision.
    A case may have more than one (a second complaint to the ombudsman)."""

    __tablename__ = "ombudsman_enquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    reference: Mapped[str | None] = mapped_column(sa.String(40))
    received_on: Mapped[date]
    reply_due_on: Mapped[date | None]
    replied_on: Mapped[date | None]
    draft_decision_on: Mapped[date | None]
    comments_due_on: Mapped[date | None]
    comments_sent_on: Mapped[date | None]
    decided_on: Mapped[date | None]
    decision: Mapped[str | None] = mapped_column(sa.String(30))  # labels.OMBUDSMAN_DECISIONS
    # Whether the ombudsman found fault (maladministration), and injustice caused by it;
    # None: not said (a decision recorded before the portal asked).
    maladministration: Mapped[bool | None]
    injustice: Mapped[bool | None]
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    remedies: Mapped[list["OmbudsmanRemedy"]] = relationship(
        order_by="OmbudsmanRemedy.id", lazy="selectin"
    )

    def as_rules(self) -> rules.Enquiry:
        """The enquiry as the rules read it: its dates."""
        return rules.Enquiry(
            received_on=self.received_on,
            reply_due_on=self.reply_due_on,
            replied_on=self.replied_on,
            draft_decision_on=self.draft_decision_on,
            comments_due_on=self.comments_due_on,
            comments_sent_on=self.comments_sent_on,
            decided_on=self.decided_on,
            remedies=tuple(rules.Remedy(r.due_on, r.complied_on) for r in self.remedies),
        )


class OmbudsmanRemedy(Model):
    """A remedy the ombudsman recommends: what, the day the council must comply by, the
    day it did, and the evidence of compliance (words, and optionally a document staff
    added to the case)."""

    __tablename__ = "ombudsman_remedies"

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(sa.ForeignKey("ombudsman_enquiries.id"), index=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    what: Mapped[str] = mapped_column(sa.Text)
    due_on: Mapped[date]
    complied_on: Mapped[date | None]
    evidence: Mapped[str | None] = mapped_column(sa.Text)
    attachment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attachments.id", ondelete="SET NULL")
    )
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
