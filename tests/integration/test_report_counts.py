"""The annual report counted by the database gives the very figures it gave when it read
every case and counted them one by one in Python (services/reports.figures_case_by_case),
and a period's kept figures are counted again when a case in it changes.

The cases: the demo's two years, made through intake and the case moves, then some of
them changed by hand into the corners the report must get right (stage 3 and a panel,
the stage 2 clock from the statement, an acknowledgement in the last hour of its due day
in summer time and one in the first hour after it, a withdrawn case that had been
resolved informally, the ombudsman's enquiries (an empty decision, remedies complied with
on time, late and not yet), an empty advocacy answer, a complaint with
no team or the advocacy provider's, a stage 3 response without a finding, a payment of
nothing), and imported past cases of every kind."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from backoffice_helpers import make_staff
from copied_rows import Rows, every_row, put_back
from flask import Flask, current_app

from portal.domain.access import Role
from portal.domain.clock import LONDON, add_working_days
from portal.domain.reports import Period, financial_year, month, previous, quarter, whole_months
from portal.extensions import db
from portal.models import (
    Case,
    Category,
    OmbudsmanEnquiry,
    OmbudsmanRemedy,
    Referral,
    Staff,
    StageResponse,
    Submission,
    Team,
)
from portal.models.report import PastCase, ReportCount
from portal.models.submission import with_case
from portal.services import related_cases, report_counts, reports
from portal.services.demo_cases import load_demo_cases
from portal.services.teams import load_default_categories

TODAY = date(2026, 6, 1)
YEAR = financial_year(date(2025, 6, 1))  # 2025 to 26
YEAR_BEFORE = previous(YEAR)


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC)


# Every table's rows once build_cases has run, by the STAGE2_CLOCK_START it ran with (the
# stage 2 due dates follow it): building them is most of each test's time, and each test
# starts from the same rows, so they are built once for the module and copied back.
_BUILT: dict[str, Rows] = {}


def build_cases() -> None:
    """The cases below on an emptied database: built the first time, copied afterwards."""
    key = current_app.config["STAGE2_CLOCK_START"]
    if key in _BUILT:
        put_back(_BUILT[key])
        return
    _build_cases()
    db.session.commit()
    _BUILT[key] = every_row()


def _build_cases() -> None:
    load_default_categories()
    make_staff(Role.MANAGER)
    assert load_demo_cases(TODAY, per_year=40) == 80
    cases = list(db.session.scalars(sa.select(Submission).order_by(Submission.id)))
    complaints = [c for c in cases if c.case.kind == "complaint"]
    provider = db.session.scalar(sa.select(Team.id).where(Team.is_advocacy_provider))

    # Stage 3 and a review panel, one panel late, one response without a finding.
    for case, panel_days in zip(complaints[:3], (12, 45, 30), strict=True):
        case.reach("stage2").requested_on = add_working_days(case.received_on, 15)
        case.reach("stage2").statement_on = add_working_days(case.received_on, 22)
        case.reach("stage2").responded_on = add_working_days(case.received_on, 60)
        case.reach("stage2").extended_to = add_working_days(case.received_on, 80)
        case.reach("stage3").requested_on = add_working_days(case.received_on, 70)
        case.reach("stage3").panel_on = add_working_days(
            case.stage_row("stage3").requested_on, panel_days
        )
        case.reach("stage3").responded_on = add_working_days(case.stage_row("stage3").panel_on, 14)
        stage3 = case.response("stage3")  # reached above, with its dates
        assert stage3 is not None
        stage3.outcome, stage3.ex_gratia_pence = "", 0
    # Acknowledged in the last hour of the day it was due by (summer time: 22:30 UTC), and
    # in the first hour of the day after.
    summer = [c for c in complaints if c.received_on.month in (6, 7, 8)]
    summer[0].case.acknowledged_at = london(summer[0].acknowledge_by, 23, 30)
    summer[1].case.acknowledged_at = london(summer[1].acknowledge_by + timedelta(days=1), 0, 30)
    winter = [c for c in complaints if c.received_on.month in (12, 1, 2)]
    winter[0].case.acknowledged_at = london(winter[0].acknowledge_by, 23, 59)
    # Resolved informally after being accepted, then withdrawn.
    complaints[5].case.resolved_informally_on = complaints[5].received_on + timedelta(days=3)
    complaints[5].case.withdrawn_on = complaints[5].received_on + timedelta(days=9)
    complaints[6].case.resolved_informally_on = complaints[6].received_on + timedelta(days=3)
    complaints[6].case.accepted_on = None
    complaints[6].case.withdrawn_on = complaints[6].received_on + timedelta(days=5)
    # The ombudsman's enquiries, counted in the month each arrived (not the case's): one
    # with an empty decision and no date; one premature; one not investigated; one upheld
    # with fault and no word on injustice, its remedies complied with on time, late and
    # not yet; and a second enquiry into the same case.
    add_enquiry(complaints[7], 90, decision="")
    add_enquiry(complaints[8], 20, decided=40, decision="premature")
    add_enquiry(complaints[9], 80, decided=81, decision="not_investigated")
    upheld = add_enquiry(complaints[10], 60, decided=150, decision="upheld", maladministration=True)
    for due, complied in ((160, 150), (160, 170), (170, None)):
        upheld.remedies.append(
            OmbudsmanRemedy(
                submission_id=complaints[10].id,
                what="Apologise.",
                due_on=complaints[10].received_on + timedelta(days=due),
                complied_on=complaints[10].received_on + timedelta(days=complied)
                if complied is not None
                else None,
            )
        )
    add_enquiry(complaints[10], 200, decided=230, decision="not_upheld", injustice=False)
    # Advocacy: an empty answer from a child, an answer from an advocate.
    complaints[10].submitter_role, complaints[10].advocacy_answer = "child", ""
    complaints[11].submitter_role, complaints[11].advocacy_answer = "advocate", "accepted"
    # No team; the advocacy provider's team (not in the report's list of teams).
    complaints[12].case.team_id = None
    complaints[13].case.team_id = provider
    complaints[14].case.team_id = provider
    # Responded on the day of receipt, and before it (a date typed wrong): 0 working days.
    complaints[15].reach("stage1").responded_on = complaints[15].received_on
    complaints[16].reach("stage1").responded_on = complaints[16].received_on - timedelta(days=3)
    compliments = [c for c in cases if c.case.kind == "compliment"]
    compliments[0].case.team_id = None
    db.session.add_all(past_cases())
    work_referrals(cases, provider)
    db.session.commit()


def work_referrals(cases: list[Submission], provider: int) -> None:
    """The referrals to the advocacy provider the demo made, some worked: first contacts
    0, 1, 3 and 70 working days after (the last beyond the cap), one declined, two
    closed with outcomes; and a staff referral made in another month than its case."""
    made = list(db.session.scalars(sa.select(Referral).order_by(Referral.id)))
    assert len(made) >= 6, len(made)
    for referral, days in zip(made[:4], (0, 1, 3, 70), strict=True):
        referral.status = "accepted"
        referral.accepted_on = referral.made_on
        referral.first_contact_on = add_working_days(referral.made_on, days)
    made[2].status, made[2].outcome = "closed", "supported_complaint"
    made[3].status, made[3].outcome = "closed", "no_contact"
    made[4].status, made[4].decline_reason = "declined", "No capacity"
    late = sorted(cases, key=lambda c: c.received_on)[len(cases) // 2]
    db.session.add(
        Referral(
            submission_id=late.id,
            provider_team_id=provider,
            source="staff",
            status="waiting",
            made_on=late.received_on + timedelta(days=40),
            due_on=late.received_on + timedelta(days=41),
            response_working_days=1,
        )
    )


def add_enquiry(
    case: Submission,
    days: int,
    *,
    decided: int | None = None,
    decision: str | None = None,
    maladministration: bool | None = None,
    injustice: bool | None = None,
) -> OmbudsmanEnquiry:
    """An enquiry into `case` arriving `days` after it was received."""
    enquiry = OmbudsmanEnquiry(
        submission_id=case.id,
        received_on=case.received_on + timedelta(days=days),
        decided_on=case.received_on + timedelta(days=decided) if decided is not None else None,
        decision=decision,
        maladministration=maladministration,
        injustice=injustice,
    )
    db.session.add(enquiry)
    return enquiry


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
            assert ombudsman["remedies"] and ombudsman["remedies_on_time"]  # type: ignore[index]
        before = reports.annual_report(period)["previous"]
        before.pop("feedback")
        assert before == counted_one_by_one(previous(period)) | {}, period
    # The referrals' corners are in the two years: four first contacts, one declined,
    # two outcomes, the staff referral.
    advocacy = [counted_one_by_one(p)["advocacy"] for p in (YEAR, YEAR_BEFORE)]
    assert sum(a["referrals_first_contact"] for a in advocacy) == 4  # type: ignore[index]
    assert sum(a["referrals_declined"] for a in advocacy) == 1  # type: ignore[index]
    assert sum(a["referrals_from_staff"] for a in advocacy) == 1  # type: ignore[index]
    assert sum(sum(a["referral_outcomes"].values()) for a in advocacy) == 2  # type: ignore[index]


def test_kept_figures_are_counted_again_when_a_referral_in_the_period_changes(
    app: Flask,
) -> None:
    build_cases()
    first = counted_by_the_database(YEAR)["advocacy"]
    referral = db.session.scalars(
        sa.select(Referral)
        .where(Referral.made_on.between(YEAR.start, YEAR.end), Referral.status == "waiting")
        .order_by(Referral.id)
    ).first()
    assert referral is not None
    referral.status = "accepted"
    referral.first_contact_on = referral.made_on
    db.session.commit()
    again = counted_by_the_database(YEAR)["advocacy"]
    assert again == counted_one_by_one(YEAR)["advocacy"]
    assert again["referrals_first_contact"] == first["referrals_first_contact"] + 1  # type: ignore[index]


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
    case.case.withdrawn_on = case.received_on + timedelta(days=1)
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
    case.case.withdrawn_on = TODAY
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
    case.case.withdrawn_on = case.received_on + timedelta(days=1)
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


def test_an_ombudsman_s_remedy_complied_with_counts_the_month_its_enquiry_arrived_again(
    app: Flask,
) -> None:
    build_cases()
    counted_by_the_database(YEAR)
    kept = kept_months()
    remedy = db.session.scalars(
        sa.select(OmbudsmanRemedy)
        .join(OmbudsmanEnquiry, OmbudsmanEnquiry.id == OmbudsmanRemedy.enquiry_id)
        .where(OmbudsmanRemedy.complied_on.is_(None))
        .where(OmbudsmanEnquiry.received_on.between(YEAR.start, YEAR.end))
    ).first()
    assert remedy is not None
    arrived = db.session.get(OmbudsmanEnquiry, remedy.enquiry_id).received_on  # type: ignore[union-attr]
    before = counted_by_the_database(YEAR)["ombudsman"]["remedies_on_time"]  # type: ignore[index]
    remedy.complied_on = remedy.due_on
    db.session.commit()
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    assert counted_by_the_database(YEAR)["ombudsman"]["remedies_on_time"] == before + 1  # type: ignore[index]
    after = kept_months()
    assert [day for day in after if after[day] != kept[day]] == [arrived.replace(day=1)]


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
    current.case.withdrawn_on = date(2026, 1, 19)
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
    enquiry = add_enquiry(today, 0, decided=0, decision="upheld")
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
    enquiry.decision = "not_upheld"
    db.session.commit()
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    assert kept_months()[date(2026, 1, 1)] > january


def test_months_counted_in_one_pass_are_each_the_month_counted_alone(app: Flask) -> None:
    """Counting many months at once (grouped by the month in each query) gives each month
    the tallies it has counted on its own, and kept months equal to case-by-case counting,
    whatever the mix: both years at once, runs of months with a gap, a month with no case,
    and periods cut in the middle of a month."""
    build_cases()
    empty = month(date(2025, 9, 1))
    for case in db.session.scalars(
        sa.select(Submission).where(Submission.received_on.between(empty.start, empty.end))
    ):
        case.received_on = date(2025, 10, 3)  # September left with no case at all
    for enquiry in db.session.scalars(
        sa.select(OmbudsmanEnquiry).where(
            OmbudsmanEnquiry.received_on.between(empty.start, empty.end)
        )
    ):
        enquiry.received_on = date(2025, 10, 3)  # nor an ombudsman's enquiry
    for referral in db.session.scalars(
        sa.select(Referral).where(Referral.made_on.between(empty.start, empty.end))
    ):
        referral.made_on = date(2025, 10, 3)  # nor a referral to the advocacy provider
    db.session.commit()

    def counted(periods: list[Period]) -> dict[date, object]:
        by_month = report_counts.count(
            periods,
            category=None,
            stage2_from_statement=False,
            acknowledge_by=lambda received_on: received_on + timedelta(days=3),
        )
        return {first: dict(tallies) for first, tallies in by_month.items() if tallies}

    months = whole_months(YEAR_BEFORE) + whole_months(YEAR)
    together = counted(months)
    alone = {}
    for m in months:
        alone.update(counted([m]))
    assert together == alone
    assert empty.start not in together
    assert len(together) >= 20  # the demo's cases are spread over both years
    # Two runs with a gap, and the ends of a period cut mid-month.
    runs = [*whole_months(quarter(date(2024, 7, 1))), *whole_months(quarter(date(2025, 1, 1)))]
    assert counted(runs) == {m: together[m] for m in together if any(r.start == m for r in runs)}
    ends = [
        Period(date(2024, 11, 15), date(2024, 11, 30)),
        Period(date(2025, 10, 1), date(2025, 10, 14)),
    ]
    cut = counted(ends)
    assert set(cut) <= {date(2024, 11, 1), date(2025, 10, 1)}
    assert cut == {m: t for part in ends for m, t in counted([part]).items()}

    # Through the report: every month of both years counted at once, then read back.
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    assert empty.start in kept_months()  # kept though empty: not counted again
    assert (
        db.session.scalar(sa.select(ReportCount.tallies).where(ReportCount.month == empty.start))
        == {}
    )
    assert counted_by_the_database(YEAR) == counted_one_by_one(YEAR)
    middle = Period(date(2024, 11, 15), date(2025, 10, 14))
    db.session.execute(sa.delete(ReportCount))
    db.session.commit()
    assert counted_by_the_database(middle) == counted_one_by_one(middle)
    assert counted_by_the_database(middle) == counted_one_by_one(middle)


def test_a_period_and_the_one_before_counted_together_overlapping_or_apart(app: Flask) -> None:
    """A report counts its period and the one before at once; a period longer than a year
    overlaps the one before (counted each on its own then); a quarter and the same quarter
    a year before leave months between them, where a change counts neither again."""
    build_cases()
    long = Period(date(2024, 10, 15), date(2026, 1, 10))
    report = reports.annual_report(long)
    assert {k: report[k] for k in counted_one_by_one(long)} == counted_one_by_one(long)
    report["previous"].pop("feedback")
    assert report["previous"] == counted_one_by_one(previous(long))
    autumn = quarter(date(2025, 10, 1))
    assert counted_by_the_database(autumn) == counted_one_by_one(autumn)
    kept = kept_months()
    between = a_complaint_received_in(Period(date(2025, 1, 1), date(2025, 9, 30)))
    between.case.withdrawn_on = between.received_on + timedelta(days=2)
    db.session.commit()
    assert counted_by_the_database(autumn) == counted_one_by_one(autumn)
    assert kept_months() == kept


def test_a_duplicate_merged_into_a_case_is_counted_once_both_ways(app: Flask) -> None:
    """The same person complaining twice, through two channels, is one complaint: once
    the duplicate is merged into the case kept, the report counts the pair once, and the
    months it kept are counted again."""
    build_cases()
    first = counted_by_the_database(YEAR)
    assert kept_months()
    duplicate, kept = db.session.scalars(
        with_case()
        .where(Case.kind == "complaint", Submission.received_on.between(YEAR.start, YEAR.end))
        .order_by(Submission.id)
        .limit(2)
    ).all()
    manager = db.session.scalars(
        sa.select(Staff).where(Staff.email == make_staff(Role.MANAGER, email="merges@example.com"))
    ).one()
    related_cases.merge(
        manager,
        duplicate,
        into=kept.reference,
        note="The same parent phoned and wrote online",
        version=duplicate.case.version,
        today=date(2026, 12, 1),
    )
    after = counted_by_the_database(YEAR)
    assert after == counted_one_by_one(YEAR)
    received = first["complaints"]["received"]  # type: ignore[index]
    assert after["complaints"]["received"] == received - 1  # type: ignore[index]
    assert after["contacts"]["total"] == first["contacts"]["total"] - 1  # type: ignore[index]
