from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, query_expression

from portal.database import utcnow
from portal.models import Model


class Draft(Model):
    """A journey in progress, kept on the server so a long answer never overflows a
    cookie and a validation error, the back button or a reload loses nothing.

    `answers` maps a step's slug to what was last posted on it, exactly as typed
    (field name -> list of values); `complete` lists the steps that passed validation.
    """

    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    complete: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Each step that passed its checks, ready for check your answers, in each language
    # it was shown in (language -> step -> entry): its rows as shown,
    # and a fingerprint of what they were worked out from (the step's answers, the
    # earlier answers its page read, the kind, the role, the language, the day), so
    # the page does not build and check every step's form again on each view
    # (portal/public/journey.py). Send checks everything again.
    checked: Mapped[dict[str, Any] | None] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    # Save and come back later: a one-time link (only its hash here), then the answer
    # to a question the person chose, or a code we email, before anything is shown.
    saved_until: Mapped[datetime | None] = mapped_column(index=True)
    return_email: Mapped[str | None] = mapped_column(sa.String(254))
    return_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    return_question: Mapped[str | None] = mapped_column(sa.String(40))
    return_answer_hash: Mapped[str | None] = mapped_column(sa.String(256))
    return_code_hash: Mapped[str | None] = mapped_column(sa.String(256))
    return_code_expires_at: Mapped[datetime | None]
    return_tries: Mapped[int] = mapped_column(default=0, server_default="0")

    # Safeguarding (docs/safeguarding-what-happens.md): when the person was first shown
    # the help page or asked again whether they are safe, and when the sweep raised a
    # "possible concern, not sent" task because a child did not send within the hour.
    help_shown_at: Mapped[datetime | None] = mapped_column(index=True)
    concern_raised_at: Mapped[datetime | None]

    # Whether any file was sent with it, read with the draft by `intake.find_draft` (check
    # your answers then reads the files only when there are some); None if not read.
    has_files: Mapped[bool | None] = query_expression()


class DraftAnswers(Protocol):
    """What a question page reads of a draft: a `Draft`, or a `ShownDraft`."""

    @property
    def answers(self) -> dict[str, Any]: ...

    @property
    def complete(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ShownDraft:
    """A draft as a page that shows it reads it, for a GET: read outside any transaction
    by `intake.find_draft_to_show`, never saved as an object (a POST reads the `Draft` with
    `intake.find_draft`). `checked` and `has_files`: for check your answers only."""

    id: str
    kind: str
    answers: dict[str, Any]
    complete: dict[str, Any]
    help_shown_at: datetime | None
    checked: dict[str, Any] | None = None
    has_files: bool | None = None
