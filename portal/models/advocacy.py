from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.models import Model

if TYPE_CHECKING:
    from portal.models.submission import Submission


class AdvocateOrganisation(Model):
    """An organisation whose advocates may register for an account themselves, with an
    email address at its domain, once a complaints manager has approved it
    (services/advocates.py). The advocacy provider's advocates are invited instead."""

    __tablename__ = "advocate_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # The part after "@", lower case: "speakup.example".
    email_domain: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # Who approved it (a staff id; no foreign key: staff.organisation_id points this way,
    # and the audit trail holds the approval too).
    approved_by_id: Mapped[int | None]
    approved_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A manager may stop new registrations from it; accounts already made stay until
    # disabled one by one.
    is_approved: Mapped[bool] = mapped_column(default=True)


class CopyConsent(Model):
    """The child's agreement that every letter and message to them is copied to their
    advocate: when and by whom it was given (the child on the form, staff recording the
    child's word, the advocate recording it), and when and by whom withdrawn (the child
    from their tracking page, the advocate, staff). While it stands the advocate gets a
    copy of each (services/correspondence.py); after withdrawal nothing more is copied.
    A case may have several over time: the latest says where it stands."""

    __tablename__ = "copy_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    given_on: Mapped[date]
    # domain/labels.py CONSENT_GIVEN_BY: child_form, staff, advocate
    given_by: Mapped[str] = mapped_column(sa.String(20))
    given_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    withdrawn_on: Mapped[date | None]
    # domain/labels.py CONSENT_WITHDRAWN_BY: child, advocate, staff
    withdrawn_by: Mapped[str | None] = mapped_column(sa.String(20))
    withdrawn_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped["Submission"] = relationship()

    @property
    def stands(self) -> bool:
        return self.withdrawn_on is None
