"""What every area of the back office shares: today's date, who is signed in, the hooks
run on every request, the names every page may use, and the one shape of a case action
(form -> use case -> the case page, or the form again with why nothing was saved)."""

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar, cast

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import enforce_idle_timeout, enforce_second_factor_set_up, home
from portal.backoffice.forms import CaseForm
from portal.backoffice.forms import today as today  # the views' today, as the forms'
from portal.domain import labels
from portal.domain.access import ROLE_NAMES, Permission, Role, can
from portal.extensions import htmx
from portal.models import Staff, Submission
from portal.numbers import whole_number
from portal.services import cases, teams, triage, two_factor
from portal.services.common import CaseChanged, NotAllowed, refused_if_stale

F = TypeVar("F", bound=CaseForm)


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
        "KIND_NAMES": labels.KINDS,
        "STAGE_NAMES": labels.STAGES,
        "staff_role_name": ROLE_NAMES[role] if role else "",
        # A complaints manager without an authenticator app sees only its set-up page.
        "set_up_needed": bool(role) and two_factor.set_up_needed(me()),
        "staff_can": (lambda permission: can(role, Permission(permission)))
        if role
        else (lambda permission: False),
        # Where this person starts: the queue, an advocate's cases, the provider's referrals.
        "staff_home": (lambda: home(me())) if role else (lambda: url_for("backoffice.sign_in")),
    }


# What a member of staff reads when the back office refuses a request: in the back
# office's layout, in its words (the public pages' error pages offer the council's phone
# number and the public start page).
ERROR_PAGES: dict[int, tuple[str, list[str]]] = {
    403: (
        "You do not have access to this page",
        [
            "Your role does not let you see this page or do this.",
            "If your work needs it, ask a complaints manager to change your role or team.",
        ],
    ),
    404: (
        "Page not found",
        [
            "Check the web address or the reference.",
            "A case held by a team you are not in is not shown to you: if you need it, ask "
            "a complaints manager.",
        ],
    ),
    429: ("Too many requests", ["Wait a minute, then try again."]),
}
# An advocate has no role to change and no team: the same refusals, in their words.
ADVOCATE_ERROR_PAGES: dict[int, tuple[str, list[str]]] = {
    403: (
        "You do not have access to this page",
        ["Your advocate's account shows the cases you filed and the cases you are named on."],
    ),
    404: (
        "Page not found",
        [
            "Check the web address or the reference.",
            "A case you did not file and are not named on is not shown to you: if you "
            "should have it, ask the council's complaints team to name you on it.",
        ],
    ),
}
REFUSED = (
    "Sorry, there is a problem with what was sent",
    ["Nothing was saved. Go back, reload the page and try again."],
)


@bp.errorhandler(HTTPException)
def back_office_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    if code == 405:
        code = 404
    if code >= 500:
        heading, paragraphs = "Sorry, there is a problem with the service", ["Try again later."]
    else:
        heading, paragraphs = ERROR_PAGES.get(code, REFUSED)
        if current_user.is_authenticated and current_user.role == Role.ADVOCATE.value:
            heading, paragraphs = ADVOCATE_ERROR_PAGES.get(code, (heading, paragraphs))
    return render_template("backoffice/error.html", heading=heading, paragraphs=paragraphs), code


def case_or_404(reference: str) -> Submission:
    case = cases.find(me(), reference)
    if case is None:
        abort(404)
    return case


def required_date(field: Any) -> date:
    """A required date field's value, once its form has validated."""
    assert isinstance(field.data, date)
    return field.data


# --- a case action: form -> use case -> redirect, or the form again --------------------------


def case_action(
    reference: str | Submission,
    form_class: Callable[..., F],
    save: Callable[[Submission, F, int], str],
    *,
    title: str | Callable[[Submission], str],
    beside: str | None = None,
    refused: tuple[type[Exception], ...] = (),
    elsewhere: Mapping[type[Exception], str] | None = None,
    data: Callable[[Submission], dict[str, Any]] | None = None,
    choices: Callable[[F, Submission], None] | None = None,
    inline: bool = False,
    template: str = "backoffice/action.html",
    **extra: Any,
) -> Response | str:
    """The one shape of every action on a case. `save(case, form, version)` calls the use
    case and returns the message to show. A refusal (someone saved the case first, or the
    use case said no) is shown beside the field `beside` (or the field `elsewhere` names
    for it), in the error summary too, and nothing is saved; a use case that says this
    person may not do it is a 403. `inline` actions also answer the queue's htmx row.
    A view that has found the case already (to find a part of it) passes it, not its
    reference, so it is not read twice."""
    found = reference if isinstance(reference, Submission) else case_or_404(reference)
    form = form_class(data={"version": found.case.version, **(data(found) if data else {})})
    if choices:
        choices(form, found)
    if form.validate_on_submit():
        caught: tuple[type[Exception], ...] = (
            (CaseChanged, *refused, *(elsewhere or {})) if beside else ()
        )
        try:
            with refused_if_stale():
                message = save(found, form, _version(form))
        except NotAllowed:
            abort(403)
        except caught as problem:
            field = next(
                (name for kind, name in (elsewhere or {}).items() if isinstance(problem, kind)),
                beside,
            )
            _refused(form, getattr(form, cast(str, field)), found, problem)
        else:
            return _done(found, message)
    named = title(found) if callable(title) else title
    page = _inline_error(found, form) if inline else None
    return page or render_template(template, case=found, form=form, title=named, **extra)


def _version(form: CaseForm) -> int:
    found = whole_number(form.version.data)
    return -1 if found is None else found


def _refused(form: CaseForm, field: Any, found: Submission, problem: Exception) -> None:
    """Say beside `field` why nothing was saved. When someone else saved the case first,
    what was typed stays and the form now carries the case's current version: after
    checking the case, pressing Save again saves it."""
    field.errors = [str(problem)]
    if isinstance(problem, CaseChanged):
        form.version.data = found.case.version


def _done(case: Submission, message: str) -> Response | str:
    """After a change: the updated queue row for an inline (htmx) action, the queue for
    the same action without JavaScript, otherwise the case page."""
    if request.args.get("from") == "queue":
        if htmx:
            return queue_row(case, message=message)
        flash(f"{case.reference}: {message}", "success")
        return redirect(url_for("backoffice.queue"))
    flash(message, "success")
    return redirect(url_for("backoffice.case", reference=case.reference))


def queue_row(case: Submission, *, message: str = "", error: str = "") -> str:
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


def _inline_error(case: Submission, form: CaseForm) -> str | None:
    """An inline action that failed: with htmx, the row shows the first error."""
    if request.args.get("from") == "queue" and htmx and form.errors:
        first = next(iter(form.errors.values()))
        return queue_row(case, error=str(first[0]))
    return None
