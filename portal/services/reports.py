"""The statutory annual report from the portal's own records (docs/report.md): the cases
received in a period, live and imported, read once and counted by the rules in
portal/domain/reports.py; the context figures and other councils' figures the
complaints manager types in."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.csv_export import Cell, csv_text
from portal.database import utcnow
from portal.domain import reports
from portal.domain.clock import london_date, working_days_between
from portal.domain.reports import Period, ReportCase, ReportEnquiry, ReportReferral
from portal.domain.responses import overall_outcome
from portal.extensions import db
from portal.models import (
    Case,
    Category,
    ClockEvent,
    Lesson,
    OmbudsmanEnquiry,
    Referral,
    Staff,
    StageResponse,
    Submission,
    Team,
    submission_categories,
)
from portal.models.report import ComparatorFigure, PastCase, ReportContext
from portal.services import audit, clock, feedback, report_counts

CONTEXT_FIELDS = ("social_care_contacts", "referrals", "children_looked_after")


def _stage_reached(case: Any) -> str | None:
    if case.stage3_requested_on:
        return "3"
    if case.stage2_requested_on:
        return "2"
    if case.accepted_on:
        return "1"
    if case.resolved_informally_on:
        return "informal"
    return None


def _live_cases(period: Period) -> list[ReportCase]:
    by_statement = current_app.config["STAGE2_CLOCK_START"] == "statement"
    team_name = Team.name.label("team_name")
    # Each stage's dates are on its own row (models/stage_response.py), if it was reached.
    stage1, stage2, stage3 = report_counts.STAGE_ROWS
    rows = db.session.execute(
        report_counts.with_stages(
            sa.select(
                Submission.id,
                Case.kind,
                Submission.received_on,
                Submission.submitter_role,
                team_name,
                Case.accepted_on,
                Case.resolved_informally_on,
                stage2.requested_on.label("stage2_requested_on"),
                stage3.requested_on.label("stage3_requested_on"),
                Case.withdrawn_on,
                Case.acknowledged_at,
                Submission.acknowledge_by,
                stage1.responded_on.label("stage1_responded_on"),
                stage1.extended_on.label("stage1_extended_on"),
                stage2.statement_on.label("stage2_statement_on"),
                stage2.responded_on.label("stage2_adjudicated_on"),
                stage2.extended_to.label("stage2_extended_to"),
                stage3.panel_on,
                stage3.responded_on.label("stage3_responded_on"),
                Submission.advocacy_answer,
                Submission.worker_name.is_not(None).label("worker_named"),
                Submission.channel,
                Case.procedure,
            ).select_from(Submission)
        )
        .outerjoin(Team, Team.id == Case.team_id)
        .where(Submission.received_on.between(period.start, period.end))
        .where(report_counts.counted())  # a duplicate merged into a case: counted once
    ).all()
    categories: dict[int, list[str]] = defaultdict(list)
    for submission_id, slug in db.session.execute(
        sa.select(submission_categories.c.submission_id, Category.slug)
        .join(Category, Category.id == submission_categories.c.category_id)
        .join(Submission, Submission.id == submission_categories.c.submission_id)
        .where(Submission.received_on.between(period.start, period.end))
    ):
        categories[submission_id].append(slug)
    responses: dict[int, list[Any]] = defaultdict(list)
    for response in db.session.execute(
        sa.select(
            StageResponse.submission_id,
            StageResponse.stage,
            StageResponse.outcome,
            StageResponse.ex_gratia_pence,
            StageResponse.cost_pence,
        )
        .join(Submission, Submission.id == StageResponse.submission_id)
        .where(Submission.received_on.between(period.start, period.end))
    ):
        responses[response.submission_id].append(response)
    verdicts = _stage1_verdicts(period)
    cases = []
    for row in rows:
        started = row.stage2_requested_on
        if by_statement and row.stage2_statement_on:
            started = row.stage2_statement_on
        cases.append(
            ReportCase(
                kind=row.kind,
                received_on=row.received_on,
                submitter_role=row.submitter_role,
                team=row.team_name,
                categories=tuple(categories[row.id]),
                stage_reached=_stage_reached(row),
                outcome=overall_outcome(
                    withdrawn=row.withdrawn_on is not None,
                    resolved_informally=row.resolved_informally_on is not None,
                    findings={r.stage: r.outcome for r in responses[row.id]},
                ),
                acknowledged_on=london_date(row.acknowledged_at) if row.acknowledged_at else None,
                acknowledge_by=row.acknowledge_by,
                stage1_responded_on=row.stage1_responded_on,
                stage1_extended=row.stage1_extended_on is not None,
                stage1_on_time=reports.clock_verdict(verdicts[row.id]),
                stage2_started_on=started,
                stage2_adjudicated_on=row.stage2_adjudicated_on,
                stage2_extended=row.stage2_extended_to is not None,
                stage3_requested_on=row.stage3_requested_on,
                panel_on=row.panel_on,
                stage3_responded_on=row.stage3_responded_on,
                stage2_cost_pence=next(
                    (r.cost_pence for r in responses[row.id] if r.stage == "stage2"), None
                ),
                # Every stage's payment: one at stage 1 and one at stage 2 are two.
                ex_gratia_payments=tuple(
                    r.ex_gratia_pence for r in responses[row.id] if r.ex_gratia_pence
                ),
                advocacy_answer=row.advocacy_answer,
                worker_named=bool(row.worker_named),
                channel=row.channel,
                procedure=row.procedure,
            )
        )
    return cases


def _stage1_verdicts(period: Period) -> dict[int, list[bool]]:
    """What each case's clock record fixed as in time or late at stage 1 (the response;
    in Wales the discussion too), for the cases received in the period: as the case's
    "Due dates" page shows it."""
    e = ClockEvent
    found: dict[int, list[bool]] = defaultdict(list)
    for submission_id, on_time in db.session.execute(
        sa.select(e.submission_id, e.on_time)
        .join(Submission, Submission.id == e.submission_id)
        .where(report_counts.stage1_verdict(), e.on_time.is_not(None))
        .where(Submission.received_on.between(period.start, period.end))
        .order_by(e.id)
    ):
        found[submission_id].append(bool(on_time))
    return found


def _past_cases(period: Period) -> list[ReportCase]:
    rows = db.session.execute(
        sa.select(PastCase, Team.name, Category.slug)
        .outerjoin(Team, Team.id == PastCase.team_id)
        .outerjoin(Category, Category.id == PastCase.category_id)
        .where(PastCase.received_on.between(period.start, period.end))
    ).all()
    return [
        ReportCase(
            kind=past.kind,
            received_on=past.received_on,
            submitter_role=past.submitter_role,
            team=team,
            categories=(slug,) if slug else (),
            stage_reached=past.stage_reached,
            outcome=past.outcome,
            acknowledged_on=past.acknowledged_on,
            # Not kept by the old system: the council's own target, as it is now.
            acknowledge_by=clock.acknowledgement_due(past.received_on).due,
            stage1_responded_on=past.stage1_responded_on,
            stage1_extended=past.stage1_extended,
            stage2_cost_pence=past.stage2_cost_pence,
            ombudsman=past.ombudsman,
        )
        for past, team, slug in rows
    ]


def cases_in(period: Period) -> list[ReportCase]:
    return _live_cases(period) + _past_cases(period)


def enquiries_in(period: Period) -> list[ReportEnquiry]:
    """The ombudsman's enquiries that arrived in the period, with their remedies."""
    return [
        ReportEnquiry(
            received_on=e.received_on,
            decision=e.decision if e.decided_on else None,
            maladministration=e.maladministration,
            injustice=e.injustice,
            remedies_on_time=tuple(
                r.complied_on is not None and r.complied_on <= r.due_on for r in e.remedies
            ),
        )
        for e in db.session.scalars(
            sa.select(OmbudsmanEnquiry).where(
                OmbudsmanEnquiry.received_on.between(period.start, period.end)
            )
        )
    ]


