"""Keeping the complainant informed and the clock honest: how each due date was worked
out, pausing and restarting a stage's clock, and messages to the complainant."""

from flask import render_template
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.common import case_action, case_or_404, me, required_date
from portal.backoffice.forms import MessageForm, PauseForm, RestartForm
from portal.domain import stages
from portal.domain.access import Permission
from portal.models import Submission
from portal.services import cases, clock, consent, correspondence
from portal.services import staff as staff_service
from portal.services.clock import ClockRefused


@bp.get("/cases/<reference>/due-dates")
@requires(Permission.VIEW_CASES)
def due_dates(reference: str) -> str:
    found = case_or_404(reference)
    cases.record_view(me(), found)
    progress = cases.progress_of(found)
    return render_template(
        "backoffice/due-dates.html",
        case=found,
        worked=clock.worked_out(found),
        events=clock.events(found),
        paused=stages.open_pause(progress),
        staff_names={s.id: s.name for s in staff_service.team_members(None)},
    )


@bp.route("/cases/<reference>/clock/pause", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def pause_clock(reference: str) -> Response | str:
    def save(found: Submission, form: PauseForm, version: int) -> str:
        clock.pause(
            me(),
            found,
            on=required_date(form.on),
            reason=form.reason.data,
            detail=form.detail.data or "",
            version=version,
        )
        return "The clock is paused. The complainant has been told why."

    return case_action(
        reference, PauseForm, save, title="Pause the clock", beside="on", refused=(ClockRefused,)
    )


@bp.route("/cases/<reference>/clock/restart", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def restart_clock(reference: str) -> Response | str:
    def save(found: Submission, form: RestartForm, version: int) -> str:
        clock.restart(me(), found, on=required_date(form.on), version=version)
        return "The clock has restarted. The complainant has the new date."

    return case_action(
        reference,
        RestartForm,
        save,
        title="Restart the clock",
        beside="on",
        refused=(ClockRefused,),
    )


def _message_choices(form: MessageForm, found: Submission) -> None:
    """The complainant, the advocate, or both: the advocate only when there is one with
    an email address. Ticked at first: who gets it by default (the advocate while the
    child's consent to copies stands)."""
    advocate = correspondence.address_of(found, correspondence.Recipient.ADVOCATE)
    complainant = (
        "The complainant (they asked for texts: a text tells them it is on their tracking "
        "page, without its words)"
        if correspondence.text_number(found, correspondence.Recipient.COMPLAINANT)
        else "The complainant"
    )
    if not (correspondence.has_advocate(found) and advocate):
        form.to.choices = [("complainant", complainant)]
    elif not consent.stands(found):
        form.to.choices = [
            ("complainant", complainant),
            (
                "advocate",
                "Their advocate (the child has not agreed to copies: write only "
                "what the advocate needs)",
            ),
        ]
    else:
        form.to.choices = [("complainant", complainant), ("advocate", "Their advocate")]


@bp.route("/cases/<reference>/message", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def message(reference: str) -> Response | str:
    def save(found: Submission, form: MessageForm, version: int) -> str:
        correspondence.send_message(
            me(),
            found,
            to=[correspondence.Recipient(r) for r in form.to.data],
            subject=form.subject.data,
            body=form.body.data,
            version=version,
        )
        return "Message sent. It is on the case and on their tracking page."

    return case_action(
        reference,
        MessageForm,
        save,
        title="Send a message",
        beside="body",
        data=lambda found: {"to": [r.value for r in correspondence.recipients_of(found)]},
        choices=_message_choices,
    )
