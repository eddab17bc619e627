from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models import Model


class UnsentConcern(Model):
    """A task for the safeguarding team: a child was shown the help page (or asked again
    whether they are safe), left a way to reach them, and had not sent what they wrote
    an hour later (SAFEGUARDING_UNSENT_AFTER_MINUTES). It keeps what was written and how
    to reach them, because the draft itself is deleted when it expires."""

    __tablename__ = "unsent_concerns"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One task per draft, however many sweeps run at once (the database refuses a second).
    draft_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    # The safeguarding team when it was raised: its members see the task.
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))
    help_shown_at: Mapped[datetime]
    raised_at: Mapped[datetime] = mapped_column(index=True)
    # What was written, page by page: [{"source": step, "text": ...}].
    written: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    # The signs, as on a submission: [{"strength", "sentence", "why", "source"}].
    signals: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    name: Mapped[str | None] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    address: Mapped[str | None] = mapped_column(sa.String(600))
    contact_today: Mapped[str | None] = mapped_column(sa.String(3))
    contact_today_by: Mapped[str | None] = mapped_column(sa.String(254))
    # The reference, when the child sent it after all.
    sent_as: Mapped[str | None] = mapped_column(sa.String(20))
    actioned_at: Mapped[datetime | None]
    action: Mapped[str | None] = mapped_column(sa.Text)
    actioned_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    purged_at: Mapped[datetime | None]
