"""The public side: the start page, the four journeys, check your answers and the
confirmation. Views translate HTTP only; the rules live in portal/domain and the
database work in portal/services/intake.py."""

from functools import lru_cache
from typing import Any, cast

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from portal.database import read_only_from_now, utcnow
from portal.domain.access import Role
from portal.domain.clock import london_date
from portal.domain.journeys import CHECK_ANSWERS, STEP_SLUGS, previous_step, steps_for
from portal.domain.types import Kind, SubmitterRole
from portal.extensions import db, limit_posts, limiter
from portal.fields import PortalForm
from portal.i18n import lazy_gettext as _l
from portal.models import Draft, Staff
from portal.models.draft import DraftAnswers, ShownDraft
from portal.public import bp, kept_pages, track_page
from portal.public.feedback_views import tracking_feedback
from portal.public.forms import (
    ContactTodayForm,
    QuestionForm,
    ReturnAnswerForm,
    ReturnCodeForm,
    SaveForLaterForm,
    StopCopiesForm,
)
from portal.public.journey import (
    CARRIED_TO_COMPLAINT,
    KIND_SLUGS,
    KINDS_BY_SLUG,
    build_form,
    check_draft,
    kept_answers,
    role_of,
    stored_form,
    typed_values,
)
from portal.services import (
    advocates,
    attachments,
    clock,
    intake,
    safeguarding,
    save_return,
    sending_limits,
    tracking,
)

FIRST_STEP = "who-are-you"
TOO_MANY_EMAILS = _l(
    "We have already sent several emails to this address. Check your inbox and junk "
    "folder, or wait an hour and try again."
)
DANGER_STEP = safeguarding.DANGER_STEP
SESSION_EXPIRED = "session-expired"


def _kind(journey: str) -> Kind:
    kind = KINDS_BY_SLUG.get(journey)
    if kind is None:
        abort(404)
    return kind


def _draft_id(kind: Kind) -> str | None:
    """The id of the person's draft of `kind`, kept in their session."""
    drafts: dict[str, str] = session.get("drafts", {})
    return drafts.get(kind.value)


def _current_draft(kind: Kind, *, lock: bool = False) -> Draft | None:
    return intake.find_draft(_draft_id(kind), lock=lock)


def _draft_for(kind: Kind) -> Draft | ShownDraft | None:
    """The person's draft of `kind`: for a POST, to change (`Draft`); for a GET, to show,
    read outside any transaction (`ShownDraft`)."""
    if request.method == "POST":
        return _current_draft(kind)
    return intake.find_draft_to_show(_draft_id(kind))


def _remember(draft: Draft) -> None:
    drafts = dict(session.get("drafts", {}))
    drafts[draft.kind] = draft.id
    session["drafts"] = drafts
    session.permanent = True


def _forget(kind: Kind) -> None:
    drafts = dict(session.get("drafts", {}))
    drafts.pop(kind.value, None)
    session["drafts"] = drafts


def _sent_draft_id(kind: Kind) -> str | None:
    """The draft of `kind` this browser last sent: Back from the confirmation shows
    check your answers again, and Send pressed there is the same Send."""
    sent: dict[str, str] = session.get("sent_drafts", {})
    return sent.get(kind.value)


def _step_url(kind: Kind, step: str, **args: Any) -> str:
    if step == CHECK_ANSWERS:
        return url_for("public.check_answers", journey=KIND_SLUGS[kind])
    return url_for("public.question", journey=KIND_SLUGS[kind], step=step, **args)


@lru_cache(maxsize=256)
def _change_url(script_root: str, kind: Kind, step: str) -> str:
    """A step's change link on check your answers, several rows a step: built once a
    worker (`url_for` was about 7% of that page); the same for everyone under one root."""
    return _step_url(kind, step, change="yes")


def _audience(role: SubmitterRole | None) -> str:
    return "child" if role is SubmitterRole.CHILD else "adult"


def _help_box(role: SubmitterRole | None) -> bool:
    """ "If you are not safe right now" (components/help-box.html) on every page of a
    person who has said they are a child, and on every confirmation."""
    return role is SubmitterRole.CHILD


@bp.get("/")
def start() -> str:
    return render_template("public/start.html", kind_slugs=KIND_SLUGS)


@bp.get("/<journey>")
def journey_start(journey: str) -> Response:
    return redirect(_step_url(_kind(journey), FIRST_STEP))


