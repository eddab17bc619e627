"""An MP's or councillor's enquiry about a case (issue 16): recorded with the date it
arrived and the date the council replies by, counted in working days
(ENQUIRY_REPLY_WORKING_DAYS, 10 by default, bank holidays skipped); the reply is kept on
the case. An enquiry is a conversation about the case, not a stage of it: it stops no
clock and moves no stage."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from portal.domain.access import Permission
from portal.domain.clock import add_working_days
from portal.extensions import db
from portal.models import Enquiry, Staff, Submission
from portal.services import audit
from portal.services.common import require


class EnquiryRefused(ValueError):
    pass


@dataclass(frozen=True)
class EnquiryShown:
    enquiry: Enquiry
    overdue: bool


def reply_due(received_on: date) -> date:
    return add_working_days(received_on, int(current_app.config["ENQUIRY_REPLY_WORKING_DAYS"]))


def record(
    staff: Staff,
    case: Submission,
    *,
    from_whom: str,
    name: str,
    received_on: date,
    today: date,
) -> Enquiry:
    require(staff, Permission.WORK_CASES)
    if received_on > today:
        raise EnquiryRefused("The date it arrived must be today or in the past")
    if received_on < case.received_on:
        raise EnquiryRefused("The date it arrived must be on or after the case was received")
    enquiry = Enquiry(
        submission_id=case.id,
        from_whom=from_whom,
        name=name,
        received_on=received_on,
        reply_due_on=reply_due(received_on),
        recorded_by=staff.id,
    )
    db.session.add(enquiry)
    db.session.flush()
    audit.record(
        "enquiry_recorded",
        staff=staff,
        submission=case,
        detail={
            "enquiry": enquiry.id,
            "changes": {"reply_due_on": [None, enquiry.reply_due_on.isoformat()]},
        },
    )
    db.session.commit()
    return enquiry


def find(case: Submission, enquiry_id: int) -> Enquiry | None:
    return db.session.scalar(
        sa.select(Enquiry).where(Enquiry.id == enquiry_id, Enquiry.submission_id == case.id)
    )


def record_reply(
    staff: Staff, case: Submission, enquiry: Enquiry, *, replied_on: date, reply: str, today: date
) -> None:
    require(staff, Permission.WORK_CASES)
    if replied_on > today:
        raise EnquiryRefused("The date of the reply must be today or in the past")
    if replied_on < enquiry.received_on:
        raise EnquiryRefused("The date of the reply must be on or after the enquiry arrived")
    enquiry.replied_on = replied_on
    enquiry.reply = reply
    audit.record(
        "enquiry_replied",
        staff=staff,
        submission=case,
        detail={"enquiry": enquiry.id, "changes": {"replied_on": [None, replied_on.isoformat()]}},
    )
    db.session.commit()


def on_case(case: Submission, today: date) -> list[EnquiryShown]:
    rows = db.session.scalars(
        sa.select(Enquiry)
        .where(Enquiry.submission_id == case.id)
        .order_by(Enquiry.received_on.desc(), Enquiry.id.desc())
    )
    return [EnquiryShown(e, e.replied_on is None and e.reply_due_on < today) for e in rows]
