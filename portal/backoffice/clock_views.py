"""Keeping the complainant informed and the clock honest: how each due date was worked
out, pausing and restarting a stage's clock, and messages to the complainant."""

from flask import render_template
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.forms import MessageForm, PauseForm, RestartForm
from portal.backoffice.views import _action_page, _case_or_404, _date, _done, _refused, _version, me
from portal.domain import stages
from portal.domain.access import Permission
from portal.services import cases, clock, correspondence
from portal.services import staff as staff_service
from portal.services.cases import CaseChanged
from portal.services.clock import ClockRefused


@bp.get("/cases/<reference>/due-dates")
@requires(Permission.VIEW_CASES)
def due_dates(reference: str) -> str:
    found = _case_or_404(reference)
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
    found = _case_or_404(reference)
    form = PauseForm(data={"version": found.version})
    if form.validate_on_submit():
        try:
            clock.pause(
                me(),
                found,
                on=_date(form.on),
                reason=form.reason.data,
                detail=form.detail.data or "",
                version=_version(form),
            )
        except (ClockRefused, CaseChanged) as refused:
            _refused(form, form.on, found, refused)
        else:
            return _done(found, "The clock is paused. The complainant has been told why.")
    return _action_page(found, form, "Pause the clock")


@bp.route("/cases/<reference>/clock/restart", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def restart_clock(reference: str) -> Response | str:
    found = _case_or_404(reference)
    form = RestartForm(data={"version": found.version})
    if form.validate_on_submit():
        try:
            clock.restart(me(), found, on=_date(form.on), version=_version(form))
        except (ClockRefused, CaseChanged) as refused:
            _refused(form, form.on, found, refused)
        else:
            return _done(found, "The clock has restarted. The complainant has the new date.")
    return _action_page(found, form, "Restart the clock")


@bp.route("/cases/<reference>/message", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def message(reference: str) -> Response | str:
    found = _case_or_404(reference)
    defaults = [r.value for r in correspondence.recipients_of(found)]
    form = MessageForm(data={"version": found.version, "to": defaults})
    if not found.advocate_email and not found.advocate_name:
        form.to.choices = [("complainant", "The complainant")]
    if form.validate_on_submit():
        try:
            correspondence.send_message(
                me(),
                found,
                to=[correspondence.Recipient(r) for r in form.to.data],
                subject=form.subject.data,
                body=form.body.data,
                version=_version(form),
            )
        except CaseChanged as refused:
            _refused(form, form.body, found, refused)
        else:
            return _done(found, "Message sent. It is on the case and on their tracking page.")
    return _action_page(found, form, "Send a message to the complainant")