@bp.route("/<journey>/<step>", methods=["GET", "POST"])
def question(journey: str, step: str) -> Response | str:
    kind = _kind(journey)
    if step not in STEP_SLUGS:
        abort(404)
    draft = _draft_for(kind)  # for a GET, read outside any transaction: only shown
    role = role_of(draft)
    if request.method == "POST" and draft is None and step != FIRST_STEP:
        return _keep_after_expiry(kind, step)
    if step != FIRST_STEP and step not in steps_for(kind, role):
        return _first_step_for(kind, role)
    # Shown (a GET's draft is a `ShownDraft`, or none), or answered.
    if request.method != "POST" or isinstance(draft, ShownDraft):
        return _question_page(kind, journey, step, draft, role)
    return _answer(kind, journey, step, draft, role)


def _answer(
    kind: Kind, journey: str, step: str, draft: Draft | None, role: SubmitterRole | None
) -> Response | str:
    """A question's answers posted: kept, valid or not; then the next page, or the same
    page with what is wrong."""
    form = build_form(step, kind, role, request.form, draft)
    valid = form.validate()
    if draft is None:
        draft = intake.start_draft(kind)
        _remember(draft)
    typed = typed_values(form, request.form)
    intake.save_step(
        draft,
        step,
        typed,
        complete=valid,
        checked=kept_answers(form, step, typed, draft) if valid else None,
    )
    changing = request.args.get("change") == "yes"
    if request.form.get("save-and-return"):
        return redirect(url_for("public.save_for_later", journey=journey, step=step))
    if valid and request.args.get("more") != "yes" and form.asks_again():
        return redirect(
            _step_url(kind, step, more="yes", **({"change": "yes"} if changing else {}))
        )
    if valid:
        following = CHECK_ANSWERS if changing else _next_incomplete(draft, kind, after=step)
        return redirect(_after_danger_check(kind, draft, step, form, following))
    return _question_page(kind, journey, step, draft, role, form)


def _first_step_for(kind: Kind, role: SubmitterRole | None) -> Response:
    """A step this journey does not ask (of this person): its first step, or check your
    answers once the person is known."""
    return redirect(_step_url(kind, steps_for(kind, role)[0] if role is None else CHECK_ANSWERS))


def _question_page(
    kind: Kind,
    journey: str,
    step: str,
    draft: DraftAnswers | None,
    role: SubmitterRole | None,
    form: QuestionForm | None = None,
) -> str:
    """A question, with the answers kept for it (`form`: as just posted, with what is
    wrong); for an advocate signed in, what their account knows filled in."""
    advocate = _signed_in_advocate(role)
    if form is None:
        form = stored_form(draft, step, kind, role) if draft else build_form(step, kind, role)
        if advocate is not None and (
            not (draft and draft.answers.get(step)) or request.args.get("child")
        ):
            filled = advocates.filled_in(advocate, step, request.args.get("child"))
            if filled:
                form = build_form(step, kind, role, MultiDict(filled), draft)

    changing = request.args.get("change") == "yes"
    # "more": the page shown again with more to read before the question is asked again.
    more = request.args.get("more") == "yes"
    back = previous_step(kind, role, step)
    here = ({"change": "yes"} if changing else {}) | ({"more": "yes"} if more else {})
    return kept_pages.form_page(
        f"public/{step}.html",
        form,
        kind=kind,
        journey=journey,
        step=step,
        role=role,
        audience=_audience(role),
        more=more,
        help_box=_help_box(role),
        back_url=_step_url(kind, CHECK_ANSWERS)
        if changing
        else (_step_url(kind, back) if back else url_for("public.start")),
        action=_step_url(kind, step, **here),
        earlier_children=advocates.earlier_children(advocate)
        if advocate is not None and step == "about-the-child"
        else [],
    )


def _signed_in_advocate(role: SubmitterRole | None) -> Staff | None:
    """A child's advocate signed in to their account, filing as an advocate: the form
    fills in what it knows (docs/advocates.md). Anyone else gets the form as it is."""
    if role is not SubmitterRole.ADVOCATE or not current_user.is_authenticated:
        return None
    person = cast(Staff, current_user._get_current_object())
    return person if person.role == Role.ADVOCATE.value else None


