from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import utcnow
from portal.models import Model


class Attachment(Model):
    """A file sent with a submission, or a document staff added to the case (a letter
    scanned in, an investigator's report: `added_by` says who). Stored outside the web
    root under a random key; only staff who may see the case can download it, and only
    as a download. Checked and scanned the same way whoever sent it."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("drafts.id", ondelete="SET NULL"), index=True
    )
    submission_id: Mapped[int | None] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(100))
    file_type: Mapped[str] = mapped_column(sa.String(10))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # "clean", or "unscanned" when no scanner is configured (staff are told).
    scan_status: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    description: Mapped[str | None] = mapped_column(sa.String(200))
    # Sent later from the tracking page, with this step (models/complainant_step.py).
    step_id: Mapped[int | None] = mapped_column(sa.ForeignKey("complainant_steps.id"), index=True)
