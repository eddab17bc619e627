"""The annual report counted by the database gives the very figures it gave when it read
every case and counted them one by one in Python (services/reports.figures_case_by_case),
and a period's kept figures are counted again when a case in it changes.

The cases: the demo's two years, made through intake and the case moves, then some of
them changed by hand into the corners the report must get right (stage 3 and a panel,
the stage 2 clock from the statement, an acknowledgement in the last hour of its due day
in summer time and one in the first hour after it, a withdrawn case that had been
resolved informally, an empty ombudsman decision and advocacy answer, a complaint with
no team or the advocacy provider's, a stage 3 response without a finding, a payment of
nothing), and imported past cases of every kind."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from backoffice_helpers import make_staff
from flask import Flask, current_app

from portal.domain.access import Role
from portal.domain.clock import LONDON, add_working_days
from portal.domain.reports import Period, financial_year, month, previous, quarter, whole_months
from portal.extensions import db
from portal.models import Case, Category, StageResponse, Submission, Team
from portal.models.report import PastCase, ReportCount
from portal.models.submission import with_case
from portal.services import reports
from portal.services.demo_cases import load_demo_cases
from portal.services.teams import load_default_categories

TODAY = date(2026, 6, 1)
YEAR = financial_year(date(2025, 6, 1))  # 2025 to 26
YEAR_BEFORE = previous(YEAR)


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC)


def build_cases() -> None:
    load_default_categories()
    make_staff(Role.MANAGER)
    assert load_demo_cases(TODAY, per_year=40) == 80
    cases = list(db.session.scalars(sa.select(Submission).order_by(Submission.id)))
    complaints = [c for c in cases if c.kind == "complaint"]
    provider = db.session.scalar(sa.select(Team.id).where(Team.is_advocacy_provider))

    # Stage 3 and a review panel, one panel late, one response without a finding.
    for case, panel_days in zip(complaints[:3], (12, 45, 30), strict=True):
        case.stage2_requested_on = add_working_days(case.received_on, 15)
        case.stage2_statement_on = add_working_days(case.received_on, 22)
        case.stage2_adjudicated_on = add_working_days(case.received_on, 60)
        case.stage2_extended_to = add_working_days(case.received_on, 80)
        case.stage3_requested_on = add_working_days(case.received_on, 70)
        case.panel_on = add_working_days(case.stage3_requested_on, panel_days)
        case.stage3_responded_on = add_working_days(case.panel_on, 14)
        stage3 = case.response("stage3")  # reached above, with its dates
        assert stage3 is not None
        stage3.outcome, stage3.ex_gratia_pence = "", 0
    # Acknowledged in the last hour of the day it was due by (summer time: 22:30 UTC), and
    # in the first hour of the day after.
    summer = [c for c in complaints if c.received_on.month in (6, 7, 8)]
    summer[0].acknowledged_at = london(summer[0].acknowledge_by, 23, 30)
    summer[1].acknowledged_at = london(summer[1].acknowledge_by + timedelta(days=1), 0, 30)
    winter = [c for c in complaints if c.received_on.month in (12, 1, 2)]
    winter[0].acknowledged_at = london(winter[0].acknowledge_by, 23, 59)
    # Resolved informally after being accepted, then withdrawn.
    complaints[5].resolved_informally_on = complaints[5].received_on + timedelta(days=3)
    complaints[5].withdrawn_on = complaints[5].received_on + timedelta(days=9)
    complaints[6].resolved_informally_on = complaints[6].received_on + timedelta(days=3)
    complaints[6].accepted_on = None
    complaints[6].withdrawn_on = complaints[6].received_on + timedelta(days=5)
    # The ombudsman: referred with an empty decision; a decision without a referral date.
    complaints[7].ombudsman_referred_on = complaints[7].received_on + timedelta(days=90)
    complaints[7].ombudsman_decision = ""
    complaints[8].ombudsman_decision = "premature"
    complaints[9].ombudsman_referred_on = complaints[9].received_on + timedelta(days=80)
    complaints[9].ombudsman_decision = "not_investigated"
    # Advocacy: an empty answer from a child, an answer from an advocate.
    complaints[10].submitter_role, complaints[10].advocacy_answer = "child", ""
    complaints[11].submitter_role, complaints[11].advocacy_answer = "advocate", "accepted"
    # No team; the advocacy provider's team (not in the report's list of teams).
    complaints[12].team_id = None
    complaints[13].team_id = provider
    complaints[14].team_id = provider
    # Responded on the day of receipt, and before it (a date typed wrong): 0 working days.
    complaints[15].stage1_responded_on = complaints[15].received_on
    complaints[16].stage1_responded_on = complaints[16].received_on - timedelta(days=3)
    compliments = [c for c in cases if c.kind == "compliment"]
    compliments[0].team_id = None
    db.session.add_all(past_cases())
    db.session.commit()


def past_cases() -> list[PastCase]:
    categories = list(db.session.scalars(sa.select(Category.id).order_by(Category.id)))
    teams = list(db.session.scalars(sa.select(Team.id).order_by(Team.id)))
    past = []
    start = YEAR_BEFORE.start
    stories = [
        ("complaint", "parent", "1", "upheld", 2, 8, False, 150000, None),
        ("complaint", "child", "2", "not_upheld", 4, 14, True, 0, "upheld"),
        ("complaint", "relative", "3", "partially_upheld", 1, 25, True, None, "referred"),
        ("complaint", "advocate", "informal", None, 3, None, False, None, None),
        ("complaint", "parent", None, "resolved_informally", None, None, False, None, None),
        ("complaint", "other", "1", "no_finding", 9, 19, False, 99, "not_upheld"),
        ("complaint", "parent", None, "withdrawn", 0, None, False, None, None),
        ("compliment", "professional", None, None, 1, None, False, None, None),
        ("representation", "parent", None, None, 2, None, False, None, None),
        ("advocacy", "child", None, None, None, None, False, None, None),
    ]
    for n, (kind, role, reached, outcome, ack, s1, ext, cost, ombudsman) in enumerate(stories * 3):
        received = start + timedelta(days=n * 9)
        past.append(
            PastCase(
                reference=f"OLD-{n:04d}",
                kind=kind,
                received_on=received,
                submitter_role=role,
                team_id=None if n % 7 == 3 else teams[n % len(teams)],
                category_id=None if n % 4 == 0 else categories[n % len(categories)],
                stage_reached=reached,
                outcome=outcome,
                acknowledged_on=add_working_days(received, ack) if ack is not None else None,
                stage1_responded_on=add_working_days(received, s1) if s1 else None,
                stage1_extended=ext,
                stage2_cost_pence=cost,
                ombudsman=ombudsman,
                imported_from="old.csv",
            )
        )
    return past


def counted_by_the_database(period: Period, category: str | None = None) -> dict[str, object]:
    report = reports.annual_report(period, category=category)
    return {key: report[key] for key in reports.figures_case_by_case(period) if key != "lessons"}


def kept_months(category: str = "") -> dict[date, datetime]:
    """The months whose tallies are kept (by their first day), and when each was counted."""
    return {
        row.month: row.computed_at
        for row in db.session.scalars(
            sa.select(ReportCount).where(ReportCount.category == category)
        )
    }


def counted_one_by_one(period: Period, category: str | None = None) -> dict[str, object]:
    figures = reports.figures_case_by_case(period, category)
    figures.pop("lessons")
    return figures


PERIODS = [
    YEAR,
    YEAR_BEFORE,
    quarter(date(2025, 7, 1)),
    quarter(date(2026, 1, 1)),
    Period(date(2024, 11, 15), date(2025, 10, 14)),
    financial_year(TODAY),  # still open: counted each time, never kept
]


@pytest.mark.parametrize("stage2_clock_start", ["request", "statement"])
def test_the_database_counts_the_same_figures_as_counting_case_by_case(
    app: Flask, stage2_clock_start: str
) -> None:
    current_app.config["STAGE2_CLOCK_START"] = stage2_clock_start
    build_cases()
    for period in PERIODS:
        expected = counted_one_by_one(period)
        assert expected["contacts"]["total"] > 0, period  # type: ignore[index]
        assert counted_by_the_database(period) == expected, period
        # Kept, then read back: the same again.
        assert counted_by_the_database(period) == expected, period
        if period == YEAR:  # the corners are in it
            timeliness, ombudsman = expected["timeliness"], expected["ombudsman"]
            assert timeliness["stage3_panels"] == 3 and timeliness["acknowledged_late"]  # type: ignore[index]
            assert ombudsman["referred"] and ombudsman["premature"]  # type: ignore[index]
        before = reports.annual_report(period)["previous"]
        before.pop("feedback")
        assert before == counted_one_by_one(previous(period)) | {}, period


def test_the_outcomes_by_team_of_one_category_are_the_same_both_ways(app: Flask) -> None:
    build_cases()
    for slug in reports.category_slugs():
        for period in (YEAR, YEAR_BEFORE):
            expected = counted_one_by_one(period, slug)
            assert counted_by_the_database(period, slug) == expected, (slug, period)


def test_kept_figures_are_counted_again_when_a_case_in_the_period_changes(app: Flask) -> None:
    build_cases()
    first = counted_by_the_database(YEAR)
    # The year's and the year before's months, each kept on its own.
    assert set(kept_months()) == {m.start for m in whole_months(YEAR_BEFORE) + whole_months(YEAR)}
    case = db.session.scalars(
        with_case()
        .where(Case.kind == "complaint", Submission.received_on.between(YEAR.start, YEAR.end))
        .where(Case.withdrawn_on.is_(None))
        .order_by(Submission.id)
    ).first()
    assert case is not None
    case.withdrawn_on = case.received_on + timedelta(days=1)
    db.session.commit()
    after = counted_by_the_database(YEAR)
    assert after == counted_one_by_one(YEAR)
    assert after != first

    # A stage response alone (its case untouched) is a change to the case too.
    response = db.session.scalars(
        sa.select(StageResponse)
        .join(Submission, Submission.id == StageResponse.submission_id)
        .where(Submission.received_on.between(YEAR.start, YEAR.end))
        .where(StageResponse.ex_gratia_pence.is_(None))
    ).first()
    assert response is not None
    response.ex_gratia_pence = 12345
    db.session.commit()
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    assert (
        counted_by_the_database(YEAR)["costs"]["ex_gratia_total"]
        != after["costs"][  # type: ignore[index]
            "ex_gratia_total"
        ]
    )

    # A case imported into the period, and a change made in bulk.
    db.session.add(
        PastCase(
            reference="OLD-LATE",
            kind="compliment",
            received_on=YEAR.start,
            submitter_role="parent",
            imported_from="late.csv",
        )
    )
    db.session.commit()
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    db.session.execute(
        sa.update(Submission)
        .where(Submission.received_on.between(YEAR.start, YEAR.end))
        .values(worker_name="Someone")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)


def test_a_change_to_a_case_of_another_period_leaves_the_kept_figures_alone(
    app: Flask,
) -> None:
    build_cases()
    counted_by_the_database(YEAR)
    kept = kept_months()
    case = db.session.scalars(
        sa.select(Submission).where(Submission.received_on > YEAR.end).order_by(Submission.id)
    ).first()
    assert case is not None
    case.withdrawn_on = TODAY
    db.session.commit()
    counted_by_the_database(YEAR)
    assert kept_months() == kept


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Makes it noon in London on a given day, for the report and for the changes it
    counts (models/report.py)."""
    from portal.models import report as report_model

    def at_noon(day: date) -> None:
        moment = london(day, 12)
        monkeypatch.setattr(reports, "utcnow", lambda: moment)
        monkeypatch.setattr(report_model, "utcnow", lambda: moment)

    return at_noon