def _next_incomplete(draft: Draft, kind: Kind, *, after: str) -> str:
    slugs = steps_for(kind, role_of(draft))
    later = slugs[slugs.index(after) + 1 :] if after in slugs else slugs
    # Skip what is already answered (e.g. after switching to a complaint, only the new
    # question is asked before going back to check your answers).
    waiting = [slug for slug in later if not draft.complete.get(slug)]
    return waiting[0] if waiting else CHECK_ANSWERS


def _keep_after_expiry(kind: Kind, step: str) -> Response:
    """The person's session ended (or their draft expired) while they were typing.
    Keep what they typed on this page, tell them, and take them back to the start
    of the journey: the page they were on will show their words again."""
    form = build_form(step, kind, None, request.form)
    draft = intake.start_draft(kind)
    intake.save_step(draft, step, typed_values(form, request.form), complete=False)
    _remember(draft)
    flash(SESSION_EXPIRED)
    return redirect(_step_url(kind, FIRST_STEP))


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> Response | tuple[str, int]:
    """A form posted without a valid session: never lose what was typed, never submit."""
    journey = (request.view_args or {}).get("journey", "")
    step = (request.view_args or {}).get("step", "")
    kind = KINDS_BY_SLUG.get(journey)
    if kind is not None and step in STEP_SLUGS:
        return _keep_after_expiry(kind, step)
    return render_template("errors/session-ended.html"), 400


@bp.route("/<journey>/files", methods=["GET", "POST"])
def files(journey: str) -> Response | str:
    """Files are sent one at a time (it works on any phone, with or without JavaScript);
    a file that fails a check is refused with the reason and nothing else is lost."""
    kind = _kind(journey)
    draft = _current_draft(kind)
    role = role_of(draft)
    if draft is None or "files" not in steps_for(kind, role):
        return redirect(_step_url(kind, FIRST_STEP))
    changing = request.args.get("change") == "yes"
    error = None
    if request.method == "POST":
        remove = request.form.get("remove", "")
        if remove:
            if remove.isdecimal() and len(remove) < 10:
                attachments.remove_from_draft(draft, int(remove))
            return redirect(request.full_path)
        upload = request.files.get("file")
        if request.form.get("upload") or (upload and upload.filename):
            if upload is None or not upload.filename:
                error = _("Select a file")
            else:
                try:
                    attachments.add_to_draft(draft, upload.filename, upload.read())
                except attachments.FileRejected as rejected:
                    error = str(rejected)
                else:
                    return redirect(request.full_path)
        else:
            intake.save_step(draft, "files", {}, complete=True)
            if request.form.get("save-and-return"):
                return redirect(url_for("public.save_for_later", journey=journey, step="files"))
            following = CHECK_ANSWERS if changing else _next_incomplete(draft, kind, after="files")
            return redirect(_step_url(kind, following))
    back = previous_step(kind, role, "files")
    return render_template(
        "public/files.html",
        files=attachments.for_draft(draft.id),
        error=error,
        audience=_audience(role),
        help_box=_help_box(role),
        max_files=current_app.config["ATTACHMENT_MAX_FILES"],
        max_mb=current_app.config["ATTACHMENT_MAX_MB"],
        back_url=_step_url(kind, CHECK_ANSWERS)
        if changing
        else _step_url(kind, back or FIRST_STEP),
        action=_step_url(kind, "files", **({"change": "yes"} if changing else {})),
    )


def _after_danger_check(
    kind: Kind, draft: Draft, step: str, form: QuestionForm, following: str
) -> str:
    """Where a page leads once answered: first to help, if it gave us cause to worry."""
    journey = KIND_SLUGS[kind]
    if step == DANGER_STEP and safeguarding.said_yes(form.answers()):
        return url_for("public.get_help_now", journey=journey, then=following)
    reply = safeguarding.contact_today_of(draft)
    already_asked = reply is not None and reply.wanted
    if not already_asked and safeguarding.signals_in_step(step, form.answers()):
        return url_for("public.check_you_are_safe", journey=journey, step=step, then=following)
    return _step_url(kind, following)


