"""Removing a case's personal data when its retention period has passed
(docs/retention.md). What the annual report counts stays: the kind, the dates, the team,
the categories, the outcome and the costs. Everything that could identify a person goes:
names, contact details, what they wrote, files, emails, and the words in the case's
audit details."""

import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from portal.database import utcnow
from portal.domain import retention
from portal.extensions import db
from portal.models import (
    Attachment,
    AuditEvent,
    Case,
    CaseLink,
    CaseNote,
    CaseReopening,
    ClockEvent,
    ComplainantStep,
    ComplaintPoint,
    Correspondence,
    Enquiry,
    FeedbackInvitation,
    OmbudsmanEnquiry,
    OmbudsmanRemedy,
    OutboxMessage,
    Referral,
    ReferralVisit,
    ResponseLetter,
    Staff,
    StageResponse,
    Submission,
    Task,
    TrackingLink,
    UnsentConcern,
)
from portal.services import audit

REMOVED = "removed under the retention policy"

# Personal data on the case, and what it becomes. A named worker's compliment still
# counts as naming a worker (an empty name, not none).
CLEARED: dict[str, object] = {
    "submitter_name": "",
    "organisation": None,
    "email": None,
    "phone": None,
    "postal_address": None,
    "postcode": None,
    # Whether it was safe to phone or write says something about their home.
    "safe_to_phone": None,
    "safe_to_leave_voicemail": None,
    "safe_to_send_letters": None,
    "child_name": None,
    "child_date_of_birth": None,
    "child_age": None,
    "what_happened": "",
    "event_date": None,
    "put_right": None,
    "interpreter_language": None,
    "other_support": None,
    "answers": {},
    "advocate_name": None,
    "advocate_email": None,
    "danger_signs": [],
    "contact_today_by": None,
    "sent_from_draft": None,
}
# ... on the case's row (models/case.py).
CASE_CLEARED: dict[str, object] = {
    "safeguarding_action": None,
    "informal_resolution_terms": None,
    "sufficient_interest_reason": None,
    "advocate_assigned": None,
    "legal_hold_reason": None,
}

# Personal data on each stage's row: the reasons for more time (about the person's case),
# the officers' and panel members' names, the panel's words.
STAGE_CLEARED = (
    "extension_reason",
    "investigating_officer",
    "independent_person",
    "panel_members",
    "panel_recommendations",
)


@dataclass(frozen=True)
class Due:
    reference: str
    ended_on: date
    due_on: date


def _years() -> int:
    return int(current_app.config["RETENTION_YEARS"])


def due_for_purge(today: date) -> list[Due]:
    """Cases whose personal data is due to go, oldest first; none under legal hold."""
    rows = db.session.execute(
        sa.select(
            Submission.reference,
            Case.closed_on,
            Case.withdrawn_on,
            Case.thanked_on,
            Case.legal_hold,
            # A case reopened is not due from an ending before it (domain/retention.py).
            sa.select(sa.func.max(CaseReopening.reopened_on))
            .where(CaseReopening.submission_id == Submission.id)
            .scalar_subquery(),
        )
        .join(Case, Case.submission_id == Submission.id)
        .where(Case.purged_at.is_(None), sa.not_(Case.legal_hold))
        .where(
            sa.or_(
                Case.closed_on.is_not(None),
                Case.withdrawn_on.is_not(None),
                Case.thanked_on.is_not(None),
            )
        )
    )
    found = []
    for reference, closed_on, withdrawn_on, thanked_on, held, reopened_on in rows:
        ending = retention.Ending(closed_on, withdrawn_on, thanked_on, held, reopened_on)
        due_on = retention.due(ending, _years(), today)
        ended = retention.ended_on(ending)
        if due_on is not None and ended is not None:
            found.append(Due(reference, ended, due_on))
    return sorted(found, key=lambda d: (d.due_on, d.reference))


