"""Staff accounts, for the complaints manager: who can sign in, with which role and team.
A change of role or team, or disabling a leaver's account, signs them out everywhere
(services/staff.py)."""

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.common import me
from portal.backoffice.forms import StaffAccountForm
from portal.domain.access import ROLE_NAMES, Permission, Role
from portal.services import staff as staff_service
from portal.services import teams


@bp.get("/staff-accounts")
@requires(Permission.MANAGE_STAFF)
def staff_accounts() -> str:
    team_names = {team.id: team.name for team in teams.all_teams()}
    return render_template(
        "backoffice/staff-accounts.html",
        accounts=staff_service.all_accounts(),
        team_names=team_names,
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
    form.team.choices = [("", "No team")] + [
        (str(team.id), team.name) for team in teams.all_teams(include_inactive=False)
    ]
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
        "backoffice/edit.html",
        form=form,
        title=f"Staff account: {account.name}",
        back=url_for("backoffice.staff_accounts"),
    )
