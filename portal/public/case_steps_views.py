"""The person's side of the case, from the tracking page (issue 17): reply to us, add
information or files, ask for more time, withdraw, ask for stage 2 or a review panel
(England), and a copy of what they sent (a page and a PDF). Each page is behind the same
secret link as the tracking page: the same check (a wrong token and a wrong reference are
the same 404), the same rate limit, never cached. The use cases are
services/complainant_steps.py."""

import secrets
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.database import utcnow
from portal.domain.clock import london_date
from portal.domain.complainant_steps import Actor, MoreTimeFor, NotNow, StepKind, form_key
from portal.domain.safeguarding import Strength
from portal.domain.types import Kind, SubmitterRole
from portal.extensions import limiter
from portal.models import Submission
from portal.pdf import pdf_download
from portal.public import bp
from portal.public.forms import MoreTimeForm, Stage2Form, Stage3Form, StepTextForm, WithdrawForm
from portal.public.journey import answers_as_sent
from portal.services import attachments, complainant_steps, tracking

BY = Actor.COMPLAINANT  # an advocate's own account acts through the same use cases


def _limit() -> str:
    return str(current_app.config["TRACKING_RATE_LIMIT"])


def _case(reference: str, token: str) -> Submission:
    found = tracking.find_for_tracking(reference, token)
    if found is None:
        abort(404)
    return found


def _not_offered(case: Submission, kind: StepKind, reference: str, token: str) -> Response | None:
    """A step this case never has is not found. One it had until the case moved on (a
    request at the same instant, or a page read again after Back) says why on a GET; a
    POST goes on to the use case, which decides under the case's lock and gives a second
    sending of a step the confirmation of the first."""
    why = complainant_steps.not_offered(case, kind)
    if why is None or request.method == "POST":
        return None
    return _not_now(case, why, reference, token)


def _not_now(case: Submission, why: NotNow, reference: str, token: str) -> Response:
    if why is NotNow.NEVER:
        abort(404)
    return _no_store(
        render_template(
            "public/track-not-now.html",
            why=why.value,
            **_context(case, reference, token),
        )
    )


def _no_store(body: str | Response) -> Response:
    response = body if isinstance(body, Response) else Response(body, mimetype="text/html")
    # The address holds a secret: keep the page out of every cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _context(case: Submission, reference: str, token: str) -> dict[str, Any]:
    return {
        "case": case,
        "child": case.submitter_role == SubmitterRole.CHILD.value,
        "track_url": url_for("public.track", reference=reference, token=token),
        "reference": reference,
        "token": token,
        "today": london_date(utcnow()),
        # The key of this form page: sent again (a double click, a resubmit), it is the
        # same request (kept once); a page made anew has a new one.
        "form_key": _key() or secrets.token_urlsafe(24),
    }


def _key() -> str | None:
    return form_key(request.form.get("form_key"))


def _files() -> list[tuple[str, bytes]]:
    return [
        (upload.filename or "file", upload.read())
        for upload in request.files.getlist("files")
        if upload and upload.filename
    ]


def _sent(reference: str, token: str, sent: complainant_steps.Sent) -> Response:
    return redirect(
        url_for("public.step_sent", reference=reference, token=token, step_id=sent.step.id)
    )


def _text_step(
    reference: str,
    token: str,
    kind: StepKind,
    template: str,
    send: Callable[[Submission, str, list[tuple[str, bytes]]], complainant_steps.Sent],
    **extra: Any,
) -> Response:
    case = _case(reference, token)
    if stop := _not_offered(case, kind, reference, token):
        return stop
    form = StepTextForm()
    file_error = None
    if form.validate_on_submit():
        files = _files()
        if kind is StepKind.INFORMATION and not form.text.data and not files:
            form.text.errors = [_("Enter what you want to tell us, or choose a file")]
        elif kind is StepKind.REPLY and not form.text.data:
            form.text.errors = [_("Enter your message")]
        else:
            try:
                return _sent(reference, token, send(case, form.text.data, files))
            except attachments.FileRejected as problem:
                file_error = str(problem)
            except complainant_steps.NotOffered as refused:
                return _not_now(case, refused.why, reference, token)
    return _no_store(
        render_template(
            template,
            form=form,
            file_error=file_error,
            max_files=current_app.config["ATTACHMENT_MAX_FILES"],
            max_mb=current_app.config["ATTACHMENT_MAX_MB"],
            **_context(case, reference, token),
            **extra,
        )
    )


