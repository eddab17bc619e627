"""What is kept about a case and for how long: the legal hold that stops a case's
personal data being purged, and subject access requests (docs/retention.md)."""

import json

from flask import render_template, request
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.common import case_action, me
from portal.backoffice.forms import LegalHoldForm, SubjectAccessForm
from portal.domain.access import Permission
from portal.models import Submission
from portal.services import retention, subject_access


@bp.route("/cases/<reference>/legal-hold", methods=["GET", "POST"])
@requires(Permission.MANAGE_RECORDS)
def legal_hold(reference: str) -> Response | str:
    def save(found: Submission, form: LegalHoldForm, version: int) -> str:
        holding = form.hold.data == "place"
        retention.set_legal_hold(me(), found, hold=holding, reason=form.reason.data or None)
        if holding:
            return "The case is under legal hold: it will not be purged."
        return "The legal hold is lifted."

    return case_action(
        reference,
        LegalHoldForm,
        save,
        title="Legal hold",
        data=lambda found: {"hold": "lift" if found.case.legal_hold else "place"},
    )


@bp.route("/subject-access", methods=["GET", "POST"])
@requires(Permission.MANAGE_RECORDS)
def subject_access_request() -> Response | str:
    """Everything held about a person, by email address or case reference: a readable
    page, or the same as a JSON download. Searched by POST, so the address is never in
    a URL (access logs, browser history)."""
    form = SubjectAccessForm()
    found = None
    if form.validate_on_submit():
        found = subject_access.export(
            me(), email=form.email.data or "", reference=form.reference.data or ""
        )
        if request.form.get("format") == "json":
            return Response(
                json.dumps(found, indent=2, ensure_ascii=False, default=str),
                mimetype="application/json",
                headers={"Content-Disposition": 'attachment; filename="subject-access.json"'},
            )
    return render_template("backoffice/subject-access.html", form=form, found=found)
