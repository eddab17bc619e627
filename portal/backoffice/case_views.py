"""The case: its page, its acknowledgement letter and files, and the actions on it (each
one a form, a use case and the case page again, through common.case_action)."""

from functools import partial

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.common import (
    case_action,
    case_or_404,
    me,
    required_date,
    today,
)
from portal.backoffice.forms import (
    AcknowledgementForm,
    AdvocacyForm,
    AssignForm,
    CategoriesForm,
    ConsentForm,
    DocumentForm,
    EnquiryForm,
    EnquiryReplyForm,
    FromThemForm,
    LessonForm,
    MoveForm,
    NoteForm,
    PointForm,
    ProcedureForm,
    ReclassifyForm,
    SafeguardingForm,
    SufficientInterestForm,
    ThankForm,
)
from portal.domain import delivery, labels
from portal.domain.access import Permission
from portal.domain.complainant_steps import Decision, StepKind
from portal.domain.letters import ombudsman_for
from portal.domain.stages import (
    Move,
    MoveRefused,
    NewDateRefused,
    allowed_moves,
    clock_running,
    move_label,
)
from portal.domain.stages import open_pause as stages_open_pause
from portal.domain.timescales import (
    AcknowledgementRefused,
    Procedure,
    Step,
    acknowledged_late,
    limit_days,
)
from portal.domain.types import Kind
from portal.fields import required
from portal.i18n import long_date
from portal.models import Submission
from portal.services import (
    advocates,
    attachments,
    audit,
    case_notes,
    cases,
    clock,
    complainant_steps,
    consent,
    correspondence,
    enquiries,
    ombudsman,
    outbox,
    receipts,
    recording,
    referrals,
    related_cases,
    reminders,
    reopening,
    response_letters,
    safeguarding,
    teams,
)
from portal.services import staff as staff_service


@bp.get("/cases/<reference>")
@requires(Permission.VIEW_CASES)
def case(reference: str) -> str:
    found = case_or_404(reference)
    cases.record_view(me(), found)
    progress = cases.progress_of(found)
    case_referrals = referrals.on_case(found, today())
    return render_template(
        "backoffice/case.html",
        case=found,
        moves=[(m, move_label(m, progress.procedure)) for m in allowed_moves(progress, today())],
        owed=clock.owed(found, progress=progress),
        acknowledged_late=acknowledged_late(progress.acknowledged_on, found.acknowledge_by),
        time_used=recording.time_used_of(found, today()),
        trail=audit.for_case(found),
        letters=correspondence.on_case(found),
        clock_paused=stages_open_pause(progress) is not None,
        clock_can_pause=clock_running(progress),
        letter_titles=correspondence.STAFF_TITLES,
        response_letters=response_letters.on_case(found),
        letter_stages_to_draft=response_letters.stages_to_draft(found),
        letter_stage_titles=response_letters.STAGE_TITLES,
        letter_status_names=response_letters.STATUS_NAMES,
        support=support_needed(found),
        files=attachments.for_case(found),
        notes=case_notes.for_case(found),
        from_them=complainant_steps.on_case(found),
        from_them_files=complainant_steps.files_of(found),
        from_them_words=complainant_steps.STAFF_WORDS,
        enquiries=enquiries.on_case(found, today()),
        ombudsman=ombudsman.on_case(found, today()),
        # Staff pages are in English: the ombudsman's name untranslated.
        ombudsman_name=ombudsman_for(progress.procedure, found.jurisdiction).name(str),
        note_form=NoteForm(data={"version": found.case.version}),
        tasks=cases.open_tasks(found),
        messages=receipts.on_case(found.id),
        version_of=receipts.version_of,
        may_send_again=outbox.may_send_again,
        purpose_words=delivery.PURPOSE_WORDS,
        channel_words=delivery.channel_words,
        notices=reminders.for_case(found),
        teams=teams.all_teams(),
        staff_names={s.id: s.name for s in staff_service.team_members(None)},
        reopenings=reopening.reopenings_of(found),
        linked=related_cases.linked_to(me(), found),
        advocacy=advocates.summary(found),
        referrals=case_referrals,
        provider_names=referrals.provider_names(case_referrals),
    )


