"""Teams and categories (the complaints manager): the lists, adding and editing one."""

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.common import me
from portal.backoffice.forms import CategoryForm, TeamForm
from portal.domain.access import Permission
from portal.numbers import whole_number
from portal.services import teams


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
            teams.save_team(
                form.fields(),
                staff=me(),
                team_id=team_id,
                version=whole_number(form.version.data),
            )
        except teams.TeamChanged as changed:
            # What they typed stays; saved again, it replaces the team as it is now.
            form.name.errors = [str(changed)]
            form.version.data = str(teams.version_of(team_id or 0))
        except teams.TeamError as problem:
            form[problem.field].errors = [str(problem)]
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