def a_complaint_received_in(period: Period) -> Submission:
    case = db.session.scalars(
        sa.select(Submission)
        .join(Case, Case.submission_id == Submission.id)
        .where(Case.kind == "complaint", Case.withdrawn_on.is_(None))
        .where(Submission.received_on.between(period.start, period.end))
        .order_by(Submission.id)
    ).first()
    assert case is not None, period
    return case


def test_a_period_that_cuts_months_keeps_only_the_whole_months_in_it(app: Flask) -> None:
    build_cases()
    middle = Period(date(2024, 11, 15), date(2025, 10, 14))
    assert counted_by_the_database(middle) == counted_one_by_one(middle)
    kept = set(kept_months())
    assert {m.start for m in whole_months(middle)} <= kept
    assert date(2024, 11, 1) not in kept and date(2025, 10, 1) not in kept
    # The cut months' days are counted afresh each time, and the kept months read back.
    assert counted_by_the_database(middle) == counted_one_by_one(middle)
    # A quarter of kept months is their sum; so is a category's report.
    assert counted_by_the_database(quarter(date(2025, 7, 1))) == counted_one_by_one(
        quarter(date(2025, 7, 1))
    )
    slug = reports.category_slugs()[0]
    assert counted_by_the_database(middle, slug) == counted_one_by_one(middle, slug)
    assert {m.start for m in whole_months(middle)} <= set(kept_months(slug))


