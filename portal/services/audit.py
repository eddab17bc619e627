"""The audit trail: every view and every change of a case, by whom and when.

Events are added in the same transaction as the change they record, and are never
updated or deleted: the session refuses it (below).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.domain import labels
from portal.extensions import db
from portal.models import AuditEvent, Category, Staff, Submission, Team


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
    submission_id: int | None = None,
) -> AuditEvent:
    """Add an event to the caller's transaction; the caller commits. The case is the
    submission given, or its id (a search records the cases it showed by id)."""
    audit_event = AuditEvent(
        staff_id=staff.id if staff else None,
        submission_id=submission.id if submission else submission_id,
        action=action,
        detail={key: _plain(value) for key, value in (detail or {}).items()},
    )
    db.session.add(audit_event)
    return audit_event


@dataclass(frozen=True)
class Change:
    """One field of a change, in words: ("Team", "Fostering", "Children in care")."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    event: AuditEvent
    who: str | None
    changes: list[Change]


CODE = re.compile(r"[a-z]+(?:_[a-z0-9]+)+")


def for_case(submission: Submission) -> list[Entry]:
    """A case's trail, newest first, with the name of who did each thing and what each
    change changed, in words: fields and values as staff read them, never the stored
    codes or ids (a team's name, not its id)."""
    rows = db.session.execute(
        sa.select(AuditEvent, Staff.name)
        .outerjoin(Staff, Staff.id == AuditEvent.staff_id)
        .where(AuditEvent.submission_id == submission.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).all()
    # Only the teams, people and categories the trail names (a council has hundreds).
    named: dict[str, set[Any]] = {
        "team_id": set(),
        "assigned_staff_id": set(),
        "advocate_id": set(),
        "categories": set(),
    }
    for recorded, _ in rows:
        for field, pair in (recorded.detail.get("changes") or {}).items():
            if field in named:
                for raw in pair:
                    named[field].update(raw if isinstance(raw, list) else [raw])
    teams = _names(Team.id, Team.name, named["team_id"])
    people = _names(Staff.id, Staff.name, named["assigned_staff_id"] | named["advocate_id"])
    categories = _names(Category.slug, Category.name, named["categories"])

    def value(field: str, raw: Any) -> str:
        if raw is None or raw == "" or raw == []:
            return "–"
        if isinstance(raw, bool):
            return "Yes" if raw else "No"
        if field == "team_id":
            return teams.get(raw, "A team since deleted")
        if field in ("assigned_staff_id", "advocate_id"):
            return people.get(raw, "A former member of staff")
        if field == "categories" and isinstance(raw, list):
            return ", ".join(categories.get(slug, labels.words(str(slug))) for slug in raw)
        if field in labels.FIELD_VALUES:
            return labels.label(labels.FIELD_VALUES[field], raw)
        text = str(raw)
        return labels.words(text) if CODE.fullmatch(text) else text

    def changed(detail: dict[str, Any]) -> list[Change]:
        return [
            Change(labels.label("field", field), value(field, old), value(field, new))
            for field, (old, new) in (detail.get("changes") or {}).items()
        ]

    return [Entry(event, who, changed(event.detail)) for event, who in rows]


def _names(key: Any, name: Any, wanted: set[Any]) -> dict[Any, str]:
    wanted.discard(None)
    if not wanted:
        return {}
    return {
        found: words
        for found, words in db.session.execute(sa.select(key, name).where(key.in_(wanted)))
    }
