from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import utcnow
from portal.models import Model


class AuditEvent(Model):
    """Who looked at or changed what, and when. Written once, never edited
    (services/audit.py refuses updates and deletes)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"), index=True)
    submission_id: Mapped[int | None] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    # Which fields changed: {"field": [old, new]}, or other context of the action.
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
