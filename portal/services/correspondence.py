"""Messages and letters to the complainant (and their advocate), kept on the case.

`send` keeps the words on the case and queues the email in the caller's transaction, so a
message is never recorded without being sent or sent without being recorded. The case page
and the tracking page show each one with how its delivery went.

Someone who asked for texts gets a short text instead of the email: it says only that
there is something new (a message, news of the date, the reply, the questionnaire), with a
fresh link to the tracking page (or the questionnaire) where it can be read. A phone's
screen is read by whoever holds it, so no text says anything about the case, to a child
or an adult: the outbox row keeps the words sent, which staff see on the case.

A child's email only says there is something new, with a fresh link to the tracking page
where it can be read: a child's inbox may be read by the very adults they wrote about, so
nothing about the case travels in it. Where there is no email address, a staff task says
how to deliver it in a way the person said is safe: by post (the letter can be printed from
the case), or by phone when letters are not safe; when no safe way is left, the task says
so and nothing is posted.
"""

import secrets
from collections.abc import Iterable
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from portal.database import utcnow
from portal.domain import contact_safety
from portal.domain.clock import add_working_days, london_date
from portal.domain.types import ContactPreference
from portal.extensions import db
from portal.i18n import lazy_gettext as _l
from portal.models import (
    Correspondence,
    MessageChannel,
    OutboxMessage,
    Staff,
    Submission,
    Task,
    TrackingLink,
)
from portal.services import audit, consent, outbox
from portal.services.common import (
    check_can_work,
    council_name,
    hash_token,
    is_child,
    mobile_for_texts,
    tracking_url,
)


class Recipient(StrEnum):
    COMPLAINANT = "complainant"
    ADVOCATE = "advocate"


class Kind(StrEnum):
    MESSAGE = "message"  # written by staff on the case
    LATE_NOTICE = "late_notice"  # a response will be late: why, and the new date
    EXTENSION = "extension"  # an agreed extension, confirmed in writing
    NEXT_STEPS = "next_steps"  # after a response: what they can do next, and by when
    RESPONSE_LETTER = "response_letter"  # the stage 1, 2 or 3 response, approved
    FEEDBACK_INVITATION = "feedback_invitation"  # after the case closes, once


# What the tracking page calls each, in plain words.
PUBLIC_TITLES = {
    Kind.MESSAGE: _l("A message from us"),
    Kind.LATE_NOTICE: _l("Our reply will be late"),
    Kind.EXTENSION: _l("More time to reply, as agreed"),
    Kind.NEXT_STEPS: _l("What you can do next"),
    Kind.RESPONSE_LETTER: _l("Our reply"),
    Kind.FEEDBACK_INVITATION: _l("Tell us how we did"),
}

# ... and the case page, for staff.
STAFF_TITLES = {
    Kind.MESSAGE: "Message",
    Kind.LATE_NOTICE: "Late response notice",
    Kind.EXTENSION: "Extension confirmed",
    Kind.NEXT_STEPS: "What they can do next",
    Kind.RESPONSE_LETTER: "Response letter",
    Kind.FEEDBACK_INVITATION: "Feedback invitation",
}

SEND_BY_POST = "send_by_post"


class How(StrEnum):
    """How a message reached (or is to reach) its recipient."""

    EMAIL = "email"
    TEXT = "text"  # a short text that there is something new, with the link to read it
    POST = "post"
    PHONE = "phone"  # letters are not safe: staff phone to tell them
    IN_PERSON = "in_person"  # printed and handed over, never posted
    ADDRESS_NEEDED = "no_address"  # letters are safe, but no address is held yet
    NONE = "none"  # no safe way is left: staff must agree one


def advocate_account(case: Submission) -> Staff | None:
    """The advocate's account staff named on the case, if any (models/case.py)."""
    if case.case.advocate_id is None:
        return None
    return db.session.get(Staff, case.case.advocate_id)


def address_of(case: Submission, recipient: Recipient) -> str | None:
    if recipient is Recipient.ADVOCATE:
        account = advocate_account(case)
        if account is not None and account.is_active_account:
            return account.email
        return case.advocate_email or None
    if case.contact_preference == ContactPreference.EMAIL.value and case.email:
        return case.email
    return None


def has_advocate(case: Submission) -> bool:
    """An advocate other than the complainant themselves (an advocate who filed is the
    complainant: their letters come to them as such)."""
    if not (case.advocate_email or case.advocate_name or case.case.advocate_id):
        return False
    theirs = address_of(case, Recipient.ADVOCATE)
    mine = case.email if case.submitter_role == "advocate" else None
    return not (theirs and mine and theirs.lower() == mine.lower())


def recipients_of(case: Submission) -> list[Recipient]:
    """Who a message goes to by default: the complainant, and a copy to their advocate
    while the child's consent to copying stands (services/consent.py). After the child
    or the advocate withdraws it, nothing more is copied."""
    found = [Recipient.COMPLAINANT]
    if has_advocate(case) and consent.stands(case):
        found.append(Recipient.ADVOCATE)
    return found


def new_tracking_url(case: Submission) -> str:
    """A further secret link to the tracking page (the first one's token is not kept)."""
    token = secrets.token_urlsafe(24)
    db.session.add(TrackingLink(submission_id=case.id, token_hash=hash_token(token)))
    return tracking_url(case.reference, token, case.language)


def without_email(case: Submission, recipient: Recipient, subject: str) -> contact_safety.Reach:
    """How staff deliver a message that cannot be emailed: the complainant only in the
    ways they said are safe (their advocate is a professional: by post)."""
    if recipient is Recipient.ADVOCATE:
        return contact_safety.Reach(How.POST, f"Send by post to the advocate: {subject}")
    return contact_safety.send_task(
        case.contact_safety,
        recipient=recipient.value,
        subject=subject,
        has_phone=bool(case.phone),
        has_address=bool(case.postal_address),
    )


