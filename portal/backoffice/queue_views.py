"""The triage queue: the cases this person may see, filtered, a page at a time; the page,
or with htmx only its results."""

from flask import Response, render_template, request
from werkzeug.datastructures import MultiDict

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.common import me, today
from portal.backoffice.forms import BulkAssignForm
from portal.csv_export import csv_text
from portal.domain.access import Permission
from portal.domain.labels import KINDS, STAGES, label
from portal.extensions import htmx
from portal.numbers import whole_number
from portal.services import cases, safeguarding, teams, triage
from portal.services import staff as staff_service


def _queue_filters(args: MultiDict[str, str]) -> triage.QueueFilters:
    return triage.QueueFilters(
        assigned_to=me().id if args.get("assigned") == "me" else None,
        kind=args.get("kind", "") if args.get("kind", "") in KINDS else "",
        team_id=whole_number(args.get("team")),
        stage=args.get("stage", "") if args.get("stage", "") in STAGES else "",
        status=args.get("status", "") if args.get("status", "") in triage.STATUS_NAMES else "",
        reference=args.get("reference", "")[:30],
        page=whole_number(args.get("page")) or 1,
    )


@bp.get("/")
@requires(Permission.VIEW_CASES)
def queue() -> str:
    filters = _queue_filters(request.args)
    page = triage.queue(me(), filters, today=today())
    bulk = BulkAssignForm(formdata=None)
    _bulk_choices(bulk)
    context = {
        "bulk": bulk,
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


EXPORT_COLUMNS = [
    "Reference",
    "Kind",
    "Received",
    "Next due",
    "Due by",
    "Status",
    "Team",
    "Stage",
    "Possible danger",
    "Possible concern",
    "Acknowledged late",
]


@bp.get("/queue.csv")
@requires(Permission.VIEW_CASES)
def queue_export() -> Response:
    """The queue as this person sees it with the filters applied (every page), as CSV;
    recorded in the audit trail. Cells a spreadsheet would run as a formula are written
    as text (portal/csv_export.py)."""
    rows = triage.export(me(), _queue_filters(request.args), today=today())
    yes = {True: "Yes", False: "No"}
    body = csv_text(
        [
            EXPORT_COLUMNS,
            *(
                [
                    row.reference,
                    label("kind", row.kind),
                    row.received_on,
                    row.next_due_what or "Nothing due",
                    row.next_due_on,
                    triage.STATUS_NAMES[row.status],
                    row.team_name or "Not assigned",
                    label("stage", row.stage),
                    yes[row.urgent],
                    yes[row.concern],
                    yes[row.acknowledged_late],
                ]
                for row in rows
            ),
        ]
    )
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="queue-{today().isoformat()}.csv"'},
    )


def _bulk_choices(form: BulkAssignForm) -> None:
    form.team.choices = [("", "Keep each case's team")] + [
        (str(t.id), t.name) for t in teams.all_teams(include_inactive=False)
    ]
    form.person.choices = [("", "Keep who each is assigned to")] + (
        staff_service.assignee_choices()
    )
    form.cases.choices = [(value, value.rpartition("@")[0]) for value in form.cases.data or []]


@bp.post("/bulk-assign")
@requires(Permission.WORK_CASES)
def bulk_assign() -> str:
    """Assign the cases chosen in the queue to a team (with a reason when it changes) or
    a person, each as its own change: what someone else changed meanwhile, or what cannot
    go to that person, is listed with why; the rest are done."""
    form = BulkAssignForm()
    _bulk_choices(form)
    result = None
    if form.validate_on_submit():
        result = cases.assign_many(
            me(),
            form.chosen(),
            team_id=whole_number(form.team.data),
            person_id=whole_number(form.person.data),
            reason=form.reason.data or "",
        )
    return render_template("backoffice/bulk-assign.html", form=form, result=result)
