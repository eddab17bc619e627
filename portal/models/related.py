"""A case's history beyond its own row: each time it was reopened, and the cases it is
linked to (related, or a duplicate merged into the case kept). Rows are added, never
removed: a reopening or a merge keeps what was there before (services/related_cases.py,
docs/casework.md)."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import utcnow
from portal.models import Model

RELATED = "related"  # two cases about connected matters, both ways
DUPLICATE = "duplicate"  # submission_id merged into other_submission_id (the case kept)


class CaseReopening(Model):
    """A closed case reopened: who, when, why, and the closure it undid (how it had
    ended and on what day), and the stage it went back to."""

    __tablename__ = "case_reopenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    reopened_at: Mapped[datetime] = mapped_column(default=utcnow)
    reopened_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(20))  # stages.ReopenReason
    # "Another reason", in the words of the member of staff (personal data: purged).
    reason_words: Mapped[str | None] = mapped_column(sa.Text)
    ended_how: Mapped[str] = mapped_column(sa.String(30))  # closed, withdrawn, resolved ...
    ended_on: Mapped[date]
    to_stage: Mapped[str] = mapped_column(sa.String(20))


class CaseLink(Model):
    """Two cases linked, with why: related (read both ways), or a duplicate
    (`submission_id`) merged into the case kept (`other_submission_id`)."""

    __tablename__ = "case_links"
    __table_args__ = (sa.UniqueConstraint("submission_id", "other_submission_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    other_submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    # Why they are linked, in staff's words (personal data: purged with either case).
    note: Mapped[str] = mapped_column(sa.Text)
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


def merged_duplicates() -> sa.Select[int]:
    """The submissions merged into another case: the annual report counts the case kept
    and not these (services/report_counts.py, services/reports.py)."""
    return sa.select(CaseLink.submission_id).where(CaseLink.kind == DUPLICATE)
