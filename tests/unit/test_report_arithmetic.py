"""The annual report's arithmetic (portal/domain/reports.py): periods and the period
before, per cent and change rounded half up, stage 1 bands, money, and figures() counted
by hand from short lists of cases.

figures() is given a clock that counts every calendar day, so the days in each
expectation can be read straight off the dates; working days themselves are tested in
test_clock.py, and with the real clock in tests/integration/test_annual_report.py."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from portal.domain.reports import (
    REFERRAL_OUTCOMES,
    Lesson,
    Period,
    ReportCase,
    ReportEnquiry,
    ReportReferral,
    change,
    clock_verdict,
    figures,
    financial_year,
    month,
    percent,
    pounds,
    previous,
    quarter,
    rates,
    stage1_band,
    whole_months,
)

# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "period, label",
    [
        (Period(date(2025, 4, 1), date(2026, 3, 31)), "2025 to 26"),
        (Period(date(1999, 4, 1), date(2000, 3, 31)), "1999 to 00"),
        (Period(date(2009, 4, 1), date(2010, 3, 31)), "2009 to 10"),
        (Period(date(2025, 4, 1), date(2025, 6, 30)), "1 April 2025 to 30 June 2025"),
        # Almost a financial year is not one.
        (Period(date(2025, 4, 1), date(2026, 3, 30)), "1 April 2025 to 30 March 2026"),
        (Period(date(2025, 4, 2), date(2026, 3, 31)), "2 April 2025 to 31 March 2026"),
        (Period(date(2025, 4, 1), date(2027, 3, 31)), "1 April 2025 to 31 March 2027"),
    ],
)
def test_a_period_is_labelled_as_reports_write_it(period: Period, label: str) -> None:
    assert period.label() == label


def test_a_period_counts_both_of_its_ends() -> None:
    assert Period(date(2025, 4, 1), date(2026, 3, 31)).days == 365
    assert Period(date(2023, 4, 1), date(2024, 3, 31)).days == 366  # 29 Feb 2024
    assert Period(date(2026, 1, 5), date(2026, 1, 5)).days == 1


@pytest.mark.parametrize(
    "day, first_year",
    [
        (date(2026, 3, 31), 2025),  # the last day of 2025 to 26
        (date(2026, 4, 1), 2026),  # the first day of 2026 to 27
        (date(2025, 4, 1), 2025),
        (date(2025, 12, 31), 2025),
        (date(2026, 1, 1), 2025),
        (date(2024, 2, 29), 2023),
    ],
)
def test_the_financial_year_runs_from_1_april_to_31_march(day: date, first_year: int) -> None:
    assert financial_year(day) == Period(date(first_year, 4, 1), date(first_year + 1, 3, 31))


@pytest.mark.parametrize(
    "day, start, end",
    [
        (date(2025, 4, 1), date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 6, 30), date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 7, 1), date(2025, 9, 30)),
        (date(2025, 9, 30), date(2025, 7, 1), date(2025, 9, 30)),
        (date(2025, 10, 1), date(2025, 10, 1), date(2025, 12, 31)),
        (date(2025, 12, 31), date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2024, 2, 29), date(2024, 1, 1), date(2024, 3, 31)),
        (date(2025, 11, 15), date(2025, 10, 1), date(2025, 12, 31)),
    ],
)
def test_quarters_are_april_july_october_and_january(day: date, start: date, end: date) -> None:
    assert quarter(day) == Period(start, end)


def test_every_day_of_a_year_is_in_its_own_quarter_of_three_months() -> None:
    day = date(2025, 4, 1)
    while day <= date(2026, 3, 31):
        found = quarter(day)
        assert found.start <= day <= found.end
        assert found.start.day == 1 and (found.end + timedelta(days=1)).day == 1
        assert (found.end.month - found.start.month) % 12 == 2
        day += timedelta(days=1)


def test_every_day_is_in_its_own_calendar_month() -> None:
    day = date(2023, 12, 1)
    while day <= date(2025, 3, 31):
        found = month(day)
        assert found.start == day.replace(day=1) and found.start <= day <= found.end
        assert (found.end + timedelta(days=1)).day == 1
        day += timedelta(days=1)
    assert month(date(2024, 2, 10)) == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert month(date(2024, 12, 31)) == Period(date(2024, 12, 1), date(2024, 12, 31))


def test_a_year_and_a_quarter_are_made_of_whole_months() -> None:
    year = whole_months(financial_year(date(2025, 6, 1)))
    assert [m.start for m in year] == [date(2025, n, 1) for n in range(4, 13)] + [
        date(2026, n, 1) for n in (1, 2, 3)
    ]
    assert year[-1].end == date(2026, 3, 31)
    assert whole_months(quarter(date(2026, 1, 5))) == [
        month(date(2026, 1, 1)),
        month(date(2026, 2, 1)),
        month(date(2026, 3, 1)),
    ]


def test_a_period_from_the_middle_of_a_month_leaves_out_the_months_it_cuts() -> None:
    middle = Period(date(2024, 11, 15), date(2025, 2, 14))
    assert whole_months(middle) == [month(date(2024, 12, 1)), month(date(2025, 1, 1))]
    assert whole_months(Period(date(2025, 3, 2), date(2025, 3, 31))) == []
    assert whole_months(Period(date(2025, 3, 1), date(2025, 3, 30))) == []
    assert whole_months(Period(date(2025, 2, 10), date(2025, 3, 31))) == [month(date(2025, 3, 9))]


@pytest.mark.parametrize(
    "period, before",
    [
        # A financial year: the financial year before.
        (
            Period(date(2025, 4, 1), date(2026, 3, 31)),
            Period(date(2024, 4, 1), date(2025, 3, 31)),
        ),
        # 2024 to 25 comes after 2023 to 24, which has 29 February 2024 in it.
        (
            Period(date(2024, 4, 1), date(2025, 3, 31)),
            Period(date(2023, 4, 1), date(2024, 3, 31)),
        ),
        # Anything else: the same dates a year earlier.
        (
            Period(date(2025, 4, 1), date(2025, 6, 30)),
            Period(date(2024, 4, 1), date(2024, 6, 30)),
        ),
        (
            Period(date(2026, 1, 10), date(2026, 2, 20)),
            Period(date(2025, 1, 10), date(2025, 2, 20)),
        ),
        (
            Period(date(2024, 1, 1), date(2024, 12, 31)),
            Period(date(2023, 1, 1), date(2023, 12, 31)),
        ),
        (
            Period(date(2024, 1, 1), date(2024, 3, 31)),
            Period(date(2023, 1, 1), date(2023, 3, 31)),
        ),
        # February 2025: February 2024 to the 28th, as the same dates.
        (
            Period(date(2025, 2, 1), date(2025, 2, 28)),
            Period(date(2024, 2, 1), date(2024, 2, 28)),
        ),
    ],
)
def test_the_previous_period(period: Period, before: Period) -> None:
    assert previous(period) == before


def test_the_previous_period_of_29_february_alone_is_one_day_a_year_before() -> None:
    before = previous(Period(date(2024, 2, 29), date(2024, 2, 29)))
    assert before.days == 1
    assert before.start in (date(2023, 2, 28), date(2023, 3, 1))


def test_the_previous_period_of_february_2024_is_february_2023() -> None:
    assert previous(Period(date(2024, 2, 1), date(2024, 2, 29))) == Period(
        date(2023, 2, 1), date(2023, 2, 28)
    )


def test_the_year_before_a_year_ending_on_29_february_does_not_overlap_it() -> None:
    period = Period(date(2023, 3, 1), date(2024, 2, 29))
    before = previous(period)
    assert before.end < period.start
    assert before == Period(date(2022, 3, 1), date(2023, 2, 28))


def test_a_period_from_29_february_is_compared_with_the_same_end_date() -> None:
    before = previous(Period(date(2024, 2, 29), date(2024, 3, 31)))
    assert before.end == date(2023, 3, 31)
    assert before.start in (date(2023, 2, 28), date(2023, 3, 1))


# --- per cent, change, bands, money ---------------------------------------------------------


@pytest.mark.parametrize(
    "part, whole, expected",
    [
        (1, 3, Decimal("33.3")),
        (2, 3, Decimal("66.7")),
        (1, 8, Decimal("12.5")),
        (1, 16, Decimal("6.3")),  # 6.25: half up
        (1, 40, Decimal("2.5")),
        (11, 880, Decimal("1.3")),  # 1.25: half up
        (129, 7140, Decimal("1.8")),  # the committee's example
        (0, 5, Decimal("0.0")),
        (5, 5, Decimal("100.0")),
        (7, 10, Decimal("70.0")),
    ],
)
def test_percent_is_rounded_half_up_to_one_decimal(
    part: int, whole: int, expected: Decimal
) -> None:
    found = percent(part, whole)
    assert found == expected and str(found) == str(expected)


def test_a_share_of_nothing_is_none() -> None:
    assert percent(0, 0) is None
    assert percent(3, 0) is None


@pytest.mark.parametrize(
    "now, before, expected",
    [
        (11, 3, "266.7"),  # +8 on 3
        (3, 1, "200.0"),
        (4, 2, "100.0"),
        (5, 5, "0.0"),
        (0, 5, "-100.0"),
        (1, 8, "-87.5"),
        (15, 16, "-6.3"),  # -6.25: half away from zero
        (17, 16, "6.3"),  # +6.25
        (2, 3, "-33.3"),
    ],
)
def test_change_is_in_per_cent_of_the_period_before(now: int, before: int, expected: str) -> None:
    assert str(change(now, before)) == expected


def test_change_from_nothing_is_none() -> None:
    assert change(4, 0) is None
    assert change(0, 0) is None


@pytest.mark.parametrize(
    "days, band",
    [
        (0, "in_10"),
        (10, "in_10"),
        (11, "in_11_to_20"),
        (20, "in_11_to_20"),
        (21, "over_20"),
        (65, "over_20"),
    ],
)
def test_stage1_bands_at_their_boundaries(days: int, band: str) -> None:
    assert stage1_band(days) == band


@pytest.mark.parametrize(
    "pence, written",
    [
        (308196, "3081.96"),
        (0, "0.00"),
        (5, "0.05"),
        (50, "0.50"),
        (15000, "150.00"),
        (100000000, "1000000.00"),
        (308196 + 200000 + 150050, "6582.46"),
    ],
)
def test_pounds_are_written_exactly_with_two_decimals(pence: int, written: str) -> None:
    assert pounds(pence) == written


def test_rates_are_complaints_as_a_share_of_each_context_figure() -> None:
    assert rates(11, {"referrals": 880, "social_care_contacts": 2200, "children": None}) == {
        "complaints_per_referrals_percent": 1.3,
        "complaints_per_social_care_contacts_percent": 0.5,
        "complaints_per_children_percent": None,
    }
    assert rates(11, {"children_looked_after": 0}) == {
        "complaints_per_children_looked_after_percent": None
    }


# --- figures(), from cases built by hand ------------------------------------------------------

TEAMS = ["Looked After Children", "Fostering", "Early Help"]
CATEGORIES = ["delay", "policy", "other"]
RECEIVED = date(2025, 6, 2)


def calendar_days(start: date, end: date) -> int:
    return max((end - start).days, 0)


def complaint(**fields: Any) -> ReportCase:
    base = ReportCase(
        kind="complaint", received_on=RECEIVED, submitter_role="parent", team="Fostering"
    )
    return replace(base, **fields)


def count(cases: list[ReportCase], **options: Any) -> dict[str, Any]:
    return figures(
        cases,
        working_days=calendar_days,
        teams=TEAMS,
        categories=CATEGORIES,
        **options,
    )


def test_a_complaint_counts_in_every_stage_it_reached() -> None:
    cases = [
        complaint(stage_reached="informal", outcome="resolved_informally"),
        complaint(stage_reached="1", outcome="upheld"),
        complaint(stage_reached="1", outcome="withdrawn"),
        complaint(stage_reached="2", outcome="not_upheld"),
        complaint(stage_reached="3", outcome="not_upheld"),
        complaint(),  # not yet through triage
        replace(complaint(), kind="compliment"),
    ]
    found = count(cases)["complaints"]
    assert found == {
        "received": 6,
        "resolved_informally": 1,
        "resolved_informally_percent_of_contacts": 14.3,  # 1 of 7 contacts
        "stage1": 4,  # the two at 1, the one at 2, the one at 3
        "stage2": 2,  # at 2, at 3
        "stage3": 1,
        "resolved_at_stage1_percent": 50.0,  # 4 reached stage 1, 2 went on
        "corporate_procedure": 0,
    }


def test_a_complaint_under_the_corporate_procedure_is_only_counted_apart() -> None:
    """domain.md: a child protection decision or a court report is not a statutory
    complaint; the report counts it apart, and in nothing else."""
    cases = [
        complaint(procedure="england_children_2006", stage_reached="1", outcome="upheld"),
        complaint(procedure=None, stage_reached="1"),  # imported: the statutory procedure
        complaint(
            procedure="corporate",
            stage_reached="2",
            outcome="upheld",
            categories=("delay",),
            acknowledged_on=RECEIVED,
            acknowledge_by=RECEIVED,
            stage1_responded_on=RECEIVED + timedelta(days=30),
            ex_gratia_payments=(5000,),
        ),
    ]
    found = count(cases)
    assert found["contacts"]["complaint"] == found["contacts"]["total"] == 2
    assert found["complaints"]["received"] == found["complaints"]["stage1"] == 2
    assert found["complaints"]["stage2"] == 0
    assert found["complaints"]["corporate_procedure"] == 1
    assert found["by_category"]["delay"] == 0
    assert found["by_team_outcome"]["Fostering"]["upheld"] == 1
    assert found["timeliness"]["acknowledged"] == found["timeliness"]["stage1_responses"] == 0
    assert found["costs"]["ex_gratia_payments"] == 0


def test_resolved_at_stage1_is_none_when_nothing_reached_stage1() -> None:
    found = count([complaint(stage_reached="informal")])["complaints"]
    assert found["stage1"] == 0
    assert found["resolved_at_stage1_percent"] is None
    assert count([])["complaints"]["resolved_informally_percent_of_contacts"] is None


def test_contacts_by_kind_and_complaints_by_who_made_them() -> None:
    cases = [
        complaint(submitter_role="child"),
        complaint(submitter_role="child"),
        complaint(submitter_role="advocate"),
        replace(complaint(submitter_role="foster_carer"), kind="compliment"),
        replace(complaint(submitter_role="relative"), kind="representation"),
        replace(complaint(submitter_role="child"), kind="advocacy"),
    ]
    found = count(cases)
    assert found["contacts"] == {
        "complaint": 3,
        "compliment": 1,
        "advocacy": 1,
        "representation": 1,
        "total": 6,
    }
    assert found["by_source"] == {
        "child": 2,
        "parent": 0,
        "foster_carer": 0,  # a compliment
        "kinship_carer": 0,
        "relative": 0,  # a representation
        "professional": 0,
        "advocate": 1,
        "other": 0,
    }


def test_a_complaint_in_two_categories_counts_in_both() -> None:
    cases = [
        complaint(categories=("delay", "policy")),
        complaint(categories=("delay",)),
        replace(complaint(categories=("other",)), kind="representation"),
    ]
    assert count(cases)["by_category"] == {"delay": 2, "policy": 1, "other": 0}


def test_team_and_outcome_lists_every_team_and_no_team_only_when_needed() -> None:
    cases = [
        complaint(team="Looked After Children", outcome="upheld", categories=("delay",)),
        complaint(team="Looked After Children", outcome="partially_upheld"),
        complaint(team="Fostering", outcome="no_finding", categories=("delay", "policy")),
        complaint(team="Fostering", outcome="withdrawn", categories=("delay",)),
        complaint(team="Early Help", outcome="resolved_informally"),
        complaint(team="Early Help"),  # no outcome yet
    ]
    zero = {"upheld": 0, "partially_upheld": 0, "not_upheld": 0, "no_finding": 0}
    assert count(cases)["by_team_outcome"] == {
        "Looked After Children": zero | {"upheld": 1, "partially_upheld": 1},
        "Fostering": zero | {"no_finding": 1},
        "Early Help": zero,
    }
    assert count(cases, category="delay")["by_team_outcome"] == {
        "Looked After Children": zero | {"upheld": 1},
        "Fostering": zero | {"no_finding": 1},
        "Early Help": zero,
    }
    no_team = [*cases, complaint(team=None, outcome="not_upheld")]
    assert count(no_team)["by_team_outcome"]["No team"] == zero | {"not_upheld": 1}
    # A team the report does not list (the advocacy provider) still has its row.
    elsewhere = [complaint(team="Advocacy provider", outcome="upheld")]
    assert count(elsewhere)["by_team_outcome"]["Advocacy provider"] == zero | {"upheld": 1}


def test_timeliness_bands_averages_and_extensions() -> None:
    day = RECEIVED
    cases = [
        # Acknowledged after 0, 3 and 4 days, each due after 3; one never.
        complaint(
            acknowledged_on=day,
            acknowledge_by=day + timedelta(days=3),
            stage1_responded_on=day + timedelta(days=10),
        ),
        complaint(
            acknowledged_on=day + timedelta(days=3),
            acknowledge_by=day + timedelta(days=3),
            stage1_responded_on=day + timedelta(days=11),
            stage1_extended=True,
        ),
        complaint(
            acknowledged_on=day + timedelta(days=4),
            acknowledge_by=day + timedelta(days=3),
            stage1_responded_on=day + timedelta(days=21),
            stage1_extended=True,
        ),
        complaint(stage1_extended=True),  # extended, not answered yet
        complaint(
            stage1_responded_on=day + timedelta(days=20),
            stage2_started_on=day + timedelta(days=30),
            stage2_adjudicated_on=day + timedelta(days=55),  # 25
            stage3_requested_on=day + timedelta(days=60),
            panel_on=day + timedelta(days=90),  # 30
            stage3_responded_on=day + timedelta(days=110),  # 50
        ),
        complaint(
            stage2_started_on=day,
            stage2_adjudicated_on=day + timedelta(days=26),
            stage2_extended=True,
            stage3_requested_on=day + timedelta(days=30),
            panel_on=day + timedelta(days=61),  # 31
        ),
        complaint(stage2_started_on=day, stage2_adjudicated_on=day + timedelta(days=66)),
        complaint(stage2_started_on=day, stage2_extended=True),  # not adjudicated yet
    ]
    assert count(cases)["timeliness"] == {
        "acknowledged": 3,
        "acknowledged_in_time": 2,
        "acknowledged_late": 1,
        "acknowledged_in_time_percent": 66.7,
        "stage1_responses": 4,  # 10, 11, 21, 20
        # No clock record (as an imported case): in time within 10, or 20 when extended.
        "stage1_in_time": 2,  # 10; 11 extended
        "stage1_in_time_percent": 50.0,
        "stage1_within_agreed_extension": 1,  # the one at 11
        "stage1_late": 2,  # 21 extended; 20 not extended
        "stage1_in_10": 1,
        "stage1_in_11_to_20": 2,
        "stage1_over_20": 1,
        "stage1_in_10_percent": 25.0,
        "stage1_average_working_days": 15.5,  # 62 / 4
        "stage1_extended": 3,
        "stage2_adjudications": 3,  # 25, 26, 66
        "stage2_in_25": 1,
        "stage2_in_26_to_65": 1,
        "stage2_over_65": 1,
        "stage2_extended": 2,
        "stage2_average_working_days": 39.0,  # 117 / 3
        "stage3_panels": 2,  # 30, 31
        "stage3_panel_in_30": 1,
        "stage3_responses": 1,
        "stage3_average_working_days": 50.0,
    }


def test_stage1_in_time_is_what_the_cases_clock_record_says_whatever_the_working_days() -> None:
    """A Welsh response at 15 working days from receipt that its clock record fixed as in
    time (the discussion and the written resolution each within its limit) is in time; an
    English one at 9 that the record fixed as late (due earlier by the council's own
    target, say) is late. The bands still count working days from receipt."""
    day = RECEIVED
    cases = [
        complaint(stage1_responded_on=day + timedelta(days=15), stage1_on_time=True),
        complaint(stage1_responded_on=day + timedelta(days=9), stage1_on_time=False),
        complaint(
            stage1_responded_on=day + timedelta(days=25),
            stage1_extended=True,
            stage1_on_time=True,
        ),
    ]
    found = count(cases)["timeliness"]
    assert {key: found[key] for key in found if key.startswith("stage1_")} == {
        "stage1_responses": 3,
        "stage1_in_time": 2,  # the one at 15, the one at 25 within its extension
        "stage1_in_time_percent": 66.7,
        "stage1_within_agreed_extension": 1,
        "stage1_late": 1,
        "stage1_in_10": 1,
        "stage1_in_11_to_20": 1,
        "stage1_over_20": 1,
        "stage1_in_10_percent": 33.3,
        "stage1_average_working_days": 16.3,  # 49 / 3
        "stage1_extended": 1,
    }


@pytest.mark.parametrize(
    ("on_times", "verdict"),
    [
        ([], None),  # nothing fixed: no verdict on record
        ([True], True),  # England: the response in time
        ([True, True], True),  # Wales: the discussion and the written resolution
        ([False, True], False),  # Wales: a late discussion makes stage 1 late
        ([True, False], False),
    ],
)
def test_a_cases_clock_record_makes_stage1_late_if_any_step_was_late(
    on_times: list[bool], verdict: bool | None
) -> None:
    assert clock_verdict(on_times) is verdict


def test_an_acknowledgement_is_counted_late_against_the_cases_own_date() -> None:
    day = RECEIVED
    cases = [
        # Wales: 2 working days by law; on the third it is late.
        complaint(acknowledged_on=day + timedelta(days=3), acknowledge_by=day + timedelta(days=2)),
        complaint(acknowledged_on=day + timedelta(days=2), acknowledge_by=day + timedelta(days=2)),
        # England: the council's 3 days; on the third it is in time.
        complaint(acknowledged_on=day + timedelta(days=3), acknowledge_by=day + timedelta(days=3)),
        # A past case with no date to measure against is not claimed as in time.
        complaint(acknowledged_on=day),
    ]
    timeliness = count(cases)["timeliness"]
    assert (
        timeliness["acknowledged"],
        timeliness["acknowledged_in_time"],
        timeliness["acknowledged_late"],
    ) == (4, 2, 2)
    assert timeliness["acknowledged_in_time_percent"] == 50.0


def test_averages_are_rounded_half_up_and_none_without_cases() -> None:
    day = RECEIVED
    answered = [
        complaint(stage1_responded_on=day + timedelta(days=n)) for n in (1, 2, 2)
    ]  # 5 / 3 = 1.666...
    assert count(answered)["timeliness"]["stage1_average_working_days"] == 1.7
    halves = [complaint(stage1_responded_on=day + timedelta(days=n)) for n in (10, 11)]
    assert count(halves)["timeliness"]["stage1_average_working_days"] == 10.5
    quarters = [complaint(stage1_responded_on=day + timedelta(days=n)) for n in (1, 1, 1, 2)]
    assert count(quarters)["timeliness"]["stage1_average_working_days"] == 1.3  # 1.25
    empty = count([])["timeliness"]
    assert empty["stage1_average_working_days"] is None
    assert empty["stage1_in_10_percent"] is None
    assert empty["acknowledged_in_time_percent"] is None


def test_costs_count_every_payment_and_add_it_up_exactly() -> None:
    cases = [
        complaint(stage2_cost_pence=308196, ex_gratia_payments=(25000,)),
        complaint(stage2_cost_pence=150050),
        complaint(ex_gratia_payments=(15000,)),
        # Paid at stage 1 and again at stage 2: two payments.
        complaint(ex_gratia_payments=(5000, 10000)),
        complaint(stage2_cost_pence=None, ex_gratia_payments=()),
        replace(complaint(ex_gratia_payments=(999,)), kind="representation"),
    ]
    assert count(cases)["costs"] == {
        "stage2_cases": 2,
        "stage2_total": "4582.46",
        "ex_gratia_payments": 4,
        "ex_gratia_total": "550.00",
    }


def test_the_ombudsman_referred_count_includes_decided_imported_cases() -> None:
    cases = [
        complaint(ombudsman="referred"),
        complaint(ombudsman="upheld"),
        complaint(ombudsman="not_upheld"),
        complaint(ombudsman="premature"),
        complaint(ombudsman="premature"),
        complaint(),
    ]
    assert count(cases)["ombudsman"] == {
        "referred": 5,
        "upheld": 1,
        "not_upheld": 1,
        "not_investigated": 0,
        "premature": 2,
        "maladministration": 0,
        "injustice": 0,
        "remedies": 0,
        "remedies_on_time": 0,
    }


def test_the_ombudsman_s_enquiries_count_decisions_findings_and_remedies_on_time() -> None:
    arrived = date(2025, 6, 2)
    enquiries = [
        ReportEnquiry(arrived),
        ReportEnquiry(arrived, "upheld", True, True, remedies_on_time=(True, False)),
        ReportEnquiry(arrived, "upheld", True, False, remedies_on_time=(True,)),
        ReportEnquiry(arrived, "not_upheld", False, False),
        ReportEnquiry(arrived, "not_investigated"),
    ]
    # An imported case that went to the ombudsman counts beside them.
    assert count([complaint(ombudsman="premature")], enquiries=enquiries)["ombudsman"] == {
        "referred": 6,
        "upheld": 2,
        "not_upheld": 1,
        "not_investigated": 1,
        "premature": 1,
        "maladministration": 2,
        "injustice": 1,
        "remedies": 3,
        "remedies_on_time": 2,
    }


def test_compliments_and_representations_by_team() -> None:
    def compliment(**fields: Any) -> ReportCase:
        return replace(complaint(**fields), kind="compliment")

    cases = [
        compliment(team="Fostering", worker_named=True),
        compliment(team="Fostering"),
        compliment(team=None, worker_named=True),
        complaint(team="Early Help", worker_named=True),  # a complaint: not counted
        replace(complaint(team="Early Help"), kind="representation"),
    ]
    found = count(cases)
    assert found["compliments"] == {
        "total": 3,
        "about_a_named_worker": 2,
        "by_team": {"Fostering": 2, "No team": 1},
    }
    assert found["representations"] == {"total": 1, "by_team": {"Early Help": 1}}


def test_advocacy_offered_and_taken_up_by_children_who_complained() -> None:
    cases = [
        complaint(submitter_role="child", advocacy_answer="accepted"),
        complaint(submitter_role="child", advocacy_answer="already_has_one"),
        complaint(submitter_role="child", advocacy_answer="declined"),
        complaint(submitter_role="child", advocacy_answer="not_sure"),
        complaint(submitter_role="child"),  # no answer recorded: not offered
        complaint(submitter_role="advocate", advocacy_answer="filed_by_advocate"),
        complaint(submitter_role="parent", advocacy_answer="accepted"),  # not a child
        replace(complaint(submitter_role="child", advocacy_answer="requested"), kind="advocacy"),
    ]
    assert (
        count(cases)["advocacy"]
        == {
            "requests": 1,
            "children_who_complained": 6,
            "offered": 5,
            # accepted, already had one, and the advocate who complained for the child
            "took_up": 3,
            "take_up_percent": 60.0,
        }
        | referral_figures()
    )


def referral_figures(**figures: Any) -> dict[str, Any]:
    """The advocacy section's referral figures: none made, unless said."""
    none: dict[str, Any] = {
        "referrals": 0,
        "referrals_from_requests": 0,
        "referrals_from_offers": 0,
        "referrals_from_staff": 0,
        "referrals_accepted": 0,
        "referrals_declined": 0,
        "referrals_first_contact": 0,
        "referral_take_up_percent": None,
        "first_contact_median_working_days": None,
        "first_contact_within_contract": 0,
        "first_contact_within_contract_percent": None,
        "referral_outcomes": dict.fromkeys(REFERRAL_OUTCOMES, 0),
    }
    return none | figures


