"""Response letters in the back office: draft from the case and edit, send for approval,
approve (by email, or for printing) or return with comments, print or download as PDF,
and the list of letters waiting (services/response_letters.py)."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.common import case_or_404, me, today
from portal.backoffice.forms import LetterDecisionForm, ResponseLetterForm
from portal.domain.access import Permission
from portal.domain.clock import london_date
from portal.models import LetterStatus, ResponseLetter, Submission
from portal.numbers import whole_number
from portal.pdf import pdf_download
from portal.services import cases, correspondence, response_letters
from portal.services.cases import NotAllowed
from portal.services.common import council_name
from portal.services.response_letters import LetterRefused

EDITABLE = (LetterStatus.DRAFT, LetterStatus.RETURNED)


def _stage_or_404(case: Submission, stage: int) -> int:
    if stage not in response_letters.stages_of(case):
        abort(404)
    return stage


def _letter_page(
    case: Submission,
    stage: int,
    letter: ResponseLetter | None,
    *,
    form: ResponseLetterForm | None = None,
    decision: LetterDecisionForm | None = None,
    refilled: bool = False,
) -> str:
    editable = letter is None or letter.status in EDITABLE
    drafted = response_letters.template(case, stage, today())
    if editable and form is None:
        form = ResponseLetterForm(
            data={
                "version": letter.version if letter else "",
                "subject": letter.subject if letter else drafted.subject,
                "body": letter.body if letter else drafted.body,
            }
        )
    # Words typed and refused (the letter went for approval meanwhile) stay, with why.
    show_form = editable or bool(form and form.errors)
    awaiting = letter is not None and letter.status == LetterStatus.AWAITING_APPROVAL
    may_approve = awaiting and response_letters.may_approve(me(), letter)  # type: ignore[arg-type]
    if may_approve and decision is None:
        decision = LetterDecisionForm(data={"version": letter.version})  # type: ignore[union-attr]
    # A refused decision is shown beside its question, whoever sent it.
    show_decision = awaiting and (may_approve or bool(decision and decision.errors))
    texted = response_letters.complainant_texted(case)
    if decision is not None and texted:
        # The letter itself is not texted: a text says it is ready on their tracking page.
        decision.decision.choices = [
            ("email", "Approve it and text them that it is ready")
            if value == "email"
            else (value, label)
            for value, label in decision.decision.choices
        ]
    return render_template(
        "backoffice/response-letter.html",
        case=case,
        stage=stage,
        letter=letter,
        title=response_letters.STAGE_TITLES[stage],
        status_names=response_letters.STATUS_NAMES,
        greeting=letter.greeting if letter else drafted.greeting,
        dated=response_letters.dated(case, stage, today()),
        form=form if show_form else decision,
        letter_form=form if show_form else None,
        decision=decision if show_decision else None,
        awaiting=awaiting,
        complainant_email=response_letters.complainant_email(case),
        complainant_texted=texted,
        refilled=refilled,
    )


@bp.route("/cases/<reference>/response-letters/<int:stage>", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def response_letter(reference: str, stage: int) -> Response | str:
    found = case_or_404(reference)
    _stage_or_404(found, stage)
    letter = response_letters.find(found, stage)
    action = request.form.get("action", "save")
    # The letter shows what the case holds: reading it, or filling it in again from the
    # case, is a view of the case.
    if request.method == "GET" or action == "refill":
        cases.record_view(me(), found)
    if request.method == "GET":
        return _letter_page(found, stage, letter)
    form = ResponseLetterForm()
    if action == "refill" and (letter is None or letter.status in EDITABLE):
        fresh = response_letters.template(found, stage, today())
        form.subject.data, form.body.data = fresh.subject, fresh.body
        form.subject.errors, form.body.errors = [], []
        return _letter_page(found, stage, letter, form=form, refilled=True)
    if form.validate_on_submit():
        try:
            response_letters.save(
                me(),
                found,
                stage,
                subject=form.subject.data,
                body=form.body.data,
                send_for_approval=action == "submit",
                version=whole_number(form.version.data),
                today=today(),
            )
        except LetterRefused as refused:
            form.body.errors = [str(refused)]
            if letter is not None:
                form.version.data = letter.version
        else:
            flash(
                "The letter is sent for approval."
                if action == "submit"
                else "The draft is saved. Nothing is sent until a manager approves it.",
                "success",
            )
            return redirect(url_for("backoffice.response_letter", reference=reference, stage=stage))
    return _letter_page(found, stage, letter, form=form)


@bp.post("/cases/<reference>/response-letters/<int:stage>/decision")
@requires(Permission.APPROVE_LETTERS)
def response_letter_decision(reference: str, stage: int) -> Response | str:
    found = case_or_404(reference)
    _stage_or_404(found, stage)
    letter = response_letters.find(found, stage)
    if letter is None:
        abort(404)
    if letter.status != LetterStatus.AWAITING_APPROVAL:
        # Already decided (by someone else, or in another tab): show it as it is now.
        return redirect(url_for("backoffice.response_letter", reference=reference, stage=stage))
    form = LetterDecisionForm()
    if form.validate_on_submit():
        version = whole_number(form.version.data)
        try:
            if form.decision.data == "return":
                response_letters.return_to_caseworker(
                    me(), found, stage, comments=form.comments.data, version=version
                )
                message = "The letter is returned to the caseworker with your comments."
            else:
                response_letters.approve(
                    me(), found, stage, how=form.decision.data, version=version
                )
                message = {
                    "email": "The letter is approved. They asked for texts: a text tells them "
                    "it is on their tracking page."
                    if response_letters.complainant_texted(found)
                    else "The letter is approved and sent by email.",
                    "in_person": "The letter is approved. Print it and give it to them in "
                    "person. Do not post it.",
                }.get(form.decision.data, "The letter is approved. Print it and post it today.")
        except LetterRefused as refused:
            form.decision.errors = [str(refused)]
        except NotAllowed:
            abort(403)
        else:
            flash(message, "success")
            return redirect(url_for("backoffice.response_letter", reference=reference, stage=stage))
    return _letter_page(found, stage, response_letters.find(found, stage), decision=form)


def _printable(case: Submission, letter: ResponseLetter) -> dict[str, Any]:
    """The letter itself, in the person's language (the rest of the page is English)."""
    on = london_date(letter.approved_at) if letter.approved_at else today()
    return {
        "case": case,
        "letter": letter,
        "letter_date": on,
        "letter_council": council_name(letter.language),
        "draft": letter.status != LetterStatus.SENT,
    }