def referrals_in(period: Period) -> list[ReportReferral]:
    """The referrals to the advocacy provider made in the period."""
    return [
        ReportReferral(
            made_on=r.made_on,
            due_on=r.due_on,
            source=r.source,
            status=r.status,
            first_contact_on=r.first_contact_on,
            outcome=r.outcome,
        )
        for r in db.session.scalars(
            sa.select(Referral).where(Referral.made_on.between(period.start, period.end))
        )
    ]


def _lessons(period: Period) -> tuple[reports.Lesson, ...]:
    lesson_team = sa.orm.aliased(Team)
    case_team = sa.orm.aliased(Team)
    rows = db.session.execute(
        sa.select(Lesson.lesson, Lesson.action, lesson_team.name, case_team.name)
        .join(Submission, Submission.id == Lesson.submission_id)
        .join(Case, Case.submission_id == Submission.id)
        .outerjoin(lesson_team, lesson_team.id == Lesson.team_id)
        .outerjoin(case_team, case_team.id == Case.team_id)
        .where(Submission.received_on.between(period.start, period.end))
        .order_by(sa.func.coalesce(lesson_team.name, case_team.name), Lesson.id)
    )
    return tuple(
        reports.Lesson(team=own or case or "No team", lesson=lesson, action=action)
        for lesson, action, own, case in rows
    )