def purge(today: date, *, staff: Staff | None = None) -> list[Due]:
    """Remove the personal data of every case due; one transaction per case, so a failure
    part way leaves each case either whole or purged."""
    purged = []
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    for item in due_for_purge(today):
        case = db.session.scalars(
            sa.select(Submission).where(Submission.reference == item.reference)
        ).one()
        if case.case.legal_hold or case.case.purged_at is not None:  # changed since it was listed
            continue
        files = list(
            db.session.scalars(sa.select(Attachment).where(Attachment.submission_id == case.id))
        )
        for name, value in CLEARED.items():
            setattr(case, name, value)
        for name, value in CASE_CLEARED.items():
            setattr(case.case, name, value)
        if case.worker_name is not None:
            case.worker_name = ""
        case.case.purged_at = utcnow()
        case.case.version += 1
        for point in db.session.scalars(
            sa.select(ComplaintPoint).where(ComplaintPoint.submission_id == case.id)
        ):
            point.summary = ""
        # The ombudsman's enquiry keeps its dates and decision (the report counts them);
        # its reference, and each remedy's words and evidence, are about the person. A
        # remedy's document goes with the case's other files.
        db.session.execute(
            sa.update(OmbudsmanEnquiry)
            .where(OmbudsmanEnquiry.submission_id == case.id)
            .values(reference=None)
        )
        db.session.execute(
            sa.update(OmbudsmanRemedy)
            .where(OmbudsmanRemedy.submission_id == case.id)
            .values(
                what=REMOVED,
                evidence=sa.case((OmbudsmanRemedy.evidence.is_(None), None), else_=REMOVED),
                attachment_id=None,
            )
        )
        for attachment in files:
            db.session.delete(attachment)
        # Each stage keeps its dates, finding, redress and costs (the report counts them).
        db.session.execute(
            sa.update(StageResponse)
            .where(StageResponse.submission_id == case.id)
            .values(dict.fromkeys(STAGE_CLEARED))
        )
        # Letters and messages keep their kind and date (the report counts them); their
        # words and their emails go.
        db.session.execute(
            sa.update(Correspondence)
            .where(Correspondence.submission_id == case.id)
            .values(subject="", body="", body_html="", outbox_message_id=None)
        )
        db.session.execute(
            sa.update(ResponseLetter)
            .where(ResponseLetter.submission_id == case.id)
            .values(subject="", greeting="", body="", return_comments=None)
        )
        # The clock ledger keeps its dates (the report's timeliness); its reasons and the
        # complainant's agreements to an extension are words about them.
        db.session.execute(
            sa.update(ClockEvent)
            .where(ClockEvent.submission_id == case.id)
            .values(reason=None, agreement=None)
        )
        db.session.execute(
            sa.update(Task)
            .where(Task.submission_id == case.id)
            # The message it names goes below.
            .values(description=REMOVED, outbox_message_id=None)
        )
        db.session.execute(
            sa.update(CaseNote).where(CaseNote.submission_id == case.id).values(text=REMOVED)
        )
        # What the person sent later from the tracking page keeps its kind and dates.
        db.session.execute(
            sa.update(ComplainantStep)
            .where(ComplainantStep.submission_id == case.id)
            .values(text=REMOVED, decision_note=None, danger_signs=[], form_key=None)
        )
        # Why it was reopened, and why it is linked to another case, in staff's words.
        db.session.execute(
            sa.update(CaseReopening)
            .where(CaseReopening.submission_id == case.id, CaseReopening.reason_words.is_not(None))
            .values(reason_words=REMOVED)
        )
        db.session.execute(
            sa.update(CaseLink)
            .where(
                sa.or_(CaseLink.submission_id == case.id, CaseLink.other_submission_id == case.id)
            )
            .values(note=REMOVED)
        )
        # An MP's or councillor's name says who the person went to; the reply is about them.
        db.session.execute(
            sa.update(Enquiry)
            .where(Enquiry.submission_id == case.id)
            .values(name=REMOVED, reply=sa.case((Enquiry.reply.is_(None), None), else_=REMOVED))
        )
        # A referral to the advocacy provider keeps its dates, where it came from, where it
        # stands and its outcome (the report counts them); why it was declined, the
        # advocate's name and each visit's note go.
        db.session.execute(
            sa.update(Referral)
            .where(Referral.submission_id == case.id)
            .values(
                decline_reason=sa.case((Referral.decline_reason.is_(None), None), else_=REMOVED),
                advocate_name=sa.case((Referral.advocate_name.is_(None), None), else_=REMOVED),
                advocate_staff_id=None,
            )
        )
        db.session.execute(
            sa.update(ReferralVisit)
            .where(
                ReferralVisit.referral_id.in_(
                    sa.select(Referral.id).where(Referral.submission_id == case.id)
                )
            )
            .values(note=REMOVED)
        )
        db.session.execute(sa.delete(TrackingLink).where(TrackingLink.submission_id == case.id))
        # An unanswered questionnaire link stops working; the invitation still counts.
        db.session.execute(
            sa.update(FeedbackInvitation)
            .where(FeedbackInvitation.submission_id == case.id)
            .values(token_hash=f"purged{secrets.token_hex(29)}")
        )
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.submission_id == case.id))
        # The trail keeps who did what and when; the words in its details go too. The
        # trail is otherwise never changed (services/audit.py), so this is a plain update.
        db.session.execute(
            sa.update(AuditEvent)
            .where(AuditEvent.submission_id == case.id)
            .values(detail={"detail": REMOVED})
        )
        audit.record(
            "personal_data_purged",
            staff=staff,
            submission=case,
            detail={"ended_on": item.ended_on, "due_on": item.due_on, "files": len(files)},
        )
        db.session.commit()
        # The files go once the record of them has gone: a crash between leaves a file
        # nothing points to, never a record pointing at nothing.
        for attachment in files:
            (folder / attachment.storage_key).unlink(missing_ok=True)
        purged.append(item)
    return purged