def _in_words(minutes: int) -> str:
    """ "1 hour", "90 minutes": how long before an unsent help page reaches staff."""
    if minutes % 60 == 0:
        return str(ngettext("%(num)d hour", "%(num)d hours", minutes // 60))
    return str(ngettext("%(num)d minute", "%(num)d minutes", minutes))


def _then(kind: Kind) -> str:
    then = request.args.get("then", "")
    return _step_url(kind, then if then in STEP_SLUGS or then == CHECK_ANSWERS else CHECK_ANSWERS)


def _contact_today(
    kind: Kind, draft: Draft | ShownDraft, template: str, **context: Any
) -> Response | str:
    """The help page and the page that asks again share one question: "Do you want us to
    contact you today?". The answer goes with the submission when it is sent. (`draft`:
    a POST's `Draft`; a GET's `ShownDraft`, `_draft_for`.)"""
    role = role_of(draft)
    safeguarding.help_shown(draft)
    child = role is SubmitterRole.CHILD
    known = safeguarding.known_contact(draft)
    if isinstance(draft, Draft):  # posted (`_draft_for`)
        form = ContactTodayForm(request.form, child=child, known=known)
        if form.validate():
            safeguarding.save_contact_today(
                draft,
                typed_values(form, request.form),
                wanted=form.contact_today.data == "yes",
                reach=form.reach(),
            )
            return redirect(_then(kind))
    else:
        typed = draft.answers.get(safeguarding.CONTACT_TODAY) or {}
        form = ContactTodayForm(MultiDict(typed), child=child, known=known)
    # Get help now is the same page for everyone who answers alike; the page that asks
    # again shows the person's own words back (`worried`), so it is made for them.
    page = kept_pages.form_page if "worried" not in context else _in_full
    return page(
        template,
        form,
        kind=kind,
        audience=_audience(role),
        child=role is SubmitterRole.CHILD,
        action=request.full_path,
        unsent_after=_in_words(current_app.config["SAFEGUARDING_UNSENT_AFTER_MINUTES"]),
        **context,
    )


@bp.route("/<journey>/get-help-now", methods=["GET", "POST"])
def get_help_now(journey: str) -> Response | str:
    """After "yes" or "I'm not sure" to the danger question: who to call now, what we do
    when they press Send, and whether they want us to contact them today."""
    kind = _kind(journey)
    draft = _draft_for(kind)
    if draft is None:
        return redirect(_step_url(kind, FIRST_STEP))
    return _contact_today(kind, draft, "public/get-help-now.html")


@bp.route("/<journey>/check-you-are-safe", methods=["GET", "POST"])
def check_you_are_safe(journey: str) -> Response | str:
    """Something they wrote worried us: show it back, and ask again, by offering to
    contact them today (never telling them what their words "sound like")."""
    kind = _kind(journey)
    draft = _draft_for(kind)
    if draft is None:
        return redirect(_step_url(kind, FIRST_STEP))
    step = request.args.get("step", "")
    signals = safeguarding.signals_in_step(step, draft.answers.get(step, {}))
    if not signals:
        return redirect(_then(kind))
    return _contact_today(
        kind, draft, "public/check-you-are-safe.html", worried=signals[0], help_box=True
    )


@bp.route("/<journey>/check-answers", methods=["GET", "POST"])
@limit_posts(lambda: str(current_app.config["SUBMISSION_RATE_LIMIT"]))
def check_answers(journey: str) -> Response | str:
    kind = _kind(journey)
    draft_id = _draft_id(kind)
    if request.method == "POST":
        return _send(kind, journey, draft_id or _sent_draft_id(kind))
    # Shown: the draft read outside any transaction, one begun only to keep new rows.
    draft = intake.find_draft_to_show(draft_id, checked=True)
    if draft is None:
        return redirect(_step_url(kind, FIRST_STEP))
    # The page shows the answers kept as checked.
    checked = check_draft(draft, kind)
    if checked.first_incomplete:
        return redirect(_step_url(kind, checked.first_incomplete))
    role = role_of(draft)
    return kept_pages.answers_page(
        "public/check-answers.html",
        checked.rows,
        attachments.for_draft(draft.id) if draft.has_files is not False else [],
        kind=kind,
        journey=journey,
        role=role,
        audience=_audience(role),
        help_box=_help_box(role),
        change_url=lambda step: _change_url(request.script_root, kind, step),
        back_url=_step_url(kind, previous_step(kind, role, CHECK_ANSWERS) or FIRST_STEP),
    )


def _send(kind: Kind, journey: str, draft_id: str | None) -> Response | str:
    """Send: every answer checked again, and the submission recorded."""
    draft = intake.find_draft(draft_id, lock=True)
    if draft is None:
        # Send pressed again after the first press made the case: the same confirmation.
        sent = intake.sent_from(draft_id)
        if sent is not None and sent.case.kind == kind.value:
            return _confirm(kind, journey, sent.reference, draft_id)
        return render_template("errors/session-ended.html"), 400  # type: ignore[return-value]
    checked = check_draft(draft, kind, again=True)
    if checked.first_incomplete:
        return redirect(_step_url(kind, checked.first_incomplete))
    if request.form.get("website"):
        # Only a bot fills the hidden field: drop it without a word.
        intake.discard_draft(draft)
        _forget(kind)
        return redirect(url_for("public.start"))
    answers = checked.answers()
    carried = dict(draft.answers)
    new = intake.NewSubmission.from_answers(kind, answers)
    new.filed_by = _signed_in_advocate(new.role)
    try:
        submission = intake.record_submission(new, draft=draft)
    except intake.DraftGone:
        return render_template("errors/session-ended.html"), 400  # type: ignore[return-value]
    if kind is Kind.ADVOCACY and answers["what-happened"].get("also_complain") == "yes":
        _remember(intake.copy_draft(carried, Kind.COMPLAINT, CARRIED_TO_COMPLAINT))
    return _confirm(kind, journey, submission.reference, draft_id)


def _confirm(kind: Kind, journey: str, reference: str, draft_id: str | None) -> Response:
    _forget(kind)
    if draft_id is not None:
        session["sent_drafts"] = {**session.get("sent_drafts", {}), kind.value: draft_id}
    session["submitted"] = reference
    return redirect(url_for("public.confirmation", journey=journey))


@bp.post("/<journey>/switch")
def switch_kind(journey: str) -> Response:
    """Complaint <-> representation without typing anything again."""
    kind = _kind(journey)
    if kind not in (Kind.COMPLAINT, Kind.REPRESENTATION):
        # Only a complaint and a representation swap: anything else goes back to checking.
        return redirect(_step_url(kind, CHECK_ANSWERS))
    draft = _current_draft(kind)
    if draft is None:
        return redirect(_step_url(kind, FIRST_STEP))
    target = Kind.REPRESENTATION if kind is Kind.COMPLAINT else Kind.COMPLAINT
    _forget(kind)
    intake.change_kind(draft, target)
    _remember(draft)
    checked = check_draft(draft, target)
    return redirect(_step_url(target, checked.first_incomplete or CHECK_ANSWERS))


@bp.get("/<journey>/confirmation")
def confirmation(journey: str) -> Response | str:
    kind = _kind(journey)
    reference = session.get("submitted")
    read_only_from_now(db.session())  # shown, not changed: no transaction
    sent = tracking.find_sent(reference) if reference else None
    if sent is None or sent.submission.case.kind != kind.value:
        return redirect(url_for("public.start"))
    submission = sent.submission
    case = submission.case
    role = SubmitterRole(submission.submitter_role)
    # Plain values only: the page is kept for each set of them, the reference put in.
    return kept_pages.plain_page(
        "public/confirmation.html",
        ("reference",),
        reference=submission.reference,
        kind=kind,
        audience=_audience(role),
        acknowledge_by=submission.acknowledge_by,
        procedure=case.procedure,
        stage1_due=case.stage1_due,
        advocacy_answer=submission.advocacy_answer,
        advocacy_due_on=case.advocacy_due_on,
        complaint_waiting=kind is Kind.ADVOCACY and _current_draft(Kind.COMPLAINT) is not None,
        stage1_extended=clock.longest_first_response(submission, progress=sent.progress()),
        # Whatever was typed, whoever typed it.
        help_box=True,
    )


@bp.route("/track/<reference>/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: str(current_app.config["TRACKING_RATE_LIMIT"]))
def track(reference: str, token: str) -> Response | str:
    if request.method == "GET":
        read_only_from_now(db.session())  # shown, not changed: no transaction
    found = tracking.tracking_page(reference, token)
    if found is None:
        abort(404)
    submission = found.submission
    copies = tracking.copies_to_advocate(submission)
    form = StopCopiesForm() if copies else None
    if request.method == "POST":
        if form is None:
            # The consent was withdrawn already (the form sent twice, or by the advocate).
            return redirect(request.path)
        if form.validate_on_submit():
            if form.stop.data == "yes":
                tracking.stop_copies(submission)
                flash("copies-stopped")
            return redirect(request.path)
    role = SubmitterRole(submission.submitter_role)
    from_them = found.steps()
    offer = found.offer(from_them)
    shown = track_page.values(submission, found.letters(), from_them, offer.available) | {
        "reference": submission.reference,
        "token": token,
        "audience": _audience(role),
        "window_end": offer.window_end,
        "stage3_window_end": offer.stage3_window_end,
        "today": london_date(utcnow()),
        **tracking_feedback(found.invitation, reference, token),
    }
    if form is None:
        html = kept_pages.plain_page("public/track.html", ("reference", "token"), **shown)
    else:  # the form to stop copies to their advocate: its token and answer, in full
        html = render_template("public/track.html", form=form, **shown)
    response = Response(html, mimetype="text/html")  # Werkzeug's is plain text unless told
    # The address holds a secret: keep the page out of shared caches.
    response.headers["Cache-Control"] = "no-store"
    return response


# --- save and come back later -------------------------------------------------------------


@bp.route("/<journey>/save-for-later", methods=["GET", "POST"])
@limit_posts(lambda: str(current_app.config["SUBMISSION_RATE_LIMIT"]))
def save_for_later(journey: str) -> Response | str:
    kind = _kind(journey)
    draft = _draft_for(kind)
    if draft is None:
        return redirect(_step_url(kind, FIRST_STEP))
    step = request.args.get("step", FIRST_STEP)
    form = SaveForLaterForm()
    days = current_app.config["SAVE_RETURN_DAYS"]
    form.email.description = ngettext(
        "We will send you a link to carry on. It works for %(num)d day.",
        "We will send you a link to carry on. It works for %(num)d days.",
        days,
    )
    form.question.choices = list(save_return.QUESTIONS.items())
    # A POST's draft is a `Draft` (`_draft_for`).
    if isinstance(draft, Draft) and form.validate_on_submit():
        if not sending_limits.allow_email_to(form.email.data, purpose="save-return"):
            form.email.errors = [TOO_MANY_EMAILS]
        else:
            saved_to = save_return.save(
                draft,
                email=form.email.data,
                question=form.question.data,
                answer=form.answer.data,
                return_url=url_for("public.carry_on", token=""),
            )
            # This browser forgets the answers: on a shared computer nobody else can see
            # them.
            _forget(kind)
            if saved_to is None:
                return redirect(_step_url(kind, FIRST_STEP))
            return render_template(
                "public/saved.html",
                email=saved_to,
                days=days,
                help_box=_help_box(role_of(draft)),
            )
    back = _step_url(kind, step if step in STEP_SLUGS else FIRST_STEP)
    return kept_pages.form_page(
        "public/save-for-later.html", form, back_url=back, help_box=_help_box(role_of(draft))
    )


def _in_full(template: str, form: PortalForm, **context: Any) -> str:
    return render_template(template, form=form, **context)


@bp.route("/continue/<token>", methods=["GET", "POST"])
@limit_posts("30 per hour")
def carry_on(token: str) -> Response | str | tuple[str, int]:
    draft = save_return.find(token)
    if draft is None:
        return render_template("public/link-not-working.html"), 404
    by_code = request.args.get("by") == "code"
    form: Any = ReturnCodeForm() if by_code else ReturnAnswerForm()
    if not by_code:
        form.answer.label.text = save_return.QUESTIONS.get(
            draft.return_question or "", _("Your answer")
        )
    if request.method == "POST" and request.form.get("send-code"):
        if draft.return_email and sending_limits.allow_email_to(
            draft.return_email, purpose="save-return"
        ):
            save_return.send_code(draft)
            flash("code-sent")
        else:
            flash("too-many-codes")
        return redirect(url_for("public.carry_on", token=token, by="code"))
    if form.validate_on_submit():
        check = (
            save_return.check_code(draft, form.code.data)
            if by_code
            else save_return.check_answer(draft, form.answer.data)
        )
        if check.locked:
            return render_template("public/link-not-working.html", locked=True), 404
        if check.ok:
            resumed = save_return.resume(draft)
            if resumed is None:  # used by someone else at the same instant
                return render_template("public/link-not-working.html"), 404
            _remember(resumed)
            kind = Kind(resumed.kind)
            checked = check_draft(resumed, kind)
            return redirect(_step_url(kind, checked.first_incomplete or CHECK_ANSWERS))
        field = form.code if by_code else form.answer
        field.errors = [
            ngettext(
                "That is not right. You have %(num)d more try.",
                "That is not right. You have %(num)d more tries.",
                check.tries_left,
            )
        ]
    return render_template("public/carry-on.html", form=form, by_code=by_code, token=token)
