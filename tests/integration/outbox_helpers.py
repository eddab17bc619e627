"""What the outbox tests share: a parent's complaint, the messages as the database now
holds them, and a round of the worker."""

from typing import Any

import sqlalchemy as sa

from portal.domain.types import AdvocacyAnswer, ContactPreference, Kind, SubmitterRole
from portal.extensions import db
from portal.models import OutboxMessage, Submission
from portal.services import outbox
from portal.services.intake import NewSubmission


def a_complaint(**changes: Any) -> NewSubmission:
    """A parent's complaint with an email address, as the journey would record it."""
    fields: dict[str, Any] = {
        "kind": Kind.COMPLAINT,
        "role": SubmitterRole.PARENT,
        "name": "Dana Whitfield",
        "contact_preference": ContactPreference.EMAIL,
        "email": "dana.whitfield@example.com",
        "child_name": "Robin Whitfield",
        "child_age": 9,
        "what_happened": "The social worker missed three visits in a row.",
        "put_right": "A new visit plan in writing.",
        "advocacy": AdvocacyAnswer.DECLINED,
    }
    return NewSubmission(**(fields | changes))


def messages(purpose: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if purpose:
        query = query.where(OutboxMessage.purpose == purpose)
    return list(db.session.scalars(query))


def work() -> outbox.WorkResult:
    result = outbox.work_once()
    db.session.expire_all()
    return result


def a_message_not_sent(
    case: Submission, error: str = "SMTPRecipientsRefused: no such mailbox"
) -> OutboxMessage:
    """A message from staff on the case that the portal could not send (failed for good,
    with its reason), as "Messages not sent" lists it; committed."""
    message = outbox.queue(
        purpose="correspondence",
        recipient="pat.parent@example.com",
        subject="Your meeting",
        text_body="See you on Friday.",
        html_body="<p>See you on Friday.</p>",
        submission=case,
    )
    message.status, message.last_error = "failed", error
    db.session.commit()
    return message
