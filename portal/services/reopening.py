"""Reopening a closed case (docs/casework.md, "Reopening a case"): a new complaint about
the same matter, the ombudsman asking the council to look again, or another reason in
words. The case goes back to the stage it was closed from (or into stage 1, for a
complaint closed before it was accepted: domain/stages.py `reopen`), its ending is
cleared, and the reopening is kept in its own row, with the closure it undid. What is
due is worked out again by the clock's own refresh, in the same commit."""

from datetime import date
from typing import Any

import sqlalchemy as sa

from portal.domain import labels, stages
from portal.domain.access import Permission
from portal.domain.stages import ReopenReason, Stage
from portal.extensions import db
from portal.models import CaseReopening, Staff, Submission
from portal.services import clock
from portal.services.common import check_version, require

# What a reopening may change on the case's row, as the audit trail names it.
CHANGED = (
    "stage",
    "closed_on",
    "withdrawn_on",
    "resolved_informally_on",
    "accepted_on",
    "next_due_on",
)


class ReopenRefused(ValueError):
    """A reopening that cannot be made as asked; the message says why."""


def reopen(
    staff: Staff,
    case: Submission,
    *,
    reason: ReopenReason,
    words: str = "",
    to: Stage | None = None,
    version: int,
    today: date,
) -> CaseReopening:
    """Reopen a closed case, or raise stages.MoveRefused / ReopenRefused saying why."""
    require(staff, Permission.WORK_CASES)
    check_version(case, version)
    if reason is ReopenReason.OTHER and not words.strip():
        raise ReopenRefused("Enter why the case is being reopened")
    was = clock.progress_of(case)
    ended = stages.how_it_ended(was)
    progress = stages.reopen(was, today, to)
    assert ended is not None  # reopen refuses an open case
    owed_before = clock.owed(case, progress=was)
    row = case.case
    before: dict[str, Any] = {name: getattr(row, name) for name in CHANGED}
    row.closed_on = progress.closed_on
    row.withdrawn_on = progress.withdrawn_on
    row.resolved_informally_on = progress.resolved_informally_on
    if progress.accepted_on and not was.accepted_on:
        row.accepted_on = progress.accepted_on
        case.reach("stage1")  # the stage's row, from the day it starts
    clock.refresh_due(case)
    reopening = CaseReopening(
        submission_id=case.id,
        staff_id=staff.id,
        reopened_on=today,
        reason=reason.value,
        reason_words=words.strip() or None,
        ended_how=ended[0],
        ended_on=ended[1],
        to_stage=row.stage,
    )
    db.session.add(reopening)
    clock.after_reopening(case, staff, today, was, owed_before)
    clock.save_change(
        staff,
        case,
        "reopened",
        before,
        {
            "reason": words.strip() or labels.REOPEN_REASONS[reason.value],
            "reopen_reason": reason.value,
            "ended": ended[0],
            "ended_on": ended[1],
        },
    )
    return reopening


def reopenings_of(case: Submission) -> list[tuple[CaseReopening, str | None]]:
    """The case's reopenings, newest first, each with the name of who reopened it."""
    rows = db.session.execute(
        sa.select(CaseReopening, Staff.name)
        .outerjoin(Staff, Staff.id == CaseReopening.staff_id)
        .where(CaseReopening.submission_id == case.id)
        .order_by(CaseReopening.reopened_at.desc(), CaseReopening.id.desc())
    ).all()
    return [(reopening, name) for reopening, name in rows]


def stages_to_reopen_into(case: Submission) -> list[Stage]:
    return stages.reopen_stages(clock.progress_of(case))