def test_referrals_to_the_advocacy_provider_by_source_step_and_outcome() -> None:
    """Working days here are calendar days (`calendar_days`): the arithmetic alone."""
    made = date(2025, 6, 2)
    due = made + timedelta(days=1)

    def referral(source: str, status: str, contact: int | None = None, **more: Any) -> Any:
        return ReportReferral(
            made_on=made,
            due_on=due,
            source=source,
            status=status,
            first_contact_on=made + timedelta(days=contact) if contact is not None else None,
            **more,
        )

    referrals = [
        referral("request", "closed", 0, outcome="supported_complaint"),
        referral("request", "accepted", 1),
        referral("offer", "closed", 4, outcome="no_contact"),
        referral("offer", "accepted", 90),  # counted as 60 for the median's tallies
        referral("offer", "waiting"),
        referral("staff", "declined"),
    ]
    advocacy = count([], referrals=referrals)["advocacy"]
    assert {key: advocacy[key] for key in referral_figures()} == referral_figures(
        referrals=6,
        referrals_from_requests=2,
        referrals_from_offers=3,
        referrals_from_staff=1,
        referrals_accepted=4,
        referrals_declined=1,
        referrals_first_contact=4,
        referral_take_up_percent=66.7,
        first_contact_median_working_days=2.5,  # 0, 1, 4, 60
        first_contact_within_contract=2,  # on the day made, and the day after
        first_contact_within_contract_percent=50.0,
        referral_outcomes=dict.fromkeys(REFERRAL_OUTCOMES, 0)
        | {"supported_complaint": 1, "no_contact": 1},
    )


def test_lessons_are_listed_as_given() -> None:
    lessons = (
        Lesson(team="Early Help", lesson="Letters were unclear.", action="Plain English."),
        Lesson(team="Fostering", lesson="Visits were missed.", action="A rota."),
    )
    assert count([], lessons=lessons)["lessons"] == [
        {"team": "Early Help", "lesson": "Letters were unclear.", "action": "Plain English."},
        {"team": "Fostering", "lesson": "Visits were missed.", "action": "A rota."},
    ]
