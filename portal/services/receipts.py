"""What GOV.UK Notify later says became of a message, and staff sending again what did
not arrive (docs/notify.md, "Delivery receipts").

A receipt is matched to its outbox message by Notify's id, kept on the message when
Notify accepted it, or, while the worker has not yet recorded that id, by the reference
(the message's own id). Recording a receipt is idempotent: the same receipt twice
changes nothing the second time, and a receipt for a notification the portal does not
know (another service's, a database started afresh, an earlier notification of a message
sent again since) is accepted and changes nothing, so the callback tells a caller nothing
of what the portal holds. What the rules say follows from a receipt is
`domain/delivery.py`'s: a technical failure is sent again by itself, and a message to
the person on a case that can never arrive (a permanent failure, a returned letter)
gives staff a task, once, to reach them another way.

Nothing here logs a recipient: log lines carry the outbox id and the case's reference.
"""

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.database import utcnow
from portal.domain import delivery
from portal.domain.access import Permission, Role, can
from portal.domain.clock import add_working_days, london_date
from portal.domain.delivery import Audience, DeliveryStatus
from portal.extensions import db
from portal.models import Case, OutboxMessage, OutboxStatus, Staff, Task
from portal.numbers import whole_number
from portal.services import audit, cases, outbox

log = logging.getLogger(__name__)

# The kind of task a failure gives staff (templates/backoffice/case.html names it).
REACH_ANOTHER_WAY = "reach_another_way"


class Recorded(StrEnum):
    """What became of a receipt (the callback answers the same whatever it is)."""

    RECORDED = "recorded"
    DUPLICATE = "duplicate"  # the same status was already recorded for that notification
    ON_ITS_WAY = "on_its_way"  # a status that ends nothing yet
    UNKNOWN = "unknown"  # no message of ours: ignored


@dataclass(frozen=True)
class Receipt:
    """A delivery receipt, or a returned letter, as Notify posts it."""

    notify_id: str
    reference: str | None
    status: str

    @classmethod
    def of_delivery(cls, payload: Mapping[str, Any]) -> "Receipt":
        """Notify's delivery receipt: id, reference, to, status, created_at, completed_at,
        sent_at, notification_type, template_id, template_version."""
        return cls(_text(payload, "id"), _optional(payload, "reference"), _text(payload, "status"))

    @classmethod
    def of_returned_letter(cls, payload: Mapping[str, Any]) -> "Receipt":
        """Notify's returned-letter callback: notification_id, reference, created_at,
        email_address, template_name, template_id, template_version, original_file_name,
        job_row_number, upload_letter_file_name."""
        return cls(
            _text(payload, "notification_id"),
            _optional(payload, "reference"),
            DeliveryStatus.RETURNED_LETTER.value,
        )


class NotAReceipt(ValueError):
    """A body that is not Notify's receipt (no id, no status)."""


def _text(payload: Mapping[str, Any], key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value or len(value) > 100:
        raise NotAReceipt(f"{key} is missing")
    return value


def _optional(payload: Mapping[str, Any], key: str) -> str | None:
    value = payload.get(key)
    return value if isinstance(value, str) and len(value) <= 100 else None


def record(receipt: Receipt, *, now: datetime | None = None) -> Recorded:
    """Record what Notify said of a notification, and what follows from it; commits."""
    now = now or utcnow()
    status = delivery.status_of(receipt.status)
    if status is None:
        return Recorded.ON_ITS_WAY
    message = _message_for(receipt)
    if message is None or (
        status == DeliveryStatus.RETURNED_LETTER and message.channel != "letter"
    ):
        db.session.commit()  # ends the read (and, on PostgreSQL, the lock)
        log.info("delivery receipt for a notification the portal does not know: ignored")
        return Recorded.UNKNOWN
    if message.delivery_status == status.value and message.notify_id == receipt.notify_id:
        db.session.commit()
        return Recorded.DUPLICATE
    message.notify_id = receipt.notify_id
    message.delivery_status = status.value
    why = delivery.reason(status, message.channel) if delivery.is_failure(status) else None
    message.delivery_reason = why
    message.delivery_updated_at = now
    audit.record(
        _ACTIONS[status],
        staff=None,
        submission=message.submission,
        detail={
            "message": message.id,
            "what": _what(message),
            **({"reason": f"{_what(message)}: {why}"} if why else {}),
        },
    )
    if delivery.sent_again_by_itself(status):
        _send_again_later(message, now)
    if delivery.needs_another_way(status):
        _task_to_reach_them(message, why or "", now)
    db.session.commit()
    log.info(
        "outbox message %s (%s): Notify says %s",
        message.id,
        message.submission.reference if message.submission else "-",
        status.value,
    )
    return Recorded.RECORDED


_ACTIONS = {
    DeliveryStatus.DELIVERED: "message_delivered",
    DeliveryStatus.PERMANENT_FAILURE: "message_not_delivered",
    DeliveryStatus.TEMPORARY_FAILURE: "message_not_delivered",
    DeliveryStatus.TECHNICAL_FAILURE: "message_not_delivered",
    DeliveryStatus.RETURNED_LETTER: "letter_returned",
}


def _message_for(receipt: Receipt) -> OutboxMessage | None:
    """The message the receipt is about, locked (on PostgreSQL) so that the same receipt
    posted twice at once is recorded once."""
    message = db.session.scalar(
        sa.select(OutboxMessage)
        .where(OutboxMessage.notify_id == receipt.notify_id)
        .with_for_update()
    )
    if message is not None:
        return message
    # Our message's id, as we gave it: not "²" (a digit int() refuses) nor past the ids.
    message_id = whole_number(receipt.reference)
    if message_id is None:
        return None
    # Notify took it and its receipt came before the worker recorded Notify's id: only a
    # message being sent can be that one (a message waiting, failed or sent with another
    # id is not: the receipt is an older notification's, or another database's).
    candidate = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update()
    )
    if candidate is None:
        return None
    if candidate.notify_id == receipt.notify_id:
        return candidate  # the worker recorded it between the two looks
    if candidate.notify_id is None and candidate.status == OutboxStatus.SENDING.value:
        return candidate
    return None


