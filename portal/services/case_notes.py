"""Internal notes on a case: what staff keep for each other (a phone call with the
complainant, a conversation with the team). Never sent to anyone; the audit trail says
who wrote one and when, not its words; they are in a subject access export and their
words go when the case is purged (services/retention.py)."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.domain.access import Permission
from portal.extensions import db
from portal.models import CaseNote, Staff, Submission
from portal.services import audit
from portal.services.common import require


@dataclass(frozen=True)
class Note:
    written_at: datetime
    by: str
    text: str


def add(staff: Staff, case: Submission, text: str) -> CaseNote:
    require(staff, Permission.WORK_CASES)
    note = CaseNote(submission_id=case.id, staff_id=staff.id, text=text)
    db.session.add(note)
    db.session.flush()
    audit.record("note_added", staff=staff, submission=case, detail={"note": note.id})
    db.session.commit()
    return note


def for_case(case: Submission) -> list[Note]:
    """Newest first, with the name of who wrote each."""
    rows = db.session.execute(
        sa.select(CaseNote.written_at, Staff.name, CaseNote.text)
        .outerjoin(Staff, Staff.id == CaseNote.staff_id)
        .where(CaseNote.submission_id == case.id)
        .order_by(CaseNote.written_at.desc(), CaseNote.id.desc())
    )
    return [Note(at, name or "A former member of staff", text) for at, name, text in rows]
