"""What a submission sets off: the acknowledgement to the person (and their advocate),
a note to the team it went to, a referral to the advocacy provider (in its queue, with
an email to its inbox), and staff tasks: to
acknowledge by phone or letter (only the ways the person said are safe), and to explain
advocacy to someone not sure about an advocate. All queued in the submission's own
transaction.

Nothing sent to the person repeats what they wrote: a child's inbox may be read by the
very adults the child wrote about. Someone who asked for texts is acknowledged by a text
that says only that it came, with the link to follow it.
"""

from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.domain import contact_safety
from portal.domain.flags import DESCRIPTIONS
from portal.domain.stages import Progress
from portal.domain.timescales import Procedure, Step, limit_days
from portal.domain.types import AdvocacyAnswer, ContactPreference, SubmitterRole
from portal.extensions import db
from portal.models import MessageChannel, Submission, Task
from portal.services import clock, outbox, referrals, routing_data
from portal.services.common import council_name, mobile_for_texts, tracking_url

ACKNOWLEDGE_WITHOUT_EMAIL = "acknowledge_without_email"
EXPLAIN_ADVOCACY = "explain_advocacy"
STAFF_KIND_WORDS = {
    "complaint": "complaint",
    "compliment": "compliment",
    "advocacy": "request for an advocate",
    "representation": "representation",
}

# What the emails to staff and the advocacy provider read of the context.
STAFF_CONTEXT = ("submission", "stage1_due", "stage1_due_what", "council_name")


def queue_messages(
    submission: Submission, tracking_token: str, *, progress: Progress | None = None
) -> None:
    """Queue everything a new submission sets off; the caller commits. What goes to
    the person is in their language; what goes to staff and providers is in English.
    The outbox worker renders each from its template and the values worked out here,
    so the dates it gives are those of now. `progress`: the submission's, when the
    caller has worked it out already."""
    context = _context(submission, tracking_token, progress or clock.progress_of(submission))
    # The teams are read without writing what is pending first: the submission and all
    # its messages then go to the database together, at the caller's flush.
    with db.session.no_autoflush:
        with force_locale(submission.language):
            _queue_acknowledgements(submission, context)
        _queue_staff_messages(submission, context)
    if submission.advocacy_answer == AdvocacyAnswer.NOT_SURE.value:
        # Not sure about an advocate: someone explains, then asks again (s26A).
        _add_task(
            submission,
            EXPLAIN_ADVOCACY,
            contact_safety.explain_advocacy_task(
                submission.contact_safety,
                child=submission.submitter_role == SubmitterRole.CHILD.value,
                due=submission.acknowledge_by,
            ),
        )


def _add_task(submission: Submission, kind: str, description: str) -> None:
    """A task for staff, due when the acknowledgement is."""
    db.session.add(
        Task(
            submission=submission,
            kind=kind,
            description=description[:300],
            due_on=submission.acknowledge_by,
        )
    )


def _context(submission: Submission, tracking_token: str, progress: Progress) -> dict[str, Any]:
    """Plain values, kept with each message until the worker renders it."""
    config = current_app.config
    first = clock.first_response_due(submission, progress=progress)
    return {
        # What the emails say of the submission, as it is now.
        "submission": {
            "reference": submission.reference,
            "kind": submission.case.kind,
            "submitter_name": submission.submitter_name,
            "advocate_name": submission.advocate_name,
            "advocacy_answer": submission.advocacy_answer,
            "received_on": submission.received_on,
            "acknowledge_by": submission.acknowledge_by,
        },
        "child": submission.submitter_role == SubmitterRole.CHILD.value,
        # The same dates the confirmation page shows and staff work to (an acknowledgement
        # by email is made today: Wales and the corporate code count from it).
        "stage1_due": first.deadline.due if first and first.deadline else None,
        "stage1_due_what": first.what if first else None,
        "stage1_extended": clock.longest_first_response(submission, progress=progress),
        "resolution_days": limit_days(Procedure.WALES_CHILDREN, Step.RESOLUTION_LETTER),
        "wales_stage2_days": limit_days(Procedure.WALES_CHILDREN, Step.STAGE2_RESPONSE),
        "procedure": submission.case.procedure,
        "track_url": tracking_url(submission.reference, tracking_token, submission.language),
        "council_name": council_name(submission.language),
        "council_phone": config["COUNCIL_PHONE"],
        "council_email": config["COUNCIL_EMAIL"],
        "council_address": config["COUNCIL_ADDRESS"],
        "jurisdiction": submission.jurisdiction,
    }


def _queue_acknowledgements(submission: Submission, context: dict[str, Any]) -> None:
    subject = _(
        "%(council)s: your reference %(reference)s",
        council=context["council_name"],
        reference=submission.reference,
    )
    reached = False
    mobile = mobile_for_texts(submission)
    if mobile:
        # A text says only that it came, and links the tracking page (sms/acknowledgement).
        outbox.queue(
            purpose="acknowledgement",
            recipient=mobile,
            subject="",
            template="acknowledgement",
            context={key: context[key] for key in ("track_url", "council_name")},
            language=submission.language,
            submission=submission,
            channel=MessageChannel.SMS,
        )
        reached = True
    if submission.contact_preference == ContactPreference.EMAIL.value and submission.email:
        outbox.queue(
            purpose="acknowledgement",
            recipient=submission.email,
            subject=subject,
            template="acknowledgement",
            context=context,
            language=submission.language,
            submission=submission,
        )
        reached = True
    if submission.advocate_email:
        outbox.queue(
            purpose="acknowledgement",
            recipient=submission.advocate_email,
            subject=subject,
            template="acknowledgement",
            context=context | {"child": False, "for_advocate": True},
            language=submission.language,
            submission=submission,
        )
        reached = True
    if not reached:
        _add_task(
            submission,
            ACKNOWLEDGE_WITHOUT_EMAIL,
            contact_safety.acknowledge_task(
                submission.contact_safety,
                has_phone=bool(submission.phone),
                has_address=bool(submission.postal_address),
                due=submission.acknowledge_by,
            ),
        )


def _queue_staff_messages(submission: Submission, everything: dict[str, Any]) -> None:
    # Only what staff emails say: never the person's tracking link.
    context = {key: everything[key] for key in STAFF_CONTEXT}
    wants_advocate = submission.advocacy_answer in (
        AdvocacyAnswer.ACCEPTED.value,
        AdvocacyAnswer.REQUESTED.value,
    )
    # The team it went to and the advocacy provider, as this process keeps them.
    teams = routing_data.current()
    team = teams.team(submission.case.team_id) if submission.case.team_id else None
    if team is not None and team.is_active:
        kind_words = STAFF_KIND_WORDS.get(submission.case.kind, submission.case.kind)
        outbox.queue(
            purpose="team_notification",
            recipient=team.inbox_email,
            subject=f"New {kind_words}: {submission.reference}",
            template="team-notification",
            context=context
            | {
                "team": {"name": team.name},
                "kind_words": kind_words,
                # Plain words for staff, never the codes (issue 13).
                "flag_words": [DESCRIPTIONS.get(flag, flag) for flag in submission.flags or []],
            },
            submission=submission,
        )

    if wants_advocate:
        provider = next((t for t in teams.teams if t.is_advocacy_provider and t.is_active), None)
        source = referrals.source_of(submission)
        if provider is not None and source is not None:
            # The referral in the provider's queue, and the email to its inbox that
            # links the queue (services/referrals.py).
            referrals.make(submission, source=source, provider=provider, now=submission.received_at)
