"""The "track my submission" page: reached with the reference and the secret token
from the acknowledgement. A wrong token and a wrong reference look the same. And a fresh
link for someone who lost theirs ("Find your complaint")."""

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import InstrumentedAttribute, joinedload

from portal.database import utcnow
from portal.domain import contact_safety
from portal.domain.clock import add_working_days, london_date
from portal.domain.references import normalise_reference
from portal.domain.search import email_in, phone_keys
from portal.domain.stages import Progress
from portal.extensions import db
from portal.models import (
    ComplainantStep,
    Correspondence,
    FeedbackInvitation,
    OmbudsmanEnquiry,
    OutboxMessage,
    OutboxStatus,
    Submission,
    Task,
    TrackingLink,
)
from portal.services import (
    audit,
    clock,
    complainant_steps,
    consent,
    correspondence,
    outbox,
    sending_limits,
)
from portal.services.common import council_name, hash_token, lock_case

# Compared against when the reference does not exist, so both failures take as long.
_NO_SUCH_HASH = "0" * 64


# The submission, its case and its stage rows in one statement: a page about one case
# reads them all (the model loads the stage rows with a second, which a list of cases
# needs). Built once: making a statement and its cache key again on every request cost
# more than running it (issue 19).
_WITH_ITS_STAGES = (
    sa.select(Submission)
    .options(joinedload(Submission.responses))
    .where(Submission.reference == sa.bindparam("reference"))
)


def _has_any(foreign_key: InstrumentedAttribute[int]) -> sa.Exists:
    """Whether the case has any row of the table `foreign_key` is in (its index)."""
    return sa.exists().where(foreign_key == Submission.id)


# The same with whether the case has any of the ombudsman's enquiries, which the rules'
# reading of its progress (clock.progress_of) reads: a new case has none.
_SENT = _WITH_ITS_STAGES.add_columns(_has_any(OmbudsmanEnquiry.submission_id))
# Whether the token given is one of the case's later links (each message we send
# carries one): asked in the statement that reads the case, so a page reached by a link
# is read in the same statements whichever link it was, or a wrong one.
_A_LATER_LINK = sa.exists().where(
    TrackingLink.submission_id == Submission.id,
    TrackingLink.token_hash == sa.bindparam("token_hash"),
)
_FOR_A_LINK = _WITH_ITS_STAGES.add_columns(_A_LATER_LINK)
# The same with the case's invitation to the feedback questionnaire (None before one is
# sent), and whether the case has any steps from the person, enquiries from the
# ombudsman or messages from us: the page reads only those it has (a new case: one
# statement, not four).
_FOR_THE_TRACKING_PAGE = (
    _WITH_ITS_STAGES.add_columns(
        FeedbackInvitation,
        _has_any(ComplainantStep.submission_id),
        _has_any(OmbudsmanEnquiry.submission_id),
        _has_any(Correspondence.submission_id),
        _A_LATER_LINK,
    )
).outerjoin(FeedbackInvitation, FeedbackInvitation.submission_id == Submission.id)


@dataclass(frozen=True)
class SentCase:
    """The submission the confirmation page is about."""

    submission: Submission
    has_enquiries: bool

    def progress(self) -> Progress:
        """Its progress as the rules read it (clock.progress_of)."""
        return clock.progress_of(self.submission, enquiries=None if self.has_enquiries else ())


def find_sent(reference: str) -> SentCase | None:
    """The submission the confirmation page is about (its reference kept in the
    person's session at Send)."""
    found = db.session.execute(_SENT, {"reference": reference}).unique().one_or_none()
    return SentCase(*found) if found is not None else None


def find_for_tracking(reference: str, token: str) -> Submission | None:
    read = _read_by_link(_FOR_A_LINK, reference, token)
    return read[0] if read is not None else None


@dataclass(frozen=True)
class Tracked:
    """A case as its tracking page reads it (`tracking_page`)."""

    submission: Submission
    invitation: FeedbackInvitation | None  # the feedback questionnaire's, once sent
    has_steps: bool
    has_enquiries: bool
    has_letters: bool

    def steps(self) -> list[ComplainantStep]:
        """Everything they sent from the tracking page (complainant_steps.on_case)."""
        return complainant_steps.on_case(self.submission) if self.has_steps else []

    def offer(self, steps: list[ComplainantStep]) -> complainant_steps.Offer:
        """What the page offers them (complainant_steps.offer), `steps` as `steps()`."""
        enquiries = None if self.has_enquiries else ()
        return complainant_steps.offer(self.submission, steps, enquiries=enquiries)

    def letters(self) -> list[Correspondence]:
        """Our messages and letters (correspondence.for_tracking)."""
        return correspondence.for_tracking(self.submission) if self.has_letters else []


def tracking_page(reference: str, token: str) -> Tracked | None:
    """`find_for_tracking`, with the rest the page reads in the same statement."""
    read = _read_by_link(_FOR_THE_TRACKING_PAGE, reference, token)
    return Tracked(*read) if read is not None else None