def support_needed(case: Submission) -> str:
    """The help the person asked for, in words: "An interpreter (Polish); Large print"."""
    needs = []
    for need in case.support_needs or []:
        words = labels.label("support_need", need)
        if need == "interpreter" and case.interpreter_language:
            words += f" ({case.interpreter_language})"
        if need == "other" and case.other_support:
            words += f": {case.other_support}"
        needs.append(words)
    return "; ".join(needs)


@bp.get("/cases/<reference>/acknowledgement-letter")
@requires(Permission.VIEW_CASES)
def acknowledgement_letter(reference: str) -> str:
    found = case_or_404(reference)
    cases.record_letter_printed(me(), found)
    # The letter is in the language the person wrote in.
    with force_locale(found.language):
        # The letter is the acknowledgement: its dates count from the day it is printed.
        first = clock.first_response_due(found, acknowledged_on=today())
        return render_template(
            "backoffice/acknowledgement-letter.html",
            case=found,
            stage1_due=first.deadline.due if first and first.deadline else None,
            stage1_due_what=first.what if first else None,
            stage1_extended=clock.longest_first_response(found, acknowledged_on=today()),
            resolution_days=limit_days(Procedure.WALES_CHILDREN, Step.RESOLUTION_LETTER),
            wales_stage2_days=limit_days(Procedure.WALES_CHILDREN, Step.STAGE2_RESPONSE),
            printed_on=today(),
        )


