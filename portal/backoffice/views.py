"""The back office: sign in, the triage queue, the case and its stages, routing rules.
Views translate HTTP; every rule is in portal/domain and every change in portal/services."""

from datetime import date, datetime
from typing import Any, cast

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import (
    PUBLIC,
    await_code,
    end_session,
    enforce_idle_timeout,
    enforce_second_factor_set_up,
    requires,
    safe_next,
    start_session,
)
from portal.backoffice.forms import (
    AcknowledgementForm,
    AdvocacyForm,
    AssignForm,
    CategoriesForm,
    CategoryForm,
    LessonForm,
    MoveForm,
    PointForm,
    PreviewForm,
    ProcedureForm,
    ReclassifyForm,
    RuleForm,
    SafeguardingForm,
    SignInForm,
    SufficientInterestForm,
    TeamForm,
    ThankForm,
)
from portal.domain import flags
from portal.domain.access import ROLE_NAMES, Permission, Role, can
from portal.domain.clock import LONDON
from portal.domain.stages import Move, MoveRefused, allowed_moves, clock_running, move_label
from portal.domain.stages import open_pause as stages_open_pause
from portal.domain.timescales import (
    AcknowledgementRefused,
    Procedure,
    Step,
    acknowledged_late,
    limit_days,
)
from portal.domain.types import Kind, SubmitterRole
from portal.extensions import htmx, limiter
from portal.models import Staff, Submission
from portal.numbers import whole_number
from portal.public.forms import CHILD_TOPIC_CHOICES, ROLE_CHOICES, SUPPORT_CHOICES
from portal.services import (
    attachments,
    audit,
    cases,
    clock,
    correspondence,
    reminders,
    response_letters,
    routing_rules,
    safeguarding,
    teams,
    triage,
    two_factor,
)
from portal.services import staff as staff_service
from portal.services.cases import CaseChanged

PROCEDURE_NAMES = {
    Procedure.ENGLAND_CHILDREN.value: "Children's statutory procedure (England, 2006)",
    Procedure.WALES_CHILDREN.value: "Children's statutory procedure (Wales, 2014)",
    Procedure.CORPORATE.value: "The council's corporate procedure",
}
KIND_NAMES = {
    "complaint": "Complaint",
    "compliment": "Compliment",
    "advocacy": "Advocacy request",
    "representation": "Representation",
}
STAGE_NAMES = {
    "triage": "Triage",
    "stage1": "Stage 1",
    "stage2": "Stage 2",
    "stage3": "Stage 3",
    "ombudsman": "Ombudsman",
    "closed": "Closed",
}
ROLE_LABELS = dict(ROLE_CHOICES)
# A child's own answer to "who is it about", in the public form's words.
CHILD_TOPIC_NAMES = dict(CHILD_TOPIC_CHOICES)


def today() -> date:
    return datetime.now(LONDON).date()


def me() -> Staff:
    return cast(Staff, current_user._get_current_object())  # Flask-Login is untyped


@bp.before_request
def idle_timeout() -> Any:
    return enforce_idle_timeout()


