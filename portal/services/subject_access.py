"""A subject access request: everything the portal holds about a person, found by their
email address (as the person or as a child's advocate) or by a case reference, as JSON
and as a readable page (docs/retention.md, "Subject access"). Every export is in the
audit trail of each case it includes."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from portal.database import utcnow
from portal.extensions import db
from portal.models import (
    Attachment,
    AuditEvent,
    CaseLink,
    CaseReopening,
    ComplainantStep,
    ComplaintPoint,
    Correspondence,
    Draft,
    Enquiry,
    Lesson,
    OutboxMessage,
    Referral,
    ResponseLetter,
    Staff,
    Submission,
    Team,
    UnsentConcern,
)
from portal.models.case import CASE_COLUMNS
from portal.models.stage_response import STAGE_FIELDS
from portal.models.submission import read_field
from portal.services import audit, case_notes, clock, outbox

# Not the person's data: how the portal keeps the case, not what it holds about them.
INTERNAL = {
    "tracking_token_hash",
    "sent_from_draft",
    "version",
    "id",
    "team_id",
    "about_team_id",
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def find(*, email: str = "", reference: str = "") -> list[Submission]:
    query = sa.select(Submission).order_by(Submission.received_at)
    if reference:
        query = query.where(Submission.reference == reference.strip().upper())
    elif email:
        address = email.strip().lower()
        query = query.where(
            sa.or_(
                sa.func.lower(Submission.email) == address,
                sa.func.lower(Submission.advocate_email) == address,
            )
        )
    else:
        return []
    return list(db.session.scalars(query))


def _case(case: Submission) -> dict[str, Any]:
    record = {
        column.key: _plain(getattr(case, column.key))
        for column in Submission.__table__.columns
        if column.key not in INTERNAL
    }
    # The case's columns (models/case.py) and each stage's dates, extension and people,
    # under the names the export has always used.
    record |= {
        name: _plain(getattr(case.case, name)) for name in CASE_COLUMNS if name not in INTERNAL
    }
    record |= {name: _plain(read_field(case, name)) for name in STAGE_FIELDS}
    team = db.session.get(Team, case.case.team_id) if case.case.team_id else None
    record["team"] = team.name if team else None
    record["categories"] = [category.name for category in case.categories]
    record["complaint_points"] = [
        {"stage": p.stage, "summary": p.summary, "outcome": p.outcome}
        for p in db.session.scalars(
            sa.select(ComplaintPoint).where(ComplaintPoint.submission_id == case.id)
        )
    ]
    record["outcome"] = case.outcome
    record["stage_responses"] = [
        {
            "stage": r.stage,
            "outcome": r.outcome,
            "apology": r.redress_apology,
            "explanation": r.redress_explanation,
            "service_review": r.redress_service_review,
            "ex_gratia_pence": r.ex_gratia_pence,
            "cost_pence": r.cost_pence,
        }
        for r in case.responses_made
    ]
    record["lessons"] = [
        {"lesson": lesson.lesson, "action": lesson.action}
        for lesson in db.session.scalars(sa.select(Lesson).where(Lesson.submission_id == case.id))
    ]
    record["internal_notes"] = [
        {"written": _plain(note.written_at), "by": note.by, "note": note.text}
        for note in case_notes.for_case(case)
    ]
    # What they sent later from the tracking page, and what staff decided.
    record["sent_from_the_tracking_page"] = [
        {
            "sent": _plain(step.sent_at),
            "what": step.kind,
            "by": step.by,
            "words": step.text,
            "more_time_for": step.more_time_for,
            "late": step.late,
            "decision": step.decision,
            "more_time_until": _plain(step.granted_to),
            "why": step.decision_note,
            "decided": _plain(step.decided_at),
        }
        for step in db.session.scalars(
            sa.select(ComplainantStep)
            .where(ComplainantStep.submission_id == case.id)
            .order_by(ComplainantStep.id)
        )
    ]
    record["reopenings"] = [
        {
            "reopened": _plain(r.reopened_on),
            "why": r.reason,
            "why_in_words": r.reason_words,
            "had_ended": r.ended_how,
            "ended_on": _plain(r.ended_on),
            "back_to": r.to_stage,
        }
        for r in db.session.scalars(
            sa.select(CaseReopening).where(CaseReopening.submission_id == case.id)
        )
    ]
    # Why this case is linked to another (the other case may be someone else's: only
    # what is said of the link).
    record["linked_cases"] = [
        {"linked": _plain(link.linked_at), "how": link.kind, "why": link.note}
        for link in db.session.scalars(
            sa.select(CaseLink).where(
                sa.or_(CaseLink.submission_id == case.id, CaseLink.other_submission_id == case.id)
            )
        )
    ]
    record["enquiries"] = [
        {
            "from": e.from_whom,
            "name": e.name,
            "received": _plain(e.received_on),
            "reply_due": _plain(e.reply_due_on),
            "replied": _plain(e.replied_on),
            "reply": e.reply,
        }
        for e in db.session.scalars(sa.select(Enquiry).where(Enquiry.submission_id == case.id))
    ]
    # Referrals to the advocacy provider, with each step and visit.
    record["advocacy_referrals"] = [
        {
            "from": r.source,
            "made": _plain(r.made_at),
            "due": _plain(r.due_on),
            "status": r.status,
            "accepted": _plain(r.accepted_on),
            "declined": _plain(r.declined_on),
            "why_declined": r.decline_reason,
            "advocate": r.advocate_name,
            "first_contact": _plain(r.first_contact_on),
            "visits": [{"on": _plain(v.visited_on), "note": v.note} for v in r.visits],
            "closed": _plain(r.closed_on),
            "outcome": r.outcome,
        }
        for r in db.session.scalars(
            sa.select(Referral).where(Referral.submission_id == case.id).order_by(Referral.id)
        )
    ]
    record["ombudsman"] = [
        {
            "reference": e.reference,
            "received": _plain(e.received_on),
            "reply_due": _plain(e.reply_due_on),
            "replied": _plain(e.replied_on),
            "draft_decision": _plain(e.draft_decision_on),
            "comments_due": _plain(e.comments_due_on),
            "comments_sent": _plain(e.comments_sent_on),
            "decided": _plain(e.decided_on),
            "decision": e.decision,
            "maladministration": e.maladministration,
            "injustice": e.injustice,
            "remedies": [
                {
                    "remedy": r.what,
                    "comply_by": _plain(r.due_on),
                    "complied": _plain(r.complied_on),
                    "evidence": r.evidence,
                }
                for r in e.remedies
            ],
        }
        for e in clock.ombudsman_enquiries(case)
    ]
    record["files"] = [
        {
            "filename": f.filename,
            "type": f.file_type,
            "size": f.size,
            "received": _plain(f.created_at),
            "added_by_staff": f.added_by is not None,
            "what_it_is": f.description,
        }
        for f in db.session.scalars(
            sa.select(Attachment).where(Attachment.submission_id == case.id)
        )
    ]
    record["emails"] = [
        {
            "purpose": m.purpose,
            "to": m.recipient,
            "subject": m.subject,
            "status": m.status,
            "sent_at": _plain(m.sent_at),
            "text": outbox.text_of(m),  # rendered, if the worker has not yet
        }
        for m in db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.submission_id == case.id)
            .order_by(OutboxMessage.id)
        )
    ]
    record["letters_and_messages"] = [
        {
            "kind": c.kind,
            "to": c.recipient,
            "how": c.how,
            "subject": c.subject,
            "text": c.body,
            "written": _plain(c.created_at),
        }
        for c in db.session.scalars(
            sa.select(Correspondence)
            .where(Correspondence.submission_id == case.id)
            .order_by(Correspondence.id)
        )
    ]
    # Drafts as well as letters sent: the person is entitled to both.
    record["response_letters"] = [
        {
            "stage": letter.stage,
            "status": letter.status,
            "subject": letter.subject,
            "text": f"{letter.greeting}\n\n{letter.body}",
            "drafted": _plain(letter.drafted_at),
            "sent_how": letter.sent_how,
        }
        for letter in db.session.scalars(
            sa.select(ResponseLetter)
            .where(ResponseLetter.submission_id == case.id)
            .order_by(ResponseLetter.stage)
        )
    ]
    record["audit_trail"] = [
        {"at": _plain(event.at), "action": event.action, "by": name, "detail": event.detail}
        for event, name in db.session.execute(
            sa.select(AuditEvent, Staff.name)
            .outerjoin(Staff, Staff.id == AuditEvent.staff_id)
            .where(AuditEvent.submission_id == case.id)
            .order_by(AuditEvent.id)
        )
    ]
    return record


def _drafts(email: str) -> list[dict[str, Any]]:
    if not email:
        return []
    drafts = db.session.scalars(
        sa.select(Draft).where(sa.func.lower(Draft.return_email) == email.strip().lower())
    )
    return [
        {"kind": d.kind, "answers": d.answers, "kept_until": _plain(d.saved_until)} for d in drafts
    ]


def _unsent_concerns(email: str) -> list[dict[str, Any]]:
    """What a child wrote and did not send, kept as a task for the safeguarding team
    (docs/safeguarding-what-happens.md), found by the email address they left."""
    if not email:
        return []
    address = email.strip().lower()
    found = db.session.scalars(
        sa.select(UnsentConcern)
        .where(
            sa.or_(
                sa.func.lower(UnsentConcern.email) == address,
                sa.func.lower(UnsentConcern.contact_today_by) == address,
            )
        )
        .order_by(UnsentConcern.id)
    )
    return [
        {
            column.key: _plain(getattr(concern, column.key))
            for column in UnsentConcern.__table__.columns
            if column.key not in {"id", "draft_id", "team_id", "actioned_by"}
        }
        for concern in found
    ]


def export(staff: Staff, *, email: str = "", reference: str = "") -> dict[str, Any]:
    """Everything held, and a record in each case's trail that it was exported."""
    found = find(email=email, reference=reference)
    result = {
        "generated_at": _plain(utcnow()),
        "searched_for": {"email": email or None, "reference": reference or None},
        "cases": [_case(case) for case in found],
        "saved_answers_not_sent": _drafts(email),
        "possible_concerns_not_sent": _unsent_concerns(email),
    }
    for case in found:
        audit.record(
            "subject_access_export",
            staff=staff,
            submission=case,
            detail={"searched_by": "email" if email else "reference"},
        )
    db.session.commit()
    return result
