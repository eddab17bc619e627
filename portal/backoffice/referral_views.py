"""The advocacy provider's side of the back office (docs/advocacy-provider.md): its
referral queue, a referral with its steps, and each step's form. Only the provider's own
referrals are found (another's, or a number that is none, is "Page not found"); the
council's staff see referrals on the case page and refer a case from there."""

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from flask import abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.common import case_or_404, me, required_date, today
from portal.backoffice.referral_forms import (
    AcceptForm,
    AdvocateForm,
    CloseForm,
    DeclineForm,
    FirstContactForm,
    ReferForm,
    VisitForm,
)
from portal.database import utcnow
from portal.domain.access import Permission
from portal.numbers import whole_number
from portal.services import referrals
from portal.services.common import CaseChanged

F = TypeVar("F", bound=FlaskForm)


@bp.get("/referrals")
@requires(Permission.WORK_REFERRALS)
def referrals_queue() -> str:
    rows = referrals.queue(me(), today())
    return render_template(
        "backoffice/referrals.html",
        open_rows=[r for r in rows if r.status in ("waiting", "accepted")],
        ended_rows=[r for r in rows if r.status not in ("waiting", "accepted")],
        today=today(),
    )


@bp.get("/referrals/<int:referral_id>")
@requires(Permission.WORK_REFERRALS)
def referral(referral_id: int) -> str:
    view = referrals.view_for_provider(me(), referral_id, today())
    if view is None:
        abort(404)
    return render_template(
        "backoffice/referral.html",
        view=view,
        advocates=referrals.advocates_of(me().team_id),
        today=today(),
    )


def _step(
    referral_id: int,
    form: F,
    save: Callable[[F], str],
    *,
    title: str,
    explain: str = "",
) -> Response | str:
    """One step: the form, then the referral page with a notice; a refusal (the rules'
    ReferralRefused) beside its field and in the error summary."""
    found = referrals.find_for_provider(me(), referral_id)
    if found is None:
        abort(404)
    if form.validate_on_submit():
        try:
            message = save(form)
        except LookupError:
            abort(404)
        except referrals.ReferralRefused as refused:
            field = getattr(form, refused.field, None) or next(iter(form))
            field.errors = [str(refused)]
        else:
            flash(message, "success")
            return redirect(url_for("backoffice.referral", referral_id=referral_id))
    return render_template(
        "backoffice/referral-step.html",
        form=form,
        title=title,
        explain=explain,
        referral=found,
    )


@bp.route("/referrals/<int:referral_id>/accept", methods=["GET", "POST"])
@requires(Permission.WORK_REFERRALS)
def referral_accept(referral_id: int) -> Response | str:
    def save(form: AcceptForm) -> str:
        referrals.accept(me(), referral_id, on=required_date(form.on), today=today())
        return "Referral accepted. Name the advocate next."

    # Accepting is usually done on the day: the date starts as today, and can be changed.
    return _step(referral_id, AcceptForm(data={"on": today()}), save, title="Accept the referral")


@bp.route("/referrals/<int:referral_id>/decline", methods=["GET", "POST"])
@requires(Permission.WORK_REFERRALS)
def referral_decline(referral_id: int) -> Response | str:
    def save(form: DeclineForm) -> str:
        referrals.decline(
            me(), referral_id, on=required_date(form.on), reason=form.reason.data, today=today()
        )
        return "Referral declined. The council's complaints team can see why."

    return _step(referral_id, DeclineForm(data={"on": today()}), save, title="Decline the referral")


@bp.route("/referrals/<int:referral_id>/advocate", methods=["GET", "POST"])
@requires(Permission.WORK_REFERRALS)
def referral_advocate(referral_id: int) -> Response | str:
    advocates = referrals.advocates_of(me().team_id)
    form = AdvocateForm()
    if advocates:
        form.advocate.choices = [(str(a.id), a.name) for a in advocates]
        del form.advocate_name
    else:
        del form.advocate

    def save(form: AdvocateForm) -> str:
        chosen = getattr(form, "advocate", None)
        typed = getattr(form, "advocate_name", None)
        try:
            referrals.name_advocate(
                me(),
                referral_id,
                advocate_id=int(chosen.data) if chosen is not None else None,
                name=typed.data if typed is not None else None,
                today=today(),
            )
        except referrals.ReferralRefused as refused:
            if typed is not None and refused.field == "advocate":
                raise referrals.ReferralRefused(str(refused), "advocate_name") from refused
            raise
        return "Advocate named."

    return _step(referral_id, form, save, title="Name the advocate")


@bp.route("/referrals/<int:referral_id>/first-contact", methods=["GET", "POST"])
@requires(Permission.WORK_REFERRALS)
def referral_first_contact(referral_id: int) -> Response | str:
    def save(form: FirstContactForm) -> str:
        referrals.first_contact(me(), referral_id, on=required_date(form.on), today=today())
        return "First contact recorded."

    return _step(
        referral_id, FirstContactForm(), save, title="Record the first contact with the child"
    )


@bp.route("/referrals/<int:referral_id>/add-visit", methods=["GET", "POST"])
@requires(Permission.WORK_REFERRALS)
def referral_visit(referral_id: int) -> Response | str:
    def save(form: VisitForm) -> str:
        referrals.add_visit(
            me(), referral_id, on=required_date(form.on), note=form.note.data, today=today()
        )
        return "Visit added."

    return _step(referral_id, VisitForm(), save, title="Add a visit")


@bp.route("/referrals/<int:referral_id>/close", methods=["GET", "POST"])
@requires(Permission.WORK_REFERRALS)
def referral_close(referral_id: int) -> Response | str:
    def save(form: CloseForm) -> str:
        referrals.close(
            me(), referral_id, on=required_date(form.on), outcome=form.outcome.data, today=today()
        )
        return "Referral closed."

    return _step(referral_id, CloseForm(), save, title="Close the referral")


# --- the council's side: referring a case ----------------------------------------------------


@bp.route("/cases/<reference>/refer-to-advocacy-provider", methods=["GET", "POST"])
@requires(Permission.WORK_CASES)
def refer_to_provider(reference: str) -> Response | str:
    found = case_or_404(reference)
    form = ReferForm(data={"version": found.case.version})
    if form.validate_on_submit():
        version = whole_number(form.version.data)
        version = -1 if version is None else version
        try:
            referrals.refer_by_staff(me(), found, version=version, now=_now())
        except (referrals.ReferralRefused, CaseChanged) as refused:
            form.version.errors = [str(refused)]
        else:
            flash("Referred to the advocacy provider.", "success")
            return redirect(url_for("backoffice.case", reference=found.reference))
    return render_template(
        "backoffice/refer-to-provider.html",
        case=found,
        form=form,
        provider=referrals.provider_team(),
        open_referral=referrals.open_referral(found),
    )


def _now() -> datetime:
    return utcnow()
