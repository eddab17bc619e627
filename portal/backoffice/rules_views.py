"""Routing rules (the complaints manager): the list in order with a preview of where a
submission would go, adding, editing, reordering and deleting a rule."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.common import me, today
from portal.backoffice.forms import PreviewForm, RuleForm
from portal.domain.access import Permission
from portal.domain.labels import PROCEDURES, ROLE_ANSWERS
from portal.domain.timescales import Procedure
from portal.extensions import htmx
from portal.fields import translated_choices
from portal.numbers import whole_number
from portal.services import routing_rules, teams


def _rule_form(formdata: Any = None, **data: Any) -> RuleForm:
    form = RuleForm(formdata=formdata, data=data or None)
    team_choices = [(str(t.id), t.name) for t in teams.all_teams(include_inactive=False)]
    form.team.choices = [("", "Choose a team")] + team_choices
    form.chosen_teams.choices = team_choices
    form.roles.choices = translated_choices(ROLE_ANSWERS)
    form.procedure.choices = [("", "The statutory children's procedure")] + [
        (Procedure.CORPORATE.value, PROCEDURES[Procedure.CORPORATE])
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
                chosen_team_id=whole_number(preview.chosen_team.data),
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
    form.role.choices = translated_choices(ROLE_ANSWERS)
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
            version=str(row.version),
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
        try:
            routing_rules.save_rule(
                _rule_input(form),
                staff=me(),
                rule_id=rule_id,
                version=whole_number(form.version.data),
            )
        except routing_rules.RuleChanged as changed:
            # What they typed stays; saved again, it replaces the rule as it is now.
            form.name.errors = [str(changed)]
            form.version.data = str(routing_rules.version_of(rule_id))
        except LookupError:
            abort(404)  # deleted meanwhile
        else:
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
