"""What is kept about a case, and for how long: the legal hold that stops a case's
personal data being purged (docs/retention.md)."""

from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.access import Permission
from portal.backoffice.auth import requires
from portal.backoffice.forms import LegalHoldForm
from portal.backoffice.views import _action_page, _case_or_404, _done, me
from portal.services import retention


@bp.route("/cases/<reference>/legal-hold", methods=["GET", "POST"])
@requires(Permission.MANAGE_RECORDS)
def legal_hold(reference: str) -> Response | str:
    found = _case_or_404(reference)
    form = LegalHoldForm(
        data={"version": found.version, "hold": "lift" if found.legal_hold else "place"}
    )
    if form.validate_on_submit():
        holding = form.hold.data == "place"
        retention.set_legal_hold(me(), found, hold=holding, reason=form.reason.data or None)
        return _done(
            found,
            "The case is under legal hold: it will not be purged."
            if holding
            else "The legal hold is lifted.",
        )
    return _action_page(found, form, "Legal hold")