def send(
    case: Submission,
    *,
    kind: Kind,
    subject: str,
    body: str,
    staff: Staff | None = None,
    to: Iterable[Recipient] | None = None,
    today: date | None = None,
    printed: How | None = None,
    link: str | None = None,
) -> list[Correspondence]:
    """Keep the message on the case and queue it to each recipient; the caller commits.
    `subject` and `body` are already in the person's language. `printed` (post or in
    person): the sender is printing it to deliver now, so nothing is emailed and no task
    is set. `link`: where a text sends the person to read it (a fresh link to the
    tracking page if None)."""
    sent = []
    for recipient in to if to is not None else recipients_of(case):
        mobile = None if printed else text_number(case, recipient)
        address = None if printed or mobile else address_of(case, recipient)
        reach = None if address or mobile or printed else without_email(case, recipient, subject)
        how: str = How.TEXT if mobile else How.EMAIL if address else How.POST
        if printed or reach:
            how = printed or (reach.how if reach else How.POST)
        item = Correspondence(
            submission=case,
            kind=kind.value,
            recipient=recipient.value,
            how=how,
            subject=subject,
            body=body,
            sent_by=staff,
        )
        db.session.add(item)
        if mobile:
            item.outbox_message = _queue_text(case, kind, mobile, link)
        elif address:
            item.outbox_message = _queue_email(case, recipient, address, item)
        elif reach is not None:
            on = today or london_date(utcnow())
            db.session.add(
                Task(
                    submission=case,
                    correspondence=item,
                    kind=SEND_BY_POST,
                    description=reach.words[:300],
                    due_on=add_working_days(on, 1),
                )
            )
        audit.record(
            "correspondence_sent",
            staff=staff,
            submission=case,
            detail={"kind": kind.value, "recipient": recipient.value, "how": item.how},
        )
        sent.append(item)
    return sent


def _queue_email(
    case: Submission, recipient: Recipient, address: str, item: Correspondence
) -> OutboxMessage:
    only_a_notice = recipient is Recipient.COMPLAINANT and is_child(case)
    subject = item.subject
    with force_locale(case.language):
        council = council_name(case.language)
        context = {
            "case": case,
            "body": item.body,
            "body_html": item.html,  # as the case and the tracking page show it
            "only_a_notice": only_a_notice,
            "for_advocate": recipient is Recipient.ADVOCATE,
            "track_url": new_tracking_url(case),
            "council_name": council,
        }
        email_subject = (
            _(
                "%(council)s: a new message about %(reference)s",
                council=council,
                reference=case.reference,
            )
            if only_a_notice
            else subject
        )
        return outbox.queue(
            purpose="correspondence",
            recipient=address,
            subject=email_subject,
            text_body=render_template("emails/correspondence.txt", **context),
            html_body=render_template("emails/correspondence.html", **context),
            submission=case,
        )


def text_number(case: Submission, recipient: Recipient) -> str | None:
    """The mobile (E.164) a message to `recipient` is texted to: the complainant's, when
    they asked for texts (an advocate is emailed)."""
    return mobile_for_texts(case) if recipient is Recipient.COMPLAINANT else None


def _queue_text(case: Submission, kind: Kind, mobile: str, link: str | None) -> OutboxMessage:
    """A text that something new is waiting, and where: never its words."""
    with force_locale(case.language):
        text = render_template(
            "sms/correspondence.txt",
            kind=kind.value,
            link=link or new_tracking_url(case),
            council_name=council_name(case.language),
        ).strip()
    return outbox.queue(
        purpose="correspondence",
        recipient=mobile,
        subject="",
        text_body=text,
        html_body="",
        submission=case,
        channel=MessageChannel.SMS,
    )


def send_message(
    staff: Staff,
    case: Submission,
    *,
    to: list[Recipient],
    subject: str,
    body: str,
    version: int,
) -> None:
    """A message written by staff on the case, to the complainant and/or their advocate."""
    check_can_work(staff, case, version)
    send(case, kind=Kind.MESSAGE, subject=subject, body=body, staff=staff, to=to)
    db.session.commit()


_ON_CASE = (
    sa.select(Correspondence)
    .where(Correspondence.submission_id == sa.bindparam("case_id"))
    .order_by(Correspondence.created_at, Correspondence.id)
)
# How each went (its outbox message's status and when it was sent) in the same
# statement, not one more for each message. Built once, as the tracking page runs it on
# every request: making it and its cache key cost about as much as running it (issue 19).
_FOR_TRACKING = _ON_CASE.options(
    joinedload(Correspondence.outbox_message).load_only(OutboxMessage.status, OutboxMessage.sent_at)
)


def on_case(case: Submission) -> list[Correspondence]:
    return list(db.session.scalars(_ON_CASE, {"case_id": case.id}))


def for_tracking(case: Submission) -> list[Correspondence]:
    """What the tracking page lists: each message once (not once per recipient), with
    how each went."""
    seen: dict[tuple[str, str, str], Correspondence] = {}
    for item in db.session.scalars(_FOR_TRACKING, {"case_id": case.id}):
        key = (item.kind, item.subject, item.body)
        if key not in seen or item.recipient == Recipient.COMPLAINANT.value:
            seen[key] = item
    return list(seen.values())


def find(case: Submission, item_id: int) -> Correspondence | None:
    """One of the case's letters and messages."""
    item = db.session.get(Correspondence, item_id)
    return item if item is not None and item.submission_id == case.id else None
