from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models import Model


class Submission(Model):
    """Anything a person sent through the public form: a complaint, a compliment, a
    request for an advocate or a representation. Personal data stays in this row."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)
    submitter_role: Mapped[str] = mapped_column(sa.String(20))
    submitter_name: Mapped[str] = mapped_column(sa.String(200))
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    contact_preference: Mapped[str] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    postal_address: Mapped[str | None] = mapped_column(sa.String(600))
    postcode: Mapped[str | None] = mapped_column(sa.String(10))

    child_name: Mapped[str | None] = mapped_column(sa.String(200))
    child_date_of_birth: Mapped[date | None]
    child_age: Mapped[int | None]
    child_agreement: Mapped[str | None] = mapped_column(sa.String(30))
    child_reply_preference: Mapped[str | None] = mapped_column(sa.String(30))

    # None means the person was not sure which service: triage decides.
    about_team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))
    worker_name: Mapped[str | None] = mapped_column(sa.String(200))
    what_happened: Mapped[str] = mapped_column(sa.Text)
    when_it_happened: Mapped[str | None] = mapped_column(sa.String(30))
    event_date: Mapped[date | None]
    put_right: Mapped[str | None] = mapped_column(sa.Text)

    advocacy_answer: Mapped[str | None] = mapped_column(sa.String(30))
    support_needs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    interpreter_language: Mapped[str | None] = mapped_column(sa.String(100))
    other_support: Mapped[str | None] = mapped_column(sa.String(500))
    flags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Every answer as checked, for the record and for the annual report's audit.
    answers: Mapped[dict[str, Any]]

    # The advocate a child asked us to reply through (the acknowledgement goes there).
    advocate_name: Mapped[str | None] = mapped_column(sa.String(200))
    advocate_email: Mapped[str | None] = mapped_column(sa.String(254))

    # The team it went to on receipt (routing rules decide; until then, the chosen one).
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))
    procedure: Mapped[str] = mapped_column(sa.String(30))
    # Only a hash: the token itself is in the person's acknowledgement link.
    tracking_token_hash: Mapped[str] = mapped_column(sa.String(64))

    received_at: Mapped[datetime] = mapped_column(index=True)
    received_on: Mapped[date] = mapped_column(index=True)  # London local date
    acknowledge_by: Mapped[date]
    acknowledge_by_statutory: Mapped[date | None]
    jurisdiction: Mapped[str] = mapped_column(sa.String(10))
    stage1_due: Mapped[date | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_how: Mapped[str | None] = mapped_column(sa.String(20))


class ReferenceCounter(Model):
    """The last reference number given in a year; bumped atomically per submission."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)
