"""Staff accounts, for the complaints manager: who can sign in, with which role and team.
A change of role or team, disabling a leaver's account, or resetting a password or an
authenticator app signs them out everywhere (services/staff.py). New members of staff
are invited by email, and set their password from a one-time link
(services/staff_links.py)."""

from flask import abort, flash, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import PUBLIC, requires
from portal.backoffice.common import me
from portal.backoffice.forms import InviteStaffForm, SetPasswordForm, StaffAccountForm
from portal.domain.access import ROLE_NAMES, Permission, Role
from portal.extensions import limiter
from portal.models import Staff
from portal.services import advocates, staff_links, teams, two_factor
from portal.services import staff as staff_service

# The link's token moves from the address into the session at once, so it is not left
# in the browser's history or on the page the person fills in.
LINK_IN_SESSION = "staff_password_link"


@bp.get("/staff-accounts")
@requires(Permission.MANAGE_STAFF)
def staff_accounts() -> str:
    team_names = {team.id: team.name for team in teams.all_teams()}
    accounts = staff_service.all_accounts()
    return render_template(
        "backoffice/staff-accounts.html",
        accounts=accounts,
        statuses={account.id: staff_links.status(account) for account in accounts},
        team_names=team_names,
        organisation_names={o.id: o.name for o in advocates.organisations()},
        role_names={role.value: name for role, name in ROLE_NAMES.items()},
    )


@bp.route("/staff-accounts/<int:staff_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_STAFF)
def staff_account(staff_id: int) -> Response | str:
    account = staff_service.get(staff_id)  # <int:> is bounded to what the database holds
    if account is None:
        abort(404)
    form = StaffAccountForm(
        data={
            "role": account.role,
            "team": str(account.team_id or ""),
            "can_sign_in": "yes" if account.is_active_account else "no",
        }
    )
    form.team.choices = _team_choices()
    if form.validate_on_submit():
        try:
            changed = staff_service.update_account(
                account,
                role=Role(form.role.data),
                team_id=int(form.team.data) if form.team.data else None,
                active=form.can_sign_in.data == "yes",
                by=me(),
            )
        except staff_service.StaffError as refused:
            form.role.errors = [str(refused)]
        else:
            if changed:
                flash(
                    f"{account.name}'s account is changed. They have been signed out everywhere.",
                    "success",
                )
            return redirect(url_for("backoffice.staff_accounts"))
    return render_template(
        "backoffice/staff-account.html",
        form=form,
        account=account,
        title=f"Staff account: {account.name}",
        has_app=two_factor.has_factor(account),
        needs_app=two_factor.required(account),
        link_hours=staff_links.hours(),
        keeps_password=staff_service.password_allowed(account),
    )


def _team_choices() -> list[tuple[str, str]]:
    return [("", "No team")] + [
        (str(team.id), team.name) for team in teams.all_teams(include_inactive=False)
    ]


def _account_or_404(staff_id: int) -> Staff:
    account = staff_service.get(staff_id)
    if account is None:
        abort(404)
    return account


@bp.route("/staff-accounts/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_STAFF)
def invite_staff() -> Response | str:
    form = InviteStaffForm()
    # With the council's sign-in on, only people outside its directory are invited.
    password_roles = staff_service.roles_with_passwords()
    if password_roles is not None:
        form.role.choices = [(r.value, ROLE_NAMES[r]) for r in password_roles]
    form.team.choices = _team_choices()
    form.organisation.choices = [("", "None")] + [
        (str(o.id), o.name) for o in advocates.organisations()
    ]
    if form.validate_on_submit():
        try:
            invited = staff_links.invite(
                email=form.email.data,
                name=form.name.data,
                role=Role(form.role.data),
                team_id=int(form.team.data) if form.team.data else None,
                organisation_id=int(form.organisation.data) if form.organisation.data else None,
                by=me(),
            )
        except staff_service.StaffError as refused:
            problem = str(refused)
            field = (
                form.role
                if "council account" in problem
                else form.email
                if "email" in problem
                else form.team
            )
            field.errors = [str(refused)]
        else:
            flash(
                f"An invitation is on its way to {invited.email}. Its link to set a password "
                f"works once, for {staff_links.hours()} hours.",
                "success",
            )
            return redirect(url_for("backoffice.staff_accounts"))
    return render_template(
        "backoffice/invite-staff.html", form=form, council_sign_in=password_roles is not None
    )


@bp.post("/staff-accounts/<int:staff_id>/password-link")
@requires(Permission.MANAGE_STAFF)
def send_password_link(staff_id: int) -> Response:
    account = _account_or_404(staff_id)
    if account.id == me().id:
        abort(403)  # your own password is changed on your account page
    try:
        staff_links.reset_password(account, by=me())
    except staff_service.StaffError as refused:
        flash(str(refused), "important")
        return redirect(url_for("backoffice.staff_account", staff_id=account.id))
    flash(
        f"{account.name}'s password no longer works, and they have been signed out "
        f"everywhere. A link to set a new one is on its way to {account.email}; it works "
        f"once, for {staff_links.hours()} hours.",
        "success",
    )
    return redirect(url_for("backoffice.staff_account", staff_id=account.id))


@bp.post("/staff-accounts/<int:staff_id>/authenticator-app-reset")
@requires(Permission.MANAGE_STAFF)
def reset_authenticator_app(staff_id: int) -> Response:
    account = _account_or_404(staff_id)
    if account.id == me().id:
        abort(403)  # a new app of your own is set up on your account page
    two_factor.reset(account, by=me())
    then = (
        "They will set up a new one when they next sign in."
        if two_factor.required(account)
        else "They sign in with their password only until they set up a new one."
    )
    flash(
        f"{account.name}'s authenticator app and recovery codes no longer work, and they "
        f"have been signed out everywhere. {then}",
        "success",
    )
    return redirect(url_for("backoffice.staff_account", staff_id=account.id))


@bp.get("/set-password/<token>")
@requires(PUBLIC)
@limiter.limit("20 per minute")
def password_link(token: str) -> Response:
    session[LINK_IN_SESSION] = staff_links.token_hash(token)
    return redirect(url_for("backoffice.set_password"))


@bp.route("/set-password", methods=["GET", "POST"])
@requires(PUBLIC)
@limiter.limit("20 per minute", methods=["POST"])
def set_password() -> Response | str | tuple[str, int]:
    link_hash = str(session.get(LINK_IN_SESSION) or "")
    account = staff_links.account_for(link_hash) if link_hash else None
    if account is None:
        return render_template("backoffice/password-link-ended.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            staff_links.set_password(link_hash, form.new.data)
        except staff_service.StaffError as refused:
            form.new.errors = [str(refused)]
        else:
            session.pop(LINK_IN_SESSION, None)
            flash("Your password is set. Sign in with your email address and it.", "success")
            return redirect(url_for("backoffice.sign_in"))
    return render_template("backoffice/set-password.html", form=form, account=account)
