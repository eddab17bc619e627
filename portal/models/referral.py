from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.domain import referrals as rules
from portal.models import Model

if TYPE_CHECKING:
    from portal.models.submission import Submission


class Referral(Model):
    """A case referred to the council's advocacy provider (domain/referrals.py): where it
    came from, when it was made and must be accepted by (the provider's response time,
    kept as it was when the referral was made), each step the provider records with its
    date and who recorded it, and how it ended. A case may have more than one (referred
    again after a referral was declined or closed), never two open at once (the service
    checks). The case's advocacy_status and advocate_assigned follow it."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    provider_team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    source: Mapped[str] = mapped_column(sa.String(20))  # rules.Source
    status: Mapped[str] = mapped_column(sa.String(20), default=rules.Status.WAITING.value)
    made_at: Mapped[datetime] = mapped_column(default=utcnow)
    made_on: Mapped[date]  # the London date of made_at: day 0 of the response time
    made_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    response_working_days: Mapped[int]
    due_on: Mapped[date]  # to be accepted by
    # Accepted or declined: the day, who recorded it and when; a decline's reason. None
    # on a referral made before the portal kept referrals (the day was not recorded).
    accepted_on: Mapped[date | None]
    declined_on: Mapped[date | None]
    decline_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    # The advocate: one of the provider's advocate accounts, or a name typed.
    advocate_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    advocate_name: Mapped[str | None] = mapped_column(sa.String(200))
    advocate_named_on: Mapped[date | None]
    first_contact_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    outcome: Mapped[str | None] = mapped_column(sa.String(40))  # rules.Outcome
    closed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    # Escalated, once, when it was not accepted in time (services/referrals.py).
    escalated_at: Mapped[datetime | None]

    submission: Mapped["Submission"] = relationship()
    visits: Mapped[list["ReferralVisit"]] = relationship(
        order_by="(ReferralVisit.visited_on, ReferralVisit.id)", lazy="selectin"
    )

    def as_rules(self, *, case_closed: bool = False) -> rules.Dates:
        return rules.Dates(
            status=rules.Status(self.status),
            made_on=self.made_on,
            due_on=self.due_on,
            first_contact_on=self.first_contact_on,
            escalated=self.escalated_at is not None,
            case_closed=case_closed,
        )


class ReferralVisit(Model):
    """A visit to (or contact with) the child after the first, with a short note of what
    it was for (never the child's words: a note for the council's record)."""

    __tablename__ = "referral_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"), index=True)
    visited_on: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(500))
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
