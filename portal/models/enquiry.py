from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import utcnow
from portal.models import Model


class Enquiry(Model):
    """An MP's or a councillor's enquiry about a case, on the person's behalf: when it
    arrived, the date the council replies by (ENQUIRY_REPLY_WORKING_DAYS working days
    later), and the reply once sent."""

    __tablename__ = "enquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    from_whom: Mapped[str] = mapped_column(sa.String(20))  # labels.ENQUIRY_FROM
    name: Mapped[str] = mapped_column(sa.String(200))
    received_on: Mapped[date]
    reply_due_on: Mapped[date]
    replied_on: Mapped[date | None]
    reply: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