@bp.after_request
def not_kept_by_browsers_or_proxies(response: Response) -> Response:
    """Every back-office answer (cases, subject access, CSVs, PDFs) carries children's
    personal data: never stored by a browser, a proxy or the back button's cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.before_request
def second_factor_set_up() -> Any:
    return enforce_second_factor_set_up()


@bp.context_processor
def names() -> dict[str, Any]:
    role = Role(current_user.role) if current_user.is_authenticated else None
    return {
        "KIND_NAMES": KIND_NAMES,
        "STAGE_NAMES": STAGE_NAMES,
        "PROCEDURE_NAMES": PROCEDURE_NAMES,
        "ROLE_LABELS": ROLE_LABELS,
        "CHILD_TOPIC_NAMES": CHILD_TOPIC_NAMES,
        "FLAG_DESCRIPTIONS": flags.DESCRIPTIONS,
        "staff_role_name": ROLE_NAMES[role] if role else "",
        # A complaints manager without an authenticator app sees only its set-up page.
        "set_up_needed": bool(role) and two_factor.set_up_needed(me()),
        "staff_can": (lambda permission: can(role, Permission(permission)))
        if role
        else (lambda permission: False),
    }


# --- signing in -----------------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
@requires(PUBLIC)
@limiter.limit("20 per minute", methods=["POST"])
def sign_in() -> Response | str:
    form = SignInForm()
    locked_message = None
    if form.validate_on_submit():
        result = staff_service.sign_in(form.email.data, form.password.data)
        if result.staff is not None:
            target = safe_next(request.args.get("next"))
            if result.needs_code:
                await_code(result.staff, target)
                return redirect(url_for("backoffice.sign_in_code"))
            start_session(result.staff)
            return redirect(target)
        if result.locked_until:
            until = result.locked_until.astimezone(LONDON)
            at = f"{until:%-I:%M}{'am' if until.hour < 12 else 'pm'}"
            locked_message = (
                "This account is locked after too many wrong passwords or codes. "
                f"Try again after {at}."
            )
            form.email.errors = [locked_message]
        else:
            form.email.errors = ["Enter a correct email address and password"]
    return render_template("backoffice/sign-in.html", form=form)


@bp.post("/sign-out")
@requires(Permission.VIEW_CASES)
def sign_out() -> Response:
    staff_service.sign_out(me())
    end_session()
    flash("You have signed out.", "signed_out")
    return redirect(url_for("backoffice.sign_in"))


# --- the triage queue ------------------------------------------------------------------------


def _queue_filters(args: MultiDict[str, str]) -> triage.QueueFilters:
    return triage.QueueFilters(
        kind=args.get("kind", "") if args.get("kind", "") in KIND_NAMES else "",
        team_id=whole_number(args.get("team")),
        stage=args.get("stage", "") if args.get("stage", "") in STAGE_NAMES else "",
        status=args.get("status", "") if args.get("status", "") in triage.STATUS_NAMES else "",
        reference=args.get("reference", "")[:30],
        page=whole_number(args.get("page")) or 1,
    )


@bp.get("/")
@requires(Permission.VIEW_CASES)
def queue() -> str:
    filters = _queue_filters(request.args)
    page = triage.queue(me(), filters, today=today())
    context = {
        "page": page,
        "filters": filters,
        "teams": teams.all_teams(),
        "status_names": triage.STATUS_NAMES,
        "today": today(),
        "query": {k: v for k, v in request.args.items() if k != "page"},
    }
    if htmx:
        return render_template("backoffice/_queue-results.html", **context)
    return render_template(
        "backoffice/queue.html", concerns=safeguarding.open_concerns(me()), **context
    )


# --- the case ----------------------------------------------------------------------------------


def _case_or_404(reference: str) -> Submission:
    case = cases.find(me(), reference)
    if case is None:
        abort(404)
    return case


@bp.get("/cases/<reference>")
@requires(Permission.VIEW_CASES)
def case(reference: str) -> str:
    found = _case_or_404(reference)
    cases.record_view(me(), found)
    progress = cases.progress_of(found)
    return render_template(
        "backoffice/case.html",
        case=found,
        moves=[(m, move_label(m, progress.procedure)) for m in allowed_moves(progress, today())],
        owed=clock.owed(found, progress=progress),
        acknowledged_late=acknowledged_late(progress.acknowledged_on, found.acknowledge_by),
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
        tasks=cases.open_tasks(found),
        notices=reminders.for_case(found),
        teams=teams.all_teams(),
        staff_names={s.id: s.name for s in staff_service.team_members(None)},
        outcomes=cases.CASE_OUTCOMES,
        advocacy_statuses=cases.ADVOCACY_STATUSES,
        ombudsman_decisions=cases.OMBUDSMAN_DECISIONS,
    )


SUPPORT_NAMES = dict(SUPPORT_CHOICES)


def support_needed(case: Submission) -> str:
    """The help the person asked for, in words: "An interpreter (Polish); Large print"."""
    needs = []
    for need in case.support_needs or []:
        words = str(SUPPORT_NAMES.get(need, need))
        if need == "interpreter" and case.interpreter_language:
            words += f" ({case.interpreter_language})"
        if need == "other" and case.other_support:
            words += f": {case.other_support}"
        needs.append(words)
    return "; ".join(needs)


def _date(field: Any) -> date:
    """A required date field's value, once its form has validated."""
    assert isinstance(field.data, date)
    return field.data


def _version(form: Any) -> int:
    found = whole_number(form.version.data)
    return -1 if found is None else found