def test_a_change_to_one_case_counts_only_its_month_again(app: Flask) -> None:
    build_cases()
    counted_by_the_database(YEAR)
    kept = kept_months()
    case = a_complaint_received_in(YEAR)
    changed = case.received_on.replace(day=1)
    case.withdrawn_on = case.received_on + timedelta(days=1)
    db.session.commit()
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    after = kept_months()
    assert after[changed] > kept[changed]
    assert {day: when for day, when in after.items() if day != changed} == {
        day: when for day, when in kept.items() if day != changed
    }

    # A stage response of a case in another month: that month alone.
    other = db.session.scalars(
        sa.select(StageResponse)
        .join(Submission, Submission.id == StageResponse.submission_id)
        .where(Submission.received_on.between(YEAR.start, YEAR.end))
        .where(~Submission.received_on.between(changed, month(changed).end))
        .where(StageResponse.ex_gratia_pence.is_(None))
    ).first()
    assert other is not None
    other.ex_gratia_pence = 4200
    its_month = db.session.get(Submission, other.submission_id).received_on.replace(day=1)  # type: ignore[union-attr]
    db.session.commit()
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    again = kept_months()
    assert [day for day in again if again[day] != after[day]] == [its_month]


def test_a_case_moved_to_another_month_counts_both_months_again(app: Flask) -> None:
    build_cases()
    counted_by_the_database(YEAR)
    kept = kept_months()
    case = a_complaint_received_in(month(date(2025, 8, 1)))
    case.received_on = date(2025, 10, 20)
    db.session.commit()
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    after = kept_months()
    assert sorted(day for day in after if after[day] != kept[day]) == [
        date(2025, 8, 1),
        date(2025, 10, 1),
    ]


