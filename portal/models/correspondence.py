from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.database import utcnow
from portal.models import Model
from portal.security import staff_html

if TYPE_CHECKING:
    from portal.models.outbox import OutboxMessage
    from portal.models.staff import Staff
    from portal.models.submission import Submission


class Correspondence(Model):
    """A message or letter to the complainant or their advocate, kept on the case with
    how it went (services/correspondence.py)."""

    __tablename__ = "correspondence"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    # message, late_notice, extension, next_steps, response_letter, feedback_invitation
    kind: Mapped[str] = mapped_column(sa.String(40))
    recipient: Mapped[str] = mapped_column(sa.String(20))  # complainant or advocate
    # email, post, phone, in_person, no_address, or none (no safe way):
    # services/correspondence.How
    how: Mapped[str] = mapped_column(sa.String(10))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)  # the words as sent
    # The words as HTML, made by staff_html whenever `body` is set (below), so that a page
    # showing the message does not clean it again on every view (issue 19).
    body_html: Mapped[str] = mapped_column(sa.Text)
    outbox_message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_messages.id"))
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))  # None: the portal
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped["Submission"] = relationship()
    outbox_message: Mapped["OutboxMessage | None"] = relationship()
    sent_by: Mapped["Staff | None"] = relationship()

    @validates("body")
    def _keep_html(self, key: str, body: str) -> str:
        self.body_html = str(staff_html(body))
        return body

    @property
    def html(self) -> Markup:
        """The words as staff_html made them when they were kept: the only way a page or
        an email shows them."""
        return Markup(self.body_html)  # noqa: S704 (made by staff_html, in _keep_html)

    @property
    def delivery(self) -> str:
        """pending, sent or failed for an email; otherwise how staff deliver it (post,
        phone, in_person, or none when no safe way is left)."""
        if self.outbox_message is None:
            return self.how if self.how != "email" else "post"
        status = self.outbox_message.status
        return "pending" if status == "sending" else status


class TrackingLink(Model):
    """A further secret link to the tracking page, sent with a later message (the token
    itself is never stored: only its hash, like the first link's)."""

    __tablename__ = "tracking_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
