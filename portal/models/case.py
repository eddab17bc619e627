from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models import Model

if TYPE_CHECKING:
    from portal.models.team import Team


class ComplaintPoint(Model):
    """One point of a complaint, with its finding at a stage."""

    __tablename__ = "complaint_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    stage: Mapped[str] = mapped_column(sa.String(10))
    summary: Mapped[str] = mapped_column(sa.String(1000))
    outcome: Mapped[str] = mapped_column(sa.String(20))


class Lesson(Model):
    """A lesson learned from a case, and the action taken on it."""

    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))
    lesson: Mapped[str] = mapped_column(sa.String(2000))
    action: Mapped[str] = mapped_column(sa.String(2000))
    action_due_on: Mapped[date | None]


# The open-cases indexes' keys: the queue's order, then what its filters and counts read.
QUEUE_KEYS = (
    "next_due_on",
    "submission_id",
    "stage",
    "kind",
    "team_id",
    "safeguarding_actioned_at",
)
OPEN_ONLY: dict[str, Any] = {
    "postgresql_where": sa.text("stage <> 'closed'"),
    "sqlite_where": sa.text("stage <> 'closed'"),
}


class Case(Model):
    """The case as worked in the back office from a submission (one each, made with it and
    loaded with it in one join): what staff decide and record after receipt, and what the
    clock works out as the case moves. The rule: a column staff (or the clock, as they
    move the case) change belongs here; what the person sent, and what was worked out
    from it on receipt (reference, dates received and owed, jurisdiction, language, the
    signs of danger and whether they are urgent), stays on the submission
    (models/submission.py). So the queue, the reminders, the reports, retention and the
    safeguarding sweep filter and sort on this table, joined to the submission by
    `submission_id` only for what the person sent (the reference, the date received,
    urgent). `version` is this row's (version_id_col): every change to the case moves it
    on, a change to its submission, its stages' rows or its categories too (the
    before_flush listener in models/submission.py), so a second person saving a stale
    copy is refused. Python reads and writes these columns here
    (submission.case.stage); a query joins cases and names Case.stage."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), unique=True)

    # Bumped on every change of the case: a second member of staff saving a stale copy is
    # refused (services/common.py check_version, and the database's own check on UPDATE).
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # What it is now: a complaint, a compliment ... (reclassification changes it; what it
    # was is reclassified_from).
    kind: Mapped[str] = mapped_column(sa.String(20))
    # The team it is with now (routing rules decide on receipt; staff re-route it) and the
    # procedure it follows (staff may change it); what the person chose is the
    # submission's about_team_id.
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))
    procedure: Mapped[str] = mapped_column(sa.String(30))
    routing_rule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("routing_rules.id"))
    routing_reason: Mapped[str | None] = mapped_column(sa.String(200))
    assigned_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))

    stage: Mapped[str] = mapped_column(sa.String(20), default="triage", server_default="triage")
    # What the council owes next and by when (recomputed on every change; sorts the queue).
    next_due_on: Mapped[date | None] = mapped_column(index=True)
    next_due_what: Mapped[str | None] = mapped_column(sa.String(60))
    next_due_statutory: Mapped[date | None]
    # The first response as the person is shown it (England and corporate: the stage 1
    # response; Wales: the discussion, then the written resolution; a representation: the
    # reply), kept by services/clock.py `refresh_due` from the same rules as what staff see.
    stage1_due: Mapped[date | None]
    # When the person's acknowledgement was sent, and how.
    acknowledged_at: Mapped[datetime | None]
    acknowledged_how: Mapped[str | None] = mapped_column(sa.String(20))

    # What a member of staff did about signs of danger, who and when (the case leaves the
    # top of the queue); when the alert went again because nobody had (once per alert).
    safeguarding_action: Mapped[str | None] = mapped_column(sa.Text)
    safeguarding_actioned_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
    safeguarding_actioned_at: Mapped[datetime | None]
    safeguarding_escalated_at: Mapped[datetime | None]
    # Signs of danger in something the person sent later from the tracking page: when it
    # came (the sweep counts the minutes from then, not from receipt).
    danger_reported_at: Mapped[datetime | None]

    # The outcome dates (a stage's own are on its row, models/stage_response.py).
    accepted_on: Mapped[date | None]
    resolved_informally_on: Mapped[date | None]
    informal_resolution_terms: Mapped[str | None] = mapped_column(sa.Text)
    withdrawn_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    thanked_on: Mapped[date | None]  # compliments: the team has been thanked

    # "Someone else": does the person have sufficient interest in the child's welfare?
    sufficient_interest: Mapped[bool | None]
    sufficient_interest_reason: Mapped[str | None] = mapped_column(sa.String(500))
    sufficient_interest_decided_on: Mapped[date | None]

    advocacy_status: Mapped[str | None] = mapped_column(sa.String(20))
    advocacy_due_on: Mapped[date | None]
    # The advocate's name as staff typed it (kept for history), and the advocate's
    # account when staff name one from the accounts: they then see the case
    # (services/advocates.py).
    advocate_assigned: Mapped[str | None] = mapped_column(sa.String(200))
    advocate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"), index=True)
    reclassified_from: Mapped[str | None] = mapped_column(sa.String(20))

    # Retention (docs/retention.md): a case under legal hold is never purged; a purged
    # case keeps only what the annual report counts.
    legal_hold: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    legal_hold_reason: Mapped[str | None] = mapped_column(sa.String(500))
    purged_at: Mapped[datetime | None]

    team: Mapped["Team | None"] = relationship(foreign_keys=[team_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # The triage queue: open cases in due-date order, carrying every column of the
        # case its filters, counts and order read (as keys after the two it is ordered by,
        # so that SQLite, which has no INCLUDE, reads them from the index too), so both
        # databases answer from the index alone instead of reading every case
        # (docs/performance.md, "Back office"). What it needs of the submission (urgent,
        # concern, the reference searched) it asks of the few submissions that match
        # (services/triage.py). No index of kind or stage alone: SQLite, without
        # statistics, would take one for the queue's filters and sort what it found.
        sa.Index("ix_cases_open_queue", *QUEUE_KEYS, **OPEN_ONLY),
        # "My cases": one person's open cases, in the queue's order, with what its counts
        # read (services/triage.py, QueueFilters.assigned_to).
        sa.Index("ix_cases_open_assigned", "assigned_staff_id", *QUEUE_KEYS, **OPEN_ONLY),
    )


# The case's columns (all but its keys), by the names the audit trail, the moves and
# retention give them (models/submission.py read_field).
CASE_COLUMNS: tuple[str, ...] = tuple(
    column.key for column in Case.__table__.columns if column.key not in {"id", "submission_id"}
)