@bp.route("/track/<reference>/<token>/reply", methods=["GET", "POST"])
@limiter.limit(_limit)
def step_reply(reference: str, token: str) -> Response:
    case = _case(reference, token)
    return _text_step(
        reference,
        token,
        StepKind.REPLY,
        "public/track-reply.html",
        lambda c, text, files: complainant_steps.reply(c, text, files, by=BY, key=_key()),
        answering=complainant_steps.latest_message(case),
    )


@bp.route("/track/<reference>/<token>/add-information", methods=["GET", "POST"])
@limiter.limit(_limit)
def step_information(reference: str, token: str) -> Response:
    return _text_step(
        reference,
        token,
        StepKind.INFORMATION,
        "public/track-add-information.html",
        lambda c, text, files: complainant_steps.add_information(c, text, files, by=BY, key=_key()),
    )


def _step(
    case: Submission,
    reference: str,
    token: str,
    send: Callable[[], complainant_steps.Sent],
) -> Response:
    """Send the step: its confirmation (or the one it is a second sending of), or why
    the case no longer offers it."""
    try:
        return _sent(reference, token, send())
    except complainant_steps.NotOffered as refused:
        return _not_now(case, refused.why, reference, token)


@bp.route("/track/<reference>/<token>/more-time", methods=["GET", "POST"])
@limiter.limit(_limit)
def step_more_time(reference: str, token: str) -> Response:
    case = _case(reference, token)
    if stop := _not_offered(case, StepKind.MORE_TIME, reference, token):
        return stop
    reasons = complainant_steps.more_time_reasons(case)
    form = MoreTimeForm()
    if request.method == "GET":
        # A reason gone by the time the form comes back is the use case's to say.
        form.what_for.choices = [(v, w) for v, w in form.what_for.choices if v in reasons]
    if len(reasons) == 1 and not form.what_for.data:
        form.what_for.data = reasons[0].value
    if form.validate_on_submit():
        what_for = MoreTimeFor(form.what_for.data)
        return _step(
            case,
            reference,
            token,
            lambda: complainant_steps.ask_for_more_time(
                case, what_for, form.text.data, by=BY, key=_key()
            ),
        )
    form.what_for.choices = [(v, w) for v, w in form.what_for.choices if v in reasons]
    return _no_store(
        render_template(
            "public/track-more-time.html",
            form=form,
            window_end=complainant_steps.window_end(case),
            **_context(case, reference, token),
        )
    )


@bp.route("/track/<reference>/<token>/withdraw", methods=["GET", "POST"])
@limiter.limit(_limit)
def step_withdraw(reference: str, token: str) -> Response:
    """Two pages at one address: why (optional), then "Are you sure?", which posts the
    reason again with confirm=yes (and the first page's key)."""
    case = _case(reference, token)
    if stop := _not_offered(case, StepKind.WITHDRAW, reference, token):
        return stop
    form = WithdrawForm()
    if form.validate_on_submit():
        if request.form.get("confirm") == "yes":
            return _step(
                case,
                reference,
                token,
                lambda: complainant_steps.withdraw(case, form.reason.data, by=BY, key=_key()),
            )
        return _no_store(
            render_template(
                "public/track-withdraw-check.html", form=form, **_context(case, reference, token)
            )
        )
    return _no_store(
        render_template("public/track-withdraw.html", form=form, **_context(case, reference, token))
    )


