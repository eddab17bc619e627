"""Record a complaint that came another way: the form (record_forms.py), the same intake
as the public form's (services/recording.py), and a confirmation that says what was set
off and how much time had already gone by."""

from flask import abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.common import me, today
from portal.backoffice.record_forms import RecordForm
from portal.domain.access import Permission
from portal.services import cases, recording


@bp.route("/record", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def record_other_way() -> Response | str:
    form = RecordForm(teams=recording.team_choices())
    if form.validate_on_submit():
        submission = recording.record(me(), form.new_submission(me()))
        return redirect(url_for("backoffice.recorded", reference=submission.reference))
    return render_template("backoffice/record.html", form=form)


@bp.get("/record/<reference>")
@requires(Permission.WORK_CASES)
def recorded(reference: str) -> str:
    found = recording.recorded_by(me(), reference)
    if found is None:
        abort(404)
    cases.record_view(me(), found)  # the page shows what was typed: who, how to reach them
    return render_template(
        "backoffice/recorded.html",
        case=found,
        time_used=recording.time_used_of(found, today()),
        emailed=recording.acknowledgement_emails(found),
        tasks=recording.tasks_of(found),
        can_open=cases.find(me(), reference) is not None,
    )
