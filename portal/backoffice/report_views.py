"""The statutory annual report in the back office: the page, each table as CSV, the
whole report as a PDF for committee papers, and the figures the manager adds to it."""

from datetime import date, datetime
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.backoffice import bp
from portal.backoffice.auth import requires
from portal.backoffice.forms import ComparatorForm, ReportContextForm
from portal.backoffice.report_tables import Table, tables
from portal.domain.access import Permission
from portal.domain.clock import LONDON
from portal.domain.reports import Period, financial_year, previous, quarter
from portal.extensions import db
from portal.pdf import pdf_download
from portal.services import audit, feedback, reports
from portal.services.reports import CONTEXT_FIELDS


def _today() -> date:
    return datetime.now(LONDON).date()


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


# A report counts its period and the year before it, and Python's dates stop at the years
# 1 and 9999: any period within these years can be counted and compared.
EARLIEST, LATEST = date(1990, 1, 1), date(2099, 12, 31)


def _period() -> tuple[Period, str | None]:
    """The period asked for in the address, or this financial year; and why the dates
    asked for could not be used, if they could not."""
    start, end = _date("from"), _date("to")
    asked = request.args.get("from") or request.args.get("to")
    if start and end and start <= end:
        if start >= EARLIEST and end <= LATEST:
            return Period(start, end), None
        return financial_year(_today()), "Enter dates from 1 January 1990 to 31 December 2099"
    problem = None
    if asked:
        problem = "Enter real dates as YYYY-MM-DD, with the end on or after the start"
    return financial_year(_today()), problem


def _choices(today: date) -> list[tuple[str, Period]]:
    """The periods a committee usually asks for: financial years, then this year's
    quarters so far."""
    this_year = financial_year(today)
    years = [this_year, previous(this_year), previous(previous(this_year))]
    quarters = []
    start = this_year.start
    while start <= min(today, this_year.end):
        quarters.append(quarter(start))
        start = quarters[-1].end.replace(day=1)
        start = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return [(f"{p.label()} (financial year)", p) for p in years] + [
        (f"Quarter {n}: {p.label()}", p) for n, p in enumerate(quarters, 1)
    ]


def _report_tables(period: Period, category: str | None) -> tuple[dict[str, Any], list[Table]]:
    report = reports.annual_report(period, category=category)
    jurisdiction = current_app.config["JURISDICTION"]
    return report, tables(report, reports.category_names(), jurisdiction=jurisdiction)


def _category() -> str | None:
    category = request.args.get("category") or None
    return category if category in reports.category_names() else None


def _viewed(period: Period, how: str) -> None:
    audit.record(
        "report_viewed",
        staff=current_user._get_current_object(),
        detail={"from": period.start, "to": period.end, "as": how},
    )
    db.session.commit()


@bp.get("/reports/annual")
@requires(Permission.VIEW_REPORTS)
def annual_report() -> str:
    return _page()


def _page(
    context_form: ReportContextForm | None = None, comparator_form: ComparatorForm | None = None
) -> str:
    period, problem = _period()
    category = _category()
    report, shown = _report_tables(period, category)
    _viewed(period, "page")
    return render_template(
        "backoffice/report.html",
        report=report,
        tables=shown,
        period=period,
        previous_period=previous(period),
        problem=problem,
        choices=_choices(_today()),
        category=category,
        categories=reports.category_names(),
        context_form=context_form or ReportContextForm(data=reports.context_for(period)),
        comparator_form=comparator_form or ComparatorForm(),
        comparators=reports.comparators(),
        feedback_comments=feedback.comments_to_manage(period),
        form=context_form if context_form and context_form.errors else comparator_form,
    )


@bp.get("/reports/annual/<section>.csv")
@requires(Permission.VIEW_REPORTS)
def annual_report_csv(section: str) -> Response:
    period, _ = _period()
    _, shown = _report_tables(period, _category())
    _viewed(period, f"csv {section}")
    table = next((t for t in shown if t.slug == section), None)
    if table is None:
        abort(404)
    name = f"{section}-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
    return Response(
        table.csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/reports/annual.pdf")
@requires(Permission.VIEW_REPORTS)
def annual_report_pdf() -> Response:
    period, _ = _period()
    category = _category()
    report, shown = _report_tables(period, category)
    _viewed(period, "pdf")
    html = render_template(
        "backoffice/report-print.html",
        report=report,
        tables=shown,
        period=period,
        previous_period=previous(period),
        category=category,
        categories=reports.category_names(),
    )
    name = f"annual-report-{period.start.isoformat()}-to-{period.end.isoformat()}.pdf"
    return pdf_download(html, name)


@bp.post("/reports/context")
@requires(Permission.EDIT_REPORTS)
def report_context() -> Response | str:
    period, _ = _period()
    form = ReportContextForm()
    if not form.validate():
        return _page(context_form=form)
    reports.save_context(
        period, {name: form[name].data for name in CONTEXT_FIELDS}, staff=current_user
    )
    flash("The figures for the period are saved", "success")
    return redirect(_back_to_report(period) + "#context")


@bp.post("/reports/comparators")
@requires(Permission.EDIT_REPORTS)
def report_comparator() -> Response | str:
    period, _ = _period()
    form = ComparatorForm()
    if not form.validate():
        return _page(comparator_form=form)
    reports.save_comparator(
        form.council.data,
        form.year.data,
        form.complaints.data,
        form.comparator_referrals.data,
        staff=current_user,
    )
    flash(f"{form.council.data}'s figures for {form.year.data} are saved", "success")
    return redirect(_back_to_report(period) + "#comparison")


@bp.post("/reports/comparators/<int:comparator_id>/delete")
@requires(Permission.EDIT_REPORTS)
def report_comparator_delete(comparator_id: int) -> Response:
    period, _ = _period()
    reports.remove_comparator(comparator_id, staff=current_user)
    flash("The council's figures are removed", "success")
    return redirect(_back_to_report(period) + "#comparison")


@bp.post("/reports/feedback-comments/<comment_id>")
@requires(Permission.EDIT_REPORTS)
def report_feedback_comment(comment_id: str) -> Response:
    """Hide a questionnaire's comment from the report, or show it again."""
    period, _ = _period()
    hide = request.form.get("hide") == "yes"
    feedback.hide_comment(comment_id, hidden=hide, staff=current_user)
    flash(
        "The comment is hidden from the report" if hide else "The comment is shown again", "success"
    )
    return redirect(_back_to_report(period) + "#feedback-comments")


def _back_to_report(period: Period) -> str:
    dates: dict[str, Any] = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    return url_for("backoffice.annual_report", **dates)