def record_dry_run(found: list[Due], *, staff: Staff | None = None) -> None:
    audit.record("retention_dry_run", staff=staff, detail={"due": len(found)})
    db.session.commit()


def set_legal_hold(staff: Staff, case: Submission, *, hold: bool, reason: str | None) -> None:
    before = {"legal_hold": case.case.legal_hold, "legal_hold_reason": case.case.legal_hold_reason}
    case.case.legal_hold = hold
    case.case.legal_hold_reason = reason if hold else None
    case.case.version += 1
    audit.record(
        "legal_hold_placed" if hold else "legal_hold_lifted",
        staff=staff,
        submission=case,
        detail=audit.changes(
            before,
            {"legal_hold": case.case.legal_hold, "legal_hold_reason": case.case.legal_hold_reason},
        ),
    )
    db.session.commit()


# --- "possible concern, not sent" tasks (docs/safeguarding-what-happens.md) -----------------


def unsent_concerns_due(today: date) -> list[UnsentConcern]:
    """Tasks whose words and contact details are due to go: RETENTION_YEARS after someone
    recorded what was done (a task nobody has dealt with is never purged)."""
    found = db.session.scalars(
        sa.select(UnsentConcern)
        .where(UnsentConcern.purged_at.is_(None), UnsentConcern.actioned_at.is_not(None))
        .order_by(UnsentConcern.id)
    )
    return [
        concern
        for concern in found
        if concern.actioned_at is not None
        and retention.purge_on(concern.actioned_at.date(), _years()) <= today
    ]


def purge_unsent_concerns(today: date, *, staff: Staff | None = None) -> int:
    purged = 0
    for concern in unsent_concerns_due(today):
        concern.written = []
        concern.signals = []
        for name in ("name", "email", "phone", "address", "contact_today_by", "action"):
            setattr(concern, name, None)
        concern.purged_at = utcnow()
        audit.record("unsent_concern_purged", staff=staff, detail={"unsent_concern": concern.id})
        db.session.commit()
        purged += 1
    return purged
