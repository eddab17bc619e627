"""The ombudsman's enquiry into a case, step by step (issue 16; domain/ombudsman.py has
the rules): the enquiry recorded with the date the council must reply by, the reply, the
draft decision and the council's comments, the final decision, and each remedy it
recommends with its compliance. A closed case takes these steps too: the ombudsman comes
after the council's procedure.

What the enquiry owes joins what the case owes (`clock.refresh_due`): the queue, the
reminders and the breach notices see it as they see a stage's deadline. Every change is
in the audit trail, by its dates (never the words of a remedy or its evidence).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from portal.domain import ombudsman as rules
from portal.extensions import db
from portal.models import Attachment, OmbudsmanEnquiry, OmbudsmanRemedy, Staff, Submission
from portal.services import audit, clock
from portal.services.common import check_can_work

OmbudsmanRefused = rules.OmbudsmanRefused
ReplyDueRefused = rules.ReplyDueRefused


class DocumentRefused(OmbudsmanRefused):
    """The document chosen is not one staff added to this case."""


def enquiries_of(case: Submission) -> list[OmbudsmanEnquiry]:
    return clock.ombudsman_enquiries(case)


def find(case: Submission, enquiry_id: int) -> OmbudsmanEnquiry | None:
    return db.session.scalar(
        sa.select(OmbudsmanEnquiry).where(
            OmbudsmanEnquiry.id == enquiry_id, OmbudsmanEnquiry.submission_id == case.id
        )
    )


def find_remedy(case: Submission, remedy_id: int) -> OmbudsmanRemedy | None:
    return db.session.scalar(
        sa.select(OmbudsmanRemedy).where(
            OmbudsmanRemedy.id == remedy_id, OmbudsmanRemedy.submission_id == case.id
        )
    )


def _save(
    staff: Staff,
    case: Submission,
    action: str,
    ids: dict[str, int],
    changes: dict[str, list[Any]],
) -> None:
    """What is due worked out again (a closed case is with the ombudsman while the
    enquiry needs something), the change in the trail, one commit."""
    stage, due = case.case.stage, case.case.next_due_on
    db.session.flush()
    clock.refresh_due(case)
    if case.case.stage != stage:
        changes["stage"] = [stage, case.case.stage]
    if case.case.next_due_on != due:
        changes["next_due_on"] = [due, case.case.next_due_on]
    plain = audit.changes(
        {name: old for name, (old, _) in changes.items()},
        {name: new for name, (_, new) in changes.items()},
    )
    audit.record(action, staff=staff, submission=case, detail=ids | {"changes": plain})
    db.session.commit()


def record(
    staff: Staff,
    case: Submission,
    *,
    reference: str | None,
    received_on: date,
    reply_due_on: date | None,
    today: date,
    version: int,
) -> OmbudsmanEnquiry:
    """An enquiry from the ombudsman has arrived."""
    check_can_work(staff, case, version)
    rules.check_received(received_on, case.received_on, today)
    rules.check_reply_due(rules.Enquiry(received_on), reply_due_on)
    enquiry = OmbudsmanEnquiry(
        submission_id=case.id,
        reference=reference or None,
        received_on=received_on,
        reply_due_on=reply_due_on,
        recorded_by=staff.id,
    )
    db.session.add(enquiry)
    db.session.flush()
    changes: dict[str, list[Any]] = {"received_on": [None, received_on]}
    if reply_due_on is not None:
        changes["reply_due_on"] = [None, reply_due_on]
    _save(staff, case, "ombudsman_enquiry_recorded", {"enquiry": enquiry.id}, changes)
    return enquiry


def record_reply(
    staff: Staff,
    case: Submission,
    enquiry: OmbudsmanEnquiry,
    *,
    replied_on: date,
    today: date,
    version: int,
) -> None:
    check_can_work(staff, case, version)
    rules.check_reply(enquiry.as_rules(), replied_on, today)
    before = enquiry.replied_on
    enquiry.replied_on = replied_on
    _save(
        staff,
        case,
        "ombudsman_replied",
        {"enquiry": enquiry.id},
        {"replied_on": [before, replied_on]},
    )


def record_draft(
    staff: Staff,
    case: Submission,
    enquiry: OmbudsmanEnquiry,
    *,
    draft_decision_on: date,
    comments_due_on: date | None,
    today: date,
    version: int,
) -> None:
    check_can_work(staff, case, version)
    rules.check_draft(enquiry.as_rules(), draft_decision_on, comments_due_on, today)
    changes: dict[str, list[Any]] = {
        "draft_decision_on": [enquiry.draft_decision_on, draft_decision_on],
        "comments_due_on": [enquiry.comments_due_on, comments_due_on],
    }
    enquiry.draft_decision_on = draft_decision_on
    enquiry.comments_due_on = comments_due_on
    _save(staff, case, "ombudsman_draft_decision", {"enquiry": enquiry.id}, changes)


def record_comments(
    staff: Staff,
    case: Submission,
    enquiry: OmbudsmanEnquiry,
    *,
    comments_sent_on: date,
    today: date,
    version: int,
) -> None:
    check_can_work(staff, case, version)
    rules.check_comments(enquiry.as_rules(), comments_sent_on, today)
    changes: dict[str, list[Any]] = {
        "comments_sent_on": [enquiry.comments_sent_on, comments_sent_on]
    }
    enquiry.comments_sent_on = comments_sent_on
    _save(staff, case, "ombudsman_comments_sent", {"enquiry": enquiry.id}, changes)


def record_decision(
    staff: Staff,
    case: Submission,
    enquiry: OmbudsmanEnquiry,
    *,
    decided_on: date | None,
    decision: str,
    maladministration: bool | None,
    injustice: bool | None,
    today: date,
    version: int,
) -> None:
    check_can_work(staff, case, version)
    rules.check_decision(enquiry.as_rules(), decided_on, decision, today)
    changes: dict[str, list[Any]] = {
        "decided_on": [enquiry.decided_on, decided_on],
        "decision": [enquiry.decision, decision],
        "maladministration": [enquiry.maladministration, maladministration],
        "injustice": [enquiry.injustice, injustice],
    }
    enquiry.decided_on = decided_on
    enquiry.decision = decision
    enquiry.maladministration = maladministration
    enquiry.injustice = injustice
    _save(staff, case, "ombudsman_decision", {"enquiry": enquiry.id}, changes)


def add_remedy(
    staff: Staff,
    case: Submission,
    enquiry: OmbudsmanEnquiry,
    *,
    what: str,
    due_on: date,
    version: int,
) -> OmbudsmanRemedy:
    check_can_work(staff, case, version)
    rules.check_remedy(enquiry.as_rules(), due_on)
    remedy = OmbudsmanRemedy(submission_id=case.id, what=what, due_on=due_on, recorded_by=staff.id)
    enquiry.remedies.append(remedy)
    db.session.flush()
    _save(
        staff,
        case,
        "ombudsman_remedy_recorded",
        {"enquiry": enquiry.id, "remedy": remedy.id},
        {"due_on": [None, due_on]},
    )
    return remedy


def staff_documents(case: Submission) -> list[Attachment]:
    """The documents staff added to the case, which compliance may point to."""
    return list(
        db.session.scalars(
            sa.select(Attachment)
            .where(Attachment.submission_id == case.id, Attachment.added_by.is_not(None))
            .order_by(Attachment.created_at.desc(), Attachment.id.desc())
        )
    )


def record_compliance(
    staff: Staff,
    case: Submission,
    remedy: OmbudsmanRemedy,
    *,
    complied_on: date,
    evidence: str,
    attachment_id: int | None,
    today: date,
    version: int,
) -> None:
    check_can_work(staff, case, version)
    enquiry = db.session.get(OmbudsmanEnquiry, remedy.enquiry_id)
    assert enquiry is not None
    rules.check_compliance(enquiry.as_rules(), complied_on, today)
    if attachment_id is not None and attachment_id not in {d.id for d in staff_documents(case)}:
        raise DocumentRefused("Choose a document added to this case")
    changes: dict[str, list[Any]] = {"complied_on": [remedy.complied_on, complied_on]}
    if attachment_id != remedy.attachment_id:
        changes["attachment_id"] = [remedy.attachment_id, attachment_id]
    remedy.complied_on = complied_on
    remedy.evidence = evidence
    remedy.attachment_id = attachment_id
    _save(
        staff,
        case,
        "ombudsman_remedy_complied",
        {"enquiry": enquiry.id, "remedy": remedy.id},
        changes,
    )


# --- what the case page shows ----------------------------------------------------------


@dataclass(frozen=True)
class RemedyShown:
    remedy: OmbudsmanRemedy
    document: Attachment | None
    overdue: bool
    on_time: bool | None  # complied with by its date; None while not complied with


@dataclass(frozen=True)
class EnquiryShown:
    enquiry: OmbudsmanEnquiry
    owed: list[rules.Owed]
    overdue: list[rules.Owed]
    remedies: list[RemedyShown]
    open: bool


def on_case(case: Submission, today: date) -> list[EnquiryShown]:
    """The case's enquiries, newest first, with what each owes and what is overdue."""
    shown = []
    for enquiry in reversed(enquiries_of(case)):
        dates = enquiry.as_rules()
        owed = rules.owed(dates)
        remedies = [
            RemedyShown(
                r,
                db.session.get(Attachment, r.attachment_id) if r.attachment_id else None,
                r.complied_on is None and today > r.due_on,
                None if r.complied_on is None else r.complied_on <= r.due_on,
            )
            for r in enquiry.remedies
        ]
        shown.append(
            EnquiryShown(
                enquiry,
                owed,
                [o for o in owed if o.overdue(today)],
                remedies,
                rules.is_open(dates),
            )
        )
    return shown