def team_names() -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Team.name)
            .where(sa.not_(Team.is_advocacy_provider))
            .order_by(Team.sort_order, Team.name)
        )
    )


def category_slugs() -> list[str]:
    return list(db.session.scalars(sa.select(Category.slug).order_by(Category.position)))


def category_names() -> dict[str, str]:
    rows = db.session.execute(sa.select(Category.slug, Category.name).order_by(Category.position))
    return {slug: name for slug, name in rows}


def _figures(periods: list[Period], category: str | None) -> list[dict[str, object]]:
    """Each period's figures from tallies counted by the database
    (services/report_counts.py), kept by the month for the months that have ended until a
    case received in one changes; what is to be counted for them all, counted at once."""
    teams, categories = team_names(), category_slugs()
    every = report_counts.kept(
        periods,
        category,
        today=london_date(utcnow()),
        settings=report_counts.settings() | {"teams": teams, "categories": categories},
        count=lambda parts: report_counts.count(
            parts,
            category=category,
            stage2_from_statement=current_app.config["STAGE2_CLOCK_START"] == "statement",
            acknowledge_by=lambda received_on: clock.acknowledgement_due(received_on).due,
        ),
    )
    return [reports.figures_of(tallies, teams=teams, categories=categories) for tallies in every]


def figures_case_by_case(period: Period, category: str | None = None) -> dict[str, object]:
    """The same figures counted one case at a time in Python, as the report once was: the
    reference that the database's counting is tested against."""
    return reports.figures(
        cases_in(period),
        enquiries=enquiries_in(period),
        referrals=referrals_in(period),
        working_days=working_days_between,
        teams=team_names(),
        categories=category_slugs(),
        category=category,
    )


def context_for(period: Period) -> dict[str, int | None]:
    found = db.session.scalar(
        sa.select(ReportContext).where(
            ReportContext.period_start == period.start, ReportContext.period_end == period.end
        )
    )
    return {name: getattr(found, name) if found else None for name in CONTEXT_FIELDS}


def save_context(period: Period, figures: dict[str, int | None], *, staff: Staff) -> None:
    found = db.session.scalar(
        sa.select(ReportContext).where(
            ReportContext.period_start == period.start, ReportContext.period_end == period.end
        )
    )
    if found is None:
        found = ReportContext(period_start=period.start, period_end=period.end)
        db.session.add(found)
    for name in CONTEXT_FIELDS:
        setattr(found, name, figures.get(name))
    audit.record(
        "report_context_saved",
        staff=staff,
        detail={"from": period.start, "to": period.end} | dict(figures),
    )
    db.session.commit()


def comparators() -> list[ComparatorFigure]:
    return list(
        db.session.scalars(
            sa.select(ComparatorFigure).order_by(ComparatorFigure.year, ComparatorFigure.council)
        )
    )


def save_comparator(
    council: str, year: str, complaints: int, referrals: int | None, *, staff: Staff
) -> None:
    found = db.session.scalar(
        sa.select(ComparatorFigure).where(
            ComparatorFigure.council == council, ComparatorFigure.year == year
        )
    )
    if found is None:
        found = ComparatorFigure(council=council, year=year, complaints=complaints)
        db.session.add(found)
    found.complaints = complaints
    found.referrals = referrals
    audit.record(
        "comparator_saved",
        staff=staff,
        detail={"council": council, "year": year, "complaints": complaints, "referrals": referrals},
    )
    db.session.commit()


