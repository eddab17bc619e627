"""A closed case reopened, cases linked to each other and a duplicate merged into the
case kept (services/reopening.py, services/related_cases.py); and who has looked for a
case (services/search.py `who_looked`)."""

from flask import render_template
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.common import case_action, case_or_404, me, today
from portal.backoffice.forms import LinkForm, MergeForm, ReopenForm
from portal.domain import labels
from portal.domain.access import Permission
from portal.domain.stages import MoveRefused, ReopenReason, Stage
from portal.models import Submission
from portal.services import related_cases, reopening, search


def _stages(form: ReopenForm, found: Submission) -> None:
    allowed = reopening.stages_to_reopen_into(found)
    # The stage it was closed from first; then stage 1, accepting it into the procedure.
    form.to.choices = [
        (
            stage.value,
            "Stage 1: accept it into the procedure" if i else labels.label("stage", stage),
        )
        for i, stage in enumerate(allowed)
    ]
    if form.to.data is None and allowed:
        form.to.data = allowed[0].value


@bp.route("/cases/<reference>/reopen", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def reopen(reference: str) -> Response | str:
    def save(found: Submission, form: ReopenForm, version: int) -> str:
        made = reopening.reopen(
            me(),
            found,
            reason=ReopenReason(form.reason.data),
            words=form.words.data or "",
            to=Stage(form.to.data),
            version=version,
            today=today(),
        )
        return f"Case reopened: back at {labels.label('stage', made.to_stage).lower()}."

    return case_action(
        reference,
        ReopenForm,
        save,
        title="Reopen the case",
        beside="to",
        refused=(MoveRefused,),
        elsewhere={reopening.ReopenRefused: "words"},
        choices=_stages,
    )


@bp.route("/cases/<reference>/link", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def link_case(reference: str) -> Response | str:
    def save(found: Submission, form: LinkForm, version: int) -> str:
        other = related_cases.link(me(), found, reference=form.reference.data, note=form.note.data)
        return f"Linked to {other.reference}."

    return case_action(
        reference,
        LinkForm,
        save,
        title="Link a related case",
        beside="reference",
        refused=(related_cases.LinkRefused,),
    )


@bp.route("/cases/<reference>/merge", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def merge_case(reference: str) -> Response | str:
    def save(found: Submission, form: MergeForm, version: int) -> str:
        kept = related_cases.merge(
            me(), found, into=form.into.data, note=form.note.data, version=version, today=today()
        )
        return f"Closed as a duplicate, merged into {kept.reference}."

    return case_action(
        reference,
        MergeForm,
        save,
        title="Merge this case into another (a duplicate)",
        beside="into",
        refused=(related_cases.LinkRefused,),
    )


@bp.get("/cases/<reference>/who-looked")
@requires(Permission.SEE_WHO_LOOKED)
def who_looked(reference: str) -> str:
    found = case_or_404(reference)
    return render_template(
        "backoffice/who-looked.html", case=found, looked=search.who_looked(me(), found)
    )