def _what(message: OutboxMessage) -> str:
    """ "acknowledgement email", "message from staff text message"."""
    return (
        f"{delivery.PURPOSE_WORDS.get(message.purpose, message.purpose)} "
        f"{delivery.channel_words(message.channel)}"
    )


def _send_again_later(message: OutboxMessage, now: datetime) -> None:
    """A technical failure is Notify's own: tried again after the outbox's delay, while
    the message has tries left; after that it waits for staff, shown as not sent."""
    if message.status != OutboxStatus.SENT.value:
        return  # still being sent: the worker's answer decides
    if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        return
    message.status = OutboxStatus.PENDING.value
    message.next_attempt_at = now + outbox.retry_delay(message.attempts)
    message.notify_id = None


def _task_to_reach_them(message: OutboxMessage, why: str, now: datetime) -> None:
    """A task on the case to reach the person another way, once per message (while one
    is open): the receipt may come twice, and the message may fail again after staff
    sent it again."""
    if message.submission is None or delivery.audience_of(message.purpose) != Audience.PERSON:
        return
    already = db.session.scalar(
        sa.select(Task.id).where(Task.outbox_message_id == message.id, Task.done_at.is_(None))
    )
    if already is not None:
        return
    words = delivery.task_words(
        delivery.PURPOSE_WORDS.get(message.purpose, message.purpose), message.channel, why
    )
    db.session.add(
        Task(
            submission=message.submission,
            kind=REACH_ANOTHER_WAY,
            description=words[:300],
            # The next working day: the person has heard nothing.
            due_on=add_working_days(london_date(now), 1),
            outbox_message=message,
        )
    )


# --- messages not sent, for staff -----------------------------------------------------------


def not_sent(staff: Staff, *, limit: int = 200) -> list[OutboxMessage]:
    """The messages that did not reach anyone, newest first, of the cases `staff` may
    see; a message with no case (to a team's inbox, a save-and-return code) only to
    those who see every team."""
    query = (
        sa.select(OutboxMessage)
        .outerjoin(Case, Case.submission_id == OutboxMessage.submission_id)
        .where(outbox.not_sent())
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    on_a_case = sa.and_(OutboxMessage.submission_id.is_not(None), cases.visible_to(staff))
    if can(Role(staff.role), Permission.SEE_ALL_TEAMS):
        query = query.where(sa.or_(on_a_case, OutboxMessage.submission_id.is_(None)))
    else:
        query = query.where(on_a_case)
    return list(db.session.scalars(query))


def on_case(case_id: int) -> list[OutboxMessage]:
    """Every message of a case, newest first (the case page shows what became of each)."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.submission_id == case_id)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        )
    )


def version_of(message: OutboxMessage) -> str:
    """What the page showed of the message: sending it again from a page that is out of
    date (someone sent it again meanwhile, or a new receipt came) is refused."""
    seen = "|".join(
        str(value)
        for value in (
            message.status,
            message.attempts,
            message.next_attempt_at.isoformat(),
            message.notify_id,
            message.delivery_status,
            message.delivery_updated_at.isoformat() if message.delivery_updated_at else None,
        )
    )
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


class SendAgainRefused(Exception):
    """Why a message cannot be sent again now, in staff's words."""


def visible(staff: Staff, message_id: int) -> OutboxMessage | None:
    """The message, if `staff` may see it (as `not_sent` would show it); else None,
    answered as a message that does not exist."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return None
    if message.submission_id is None:
        return message if can(Role(staff.role), Permission.SEE_ALL_TEAMS) else None
    allowed = db.session.scalar(
        sa.select(Case.id).where(
            Case.submission_id == message.submission_id, cases.visible_to(staff)
        )
    )
    return message if allowed is not None else None


def send_again(staff: Staff, message: OutboxMessage, *, version: str) -> None:
    """Staff's "Try again": what `flask outbox retry` does for one message, audited on
    its case; commits. Refused from a page out of date, and for a message that is being
    sent or arrived."""
    if version != version_of(message):
        raise SendAgainRefused(
            "Something changed since you opened this page: look at the message again"
        )
    if not outbox.may_send_again(message):
        raise SendAgainRefused("This message is not waiting to be sent again")
    reason = message.delivery_reason or message.last_error
    outbox.send_again(message)
    audit.record(
        "message_sent_again",
        staff=staff,
        submission=message.submission,
        detail={"message": message.id, "what": _what(message), "reason": reason},
    )
    db.session.commit()