def _next_stage_step(
    reference: str,
    token: str,
    stage: StepKind,
    form: Stage2Form | Stage3Form,
    template: str,
    window_end: Callable[[Submission], date | None],
) -> Response:
    """Asking for the next stage (stage 2, or in England a review panel), with reasons."""
    case = _case(reference, token)
    if stop := _not_offered(case, stage, reference, token):
        return stop
    if form.validate_on_submit():
        return _step(
            case,
            reference,
            token,
            lambda: complainant_steps.ask_for_next_stage(
                case, form.reasons.data, stage=stage, by=BY, key=_key()
            ),
        )
    return _no_store(
        render_template(
            template,
            form=form,
            window_end=window_end(case),
            window_days=complainant_steps.window_days(case),
            # Only stage 2's window can be given more time.
            time_granted=stage is StepKind.STAGE2 and complainant_steps.time_granted(case),
            **_context(case, reference, token),
        )
    )


@bp.route("/track/<reference>/<token>/ask-for-stage-2", methods=["GET", "POST"])
@limiter.limit(_limit)
def step_stage2(reference: str, token: str) -> Response:
    return _next_stage_step(
        reference,
        token,
        StepKind.STAGE2,
        Stage2Form(),
        "public/track-ask-for-stage-2.html",
        complainant_steps.window_end,
    )


@bp.route("/track/<reference>/<token>/ask-for-a-review-panel", methods=["GET", "POST"])
@limiter.limit(_limit)
def step_stage3(reference: str, token: str) -> Response:
    """England: a review panel (stage 3), after the stage 2 reply."""
    return _next_stage_step(
        reference,
        token,
        StepKind.STAGE3,
        Stage3Form(),
        "public/track-ask-for-a-review-panel.html",
        complainant_steps.stage3_window_end,
    )


@bp.get("/track/<reference>/<token>/sent/<int:step_id>")
@limiter.limit(_limit)
def step_sent(reference: str, token: str, step_id: int) -> Response:
    case = _case(reference, token)
    step = complainant_steps.find(case, step_id)
    if step is None:
        abort(404)
    urgent = any(sign.get("strength") == Strength.URGENT.value for sign in step.danger_signs or [])
    return _no_store(
        render_template(
            "public/track-sent.html",
            step=step,
            look_by=step.task.due_on if step.task else None,
            urgent=urgent,
            stage2_due=complainant_steps.stage2_due(case) if step.recorded else None,
            panel_due=complainant_steps.panel_due(case) if step.recorded else None,
            window_end=complainant_steps.window_end(case),
            files=complainant_steps.files_of(case).get(step.id, []),
            **_context(case, reference, token),
        )
    )


# --- a copy of what they sent ---------------------------------------------------------------


def _copy(case: Submission) -> dict[str, Any]:
    # The answers in the language they were written in, whatever this page is in.
    with force_locale(case.language):
        rows = answers_as_sent(case)
    return {
        "rows": rows,
        "files": [
            f for f in attachments.for_case(case) if f.added_by is None and f.step_id is None
        ],
        "kind": Kind(case.case.reclassified_from or case.case.kind),
    }


@bp.get("/track/<reference>/<token>/what-you-sent")
@limiter.limit(_limit)
def what_you_sent(reference: str, token: str) -> Response:
    case = _case(reference, token)
    with force_locale(case.language):
        return _no_store(
            render_template(
                "public/track-what-you-sent.html",
                **_copy(case),
                **_context(case, reference, token),
            )
        )


@bp.get("/track/<reference>/<token>/what-you-sent.pdf")
@limiter.limit(_limit)
def what_you_sent_pdf(reference: str, token: str) -> Response:
    case = _case(reference, token)
    with force_locale(case.language):
        html = render_template("public/what-you-sent-print.html", **_copy(case), case=case)
    return _no_store(pdf_download(html, f"{case.reference.replace('/', '-')}.pdf"))
