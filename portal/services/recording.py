"""A complaint, compliment, representation or request for an advocate that came another
way (a phone call, a letter, an email, a visit, a councillor, an MP, the advocacy
provider), recorded by a member of staff through the same intake as the public form
(`intake.record_submission`): what they may choose from, and what they see afterwards."""

from datetime import date

import sqlalchemy as sa

from portal.domain.access import Permission
from portal.domain.channels import TimeUsed, time_used
from portal.extensions import db
from portal.models import OutboxMessage, Staff, Submission, Task, Team
from portal.models.submission import with_case
from portal.services import intake
from portal.services.cases import visible_to
from portal.services.common import require


def team_choices() -> list[tuple[str, str]]:
    """The services a case can be about: every active team but the advocacy provider."""
    teams = db.session.scalars(
        sa.select(Team)
        .where(Team.is_active, sa.not_(Team.is_advocacy_provider))
        .order_by(Team.sort_order, Team.name)
    )
    return [(str(team.id), team.name) for team in teams]


def record(staff: Staff, new: intake.NewSubmission) -> Submission:
    """Record it for them, as this member of staff (who must work cases)."""
    require(staff, Permission.WORK_CASES)
    return intake.record_submission(new)


def recorded_by(staff: Staff, reference: str) -> Submission | None:
    """A submission this person recorded (their confirmation, even when it went to a
    team whose cases they cannot open), or one they may see."""
    return db.session.scalar(
        with_case().where(
            Submission.reference == reference,
            sa.or_(Submission.recorded_by_staff_id == staff.id, visible_to(staff)),
        )
    )


def time_used_of(submission: Submission, today: date) -> TimeUsed | None:
    """How long ago it came, and whether its acknowledgement is already late."""
    return time_used(
        submission.received_on,
        submission.acknowledge_by,
        today,
        acknowledged=submission.case.acknowledged_at is not None,
    )


def acknowledgement_emails(submission: Submission) -> list[str]:
    """The addresses its acknowledgement was queued to, by email."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage.recipient).where(
                OutboxMessage.submission_id == submission.id,
                OutboxMessage.purpose == "acknowledgement",
            )
        )
    )


def tasks_of(submission: Submission) -> list[Task]:
    return list(
        db.session.scalars(
            sa.select(Task).where(Task.submission_id == submission.id).order_by(Task.id)
        )
    )