def _letter_or_404(reference: str, stage: int) -> tuple[Submission, ResponseLetter]:
    found = case_or_404(reference)
    _stage_or_404(found, stage)
    letter = response_letters.find(found, stage)
    if letter is None:
        abort(404)
    return found, letter


@bp.get("/cases/<reference>/response-letters/<int:stage>/print")
@requires(Permission.VIEW_CASES)
def response_letter_print(reference: str, stage: int) -> str:
    found, letter = _letter_or_404(reference, stage)
    response_letters.record_printed(me(), found, letter, as_pdf=False)
    context = _printable(found, letter)
    with force_locale(letter.language):
        text = render_template("backoffice/_response-letter-text.html", **context)
    return render_template(
        "backoffice/response-letter-print.html",
        title=f"{response_letters.STAGE_TITLES[stage]} for {found.reference}",
        text=Markup(text),  # noqa: S704 (rendered by Jinja with autoescape just above)
        **context,
    )


@bp.get("/cases/<reference>/response-letters/<int:stage>/letter.pdf")
@requires(Permission.VIEW_CASES)
def response_letter_pdf(reference: str, stage: int) -> Response:
    found, letter = _letter_or_404(reference, stage)
    response_letters.record_printed(me(), found, letter, as_pdf=True)
    with force_locale(letter.language):
        html = render_template("backoffice/response-letter-pdf.html", **_printable(found, letter))
    draft = "" if letter.status == LetterStatus.SENT else "-draft"
    return pdf_download(html, f"{found.reference}-stage-{stage}-letter{draft}.pdf")


@bp.get("/letters")
@requires(Permission.APPROVE_LETTERS)
def letters_waiting() -> str:
    return render_template(
        "backoffice/letters.html",
        letters=response_letters.waiting(me()),
        status_names=response_letters.STATUS_NAMES,
        stage_titles=response_letters.STAGE_TITLES,
    )


@bp.get("/cases/<reference>/letters/<int:letter_id>/print")
@requires(Permission.VIEW_CASES)
def correspondence_print(reference: str, letter_id: int) -> str:
    """A letter or message that could not be emailed, to post (or to read out on the
    phone): the one its task names."""
    found = case_or_404(reference)
    item = correspondence.find(found, letter_id)
    if item is None:
        abort(404)
    cases.record_letter_printed(me(), found)
    with force_locale(found.language):
        return render_template(
            "backoffice/correspondence-print.html",
            case=found,
            letter=item,
            printed_on=today(),
            letter_council=council_name(found.language),
        )