def _read_by_link(statement: sa.Select[Any], reference: str, token: str) -> tuple[Any, ...] | None:
    """What `statement` reads of the case with `reference` (its last column, whether
    the token is one of the later links, taken off), if `token` opens the case's pages:
    the first link's, or a later message's own (services/correspondence.py)."""
    given = hash_token(token)
    parameters = {"reference": normalise_reference(reference), "token_hash": given}
    found = db.session.execute(statement, parameters).unique().one_or_none()
    if found is None:
        return None
    *read, by_a_later_link = found
    expected = read[0].tracking_token_hash
    matches = hmac.compare_digest(given, expected or _NO_SUCH_HASH)
    return tuple(read) if expected and (matches or by_a_later_link) else None


# --- "Find your complaint": a fresh link for someone who lost theirs (issue 17) ------------

# The staff task when the contact given was a phone number.
FRESH_LINK_TASK = "fresh_tracking_link"
FRESH_LINK_WORKING_DAYS = 2


def send_fresh_link(reference: str, contact: str, *, now: datetime | None = None) -> None:
    """A fresh link to the tracking page for whoever has the reference and the email
    address or phone number given with it: emailed there, or (a phone number) a task for
    staff to reach them in a way they said is safe. Nothing happens otherwise, and the
    caller says the same either way: nobody can find out who has complained. The caller
    commits."""
    now = now or utcnow()
    submission = db.session.scalar(
        sa.select(Submission).where(Submission.reference == normalise_reference(reference))
    )
    if submission is None or submission.case.purged_at is not None:
        return
    email = _matching_email(submission, contact)
    if email is not None:
        if _emailed_just_now(submission, email, now):
            return
        if not sending_limits.allow_email_to(email, purpose="tracking-link"):
            return
        language = submission.language
        council = council_name(language)
        with force_locale(language):
            subject = _(
                "%(council)s: a new link for %(reference)s",
                council=council,
                reference=submission.reference,
            )
        outbox.queue(
            purpose="tracking_link",
            recipient=email,
            subject=subject,
            template="fresh-link",  # rendered by the outbox worker
            context={
                "link": correspondence.new_tracking_url(submission),
                "reference": submission.reference,
                "council_name": council,
            },
            language=language,
            submission=submission,
            now=now,
        )
        audit.record(
            "tracking_link_sent", staff=None, submission=submission, detail={"to": "email"}
        )
    elif _phone_matches(submission, contact) and not _asked_already(submission):
        reach = contact_safety.send_task(
            submission.contact_safety,
            recipient="complainant",
            subject="they asked online for a new link to follow their case; tell them how "
            "it is going and offer to send a new link (Send a message)",
            has_phone=bool(submission.phone),
            has_address=bool(submission.postal_address),
        )
        db.session.add(
            Task(
                submission=submission,
                kind=FRESH_LINK_TASK,
                description=reach.words[:300],
                due_on=add_working_days(london_date(now), FRESH_LINK_WORKING_DAYS),
            )
        )
        audit.record(
            "tracking_link_asked", staff=None, submission=submission, detail={"to": "phone"}
        )


def _matching_email(submission: Submission, typed: str) -> str | None:
    """The email address kept (the person's, or the advocate's who filed) that was typed,
    alone or as it is copied from an email ("Pat <pat@example.com>": `email_in`)."""
    given = email_in(typed) or typed.strip().lower()
    for kept in (submission.email, submission.advocate_email):
        if kept and hmac.compare_digest(kept.strip().lower().encode(), given.encode()):
            return kept
    return None


def _phone_matches(submission: Submission, typed: str) -> bool:
    kept = set(phone_keys(submission.phone or ""))
    return bool(kept) and any(key in kept for key in phone_keys(typed))


# A second press of the button within this time is the first press again: one email.
# Longer apart, it is someone asking again because nothing came ("try again", the page
# says), and they are sent another link (up to the limit an hour).
SAME_PRESS = timedelta(seconds=30)


def _emailed_just_now(submission: Submission, email: str, now: datetime) -> bool:
    """A new link emailed to `email` for this case in the last moment (the button pressed
    twice), not failed. Counted once the case is locked, as `_asked_already` counts, so
    two presses at the same instant are one email, and one of the emails allowed an hour."""
    lock_case(submission)
    return (
        db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.submission_id == submission.id,
                OutboxMessage.purpose == "tracking_link",
                OutboxMessage.recipient == email,
                OutboxMessage.created_at > now - SAME_PRESS,
                OutboxMessage.status != OutboxStatus.FAILED.value,
            )
        )
        or 0
    ) > 0


def _asked_already(submission: Submission) -> bool:
    """A call-back already waiting: one is enough. Counted once the case is locked
    (common.lock_case, held until the caller commits), so that the same asked twice at
    the same instant (the button pressed twice) waits for the first and finds its task."""
    lock_case(submission)
    return (
        db.session.scalar(
            sa.select(sa.func.count(Task.id)).where(
                Task.submission_id == submission.id,
                Task.kind == FRESH_LINK_TASK,
                Task.done_at.is_(None),
            )
        )
        or 0
    ) > 0


# --- copies to the child's advocate (issue 17) ------------------------------------------------


def copies_to_advocate(submission: Submission) -> bool:
    """Whether the child's advocate is getting copies of every letter (the child's
    consent stands): the tracking page then offers to stop them."""
    return correspondence.has_advocate(submission) and consent.stands(submission)


def stop_copies(submission: Submission) -> None:
    """The child withdraws their consent from the tracking page: nothing more is copied."""
    consent.withdraw(submission, by="child", on=london_date(utcnow()), staff=None)
    db.session.commit()
