from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.domain.delivery import DeliveryStatus
from portal.models import Model

__all__ = ["DeliveryStatus", "MessageChannel", "OutboxMessage", "OutboxStatus"]

if TYPE_CHECKING:
    from portal.models.submission import Submission


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class MessageChannel(StrEnum):
    """How a message reaches its person: an email, a text message, or a printed letter."""

    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"


# How a case was acknowledged (domain/labels.py ACKNOWLEDGED_HOW), by the message's channel.
ACKNOWLEDGED_HOW = {
    MessageChannel.EMAIL.value: "email",
    MessageChannel.SMS.value: "text",
    MessageChannel.LETTER.value: "letter",
}


class OutboxMessage(Model):
    """An email saved in the same transaction as what caused it, sent later by a
    worker (`flask outbox work`). Either rendered when saved (`text_body` and
    `html_body`), or saved as the template's name, its context of plain values and the
    language (`template`, `context`, `language`), and rendered by the worker just before
    it is sent, the bodies then kept on the row as they were sent (issue 19)."""

    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The recipient is an email address, a UK mobile number (E.164) or, for a letter,
    # the address's lines joined by newlines.
    channel: Mapped[str] = mapped_column(
        sa.String(10), default=MessageChannel.EMAIL.value, server_default="email"
    )
    submission_id: Mapped[int | None] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(40))
    recipient: Mapped[str] = mapped_column(sa.String(500))
    subject: Mapped[str] = mapped_column(sa.String(200))
    text_body: Mapped[str | None] = mapped_column(sa.Text)
    html_body: Mapped[str | None] = mapped_column(sa.Text)
    # emails/<template>.txt and .html, rendered in `language` with `context` (dates kept
    # as they were when queued: the words are those of the moment it was queued).
    template: Mapped[str | None] = mapped_column(sa.String(60))
    context: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    language: Mapped[str | None] = mapped_column(sa.String(5))
    # Higher first: a safeguarding alert goes ahead of everything else.
    priority: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(sa.String(10), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(sa.String(40))
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # GOV.UK Notify's id for the notification it accepted (its reference is this row's
    # id, so a retry after a crash finds the one already sent), and what its delivery
    # receipt later said (DeliveryStatus), why, and when.
    notify_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    delivery_status: Mapped[str | None] = mapped_column(sa.String(30))
    delivery_reason: Mapped[str | None] = mapped_column(sa.String(200))
    delivery_updated_at: Mapped[datetime | None]

    submission: Mapped["Submission | None"] = relationship()
