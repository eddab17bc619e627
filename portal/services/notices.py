"""What the complainant is told without anyone having to remember to tell them: an agreed
extension confirmed in writing, a late response with why and the new date (the law asks
for it at stage 2), a paused and restarted clock, and after each response what they can do
next and by when. In their language, and in the children's wording where it is a child.

Each is sent through services/correspondence.py, so it is kept on the case, shown on the
tracking page and delivered through the outbox in the same transaction as the change.
"""

from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.domain import stages
from portal.domain.advocacy import has_an_advocate
from portal.domain.next_steps import RESPONSES, after_response
from portal.domain.stages import STOPS, Move
from portal.domain.timescales import Procedure
from portal.i18n import long_date
from portal.models import Staff, Submission
from portal.services import correspondence, response_letters
from portal.services.common import is_child
from portal.services.correspondence import Kind


def _contact() -> dict[str, str]:
    config = current_app.config
    return {"phone": config["COUNCIL_PHONE"], "email": config["COUNCIL_EMAIL"]}


def _send(case: Submission, kind: Kind, subject: str, body: str, staff: Staff | None) -> None:
    correspondence.send(case, kind=kind, subject=subject, body=body, staff=staff)


def after_move(case: Submission, move: Move, staff: Staff) -> None:
    """Tell the complainant what a move means for them, if it changes anything for them."""
    with force_locale(case.language):
        stage1, stage2 = case.stage_row("stage1"), case.stage_row("stage2")
        if move is Move.EXTEND_STAGE1 and case.case.next_due_on:
            _extension(case, case.case.next_due_on, stage1.extension_reason or "", staff)
        elif move is Move.EXTEND_STAGE2 and stage2.extended_to:
            _late(case, stage2.extended_to, stage2.extension_reason or "", staff)
        elif move in RESPONSES:
            _next_steps(case, move, staff)


def _extension(case: Submission, new_date: date, reason: str, staff: Staff) -> None:
    when = long_date(new_date)
    if is_child(case):
        body = _(
            "Thank you for saying we can have more time. We will now reply by %(date)s.\n\n"
            "Why we need more time: %(reason)s\n\n"
            "If that is not OK, call us on %(phone)s.",
            date=when,
            reason=reason,
            **_contact(),
        )
    else:
        body = _(
            "Thank you for agreeing to give us more time to respond to your complaint. "
            "We will now respond by %(date)s.\n\n"
            "Why we need more time: %(reason)s\n\n"
            "If you did not agree to this, or you have a question, call %(phone)s or email "
            "%(email)s and give your reference %(reference)s.",
            date=when,
            reason=reason,
            reference=case.reference,
            **_contact(),
        )
    subject = _("Your complaint %(reference)s: more time to reply", reference=case.reference)
    _send(case, Kind.EXTENSION, subject, body, staff)


def _late(case: Submission, new_date: date, reason: str, staff: Staff | None) -> None:
    when = long_date(new_date)
    if is_child(case) and has_an_advocate(case.advocacy_answer, case.case.advocate_assigned):
        body = _(
            "Sorry, our reply will be late. We will now reply by %(date)s.\n\n"
            "Why: %(reason)s\n\n"
            "If you are worried about this, call us on %(phone)s or talk to your advocate.",
            date=when,
            reason=reason,
            **_contact(),
        )
    elif is_child(case):
        # No advocate to talk to: say what one is, and how to ask (s26A).
        body = _(
            "Sorry, our reply will be late. We will now reply by %(date)s.\n\n"
            "Why: %(reason)s\n\n"
            "If you are worried about this, call us on %(phone)s. You can also ask us for "
            "an advocate: someone on your side who helps you say what you think. It is free.",
            date=when,
            reason=reason,
            **_contact(),
        )
    else:
        body = _(
            "We are sorry: our response to your complaint will be later than we said. "
            "We will now respond by %(date)s.\n\n"
            "Why it will be late: %(reason)s\n\n"
            "If you have a question about the delay, call %(phone)s or email %(email)s and "
            "give your reference %(reference)s.",
            date=when,
            reason=reason,
            reference=case.reference,
            **_contact(),
        )
    subject = _("Your complaint %(reference)s: our reply will be late", reference=case.reference)
    _send(case, Kind.LATE_NOTICE, subject, body, staff)


def after_pause(case: Submission, reason: str, staff: Staff) -> None:
    with force_locale(case.language):
        if is_child(case):
            body = _(
                "We have stopped the clock on your complaint for now.\n\n"
                "Why: %(reason)s\n\n"
                "We will tell you the new date for our reply when it starts again.",
                reason=reason,
            )
        else:
            body = _(
                "We have paused the time limit for responding to your complaint.\n\n"
                "Why: %(reason)s\n\n"
                "We will tell you the new date for our response as soon as it starts again.",
                reason=reason,
            )
        subject = _("Your complaint %(reference)s: the clock is paused", reference=case.reference)
        _send(case, Kind.LATE_NOTICE, subject, body, staff)


