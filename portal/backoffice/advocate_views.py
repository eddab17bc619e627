"""Advocates (docs/advocates.md): their own pages ("Your cases", a case, withdrawing the
child's consent to copies), registering with a work email at an approved organisation,
and, for a complaints manager, the approved organisations. An advocate's account is a
staff account with Role.ADVOCATE: the back office's sign-in, second factor and sessions,
and nothing else of the back office's (domain/access.py). On their case, they reply, add
information or files and ask for stage 2 or a review panel for the child, through the
complainant's own use cases (services/complainant_steps.py) with their account named."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import PUBLIC, requires
from portal.backoffice.common import me, today
from portal.backoffice.forms import (
    AdvocateOrganisationForm,
    OnBehalfForm,
    OnBehalfStage2Form,
    OnBehalfStage3Form,
    RegisterAdvocateForm,
    WithdrawConsentForm,
)
from portal.domain.access import Permission
from portal.domain.complainant_steps import StepKind
from portal.domain.safeguarding import Strength
from portal.extensions import limiter
from portal.models import Submission
from portal.services import advocates, attachments, complainant_steps, correspondence
from portal.services.common import CaseChanged

# --- the advocate's own pages --------------------------------------------------------------


@bp.get("/advocate/cases")
@requires(Permission.ACT_AS_ADVOCATE)
def advocate_cases() -> str:
    return render_template(
        "backoffice/advocate-cases.html", rows=advocates.cases_of(me()), today=today()
    )


def _their_case(reference: str) -> Submission:
    found = advocates.find(me(), reference)
    if found is None:
        abort(404)
    return found


@bp.get("/advocate/cases/<reference>")
@requires(Permission.ACT_AS_ADVOCATE)
def advocate_case(reference: str) -> str:
    found = _their_case(reference)
    advocates.record_view(me(), found)
    return _case_page(found, WithdrawConsentForm(data={"version": found.case.version}))


def _case_page(found: Submission, form: WithdrawConsentForm) -> str:
    steps = complainant_steps.on_case(found)
    offer = complainant_steps.offer(found, steps)  # the case's facts read once
    return render_template(
        "backoffice/advocate-case.html",
        case=found,
        form=form,
        advocacy=advocates.summary(found),
        owed=advocates.owed(found),
        letters=advocates.letters_for(me(), found),
        filed=advocates.filed_it(me(), found),
        letter_titles=correspondence.STAFF_TITLES,
        offered=[k for k in offer.available if k in ON_BEHALF],
        window_end=offer.window_end,
        stage3_window_end=offer.stage3_window_end,
        today=today(),
        sent_for_child=[s for s in steps if s.by == "advocate"],
        step_words=complainant_steps.STAFF_WORDS,
    )


@bp.post("/advocate/cases/<reference>/copies")
@requires(Permission.ACT_AS_ADVOCATE)
def advocate_withdraw_consent(reference: str) -> Response | str:
    found = _their_case(reference)
    form = WithdrawConsentForm()
    if form.validate_on_submit():
        try:
            advocates.withdraw_consent(
                me(), found, on=today(), version=int(form.version.data or -1)
            )
        except (advocates.AdvocateRefused, CaseChanged, ValueError) as refused:
            form.version.errors = [str(refused)]
        else:
            flash(
                "The child's consent to copies is withdrawn: you will not get copies of "
                "letters and messages on this case from now on.",
                "success",
            )
            return redirect(url_for("backoffice.advocate_case", reference=found.reference))
    return _case_page(found, form)


# --- acting for the child (issue 17) ----------------------------------------------------

# What an advocate does for the child from their case page.
ON_BEHALF = (StepKind.REPLY, StepKind.INFORMATION, StepKind.STAGE2, StepKind.STAGE3)


def _offered(found: Submission, kind: StepKind) -> None:
    if kind not in complainant_steps.available(found):
        abort(404)


def _files() -> list[tuple[str, bytes]]:
    return [
        (upload.filename or "file", upload.read())
        for upload in request.files.getlist("files")
        if upload and upload.filename
    ]


def _sent(found: Submission, sent: complainant_steps.Sent) -> Response:
    return redirect(
        url_for("backoffice.advocate_sent", reference=found.reference, step_id=sent.step.id)
    )


def _text_step(reference: str, kind: StepKind) -> Response | str:
    found = _their_case(reference)
    _offered(found, kind)
    form = OnBehalfForm()
    file_error = None
    if form.validate_on_submit():
        files = _files()
        text = form.text.data or ""
        if kind is StepKind.INFORMATION and not text and not files:
            form.text.errors = ["Enter what you want to tell the council, or choose a file"]
        elif kind is StepKind.REPLY and not text:
            form.text.errors = ["Enter your message"]
        else:
            send = (
                complainant_steps.reply
                if kind is StepKind.REPLY
                else complainant_steps.add_information
            )
            try:
                return _sent(found, send(found, text, files, advocate=me()))
            except attachments.FileRejected as problem:
                file_error = str(problem)
    return render_template(
        "backoffice/advocate-reply.html"
        if kind is StepKind.REPLY
        else "backoffice/advocate-add-information.html",
        case=found,
        form=form,
        file_error=file_error,
        answering=complainant_steps.latest_message(found),
        max_files=current_app.config["ATTACHMENT_MAX_FILES"],
        max_mb=current_app.config["ATTACHMENT_MAX_MB"],
    )


@bp.route("/advocate/cases/<reference>/reply", methods=["GET", "POST"])
@requires(Permission.ACT_AS_ADVOCATE)
def advocate_reply(reference: str) -> Response | str:
    return _text_step(reference, StepKind.REPLY)


@bp.route("/advocate/cases/<reference>/add-information", methods=["GET", "POST"])
@requires(Permission.ACT_AS_ADVOCATE)
def advocate_add_information(reference: str) -> Response | str:
    return _text_step(reference, StepKind.INFORMATION)


@bp.route("/advocate/cases/<reference>/ask-for-stage-2", methods=["GET", "POST"])
@requires(Permission.ACT_AS_ADVOCATE)
def advocate_ask_for_stage2(reference: str) -> Response | str:
    return _next_stage(reference, StepKind.STAGE2)


@bp.route("/advocate/cases/<reference>/ask-for-a-review-panel", methods=["GET", "POST"])
@requires(Permission.ACT_AS_ADVOCATE)
def advocate_ask_for_stage3(reference: str) -> Response | str:
    return _next_stage(reference, StepKind.STAGE3)


def _next_stage(reference: str, kind: StepKind) -> Response | str:
    found = _their_case(reference)
    _offered(found, kind)
    stage2 = kind is StepKind.STAGE2
    form = OnBehalfStage2Form() if stage2 else OnBehalfStage3Form()
    if form.validate_on_submit():
        return _sent(
            found,
            complainant_steps.ask_for_next_stage(
                found, form.reasons.data, stage=kind, advocate=me()
            ),
        )
    return render_template(
        "backoffice/advocate-ask-for-next-stage.html",
        case=found,
        form=form,
        stage2=stage2,
        window_end=(
            complainant_steps.window_end(found)
            if stage2
            else complainant_steps.stage3_window_end(found)
        ),
        today=today(),
    )


@bp.get("/advocate/cases/<reference>/sent/<int:step_id>")
@requires(Permission.ACT_AS_ADVOCATE)
def advocate_sent(reference: str, step_id: int) -> str:
    found = _their_case(reference)
    step = complainant_steps.find(found, step_id)
    if step is None or step.by_staff_id != me().id:
        abort(404)
    return render_template(
        "backoffice/advocate-sent.html",
        case=found,
        step=step,
        look_by=step.task.due_on if step.task else None,
        urgent=any(
            sign.get("strength") == Strength.URGENT.value for sign in step.danger_signs or []
        ),
        stage2_due=complainant_steps.stage2_due(found) if step.recorded else None,
        panel_due=complainant_steps.panel_due(found) if step.recorded else None,
        files=complainant_steps.files_of(found).get(step.id, []),
    )


# --- registering ---------------------------------------------------------------------------


@bp.route("/register-as-an-advocate", methods=["GET", "POST"])
@requires(PUBLIC)
@limiter.limit("10 per hour", methods=["POST"])
def register_advocate() -> Response | str:
    form = RegisterAdvocateForm()
    form.organisation.choices = [("", "Select your organisation")] + [
        (str(o.id), o.name) for o in advocates.organisations(approved_only=True)
    ]
    if form.validate_on_submit():
        try:
            advocates.register(
                name=form.name.data,
                email=form.email.data,
                organisation_id=int(form.organisation.data),
                phone=form.phone.data or None,
            )
        except advocates.AdvocateRefused as refused:
            field = form.email if "email" in str(refused) else form.organisation
            field.errors = [str(refused)]
        else:
            return redirect(url_for("backoffice.advocate_registered"))
    return render_template("backoffice/register-as-an-advocate.html", form=form)


@bp.get("/register-as-an-advocate/check-your-email")
@requires(PUBLIC)
def advocate_registered() -> str:
    return render_template("backoffice/advocate-registered.html")


# --- approved organisations (a complaints manager) -----------------------------------------


@bp.route("/advocate-organisations", methods=["GET", "POST"])
@requires(Permission.MANAGE_STAFF)
def advocate_organisations() -> Response | str:
    form = AdvocateOrganisationForm()
    if form.validate_on_submit():
        try:
            added = advocates.approve_organisation(
                name=form.name.data, email_domain=form.email_domain.data, by=me()
            )
        except advocates.AdvocateRefused as refused:
            form.email_domain.errors = [str(refused)]
        else:
            flash(
                f"{added.name} is approved: its advocates can register with an email "
                f"address ending @{added.email_domain}.",
                "success",
            )
            return redirect(url_for("backoffice.advocate_organisations"))
    return render_template(
        "backoffice/advocate-organisations.html",
        form=form,
        organisations=advocates.organisations(),
    )


@bp.post("/advocate-organisations/<int:organisation_id>/approval")
@requires(Permission.MANAGE_STAFF)
def advocate_organisation_approval(organisation_id: int) -> Response:
    found = next((o for o in advocates.organisations() if o.id == organisation_id), None)
    if found is None:
        abort(404)
    advocates.set_organisation_approved(found.id, not found.is_approved, by=me())
    flash(
        f"{found.name}: its advocates can register again."
        if found.is_approved
        else f"{found.name}: no new advocates can register. Accounts already made still "
        "work until you disable them.",
        "success",
    )
    return redirect(url_for("backoffice.advocate_organisations"))
