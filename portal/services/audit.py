"""The audit trail: every view and every change of a case, by whom and when.

Events are added in the same transaction as the change they record, and are never
updated or deleted: the session refuses it (below).
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import AuditEvent, Staff, Submission


class AuditTrailIsReadOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_audit(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditTrailIsReadOnly("audit events cannot be changed or deleted")


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(value)]
        for key, value in after.items()
        if before.get(key) != value
    }


def record(
    action: str,
    *,
    staff: Staff | None,
    submission: Submission | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an event to the caller's transaction; the caller commits."""
    audit_event = AuditEvent(
        staff_id=staff.id if staff else None,
        submission_id=submission.id if submission else None,
        action=action,
        detail={key: _plain(value) for key, value in (detail or {}).items()},
    )
    db.session.add(audit_event)
    return audit_event


def for_case(submission: Submission) -> list[tuple[AuditEvent, str | None]]:
    """A case's trail, newest first, with the name of who did each thing."""
    rows = db.session.execute(
        sa.select(AuditEvent, Staff.name)
        .outerjoin(Staff, Staff.id == AuditEvent.staff_id)
        .where(AuditEvent.submission_id == submission.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    return [(row[0], row[1]) for row in rows]