def _refused(form: Any, field: Any, found: Submission, problem: Exception) -> None:
    """Say beside `field` why nothing was saved. When someone else saved the case first,
    what was typed stays and the form now carries the case's current version: after
    checking the case, pressing Save again saves it."""
    field.errors = [str(problem)]
    if isinstance(problem, CaseChanged):
        form.version.data = found.version


def _action_page(
    case: Submission, form: Any, title: str, template: str = "backoffice/action.html", **extra: Any
) -> str:
    return render_template(template, case=case, form=form, title=title, **extra)


def _done(case: Submission, message: str) -> Response | str:
    """After a change: the updated queue row for an inline (htmx) action, the queue for
    the same action without JavaScript, otherwise the case page."""
    if request.args.get("from") == "queue":
        if htmx:
            return _queue_row(case, message=message)
        flash(f"{case.reference}: {message}", "success")
        return redirect(url_for("backoffice.queue"))
    flash(message, "success")
    return redirect(url_for("backoffice.case", reference=case.reference))


def _queue_row(case: Submission, *, message: str = "", error: str = "") -> str:
    """The case's row as it is now. A case this person can no longer see (they sent it
    to another team) leaves a row that says where it went, in place of the row."""
    row = triage.row_for(me(), case.reference, today=today())
    if row is None:
        team = case.team.name if case.team else "another team"
        message = f"{case.reference} is now with {team}: it has left your queue."
    return render_template(
        "backoffice/_queue-row.html",
        row=row,
        reference=case.reference,
        row_message=message,
        row_error=error,
        teams=teams.all_teams(),
        status_names=triage.STATUS_NAMES,
        today=today(),
    )


def _inline_error(case: Submission, form: Any) -> str | None:
    """An inline action that failed: with htmx, the row shows the first error."""
    if request.args.get("from") == "queue" and htmx and form.errors:
        first = next(iter(form.errors.values()))
        return _queue_row(case, error=str(first[0]))
    return None


