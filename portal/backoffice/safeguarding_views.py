"""Possible concern, not sent: the task raised when a child was shown how to get help and
did not send what they wrote (docs/safeguarding-what-happens.md)."""

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.common import me
from portal.backoffice.forms import ConcernActionForm
from portal.domain.access import Permission
from portal.models import UnsentConcern
from portal.services import safeguarding
from portal.services import staff as staff_service


def _concern_or_404(concern_id: int) -> UnsentConcern:
    concern = safeguarding.find_concern(me(), concern_id)
    if concern is None:
        abort(404)
    return concern


@bp.get("/concerns/<int:concern_id>")
@requires(Permission.VIEW_CASES)
def concern(concern_id: int) -> str:
    found = _concern_or_404(concern_id)
    return render_template(
        "backoffice/concern.html",
        concern=found,
        source_names=safeguarding.SOURCE_NAMES,
        staff_names={s.id: s.name for s in staff_service.team_members(None)},
    )


@bp.route("/concerns/<int:concern_id>/action", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def concern_action(concern_id: int) -> Response | str:
    found = _concern_or_404(concern_id)
    form = ConcernActionForm()
    if form.validate_on_submit():
        safeguarding.record_concern_action(me(), found, action=form.action.data)
        flash(
            "What was done is recorded. The task no longer sits at the top of the queue.", "success"
        )
        return redirect(url_for("backoffice.concern", concern_id=found.id))
    return render_template(
        "backoffice/concern-action.html",
        concern=found,
        form=form,
        title="Record what was done about a possible concern",
    )