def test_an_open_year_keeps_its_ended_months_and_counts_the_rest_each_time(
    app: Flask, now: Callable[[date], None]
) -> None:
    build_cases()
    # A complaint of the current month, received before today.
    current = a_complaint_received_in(month(date(2025, 9, 1)))
    current.received_on = date(2026, 1, 12)
    db.session.commit()
    now(date(2026, 1, 20))
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    in_year = {day: when for day, when in kept_months().items() if day >= YEAR.start}
    # April to December: January is not over, February and March have not begun.
    assert sorted(in_year) == [
        m.start for m in whole_months(Period(YEAR.start, date(2025, 12, 31)))
    ]

    # A change to the case of the current month: right at once, no ended month counted again.
    current.withdrawn_on = date(2026, 1, 19)
    db.session.commit()
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    # And one to a case received today.
    today = a_complaint_received_in(month(date(2025, 11, 1)))
    today.received_on = date(2026, 1, 20)
    db.session.commit()
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    november = date(2025, 11, 1)
    after = {day: when for day, when in kept_months().items() if day >= YEAR.start}
    assert [day for day in after if after[day] != in_year[day]] == [november]  # moved from it
    today.ombudsman_decision = "upheld"
    db.session.commit()
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    assert {day: when for day, when in kept_months().items() if day >= YEAR.start} == after

    # January is kept from 2 February (a change may still be committing after midnight).
    now(date(2026, 2, 1))
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    assert date(2026, 1, 1) not in kept_months()
    now(date(2026, 2, 2))
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    assert date(2026, 1, 1) in kept_months()
    # A change on 2 February to a case received on 20 January counts January again.
    january = kept_months()[date(2026, 1, 1)]
    today.ombudsman_decision = "not_upheld"
    db.session.commit()
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    assert kept_months()[date(2026, 1, 1)] > january