@bp.route("/cases/<reference>/move/<move>", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def move(reference: str, move: str) -> Response | str:
    found = _case_or_404(reference)
    try:
        chosen = Move(move)
    except ValueError:
        abort(404)
    label = move_label(chosen, Procedure(found.procedure))
    form = MoveForm(move=chosen, data={"version": found.version})
    if form.validate_on_submit():
        try:
            cases.apply(
                me(),
                found,
                cases.MoveInput(chosen, _date(form.on), form.details()),
                version=_version(form),
            )
        except (MoveRefused, CaseChanged) as refused:
            _refused(form, form.on, found, refused)
        else:
            return _done(found, f"{label}: saved.")
    return _action_page(found, form, label, "backoffice/move.html", move=chosen)


@bp.route("/cases/<reference>/assign", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def assign(reference: str) -> Response | str:
    found = _case_or_404(reference)
    form = AssignForm(
        data={
            "version": found.version,
            "team": str(found.team_id or ""),
            "person": str(found.assigned_staff_id or ""),
        }
    )
    form.team.choices = [("", "Choose a team")] + [
        (str(t.id), t.name) for t in teams.all_teams(include_inactive=False)
    ]
    form.person.choices = [("", "No one yet")] + [
        (str(s.id), s.name) for s in staff_service.team_members(None)
    ]
    if form.validate_on_submit():
        try:
            cases.assign(
                me(),
                found,
                team_id=int(form.team.data) if form.team.data else None,
                person_id=int(form.person.data) if form.person.data else None,
                reason=form.reason.data or "",
                version=_version(form),
            )
        except cases.ReasonNeeded as problem:
            form.reason.errors = [str(problem)]
        except (CaseChanged, ValueError) as problem:
            _refused(form, form.team, found, problem)
        else:
            return _done(found, "Assignment saved.")
    return _inline_error(found, form) or _action_page(found, form, "Assign the case")


@bp.route("/cases/<reference>/acknowledge", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def acknowledge(reference: str) -> Response | str:
    found = _case_or_404(reference)
    form = AcknowledgementForm(data={"version": found.version})
    if form.validate_on_submit():
        try:
            cases.record_acknowledgement(
                me(),
                found,
                how=form.how.data,
                on=_date(form.on),
                version=_version(form),
                today=today(),
            )
        except (CaseChanged, AcknowledgementRefused) as problem:
            _refused(form, form.on, found, problem)
        else:
            return _done(found, "Acknowledgement recorded.")
    return _inline_error(found, form) or _action_page(
        found, form, "Record an acknowledgement made by phone or letter"
    )


@bp.get("/cases/<reference>/acknowledgement-letter")
@requires(Permission.VIEW_CASES)
def acknowledgement_letter(reference: str) -> str:
    found = _case_or_404(reference)
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


@bp.get("/cases/<reference>/files/<int:attachment_id>")
@requires(Permission.VIEW_CASES)
def download(reference: str, attachment_id: int) -> Response:
    """Always a download, never shown in the browser: a file is not trusted content."""
    found = _case_or_404(reference)
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


@bp.route("/cases/<reference>/safeguarding", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def safeguarding_action(reference: str) -> Response | str:
    found = _case_or_404(reference)
    form = SafeguardingForm(data={"version": found.version})
    if form.validate_on_submit():
        safeguarding.record_action(me(), found, action=form.action.data)
        return _done(
            found, "What was done is recorded. The case no longer sits at the top of the queue."
        )
    what = "possible danger" if found.urgent or not found.concern else "a possible concern"
    return _action_page(found, form, f"Record what was done about {what}")


@bp.route("/cases/<reference>/reclassify", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def reclassify(reference: str) -> Response | str:
    found = _case_or_404(reference)
    form = ReclassifyForm(data={"version": found.version})
    if form.validate_on_submit():
        try:
            cases.reclassify(
                me(),
                found,
                kind=Kind(form.kind.data),
                reason=form.reason.data,
                version=_version(form),
            )
        except (CaseChanged, ValueError) as problem:
            _refused(form, form.kind, found, problem)
        else:
            return _done(found, "Reclassified.")
    return _inline_error(found, form) or _action_page(found, form, "Reclassify")


@bp.route("/cases/<reference>/procedure", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def procedure(reference: str) -> Response | str:
    found = _case_or_404(reference)
    form = ProcedureForm(data={"version": found.version})
    form.procedure.choices = list(PROCEDURE_NAMES.items())
    if form.validate_on_submit():
        try:
            cases.change_procedure(
                me(),
                found,
                procedure=Procedure(form.procedure.data),
                reason=form.reason.data,
                version=_version(form),
            )
        except (CaseChanged, ValueError) as problem:
            _refused(form, form.procedure, found, problem)
        else:
            return _done(found, "Procedure changed.")
    return _action_page(found, form, "Change the procedure")


@bp.route("/cases/<reference>/sufficient-interest", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def sufficient_interest(reference: str) -> Response | str:
    found = _case_or_404(reference)
    form = SufficientInterestForm(data={"version": found.version})
    if form.validate_on_submit():
        try:
            cases.decide_sufficient_interest(
                me(),
                found,
                has_interest=form.decision.data == "yes",
                reason=form.reason.data,
                on=_date(form.on),
                version=_version(form),
            )
        except CaseChanged as problem:
            _refused(form, form.decision, found, problem)
        else:
            return _done(
                found,
                "Decision recorded."
                + ("" if form.decision.data == "yes" else " Tell the person, with the reasons."),
            )
    return _action_page(found, form, "Decide on sufficient interest")


@bp.route("/cases/<reference>/advocacy", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def advocacy(reference: str) -> Response | str:
    found = _case_or_404(reference)
    form = AdvocacyForm(
        data={
            "version": found.version,
            "status": found.advocacy_status,
            "advocate": found.advocate_assigned,
        }
    )
    form.status.choices = list(cases.ADVOCACY_STATUSES.items())
    if form.validate_on_submit():
        try:
            cases.update_advocacy(
                me(),
                found,
                status=form.status.data,
                advocate=form.advocate.data,
                version=_version(form),
            )
        except (CaseChanged, ValueError) as problem:
            _refused(form, form.status, found, problem)
        else:
            return _done(found, "Advocacy updated.")
    return _action_page(found, form, "Advocacy")


@bp.route("/cases/<reference>/thank", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def thank(reference: str) -> Response | str:
    found = _case_or_404(reference)
    form = ThankForm(data={"version": found.version})
    if form.validate_on_submit():
        try:
            cases.thank(me(), found, on=_date(form.on), version=_version(form))
        except CaseChanged as problem:
            _refused(form, form.on, found, problem)
        else:
            return _done(found, "Compliment recorded as passed on.")
    return _action_page(found, form, "Record that the team was thanked")


@bp.route("/cases/<reference>/categories", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def categories(reference: str) -> Response | str:
    found = _case_or_404(reference)
    form = CategoriesForm(
        data={"version": found.version, "categories": [str(c.id) for c in found.categories]}
    )
    form.categories.choices = [(str(c.id), c.name) for c in cases.categories()]
    if form.validate_on_submit():
        try:
            cases.set_categories(
                me(),
                found,
                category_ids=[int(c) for c in form.categories.data or []],
                version=_version(form),
            )
        except CaseChanged as problem:
            _refused(form, form.categories, found, problem)
        else:
            return _done(found, "Categories saved.")
    return _action_page(found, form, "Categories")


@bp.route("/cases/<reference>/points", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def points(reference: str) -> Response | str:
    found = _case_or_404(reference)
    form = PointForm(data={"version": found.version})
    if form.validate_on_submit():
        cases.add_point(
            me(), found, stage=form.stage.data, summary=form.summary.data, outcome=form.outcome.data
        )
        return _done(found, "Complaint point added.")
    return _action_page(found, form, "Add a complaint point and its finding")


@bp.route("/cases/<reference>/lessons", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def lessons(reference: str) -> Response | str:
    found = _case_or_404(reference)
    form = LessonForm(data={"version": found.version})
    if form.validate_on_submit():
        cases.add_lesson(
            me(),
            found,
            lesson=form.lesson.data,
            action=form.action.data,
            action_due_on=form.due.data,
        )
        return _done(found, "Lesson added.")
    return _action_page(found, form, "Add a lesson learned")


# --- routing rules ------------------------------------------------------------------------------


def _rule_form(formdata: Any = None, **data: Any) -> RuleForm:
    form = RuleForm(formdata=formdata, data=data or None)
    team_choices = [(str(t.id), t.name) for t in teams.all_teams(include_inactive=False)]
    form.team.choices = [("", "Choose a team")] + team_choices
    form.chosen_teams.choices = team_choices
    form.roles.choices = [(r.value, ROLE_LABELS[r.value]) for r in SubmitterRole]
    form.procedure.choices = [("", "The statutory children's procedure")] + [
        (Procedure.CORPORATE.value, PROCEDURE_NAMES[Procedure.CORPORATE.value])
    ]
    return form


def _rule_input(form: RuleForm) -> routing_rules.RuleInput:
    return routing_rules.RuleInput(
        name=form.name.data,
        team_id=int(form.team.data),
        procedure=form.procedure.data or None,
        kinds=list(form.kinds.data or []),
        chosen_team_ids=[int(t) for t in form.chosen_teams.data or []],
        roles=list(form.roles.data or []),
        age_min=form.age_min.data,
        age_max=form.age_max.data,
        words=(form.words.data or "").splitlines(),
        is_active=bool(form.is_active.data),
    )


@bp.get("/routing-rules")
@requires(Permission.MANAGE_TEAMS)
def routing_rules_list() -> str:
    preview = PreviewForm(request.args if request.args else None)
    _preview_choices(preview)
    result = None
    if request.args and preview.validate():
        result = routing_rules.decide(
            routing_rules.facts_for(
                kind=preview.kind.data,
                role=preview.role.data,
                chosen_team_id=int(preview.chosen_team.data)
                if preview.chosen_team.data.isdigit()
                else None,
                child_age=preview.age.data,
                child_date_of_birth=None,
                text=preview.text.data or "",
                on=today(),
            )
        )
    team_names = {t.id: t.name for t in teams.all_teams()}
    context = {
        "rules": routing_rules.all_rules(),
        "team_names": team_names,
        "preview": preview,
        "form": preview,  # the layout puts "Error: " in the title when it has errors
        "result": result,
    }
    if htmx and request.args:
        return render_template("backoffice/_rule-preview.html", fragment=True, **context)
    return render_template("backoffice/routing-rules.html", **context)


def _preview_choices(form: PreviewForm) -> None:
    form.role.choices = [(r.value, ROLE_LABELS[r.value]) for r in SubmitterRole]
    form.chosen_team.choices = [("", "I'm not sure")] + [
        (str(t.id), t.name) for t in teams.all_teams(include_inactive=False)
    ]


@bp.route("/routing-rules/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_TEAMS)
def routing_rule_new() -> Response | str:
    form = _rule_form(request.form if request.method == "POST" else None, is_active=True)
    if form.validate_on_submit():
        routing_rules.save_rule(_rule_input(form), staff=me())
        flash("Rule added.", "success")
        return redirect(url_for("backoffice.routing_rules_list"))
    return render_template("backoffice/routing-rule.html", form=form, title="Add a routing rule")


@bp.route("/routing-rules/<int:rule_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_TEAMS)
def routing_rule_edit(rule_id: int) -> Response | str:
    row = next((r for r in routing_rules.all_rules() if r.id == rule_id), None)
    if row is None:
        abort(404)
    if request.method == "POST":
        form = _rule_form(request.form)
    else:
        form = _rule_form(
            name=row.name,
            team=str(row.team_id),
            procedure=row.procedure or "",
            kinds=row.kinds,
            chosen_teams=[str(t) for t in row.chosen_team_ids],
            roles=row.roles,
            age_min=row.age_min,
            age_max=row.age_max,
            words="\n".join(row.words),
            is_active=row.is_active,
        )
    if form.validate_on_submit():
        routing_rules.save_rule(_rule_input(form), staff=me(), rule_id=rule_id)
        flash("Rule saved.", "success")
        return redirect(url_for("backoffice.routing_rules_list"))
    return render_template(
        "backoffice/routing-rule.html", form=form, title=f"Edit rule: {row.name}", rule=row
    )


@bp.post("/routing-rules/<int:rule_id>/move")
@requires(Permission.MANAGE_TEAMS)
def routing_rule_move(rule_id: int) -> Response:
    try:
        routing_rules.move_rule(
            rule_id, -1 if request.form.get("direction") == "up" else 1, staff=me()
        )
    except LookupError:
        abort(404)
    return redirect(url_for("backoffice.routing_rules_list"))


@bp.post("/routing-rules/<int:rule_id>/delete")
@requires(Permission.MANAGE_TEAMS)
def routing_rule_delete(rule_id: int) -> Response:
    try:
        routing_rules.delete_rule(rule_id, staff=me())
    except LookupError:
        abort(404)
    flash("Rule deleted.", "success")
    return redirect(url_for("backoffice.routing_rules_list"))


# --- teams and categories (the complaints manager) -----------------------------------------


@bp.get("/teams")
@requires(Permission.MANAGE_TEAMS)
def teams_list() -> str:
    return render_template(
        "backoffice/teams.html", teams=teams.all_teams(), categories=teams.all_categories()
    )


@bp.route("/teams/new", methods=["GET", "POST"])
@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_TEAMS)
def team_edit(team_id: int | None = None) -> Response | str:
    team = next((t for t in teams.all_teams() if t.id == team_id), None) if team_id else None
    if team_id and team is None:
        abort(404)
    form = TeamForm(obj=team, data=None if team else {"is_active": True, "shown_to_public": True})
    if form.validate_on_submit():
        try:
            teams.save_team(form.fields(), staff=me(), team_id=team_id)
        except teams.TeamError as problem:
            form.name.errors = [str(problem)]
        else:
            flash("Team saved.", "success")
            return redirect(url_for("backoffice.teams_list"))
    title = f"Edit team: {team.name}" if team else "Add a team"
    return render_template(
        "backoffice/edit.html", form=form, title=title, back=url_for("backoffice.teams_list")
    )


@bp.route("/categories/new", methods=["GET", "POST"])
@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_TEAMS)
def category_edit(category_id: int | None = None) -> Response | str:
    category = (
        next((c for c in teams.all_categories() if c.id == category_id), None)
        if category_id
        else None
    )
    if category_id and category is None:
        abort(404)
    form = CategoryForm(obj=category, data=None if category else {"is_active": True})
    if form.validate_on_submit():
        try:
            teams.save_category(
                name=form.name.data,
                is_active=bool(form.is_active.data),
                staff=me(),
                category_id=category_id,
            )
        except teams.TeamError as problem:
            form.name.errors = [str(problem)]
        else:
            flash("Category saved.", "success")
            return redirect(url_for("backoffice.teams_list"))
    title = f"Edit category: {category.name}" if category else "Add a category"
    return render_template(
        "backoffice/edit.html", form=form, title=title, back=url_for("backoffice.teams_list")
    )