def remove_comparator(comparator_id: int, *, staff: Staff) -> None:
    found = db.session.get(ComparatorFigure, comparator_id)
    if found is not None:
        audit.record(
            "comparator_removed", staff=staff, detail={"council": found.council, "year": found.year}
        )
        db.session.delete(found)
        db.session.commit()


def annual_report(period: Period, *, category: str | None = None) -> dict[str, Any]:
    """The whole report for a period, with the previous period's figures beside it."""
    before = reports.previous(period)
    now, earlier = _figures([period, before], category)
    earlier.pop("lessons", None)  # the learning section is this period's alone
    now["lessons"] = [
        {"team": lesson.team, "lesson": lesson.lesson, "action": lesson.action}
        for lesson in _lessons(period)
    ]
    # The learning section also has what complainants said of the handling (issue 8).
    now["feedback"], now["feedback_comments"] = feedback.report_figures(period)
    earlier["feedback"], _ = feedback.report_figures(before)
    context = context_for(period)
    complaints = now["complaints"]["received"]  # type: ignore[index]
    ours = {
        "council": current_app.config["COUNCIL_NAME"],
        "year": period.label(),
        "complaints": complaints,
        "referrals": context["referrals"],
        "complaints_per_referrals_percent": reports.rates(
            complaints, {"referrals": context["referrals"]}
        )["complaints_per_referrals_percent"],
    }
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "previous_period": {"from": before.start.isoformat(), "to": before.end.isoformat()},
        "category": category,
        **now,
        "previous": earlier,
        "context": context,
        "rates": reports.rates(complaints, context),
        "comparison": [ours]
        + [
            {
                "council": other.council,
                "year": other.year,
                "complaints": other.complaints,
                "referrals": other.referrals,
                "complaints_per_referrals_percent": reports.rates(
                    other.complaints, {"referrals": other.referrals}
                )["complaints_per_referrals_percent"],
            }
            for other in comparators()
        ],
    }


def as_csv(report: dict[str, Any]) -> str:
    """Every figure as one row: section, figure, this period, the previous, change %."""
    rows: list[list[Cell]] = [
        ["section", "figure", "this_period", "previous_period", "change_percent"]
    ]
    for section, values in report.items():
        if section in ("period", "previous_period", "category", "previous"):
            continue
        if section == "comparison":
            for other in values:
                figure = f"{other['council']} {other['year']}.complaints_per_referrals_percent"
                rows.append(
                    ["comparison", figure, other["complaints_per_referrals_percent"], None, None]
                )
            continue
        if section == "lessons":
            for lesson in values:
                rows.append(["lessons", lesson["team"], lesson["lesson"], lesson["action"], None])
            continue
        if section == "feedback_comments":
            for comment in values:
                rows.append(["feedback_comments", comment["from"], comment["comment"], None, None])
            continue
        before = report["previous"].get(section, {})
        for figure, now, earlier in _flatten(values, before):
            rows.append([section, figure, now, earlier, _change(now, earlier)])
    return csv_text(rows)


def _flatten(now: Any, before: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    if not isinstance(now, dict):
        return [(prefix, now, before)]
    earlier = before if isinstance(before, dict) else {}
    rows = []
    # A team with nothing this period still shows last period's figure beside a 0.
    for key in [*now, *(k for k in earlier if k not in now)]:
        then = earlier.get(key)
        value = now.get(key, 0 if isinstance(then, int) else None)
        rows += _flatten(value, then, f"{prefix}.{key}" if prefix else str(key))
    return rows


def _change(now: Any, before: Any) -> Decimal | None:
    if isinstance(now, int) and isinstance(before, int) and not isinstance(now, bool):
        return reports.change(now, before)
    return None


def period_from(start: date | None, end: date | None, today: date) -> Period:
    """The dates asked for, or the financial year that contains today."""
    if start and end:
        return Period(start, end)
    return reports.financial_year(today)