def after_restart(case: Submission, staff: Staff) -> None:
    if case.case.next_due_on is None:
        return
    with force_locale(case.language):
        when = long_date(case.case.next_due_on)
        child = is_child(case)
        # In the words of the step the clock runs for: in Wales, the discussion and then
        # the written resolution (WSI 2014/1795).
        if case.case.next_due_what == stages.DISCUSSION:
            body = (
                _(
                    "The clock on your complaint has started again. We will offer to talk "
                    "with you, on a day no later than %(date)s.",
                    date=when,
                )
                if child
                else _(
                    "The time limit for your complaint has started again. We will offer to "
                    "talk with you about it, on a day no later than %(date)s.",
                    date=when,
                )
            )
        elif case.case.next_due_what == stages.WRITTEN_RESOLUTION:
            body = (
                _(
                    "The clock on your complaint has started again. We will write to you "
                    "with what we agreed by %(date)s.",
                    date=when,
                )
                if child
                else _(
                    "The time limit for your complaint has started again. We will write to "
                    "you with what we agreed by %(date)s.",
                    date=when,
                )
            )
        elif child:
            body = _(
                "The clock on your complaint has started again. We will reply by %(date)s.",
                date=when,
            )
        else:
            body = _(
                "The time limit for responding to your complaint has started again. "
                "We will now respond by %(date)s.",
                date=when,
            )
        subject = _("Your complaint %(reference)s: the new date", reference=case.reference)
        _send(case, Kind.LATE_NOTICE, subject, body, staff)


def _next_steps(case: Submission, move: Move, staff: Staff) -> None:
    response = case.response(STOPS[move])
    responded_on = response.responded_on if response else None
    assert responded_on is not None
    window = int(current_app.config["NEXT_STAGE_WINDOW_WORKING_DAYS"])
    if response_letters.find(case, RESPONSES[move]) is not None:
        return  # the stage's response letter says what they can do next, with the same date
    step = after_response(
        Procedure(case.case.procedure), case.jurisdiction, move, responded_on, window
    )
    ombudsman = {
        "ombudsman": step.ombudsman.name(_),
        "ombudsman_phone": step.ombudsman.phone,
        "ombudsman_web": step.ombudsman.website,
    }
    child = is_child(case)
    if step.next_stage == 2 and step.ask_by:
        body = (
            _(
                "If you are not happy with our answer, tell us by %(date)s and someone else "
                "will look at it again. Call %(phone)s or email %(email)s. An advocate can "
                "help you say what you think: it is free.",
                date=long_date(step.ask_by),
                **_contact(),
            )
            if child
            else _(
                "If you are not happy with our response, you can ask for your complaint to be "
                "looked into by someone independent (stage 2). Please ask by %(date)s: call "
                "%(phone)s or email %(email)s and give your reference %(reference)s. If you ask "
                "later, we will still consider it.",
                date=long_date(step.ask_by),
                reference=case.reference,
                **_contact(),
            )
        )
    elif step.next_stage == 3 and step.ask_by:
        body = (
            _(
                "If you are still not happy, you can ask for a review panel by %(date)s. Three "
                "people who do not work for us will look at it. Call %(phone)s or email "
                "%(email)s.",
                date=long_date(step.ask_by),
                **_contact(),
            )
            if child
            else _(
                "If you are still not happy, you can ask for a review panel (stage 3): three "
                "independent people look at your complaint and how it was handled. Please ask "
                "by %(date)s: call %(phone)s or email %(email)s and give your reference "
                "%(reference)s.",
                date=long_date(step.ask_by),
                reference=case.reference,
                **_contact(),
            )
        )
    else:
        body = (
            _(
                "If you are still not happy, you can ask %(ombudsman)s to look at it. They do "
                "not work for us and it is free. Call %(ombudsman_phone)s or go to "
                "%(ombudsman_web)s.",
                **ombudsman,
            )
            if child
            else _(
                "This is the end of our complaints procedure. If you are still not happy, you "
                "can ask %(ombudsman)s to look at your complaint. It is free and independent. "
                "You should contact them within 12 months: call %(ombudsman_phone)s or go to "
                "%(ombudsman_web)s.",
                **ombudsman,
            )
        )
    subject = _("Your complaint %(reference)s: what you can do next", reference=case.reference)
    _send(case, Kind.NEXT_STEPS, subject, body, staff)