@bp.route("/cases/<reference>/documents", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def add_document(reference: str) -> Response | str:
    """A letter scanned in, an investigator's report: checked and scanned as the public's
    files are, and kept with the case."""
    found = case_or_404(reference)
    form = DocumentForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            attachments.add_to_case(
                me(),
                found,
                upload.filename or "document",
                upload.read(),
                description=form.description.data or "",
            )
        except attachments.FileRejected as rejected:
            form.file.errors = [str(rejected)]
        else:
            flash("Document added.", "success")
            return redirect(url_for("backoffice.case", reference=found.reference))
    return render_template(
        "backoffice/add-document.html",
        case=found,
        form=form,
        max_mb=current_app.config["ATTACHMENT_MAX_MB"],
    )


@bp.get("/cases/<reference>/files/<int:attachment_id>")
@requires(Permission.VIEW_CASES)
def download(reference: str, attachment_id: int) -> Response:
    """Always a download, never shown in the browser: a file is not trusted content."""
    found = case_or_404(reference)
    stored = attachments.open_for_staff(me(), found, attachment_id)
    if stored is None or not stored[0].exists():
        abort(404)
    path, attachment = stored
    response = send_file(
        path,
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=attachment.filename,
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the actions on a case ---------------------------------------------------------------------


@bp.route("/cases/<reference>/move/<move>", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def move(reference: str, move: str) -> Response | str:
    try:
        chosen = Move(move)
    except ValueError:
        abort(404)

    def label(found: Submission) -> str:
        return move_label(chosen, Procedure(found.case.procedure))

    def save(found: Submission, form: MoveForm, version: int) -> str:
        moved = cases.MoveInput(chosen, required_date(form.on), form.details(), today())
        cases.apply(me(), found, moved, version=version)
        return f"{label(found)}: saved."

    return case_action(
        reference,
        partial(MoveForm, move=chosen),
        save,
        title=label,
        beside="on",
        refused=(MoveRefused,),
        elsewhere={NewDateRefused: "stage2_extended_to"},
        template="backoffice/move.html",
        move=chosen,
    )


def _assign_choices(form: AssignForm, found: Submission) -> None:
    form.team.choices = [("", "Choose a team")] + [
        (str(t.id), t.name) for t in teams.all_teams(include_inactive=False)
    ]
    form.person.choices = [("", "No one yet")] + staff_service.assignee_choices()


@bp.route("/cases/<reference>/assign", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def assign(reference: str) -> Response | str:
    def save(found: Submission, form: AssignForm, version: int) -> str:
        cases.assign(
            me(),
            found,
            team_id=int(form.team.data) if form.team.data else None,
            person_id=int(form.person.data) if form.person.data else None,
            reason=form.reason.data or "",
            version=version,
        )
        return "Assignment saved."

    return case_action(
        reference,
        AssignForm,
        save,
        title="Assign the case",
        beside="team",
        refused=(ValueError,),
        elsewhere={cases.ReasonNeeded: "reason", cases.AssigneeRefused: "person"},
        data=lambda found: {
            "team": str(found.case.team_id or ""),
            "person": str(found.case.assigned_staff_id or ""),
        },
        choices=_assign_choices,
        inline=True,
    )


@bp.route("/cases/<reference>/acknowledge", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def acknowledge(reference: str) -> Response | str:
    def save(found: Submission, form: AcknowledgementForm, version: int) -> str:
        on = required_date(form.on)
        cases.record_acknowledgement(
            me(), found, how=form.how.data, on=on, version=version, today=today()
        )
        return "Acknowledgement recorded."

    return case_action(
        reference,
        AcknowledgementForm,
        save,
        title="Record an acknowledgement made by phone or letter",
        beside="on",
        refused=(AcknowledgementRefused,),
        inline=True,
    )


@bp.route("/cases/<reference>/safeguarding", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def safeguarding_action(reference: str) -> Response | str:
    def save(found: Submission, form: SafeguardingForm, version: int) -> str:
        safeguarding.record_action(me(), found, action=form.action.data)
        return "What was done is recorded. The case no longer sits at the top of the queue."

    def title(found: Submission) -> str:
        what = "possible danger" if found.urgent or not found.concern else "a possible concern"
        return f"Record what was done about {what}"

    return case_action(reference, SafeguardingForm, save, title=title)


@bp.route("/cases/<reference>/reclassify", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def reclassify(reference: str) -> Response | str:
    def save(found: Submission, form: ReclassifyForm, version: int) -> str:
        kind = Kind(form.kind.data)
        cases.reclassify(me(), found, kind=kind, reason=form.reason.data, version=version)
        return "Reclassified."

    return case_action(
        reference,
        ReclassifyForm,
        save,
        title="Reclassify",
        beside="kind",
        refused=(ValueError,),
        inline=True,
    )


def _procedure_choices(form: ProcedureForm, found: Submission) -> None:
    form.procedure.choices = list(labels.PROCEDURES.items())


@bp.route("/cases/<reference>/procedure", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def procedure(reference: str) -> Response | str:
    def save(found: Submission, form: ProcedureForm, version: int) -> str:
        chosen = Procedure(form.procedure.data)
        cases.change_procedure(
            me(), found, procedure=chosen, reason=form.reason.data, version=version
        )
        return "Procedure changed."

    return case_action(
        reference,
        ProcedureForm,
        save,
        title="Change the procedure",
        beside="procedure",
        refused=(ValueError,),
        choices=_procedure_choices,
    )


@bp.route("/cases/<reference>/sufficient-interest", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def sufficient_interest(reference: str) -> Response | str:
    def save(found: Submission, form: SufficientInterestForm, version: int) -> str:
        has_interest = form.decision.data == "yes"
        cases.decide_sufficient_interest(
            me(),
            found,
            has_interest=has_interest,
            reason=form.reason.data,
            on=required_date(form.on),
            version=version,
        )
        return "Decision recorded." + (
            "" if has_interest else " Tell the person, with the reasons."
        )

    return case_action(
        reference,
        SufficientInterestForm,
        save,
        title="Decide on sufficient interest",
        beside="decision",
    )


def _advocacy_choices(form: AdvocacyForm, found: Submission) -> None:
    form.status.choices = list(labels.ADVOCACY_STATUSES.items())
    form.advocate_account.choices = [("", "None")] + advocates.advocate_choices()


@bp.route("/cases/<reference>/advocacy", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def advocacy(reference: str) -> Response | str:
    def save(found: Submission, form: AdvocacyForm, version: int) -> str:
        chosen = form.advocate_account.data
        cases.update_advocacy(
            me(),
            found,
            status=form.status.data,
            advocate=form.advocate.data,
            advocate_account=advocates.check_advocate(int(chosen) if chosen else None),
            version=version,
        )
        return "Advocacy updated."

    return case_action(
        reference,
        AdvocacyForm,
        save,
        title="Advocacy",
        beside="status",
        refused=(ValueError,),
        elsewhere={advocates.AdvocateRefused: "advocate_account"},
        data=lambda found: {
            "status": found.case.advocacy_status,
            "advocate": found.case.advocate_assigned,
            "advocate_account": str(found.case.advocate_id or ""),
        },
        choices=_advocacy_choices,
    )


@bp.route("/cases/<reference>/thank", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def thank(reference: str) -> Response | str:
    def save(found: Submission, form: ThankForm, version: int) -> str:
        cases.thank(me(), found, on=required_date(form.on), version=version)
        return "Compliment recorded as passed on."

    return case_action(
        reference, ThankForm, save, title="Record that the team was thanked", beside="on"
    )


def _category_choices(form: CategoriesForm, found: Submission) -> None:
    form.categories.choices = [
        (str(c.id), c.name if c.is_active else f"{c.name} (no longer in use)")
        for c in cases.categories(found)
    ]


@bp.route("/cases/<reference>/categories", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def categories(reference: str) -> Response | str:
    def save(found: Submission, form: CategoriesForm, version: int) -> str:
        chosen = [int(c) for c in form.categories.data or []]
        cases.set_categories(me(), found, category_ids=chosen, version=version)
        return "Categories saved."

    return case_action(
        reference,
        CategoriesForm,
        save,
        title="Categories",
        beside="categories",
        data=lambda found: {"categories": [str(c.id) for c in found.categories]},
        choices=_category_choices,
    )


@bp.route("/cases/<reference>/points", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def points(reference: str) -> Response | str:
    def save(found: Submission, form: PointForm, version: int) -> str:
        cases.add_point(
            me(), found, stage=form.stage.data, summary=form.summary.data, outcome=form.outcome.data
        )
        return "Complaint point added."

    return case_action(reference, PointForm, save, title="Add a complaint point and its finding")


@bp.route("/cases/<reference>/notes", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def notes(reference: str) -> Response | str:
    def save(found: Submission, form: NoteForm, version: int) -> str:
        case_notes.add(me(), found, form.text.data)
        return "Note added."

    return case_action(reference, NoteForm, save, title="Add an internal note")


@bp.route("/cases/<reference>/enquiries", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def enquiry(reference: str) -> Response | str:
    def save(found: Submission, form: EnquiryForm, version: int) -> str:
        made = enquiries.record(
            me(),
            found,
            from_whom=form.from_whom.data,
            name=form.name.data,
            received_on=required_date(form.received_on),
            today=today(),
        )
        return f"Enquiry recorded. Reply by {long_date(made.reply_due_on)}."

    return case_action(
        reference,
        EnquiryForm,
        save,
        title="Record an MP or councillor enquiry",
        beside="received_on",
        refused=(enquiries.EnquiryRefused,),
    )


@bp.route("/cases/<reference>/enquiries/<int:enquiry_id>/reply", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def enquiry_reply(reference: str, enquiry_id: int) -> Response | str:
    found = case_or_404(reference)
    asked = enquiries.find(found, enquiry_id)
    if asked is None:
        abort(404)
    if request.method == "GET":
        cases.record_view(me(), found)  # the form shows who asked and the reply

    def save(found: Submission, form: EnquiryReplyForm, version: int) -> str:
        enquiries.record_reply(
            me(),
            found,
            asked,
            replied_on=required_date(form.replied_on),
            reply=form.reply.data,
            today=today(),
        )
        return "Reply recorded."

    return case_action(
        found,
        EnquiryReplyForm,
        save,
        title=f"Record the reply to {asked.name}",
        beside="replied_on",
        refused=(enquiries.EnquiryRefused,),
        data=lambda _: {"replied_on": asked.replied_on, "reply": asked.reply},
    )


@bp.route("/cases/<reference>/lessons", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def lessons(reference: str) -> Response | str:
    def save(found: Submission, form: LessonForm, version: int) -> str:
        cases.add_lesson(
            me(),
            found,
            lesson=form.lesson.data,
            action=form.action.data,
            action_due_on=form.due.data,
        )
        return "Lesson added."

    return case_action(reference, LessonForm, save, title="Add a lesson learned")


# What each decision means, by what they sent (the choices of FromThemForm).
FROM_THEM_CHOICES = {
    "more_time": [("granted", "Give them more time, until the date below"), ("refused", "No")],
    "stage2": [
        (
            "granted",
            "Accept the late request: record it as the stage 2 request, dated the day they sent it",
        ),
        ("refused", "Do not accept it (say why below, and tell them)"),
    ],
    "stage3": [
        (
            "granted",
            "Accept the late request: record it as the request for a review panel, dated the "
            "day they sent it",
        ),
        ("refused", "Do not accept it (say why below, and tell them)"),
    ],
    "withdraw": [
        ("granted", "They confirmed: record the case as withdrawn, dated the day they asked"),
        ("refused", "They changed their mind: carry on"),
    ],
}


@bp.route("/cases/<reference>/from-them/<int:step_id>", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def from_them(reference: str, step_id: int) -> Response | str:
    """Decide on what the person sent (more time, a late stage 2 request, a withdrawal),
    or mark a reply or information as dealt with."""
    found = case_or_404(reference)
    step = complainant_steps.find(found, step_id)
    if step is None:
        abort(404)
    if request.method == "GET":
        cases.record_view(me(), found)  # the page shows what they wrote
    choices = FROM_THEM_CHOICES.get(step.kind) if not step.recorded else None

    def set_choices(form: FromThemForm, _: Submission) -> None:
        if choices:
            form.decision.choices = choices
            form.decision.validators = [required("Select a decision")]
        else:
            del form.decision
            del form.granted_to

    def save(found: Submission, form: FromThemForm, version: int) -> str:
        picked = form.decision.data if choices else "done"
        complainant_steps.decide(
            me(),
            found,
            step,
            decision=Decision(picked),
            granted_to=form.granted_to.data if choices else None,
            note=form.note.data or "",
            version=version,
            today=today(),
        )
        return (
            "Recorded. Tell them what was decided (Send a message)."
            if choices
            else ("Marked as dealt with.")
        )

    what = complainant_steps.STAFF_WORDS[StepKind(step.kind)]
    return case_action(
        reference,
        FromThemForm,
        save,
        title=f"{what.capitalize()}, sent {long_date(step.sent_on)}"
        if choices
        else f"Mark {what} as dealt with",
        beside="note",
        refused=(complainant_steps.DecisionRefused,),
        choices=set_choices,
        explain=step.text or None,
    )


@bp.route("/cases/<reference>/copies", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def copies(reference: str) -> Response | str:
    """Staff record the child's word: copies of letters to their advocate, or no more."""

    def save(found: Submission, form: ConsentForm, version: int) -> str:
        on = required_date(form.on)
        if form.action.data == "give":
            cases.give_copy_consent(me(), found, on=on, version=version)
            return "The child's consent to copies is recorded."
        cases.withdraw_copy_consent(me(), found, on=on, version=version)
        return "The child's consent to copies is withdrawn: nothing more is copied."

    return case_action(
        reference,
        ConsentForm,
        save,
        title="Copies to the advocate",
        beside="action",
        refused=(consent.ConsentRefused,),
        data=lambda found: {"on": today()},
    )
